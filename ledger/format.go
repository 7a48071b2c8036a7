package ledger

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"
)

// ProjectionFormat is the layout of the stored projections this code
// writes. A store records the format of its projections under
// keyProjectionFormat; Open rebuilds the projections from the log when the
// store holds another (a store from before a change of layout), so an
// upgrade needs no manual step and verify keeps holding.
//
//	1  (no key) until 2026-11-28
//	2  a registration writes no trace entry and only its next storage
//	   deadline; no "all batches" index; receivers carry pending_kg
//	3  batches carry overdue_since and an overdue index; counts of
//	   batches per status
//	4  a count of overdue batches
//	5  the code index is keyed by category, then code; no category index
//	6  index entries packed into posting blocks (postings.go)
//	7  a batch unchanged since registration is read from its event
//	8  labels: one record per generator, code and day (labels.go)
//	9  deadlines packed by hour and subject seq (deadlines.go)
//	10 label records hold seqs, not ids
//	11 batch lists hold seqs only; blocks of a generator, street or code
//	   span 1024 seqs
//	12 counts are be64; a block entry's id length comes last
//	13 a batch whose id carries its seq has no record until it changes
//	14 blocks span 64 seqs (256 for a generator, street or code), deadline
//	   blocks 32
//	15 a batch id's seq bits are XORed with its last 48 bits
const ProjectionFormat = 15

// keyProjectionFormat is not a projection: replay does not produce it.
var keyProjectionFormat = []byte("meta/projections")

// storedFormat returns the projection format recorded in db (1: none).
func storedFormat(db *badger.DB) (int, error) {
	v := 1
	err := db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(keyProjectionFormat)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			n, err := strconv.Atoi(string(b))
			if err != nil {
				return fmt.Errorf("corrupt projection format %q", b)
			}
			v = n
			return nil
		})
	})
	return v, err
}

// upgradeProjections makes s's projections the current format: a store
// without events only records the format; one with events in another
// format is rebuilt from its log first.
func (s *Service) upgradeProjections() error {
	db := s.log.DB()
	v, err := storedFormat(db)
	if err != nil || v == ProjectionFormat {
		return err
	}
	if s.log.Size() > 0 {
		s.lg.Warn("projections are in an older format: rebuilding them from the log", "format", v, "now", ProjectionFormat)
		n, err := rebuildProjections(s)
		if err != nil {
			return fmt.Errorf("rebuild projections (format %d to %d): %w", v, ProjectionFormat, err)
		}
		s.lg.Info("projections rebuilt", "events", n)
		s.rebuilt = true
	}
	return db.Update(func(txn *badger.Txn) error {
		return txn.Set(keyProjectionFormat, []byte(strconv.Itoa(ProjectionFormat)))
	})
}
