package proj

import (
	"errors"
	"fmt"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Store is what apply functions and commands read and write projections
// through. It has three implementations: the writer's *chain.Tx (a
// command's view of committed state, the earlier commands of its batch
// and its own writes), the transaction of a replay (Rebuild, Checker), and
// a read-only *Snapshot for queries, whose writes fail with ErrReadOnly.
type Store interface {
	// Get returns a copy of the value of key; ok is false when absent.
	Get(key []byte) (val []byte, ok bool, err error)
	// Peek is Get without a copy where the store can: the caller must
	// neither change the value nor keep it past its next write.
	Peek(key []byte) (val []byte, ok bool, err error)
	// PeekSince is Peek for a key that no event before index since can
	// have written (a block about records from since on); the store may
	// skip state that holds no such event.
	PeekSince(key []byte, since uint64) (val []byte, ok bool, err error)
	// Set writes key.
	Set(key, val []byte) error
	// Extend appends b to the value of key (a missing key starts empty),
	// in place where the store can. After a Peek of key it does not read
	// key again.
	Extend(key, b []byte) error
	// Delete removes key.
	Delete(key []byte) error
	// Scan calls fn for every key with prefix, in key order; fn must not
	// keep key or val. It stops at the first error fn returns.
	Scan(prefix []byte, fn func(key, val []byte) error) error
	// Event returns event seq of the log as the store sees it: its Data,
	// and for an event the command appended, its Value.
	Event(seq uint64) (*chain.Event, error)
}

// The writer's transaction is a Store.
var _ Store = (*chain.Tx)(nil)

// ErrReadOnly is the error of a write to a Snapshot.
var ErrReadOnly = errors.New("read-only snapshot")

// getter is the part of a store that storedEvent needs.
type getter interface {
	Get(key []byte) ([]byte, bool, error)
}

// storedEvent reads event seq from the store s reads.
func storedEvent(s getter, seq uint64) (*chain.Event, error) {
	entry, ok, err := s.Get(chain.EventKey(seq))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("event %d: %w", seq, chain.ErrRange)
	}
	b, err := chain.EntryEvent(entry)
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", seq, err)
	}
	return eventOf(seq, b)
}

// eventOf is event seq with its bytes b, for a reader of its data.
func eventOf(seq uint64, b []byte) (*chain.Event, error) {
	d := chain.DataOf(b)
	if d == nil {
		return nil, fmt.Errorf("event %d: malformed event", seq)
	}
	return &chain.Event{Index: seq, Data: d}, nil
}

// RawEvent returns the canonical bytes of event seq as store s sees the
// log (for what the data does not hold: the actor).
func RawEvent(s Store, seq uint64) ([]byte, error) {
	entry, ok, err := s.Get(chain.EventKey(seq))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("event %d: %w", seq, chain.ErrRange)
	}
	return chain.EntryEvent(entry)
}
