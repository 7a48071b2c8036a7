package ledger

import (
	"context"
	"fmt"

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
	_, err := s.log.Submit(ctx, func(tx *chain.Tx) error {
		for _, b := range events {
			e, err := tx.AppendRaw(b)
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
	return err
}
