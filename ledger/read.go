package ledger

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
)

// snapshot is a read-only kv over one Badger snapshot.
type snapshot struct{ txn *badger.Txn }

var errReadOnly = errors.New("read-only snapshot")

func (r snapshot) Get(k []byte) ([]byte, bool, error) {
	item, err := r.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

func (r snapshot) Set([]byte, []byte) error { return errReadOnly }
func (r snapshot) Delete([]byte) error      { return errReadOnly }

func (r snapshot) Scan(prefix []byte, fn func(k, v []byte) error) error {
	it := r.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(it.Item().Key(), v); err != nil {
			return err
		}
	}
	return nil
}

// view runs fn on a consistent snapshot; it never blocks the writer.
func (s *Service) view(fn func(r kv) error) error {
	return s.log.DB().View(func(txn *badger.Txn) error { return fn(snapshot{txn}) })
}

// viewTxn is view with access to the raw transaction (reverse iteration).
func (s *Service) viewTxn(fn func(txn *badger.Txn) error) error {
	return s.log.DB().View(fn)
}

// scanFrom is Scan over prefix starting at key start (inclusive). It reads
// a snapshot directly when it can, so a range costs what it returns.
func scanFrom(r kv, prefix, start []byte, fn func(k, v []byte) error) error {
	snap, ok := r.(snapshot)
	if !ok {
		return r.Scan(prefix, func(k, v []byte) error {
			if string(k) < string(start) {
				return nil
			}
			return fn(k, v)
		})
	}
	it := snap.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	for it.Seek(start); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(it.Item().Key(), v); err != nil {
			return err
		}
	}
	return nil
}
