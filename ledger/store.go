package ledger

import (
	"encoding/json"
	"fmt"
)

// kv is what apply functions and commands read and write: a chain.Tx in
// the writer, or a replay transaction when rebuilding projections.
type kv interface {
	Get(key []byte) ([]byte, bool, error)
	Set(key, val []byte) error
	Delete(key []byte) error
	Scan(prefix []byte, fn func(key, val []byte) error) error
}

// getJSON loads key into v; ok is false when absent.
func getJSON(s kv, k []byte, v any) (bool, error) {
	b, ok, err := s.Get(k)
	if !ok || err != nil {
		return ok, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("corrupt record %q: %w", k, err)
	}
	return true, nil
}

func setJSON(s kv, k []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.Set(k, b)
}
