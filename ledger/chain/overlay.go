package chain

import (
	"bytes"
	"errors"
	"sort"

	"github.com/dgraph-io/badger/v4"
)

// view is what a command reads: its own writes, then the writes of earlier
// commands of its batch, then those of the batch being committed (if
// any), then a snapshot of the store taken before that commit started.
// This lets the writer run the next batch's commands while the previous
// batch is being synced (pipelined group commit).
type view struct {
	layers   []map[string][]byte // newest first; a nil value marks a delete
	base     *badger.Txn         // read-only snapshot
	baseSize uint64              // the log size base holds
}

// get returns the value of k as the view sees it, a copy.
func (v *view) get(k []byte) ([]byte, bool, error) {
	for _, m := range v.layers {
		if val, hit := m[string(k)]; hit {
			if val == nil {
				return nil, false, nil
			}
			return append([]byte(nil), val...), true, nil
		}
	}
	return v.stored(k)
}

// peek is get without copying a value the writer holds (see Tx.Peek). A
// key only events from index since > 0 on can have written is not looked
// for in base when base holds no such event.
func (v *view) peek(k []byte, since uint64) ([]byte, bool, error) {
	for _, m := range v.layers {
		if val, hit := m[string(k)]; hit {
			return val, val != nil, nil
		}
	}
	if since > 0 && since >= v.baseSize {
		return nil, false, nil
	}
	return v.stored(k)
}

// stored reads k from the snapshot.
func (v *view) stored(k []byte) ([]byte, bool, error) {
	item, err := v.base.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	val, err := item.ValueCopy(nil)
	return val, err == nil, err
}

// scan calls fn for every live key with prefix, in key order.
func (v *view) scan(prefix []byte, fn func(k, val []byte) error) error {
	// Overlay entries with the prefix, newest layer winning.
	over := map[string][]byte{}
	for i := len(v.layers) - 1; i >= 0; i-- {
		for k, val := range v.layers[i] {
			if len(k) >= len(prefix) && k[:len(prefix)] == string(prefix) {
				over[k] = val
			}
		}
	}
	keys := make([]string, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	it := v.base.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	it.Rewind()
	for {
		var bk []byte
		if it.Valid() {
			bk = it.Item().Key()
		}
		if len(keys) > 0 && (bk == nil || keys[0] <= string(bk)) {
			k := keys[0]
			keys = keys[1:]
			if bk != nil && k == string(bk) {
				it.Next() // the overlay shadows the stored value
			}
			if val := over[k]; val != nil {
				if err := fn([]byte(k), val); err != nil {
					return err
				}
			}
			continue
		}
		if bk == nil {
			return nil
		}
		val, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(bytes.Clone(bk), val); err != nil {
			return err
		}
		it.Next()
	}
}
