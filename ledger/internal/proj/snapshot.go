package proj

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Snapshot is a read-only Store over one consistent Badger snapshot: what
// queries read. Besides the Store operations it walks lists newest first
// (Iter) and seeks (scanFrom), which only readers need.
type Snapshot struct{ txn *badger.Txn }

// View runs fn on a snapshot of log's store; it never blocks the writer.
func View(log *chain.Log, fn func(r *Snapshot) error) error {
	return log.DB().View(func(txn *badger.Txn) error { return fn(&Snapshot{txn}) })
}

// Get implements Store.
func (r *Snapshot) Get(k []byte) ([]byte, bool, error) { return txnGet(r.txn, k) }

// Peek implements Store (a copy: a snapshot holds no values of its own).
func (r *Snapshot) Peek(k []byte) ([]byte, bool, error) { return txnGet(r.txn, k) }

// PeekSince implements Store.
func (r *Snapshot) PeekSince(k []byte, _ uint64) ([]byte, bool, error) { return txnGet(r.txn, k) }

// Set fails: a snapshot is read-only.
func (r *Snapshot) Set([]byte, []byte) error { return ErrReadOnly }

// Extend fails: a snapshot is read-only.
func (r *Snapshot) Extend([]byte, []byte) error { return ErrReadOnly }

// Delete fails: a snapshot is read-only.
func (r *Snapshot) Delete([]byte) error { return ErrReadOnly }

// Scan implements Store.
func (r *Snapshot) Scan(prefix []byte, fn func(k, v []byte) error) error {
	return txnScan(r.txn, prefix, prefix, 64, fn)
}

// Event implements Store.
func (r *Snapshot) Event(seq uint64) (*chain.Event, error) { return storedEvent(r, seq) }

// scanFrom is Scan from key start (inclusive) on: a range costs what it
// returns.
func (r *Snapshot) scanFrom(prefix, start []byte, fn func(k, v []byte) error) error {
	return txnScan(r.txn, prefix, start, 256, fn)
}

func txnGet(txn *badger.Txn, k []byte) ([]byte, bool, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

// txnScan calls fn for the keys with prefix from start on, reading ahead
// prefetch values.
func txnScan(txn *badger.Txn, prefix, start []byte, prefetch int, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: prefetch})
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
