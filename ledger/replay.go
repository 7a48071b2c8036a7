package ledger

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Replay: projections are a pure function of the log. Reindex rebuilds
// them; VerifyProjections proves the stored ones equal a fresh replay.
// Keys of the chain ("c/") and idempotency records ("i/") are not
// projections and are left alone.

func isProjectionKey(k []byte) bool {
	return !bytes.HasPrefix(k, []byte("c/")) && !bytes.HasPrefix(k, []byte(pIdem)) && !bytes.Equal(k, keyProjectionFormat)
}

// replayer applies events to a Badger store in transactions of bounded size.
type replayer struct {
	db  *badger.DB
	txn *badger.Txn
	n   int
	log *chain.Log // where events are read, when db does not hold them
}

// loggedEvent reads event seq from the log beside the store, or else
// from the store.
func (r *replayer) loggedEvent(seq uint64) ([]byte, error) {
	if r.log != nil {
		return r.log.Event(seq)
	}
	return storedEvent(r, seq)
}

func (r *replayer) Get(k []byte) ([]byte, bool, error) { return snapshot{r.txn}.Get(k) }
func (r *replayer) Set(k, v []byte) error {
	return r.write(func() error { return r.txn.Set(append([]byte{}, k...), append([]byte{}, v...)) })
}
func (r *replayer) Delete(k []byte) error {
	return r.write(func() error { return r.txn.Delete(append([]byte{}, k...)) })
}

// write runs w, first committing what the transaction holds if it is full
// (Badger counts every write, so records rewritten often fill it early).
func (r *replayer) write(w func() error) error {
	err := w()
	if errors.Is(err, badger.ErrTxnTooBig) {
		if err = r.flush(); err == nil {
			err = w()
		}
	}
	return err
}
func (r *replayer) Scan(prefix []byte, fn func(k, v []byte) error) error {
	return snapshot{r.txn}.Scan(prefix, fn)
}

func (r *replayer) apply(b []byte) error {
	e, err := chain.Decode(b)
	if err != nil {
		return err
	}
	if err := apply(r, e); err != nil {
		return err
	}
	if r.n++; r.n%256 == 0 {
		return r.flush()
	}
	return nil
}

func (r *replayer) flush() error {
	if err := r.txn.Commit(); err != nil {
		return err
	}
	r.txn = r.db.NewTransaction(true)
	return nil
}

func newReplayer(db *badger.DB) *replayer { return &replayer{db: db, txn: db.NewTransaction(true)} }

// Reindex deletes every projection of the ledger in cfg.Dir and rebuilds
// them from the log. Run it with the server stopped.
func Reindex(cfg Config) (events uint64, err error) {
	s, err := Open(cfg)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
	}()
	if s.rebuilt { // Open already rebuilt them (an older format)
		return s.log.Size(), nil
	}
	return rebuildProjections(s)
}

// rebuildProjections deletes every projection of s and replays its log.
// Nothing else may write meanwhile.
func rebuildProjections(s *Service) (events uint64, err error) {
	db := s.log.DB()
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
	r := newReplayer(db)
	err = s.log.Events(0, 0, func(i uint64, b []byte) error {
		events = i + 1
		if err := r.apply(b); err != nil {
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

// projectionChecker replays events into an in-memory store while Verify
// walks the log, then compares the result with the stored projections.
type projectionChecker struct {
	mem *badger.DB
	r   *replayer
}

func newProjectionChecker(log *chain.Log) (*projectionChecker, error) {
	mem, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithDetectConflicts(false).WithLogger(nil))
	if err != nil {
		return nil, err
	}
	r := newReplayer(mem)
	r.log = log
	return &projectionChecker{mem: mem, r: r}, nil
}

// compare reports the first key where stored projections differ from the
// replay, as an error.
func (pc *projectionChecker) compare(stored *badger.DB) error {
	defer pc.mem.Close()
	if err := pc.r.txn.Commit(); err != nil {
		return err
	}
	return stored.View(func(st *badger.Txn) error {
		return pc.mem.View(func(mt *badger.Txn) error {
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

// ErrProjection marks a verification failure of the stored state (not of
// the log itself).
var ErrProjection = errors.New("stored state differs from a replay of the log")

// Verify proves the ledger unaltered (chain.Log.Verify: hashes, links,
// tree, checkpoint signature, and with trusted an append-only extension of
// a saved checkpoint) and that the stored state equals a replay of the log.
// It writes nothing.
func (s *Service) Verify(trusted []byte) (chain.Report, error) {
	pc, err := newProjectionChecker(s.log)
	if err != nil {
		return chain.Report{}, err
	}
	rep, err := s.log.Verify(chain.VerifyOptions{Trusted: trusted, OnEvent: func(_ uint64, b []byte) error { return pc.r.apply(b) }})
	if err != nil {
		pc.mem.Close()
		return rep, err
	}
	if err := pc.compare(s.log.DB()); err != nil {
		if v, ferr := storedFormat(s.log.DB()); ferr == nil && v != ProjectionFormat && rep.Size > 0 {
			return rep, fmt.Errorf("%w: %v (stored in projection format %d, this version writes %d: "+
				"the server rebuilds them when it starts)", ErrProjection, err, v, ProjectionFormat)
		}
		return rep, fmt.Errorf("%w: %v", ErrProjection, err)
	}
	return rep, nil
}
