package chain

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// ErrRange: a proof or event was asked for beyond the committed log.
var ErrRange = errors.New("beyond the end of the ledger")

// readNode returns the stored hash of a perfect-subtree node.
func readNode(txn *badger.Txn, id compact.NodeID) ([]byte, error) {
	end := (id.Index+1)<<id.Level - 1
	item, err := txn.Get(eventKey(end))
	if err != nil {
		return nil, fmt.Errorf("tree node %d/%d: %w", id.Level, id.Index, err)
	}
	var h []byte
	err = item.Value(func(v []byte) error {
		nodes, _, ok := splitEntry(v)
		off := int(id.Level) * 32
		if !ok || len(nodes) < off+32 {
			return fmt.Errorf("tree node %d/%d missing from leaf %d", id.Level, id.Index, end)
		}
		h = append([]byte(nil), nodes[off:off+32]...)
		return nil
	})
	return h, err
}

// upperLevel is the lowest tree level whose nodes are kept in memory once
// read: one node per 256 events (about 128 KB per million), and they are
// what every proof shares, so a proof reads only the few nodes near its leaf
// from the store. Stored nodes never change, so the cache is never stale.
const upperLevel = 8

// node returns a stored node, from the in-memory upper levels when it can.
func (l *Log) node(txn *badger.Txn, id compact.NodeID) ([]byte, error) {
	if id.Level < upperLevel {
		return readNode(txn, id)
	}
	if h, ok := l.upper.Load(id); ok {
		return h.([]byte), nil
	}
	h, err := readNode(txn, id)
	if err == nil {
		l.upper.Store(id, h)
	}
	return h, err
}

func (l *Log) proofHashes(n proof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(n.IDs))
	err := l.db.View(func(txn *badger.Txn) error {
		for i, id := range n.IDs {
			h, err := l.node(txn, id)
			if err != nil {
				return err
			}
			hashes[i] = h
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n.Rehash(hashes, hashChildren)
}

// InclusionProof returns the RFC 6962 inclusion proof of leaf index in the
// tree of the given size, read from stored nodes. It requires
// index < size ≤ Size(), else ErrRange.
func (l *Log) InclusionProof(index, size uint64) ([][]byte, error) {
	if index >= size || size > l.Size() {
		return nil, fmt.Errorf("inclusion of %d in %d (ledger size %d): %w", index, size, l.Size(), ErrRange)
	}
	n, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return l.proofHashes(n)
}

// ConsistencyProof returns the RFC 6962 consistency proof from size1 to
// size2. It requires 1 ≤ size1 ≤ size2 ≤ Size(), else ErrRange: a proof from
// the empty tree proves nothing and is not offered.
func (l *Log) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	if size1 == 0 || size1 > size2 || size2 > l.Size() {
		return nil, fmt.Errorf("consistency %d→%d (ledger size %d): %w", size1, size2, l.Size(), ErrRange)
	}
	n, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	return l.proofHashes(n)
}

// RootAt returns the root of the tree of the given size (≤ Size()).
func (l *Log) RootAt(size uint64) ([]byte, error) {
	if size > l.Size() {
		return nil, ErrRange
	}
	if size == 0 {
		return rfc6962.DefaultHasher.EmptyRoot(), nil
	}
	ids := compact.RangeNodes(0, size, nil)
	var hashes [][]byte
	err := l.db.View(func(txn *badger.Txn) error {
		for _, id := range ids {
			h, err := l.node(txn, id)
			if err != nil {
				return err
			}
			hashes = append(hashes, h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r, err := rangeFactory.NewRange(0, size, hashes)
	if err != nil {
		return nil, err
	}
	return r.GetRootHash(nil)
}

// Event returns the stored bytes of the event at index.
func (l *Log) Event(index uint64) ([]byte, error) {
	var b []byte
	err := l.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(eventKey(index))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrRange
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			_, ev, ok := splitEntry(v)
			if !ok {
				return fmt.Errorf("event %d: malformed stored entry", index)
			}
			b = append([]byte(nil), ev...)
			return nil
		})
	})
	return b, err
}

// Events calls fn with the bytes of events from index from, in order, at
// most limit of them (limit ≤ 0: all). fn must not keep b. It reads one
// snapshot, so a concurrent append is either wholly seen or not at all.
func (l *Log) Events(from uint64, limit int, fn func(index uint64, b []byte) error) error {
	return l.db.View(func(txn *badger.Txn) error {
		// Each value is read as the walk reaches it (from the table, or
		// from the value log's memory map): prefetching would only start a
		// goroutine per event.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: eventPrefix})
		defer it.Close()
		n := 0
		for it.Seek(eventKey(from)); it.Valid() && (limit <= 0 || n < limit); it.Next() {
			i, _ := keyIndex(eventPrefix, it.Item().Key())
			if err := it.Item().Value(func(v []byte) error {
				_, ev, ok := splitEntry(v)
				if !ok {
					return fmt.Errorf("event %d: malformed stored entry", i)
				}
				return fn(i, ev)
			}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
}

func rootOfEmpty() []byte { return rfc6962.DefaultHasher.EmptyRoot() }
