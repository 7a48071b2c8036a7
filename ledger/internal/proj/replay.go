package proj

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Replay: projections are a pure function of the log. Rebuild replays the
// log into its store; a Checker replays it into memory beside the log and
// compares. The keys of the chain, idempotency records, sign-in state
// (signin.go) and the format key are not projections and are left alone.

// Apply updates the projections for one event (the domain's apply).
type Apply func(s Store, e *chain.Event) error

// isProjectionKey reports whether k is a projection's key.
func isProjectionKey(k []byte) bool {
	return !bytes.HasPrefix(k, []byte(prefixChain)) && !bytes.HasPrefix(k, []byte(prefixIdem)) &&
		!bytes.HasPrefix(k, []byte(prefixSignIn)) && string(k) != keyFormat
}

// replayTx is the Store of a replay: a Badger transaction, committed and
// renewed whenever it is full and every 256 events.
type replayTx struct {
	db    *badger.DB
	txn   *badger.Txn
	apply Apply
	n     int
	log   *chain.Log // where events are read, when db does not hold them
	// memo is the value of the last Peek (Peek then Extend reads once).
	memo struct {
		key string
		val []byte
		set bool
	}
}

func newReplayTx(db *badger.DB, apply Apply) *replayTx {
	return &replayTx{db: db, txn: db.NewTransaction(true), apply: apply}
}

// Get implements Store.
func (r *replayTx) Get(k []byte) ([]byte, bool, error) { return txnGet(r.txn, k) }

// Peek implements Store.
func (r *replayTx) Peek(k []byte) ([]byte, bool, error) {
	v, ok, err := txnGet(r.txn, k)
	if err == nil {
		r.memo.key, r.memo.val, r.memo.set = string(k), v, true
	}
	return v, ok, err
}

// PeekSince implements Store.
func (r *replayTx) PeekSince(k []byte, _ uint64) ([]byte, bool, error) { return r.Peek(k) }

// Set implements Store.
func (r *replayTx) Set(k, v []byte) error {
	r.forget(k)
	return r.write(func() error { return r.txn.Set(bytes.Clone(k), append([]byte{}, v...)) })
}

// Extend implements Store.
func (r *replayTx) Extend(k, b []byte) error {
	v := r.memo.val
	if !r.memo.set || r.memo.key != string(k) {
		var err error
		if v, _, err = txnGet(r.txn, k); err != nil {
			return err
		}
	}
	return r.Set(k, append(v, b...))
}

// Delete implements Store.
func (r *replayTx) Delete(k []byte) error {
	r.forget(k)
	return r.write(func() error { return r.txn.Delete(bytes.Clone(k)) })
}

// Scan implements Store.
func (r *replayTx) Scan(prefix []byte, fn func(k, v []byte) error) error {
	return txnScan(r.txn, prefix, prefix, 64, fn)
}

// Event implements Store: from the log beside the store, if any, else
// from the store.
func (r *replayTx) Event(seq uint64) (*chain.Event, error) {
	if r.log == nil {
		return storedEvent(r, seq)
	}
	b, err := r.log.Event(seq)
	if err != nil {
		return nil, err
	}
	return eventOf(seq, b)
}

func (r *replayTx) forget(k []byte) {
	if r.memo.set && r.memo.key == string(k) {
		r.memo.set, r.memo.val = false, nil
	}
}

// write runs w, first committing what the transaction holds if it is full
// (Badger counts every write, so records rewritten often fill it early).
func (r *replayTx) write(w func() error) error {
	err := w()
	if errors.Is(err, badger.ErrTxnTooBig) {
		if err = r.flush(); err == nil {
			err = w()
		}
	}
	return err
}

// event applies the event with bytes b.
func (r *replayTx) event(b []byte) error {
	e, err := chain.Decode(b)
	if err != nil {
		return err
	}
	if err := r.apply(r, e); err != nil {
		return err
	}
	if r.n++; r.n%256 == 0 {
		return r.flush()
	}
	return nil
}

func (r *replayTx) flush() error {
	if err := r.txn.Commit(); err != nil {
		return err
	}
	r.txn = r.db.NewTransaction(true)
	r.memo.set, r.memo.val = false, nil
	return nil
}

// Rebuild deletes every projection in log's store and replays the log into
// it with apply. Nothing else may write meanwhile.
func Rebuild(log *chain.Log, apply Apply) (events uint64, err error) {
	db := log.DB()
	var stale [][]byte
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if k := it.Item().KeyCopy(nil); isProjectionKey(k) {
				stale = append(stale, k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	wb := db.NewWriteBatch()
	for _, k := range stale {
		if err := wb.Delete(k); err != nil {
			return 0, err
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, err
	}
	r := newReplayTx(db, apply)
	err = log.Events(0, 0, func(i uint64, b []byte) error {
		events = i + 1
		if err := r.event(b); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		return nil
	})
	if err != nil {
		r.txn.Discard()
		return 0, err
	}
	return events, r.txn.Commit()
}

// Checker replays events into an in-memory store, one by one as a
// verification reads them, then compares the result with the stored
// projections.
type Checker struct {
	mem *badger.DB
	r   *replayTx
}

// NewChecker returns a Checker that replays events of log with apply.
func NewChecker(log *chain.Log, apply Apply) (*Checker, error) {
	mem, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithDetectConflicts(false).WithLogger(nil))
	if err != nil {
		return nil, err
	}
	r := newReplayTx(mem, apply)
	r.log = log
	return &Checker{mem: mem, r: r}, nil
}

// Event applies the next event of the log, its bytes b.
func (c *Checker) Event(b []byte) error { return c.r.event(b) }

// Close discards the replay.
func (c *Checker) Close() error {
	c.r.txn.Discard()
	return c.mem.Close()
}

// Compare reports, as an error, the first key where the projections in
// log's store differ from the replay, then closes the Checker.
func (c *Checker) Compare(log *chain.Log) error {
	defer c.mem.Close()
	if err := c.r.txn.Commit(); err != nil {
		return err
	}
	return log.DB().View(func(st *badger.Txn) error {
		return c.mem.View(func(mt *badger.Txn) error {
			a := st.NewIterator(badger.IteratorOptions{PrefetchValues: true})
			defer a.Close()
			b := mt.NewIterator(badger.IteratorOptions{PrefetchValues: true})
			defer b.Close()
			a.Rewind()
			b.Rewind()
			for {
				for a.Valid() && !isProjectionKey(a.Item().Key()) {
					a.Next()
				}
				if !a.Valid() || !b.Valid() {
					break
				}
				ka, kb := a.Item().Key(), b.Item().Key()
				if c := bytes.Compare(ka, kb); c != 0 {
					if c < 0 {
						return fmt.Errorf("stored state has %q, which the log does not produce", printable(ka))
					}
					return fmt.Errorf("stored state lacks %q, which the log produces", printable(kb))
				}
				va, err := a.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				vb, err := b.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				if !bytes.Equal(va, vb) {
					return fmt.Errorf("stored state of %q differs from a replay of the log", printable(ka))
				}
				a.Next()
				b.Next()
			}
			if a.Valid() {
				return fmt.Errorf("stored state has %q, which the log does not produce", printable(a.Item().Key()))
			}
			if b.Valid() {
				return fmt.Errorf("stored state lacks %q, which the log produces", printable(b.Item().Key()))
			}
			return nil
		})
	})
}

// printable is k with bytes outside printable ASCII escaped.
func printable(k []byte) string {
	var out []byte
	for _, c := range k {
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		} else {
			out = append(out, fmt.Sprintf("\\x%02x", c)...)
		}
	}
	return string(out)
}
