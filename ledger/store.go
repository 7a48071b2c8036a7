package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Apply functions, commands and queries reach the projections through a
// proj.Store (package proj owns every key and byte layout); the records
// they keep there are the JSON of the domain's types.

// getJSON loads key into v; ok is false when absent.
func getJSON(s proj.Store, k []byte, v any) (bool, error) {
	b, ok, err := s.Get(k)
	if !ok || err != nil {
		return ok, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("corrupt record %q: %w", k, err)
	}
	return true, nil
}

func setJSON(s proj.Store, k []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.Set(k, b)
}

// eventData decodes the data of event seq, as store s sees the log, into d.
func eventData[D any](s proj.Store, seq uint64, d *D) error {
	e, err := s.Event(seq)
	if err != nil {
		return err
	}
	return data(e, d)
}

// view runs fn on a consistent snapshot; it never blocks the writer.
func (s *Service) view(fn func(r *proj.Snapshot) error) error { return proj.View(s.log, fn) }
