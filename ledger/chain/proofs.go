package chain

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

// EventsWithProofs returns the bytes of the events at indices and the
// RFC 6962 inclusion proof of each in the tree of the given size, all read
// in one snapshot of the store: what a trace of many events needs, at the
// cost of one read transaction instead of two per event. It requires every
// index < size ≤ Size(), else ErrRange.
func (l *Log) EventsWithProofs(indices []uint64, size uint64) (events [][]byte, proofs [][][]byte, err error) {
	if size > l.Size() {
		return nil, nil, fmt.Errorf("proofs in %d (ledger size %d): %w", size, l.Size(), ErrRange)
	}
	events, proofs = make([][]byte, len(indices)), make([][][]byte, len(indices))
	// Neighbouring events share most of their proofs' nodes: each is read
	// once.
	nodes := map[compact.NodeID][]byte{}
	err = l.db.View(func(txn *badger.Txn) error {
		for k, i := range indices {
			if i >= size {
				return fmt.Errorf("inclusion of %d in %d: %w", i, size, ErrRange)
			}
			item, err := txn.Get(eventKey(i))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return ErrRange
			}
			if err != nil {
				return err
			}
			err = item.Value(func(v []byte) error {
				_, ev, ok := splitEntry(v)
				if !ok {
					return fmt.Errorf("event %d: malformed stored entry", i)
				}
				events[k] = append([]byte(nil), ev...)
				return nil
			})
			if err != nil {
				return err
			}
			n, err := proof.Inclusion(i, size)
			if err != nil {
				return err
			}
			hashes := make([][]byte, len(n.IDs))
			for j, id := range n.IDs {
				h, ok := nodes[id]
				if !ok {
					if h, err = l.node(txn, id); err != nil {
						return err
					}
					nodes[id] = h
				}
				hashes[j] = h
			}
			if proofs[k], err = n.Rehash(hashes, hashChildren); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return events, proofs, nil
}
