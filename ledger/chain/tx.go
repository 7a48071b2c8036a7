package chain

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Command is a unit of work for the writer: it reads current state through
// tx, checks its rules, writes projection keys and appends events. If it
// returns an error, everything it wrote and appended is discarded and the
// error is returned to its Submit caller; other commands in the same batch
// are unaffected. A command must not keep tx after it returns.
type Command func(tx *Tx) error

// Tx is a command's view of the ledger: committed state, plus the effects of
// earlier commands in the same batch, plus its own writes.
type Tx struct {
	view    *view // what the command reads below its own writes
	now     time.Time
	writes  map[string][]byte // pending writes of this command; nil value = delete
	order   []string          // keys of writes in first-write order
	bytes   int
	next    uint64 // index the next appended event gets
	prev    []byte // leaf hash of the event before next
	events  []*Event
	hashes  [][]byte
	encoded [][]byte
	newID   func() string
	// follower and verifier: the log follows another (follow.go), whose
	// checkpoints verifier checks. checkpoint (size cpSize, root cpRoot)
	// is the one SetCheckpoint stores.
	follower   bool
	verifier   note.Verifier
	checkpoint []byte
	cpSize     uint64
	cpRoot     []byte
	// memo is the last value read from below the command's own writes
	// (Peek then Extend reads once).
	memo struct {
		key     string
		val     []byte
		ok, set bool
	}
}

// Now is the writer's clock reading for this batch: use it for recorded
// times and deadline checks so a command is judged against one instant.
func (tx *Tx) Now() time.Time { return tx.now }

// Size is the number of events in the log including those this command and
// earlier commands in the batch have appended.
func (tx *Tx) Size() uint64 { return tx.next }

// Get returns the value of key. ok is false when the key does not exist.
// The returned slice is the caller's.
func (tx *Tx) Get(key []byte) (val []byte, ok bool, err error) {
	if v, hit := tx.writes[string(key)]; hit {
		if v == nil {
			return nil, false, nil
		}
		return append([]byte(nil), v...), true, nil
	}
	return tx.view.get(key)
}

// Peek returns the value of key like Get, without copying it: the caller
// must neither change it nor keep it past the command's next write.
func (tx *Tx) Peek(key []byte) (val []byte, ok bool, err error) {
	return tx.PeekSince(key, 0)
}

// PeekSince is Peek for a key that no event before index since can have
// written (a block of entries about records from since on): when the
// store holds no such event yet, it is not searched.
func (tx *Tx) PeekSince(key []byte, since uint64) (val []byte, ok bool, err error) {
	if v, hit := tx.writes[string(key)]; hit {
		return v, v != nil, nil
	}
	if tx.memo.key == string(key) && tx.memo.set {
		return tx.memo.val, tx.memo.ok, nil
	}
	val, ok, err = tx.view.peek(key, since)
	if err == nil {
		tx.memo.key, tx.memo.val, tx.memo.ok, tx.memo.set = string(key), val, ok, true
	}
	return val, ok, err
}

// Extend appends b to the value of key (a missing key starts empty). A
// value this writer holds grows in place when it has room: the bytes
// already there never change, so whoever holds the shorter value (an
// earlier command, the batch being committed) still reads it unchanged.
// After a Peek of key it does not read key again.
func (tx *Tx) Extend(key, b []byte) error {
	if isChainKey(key) {
		return ErrChainKey
	}
	v, _, err := tx.Peek(key)
	if err != nil {
		return err
	}
	if v == nil {
		v = make([]byte, 0, 2*len(b))
	}
	tx.put(string(key), append(v, b...))
	return nil
}

// Event returns event i of the log as this command sees it: one it
// appended (with Value), or one already in the log or the batch.
func (tx *Tx) Event(i uint64) (*Event, error) {
	for _, e := range tx.events {
		if e.Index == i {
			return e, nil
		}
	}
	v, ok, err := tx.view.get(eventKey(i))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrRange
	}
	b, err := EntryEvent(v)
	if err != nil {
		return nil, err
	}
	return &Event{Index: i, Data: DataOf(b)}, nil
}

// Set writes key. Keys starting with "c/" belong to the chain.
func (tx *Tx) Set(key, val []byte) error {
	if isChainKey(key) {
		return ErrChainKey
	}
	v := make([]byte, len(val)) // never nil: nil marks a delete
	copy(v, val)
	tx.put(string(key), v)
	return nil
}

// Delete removes key.
func (tx *Tx) Delete(key []byte) error {
	if isChainKey(key) {
		return ErrChainKey
	}
	tx.put(string(key), nil)
	return nil
}

// put records a write; bytes counts each key once, at its last value.
func (tx *Tx) put(k string, v []byte) {
	if tx.memo.key == k {
		tx.memo.set = false
	}
	if old, seen := tx.writes[k]; seen {
		tx.bytes -= len(k) + len(old) + 16
	} else {
		tx.order = append(tx.order, k)
	}
	tx.writes[k] = v
	tx.bytes += len(k) + len(v) + 16
}

// Scan calls fn for every key with prefix, in key order, as this command
// sees them (committed state, earlier commands, own writes). fn must not
// keep key or val. It stops at the first error fn returns.
func (tx *Tx) Scan(prefix []byte, fn func(key, val []byte) error) error {
	v := view{layers: append([]map[string][]byte{tx.writes}, tx.view.layers...), base: tx.view.base, baseSize: tx.view.baseSize}
	return v.scan(prefix, fn)
}

// Append adds an event to the log and returns it with its index, id,
// recorded_at and prev filled in. The event is durable only once Submit
// returns without error.
func (tx *Tx) Append(d Draft) (*Event, error) {
	if tx.follower {
		return nil, ErrFollower
	}
	if d.Type == "" {
		return nil, errors.New("event type is required")
	}
	var data []byte
	if f, ok := d.Data.(FastJSON); ok {
		data, ok = f.AppendEventJSON(make([]byte, 0, 2048))
		if !ok {
			data = nil
		}
	}
	switch {
	case data != nil:
	case d.Data == nil:
		data = []byte("{}")
	default:
		var err error
		if data, err = json.Marshal(d.Data); err != nil {
			return nil, fmt.Errorf("event data: %w", err)
		}
	}
	occurred := d.OccurredAt
	if occurred.IsZero() {
		occurred = tx.now
	}
	prev := ZeroPrev
	if tx.prev != nil {
		prev = hex.EncodeToString(tx.prev)
	}
	e := &Event{
		Index:      tx.next,
		ID:         tx.newID(),
		Type:       d.Type,
		RecordedAt: tx.now,
		OccurredAt: occurred,
		Actor:      d.Actor,
		Subject:    d.Subject,
		Data:       data,
		Prev:       prev,
		Value:      d.Data,
	}
	b, err := e.encodeAppended()
	if err != nil {
		return nil, err
	}
	h := HashLeaf(b)
	tx.events = append(tx.events, e)
	tx.encoded = append(tx.encoded, b)
	tx.hashes = append(tx.hashes, h)
	tx.bytes += len(b) + 128
	tx.next++
	tx.prev = h
	return e, nil
}
