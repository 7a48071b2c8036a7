package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Copies of a ledger. A mirror (package mirror) is a Service opened with
// Config.Follow: its log follows the primary's (chain's follower mode) and
// Import is the only way it changes. A restore copies a mirror's events
// into a new data directory with Import on a Service of its own.

// Follower reports whether the ledger is a mirror of another: it records
// nothing of its own, only what Import copies.
func (s *Service) Follower() bool { return s.log.Follower() }

// Import appends events, the exact bytes of the next events of a ledger
// with the same history (chain.Tx.AppendRaw checks each is canonical and
// is the next event), applies each to the projections as if it had been
// recorded here, and, when checkpoint is not nil, stores it as the
// follower's checkpoint (chain.Tx.SetCheckpoint: signed by the followed
// ledger, for exactly the log with these events). It is one command:
// everything or nothing is appended. events must fit one transaction
// (chain.ErrTooLarge otherwise): callers send a few hundred at a time.
func (s *Service) Import(ctx context.Context, events [][]byte, checkpoint []byte) error {
	return s.StartImport(ctx, events, checkpoint)()
}

// StartImport queues Import's command and returns once it is queued;
// wait returns its error. Imports one goroutine starts are applied in the
// order it started them (chain.Log.Enqueue), so a copier keeps a few in
// flight; if one fails, the next ones fail too (their first event is no
// longer the next one) and nothing out of order is appended.
func (s *Service) StartImport(ctx context.Context, events [][]byte, checkpoint []byte) (wait func() error) {
	// Decoding the events and their data is most of the work and needs
	// nothing of the ledger: it is done here, beside the writer.
	decoded := make([]*chain.Event, len(events))
	for i, b := range events {
		e, err := decodeCopy(b)
		if err != nil {
			return func() error { return fmt.Errorf("%w: the %d-th event to import: %v", chain.ErrCopy, i+1, err) }
		}
		decoded[i] = e
	}
	w := s.log.Enqueue(ctx, func(tx *chain.Tx) error {
		for i, b := range events {
			e, err := tx.AppendCopy(b, decoded[i])
			if err != nil {
				return err
			}
			if err := apply(tx, e); err != nil {
				return fmt.Errorf("%w: event %d (%s) does not apply: %v", chain.ErrCopy, e.Index, e.Type, err)
			}
		}
		if checkpoint != nil {
			return tx.SetCheckpoint(checkpoint)
		}
		return nil
	})
	return func() error { _, err := w(); return err }
}

// decodeCopy decodes canonical event bytes and their data, whose value
// (a pointer to the type's data struct) it keeps in Value for apply.
func decodeCopy(b []byte) (*chain.Event, error) {
	e, err := chain.Decode(b)
	if err != nil {
		return nil, err
	}
	t, ok := eventTypes[e.Type]
	if !ok {
		return nil, fmt.Errorf("event %d: unknown event type %q", e.Index, e.Type)
	}
	v := reflect.New(t.data).Interface()
	if err := json.Unmarshal(e.Data, v); err != nil {
		return nil, fmt.Errorf("event %d (%s): %w", e.Index, e.Type, err)
	}
	e.Value = v
	return e, nil
}
