package chain

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/transparency-dev/merkle/compact"
)

// The log as C2SP tlog-tiles: a tile is the run of up to 256 consecutive
// Merkle tree hashes at one tile level; an entry bundle the run of up to
// 256 consecutive events. Hash i of tile (level l, index n) is the tree
// node at height 8·l with index n·256+i, which covers the leaves
// [(n·256+i)·256^l, (n·256+i+1)·256^l); every such node is a perfect
// subtree, so it is stored (see the package doc) and tiles are read, never
// recomputed.
const (
	// TileHeight is the tree height one tile spans.
	TileHeight = 8
	// TileWidth is the number of hashes of a full tile (2^TileHeight).
	TileWidth = 1 << TileHeight
	// MaxTileLevel is the highest tile level a path may name.
	MaxTileLevel = 63
	// MaxBundledEntry is the largest event an entry bundle can frame: its
	// length prefix is a big-endian uint16.
	MaxBundledEntry = 0xFFFF
)

// ErrEntryTooLong: an event is longer than an entry bundle can frame.
var ErrEntryTooLong = errors.New("event longer than a tlog-tiles entry (65,535 bytes)")

// tileSpan checks that the tile (level, n) of width w exists in a tree of
// size, and returns the index of its first hash at tree height 8·level.
func tileSpan(level uint, n uint64, w int, size uint64) (uint64, error) {
	if level > MaxTileLevel || w < 1 || w > TileWidth {
		return 0, fmt.Errorf("tile %d/%d width %d: %w", level, n, w, ErrRange)
	}
	if n > (^uint64(0)-uint64(w))/TileWidth {
		return 0, fmt.Errorf("tile %d/%d: %w", level, n, ErrRange)
	}
	first := n * TileWidth
	// The tile needs the nodes first .. first+w-1 at height 8·level: the
	// tree must hold at least (first+w)·256^level leaves.
	shift := TileHeight * level
	if shift >= 64 || first+uint64(w) > size>>shift {
		return 0, fmt.Errorf("tile %d/%d width %d of a ledger of %d events: %w", level, n, w, size, ErrRange)
	}
	return first, nil
}

// Tile returns the hash tile (level, n) of width w (1..256; 256 is a full
// tile) as w concatenated 32-byte hashes. It is ErrRange unless the
// committed tree holds every node of it. The caller must not change the
// answer (full tiles are shared from a cache).
func (l *Log) Tile(level uint, n uint64, w int) ([]byte, error) {
	first, err := tileSpan(level, n, w, l.Size())
	if err != nil {
		return nil, err
	}
	key := tileKey{level: int(level), n: n}
	if w == TileWidth {
		if b, ok := l.tiles.get(key); ok {
			return b, nil
		}
	}
	out := make([]byte, 0, w*32)
	err = l.db.View(func(txn *badger.Txn) error {
		if level == 0 {
			return l.entries(txn, first, w, func(i uint64, nodes, _ []byte) error {
				out = append(out, nodes[:32]...)
				return nil
			})
		}
		for i := range uint64(w) {
			h, err := l.node(txn, compact.NodeID{Level: TileHeight * level, Index: first + i})
			if err != nil {
				return err
			}
			out = append(out, h...)
		}
		return nil
	})
	if err == nil && w == TileWidth {
		l.tiles.put(key, out)
	}
	return out, err
}

// EntryBundle returns the entry bundle n of width w (1..256): the events
// n·256 .. n·256+w−1, each as a big-endian uint16 length and its bytes.
// It is ErrRange unless the committed log holds all of them, and
// ErrEntryTooLong if one is longer than MaxBundledEntry. The caller must
// not change the answer (full bundles are shared from a cache).
func (l *Log) EntryBundle(n uint64, w int) ([]byte, error) {
	first, err := tileSpan(0, n, w, l.Size())
	if err != nil {
		return nil, err
	}
	key := tileKey{level: -1, n: n}
	if w == TileWidth {
		if b, ok := l.tiles.get(key); ok {
			return b, nil
		}
	}
	out := make([]byte, 0, w*1024)
	err = l.db.View(func(txn *badger.Txn) error {
		return l.entries(txn, first, w, func(i uint64, _, ev []byte) error {
			if len(ev) > MaxBundledEntry {
				return fmt.Errorf("event %d is %d bytes: %w", i, len(ev), ErrEntryTooLong)
			}
			out = binary.BigEndian.AppendUint16(out, uint16(len(ev)))
			out = append(out, ev...)
			return nil
		})
	})
	if err == nil && w == TileWidth {
		l.tiles.put(key, out)
	}
	return out, err
}

// entries calls fn with the nodes and event bytes of the w stored entries
// from index first, in order (both alias the store's value: fn copies).
func (l *Log) entries(txn *badger.Txn, first uint64, w int, fn func(i uint64, nodes, event []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: eventPrefix})
	defer it.Close()
	want := first
	for it.Seek(eventKey(first)); it.Valid() && want < first+uint64(w); it.Next() {
		i, _ := keyIndex(eventPrefix, it.Item().Key())
		if i != want {
			return fmt.Errorf("event %d missing from the store", want)
		}
		if err := it.Item().Value(func(v []byte) error {
			nodes, ev, ok := splitEntry(v)
			if !ok {
				return fmt.Errorf("event %d: malformed stored entry", i)
			}
			return fn(i, nodes, ev)
		}); err != nil {
			return err
		}
		want++
	}
	if want != first+uint64(w) {
		return fmt.Errorf("event %d missing from the store", want)
	}
	return nil
}
