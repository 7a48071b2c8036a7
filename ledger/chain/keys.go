package chain

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Key layout; see the package doc.
var (
	keyPrefix     = []byte("c/")
	eventPrefix   = []byte("c/e/")
	keyHead       = []byte("c/head")
	keyCheckpoint = []byte("c/cp")
)

func eventKey(i uint64) []byte { return indexKey(eventPrefix, i) }

// EventKey is the store key of event i (its entry).
func EventKey(i uint64) []byte { return eventKey(i) }

// EntryEvent returns the event bytes of a stored entry (aliasing v).
func EntryEvent(v []byte) ([]byte, error) {
	_, ev, ok := splitEntry(v)
	if !ok {
		return nil, errors.New("malformed stored entry")
	}
	return ev, nil
}

// An event's stored value is its entry: one byte n (1 ≤ n ≤ 64), the n
// 32-byte tree nodes that appending the event completed (levels 0..n−1;
// level 0 is its leaf hash), then the event bytes. One key per event keeps
// appends and reads to one Badger item each.
func encodeEntry(nodes, event []byte) []byte {
	v := make([]byte, 0, 1+len(nodes)+len(event))
	v = append(v, byte(len(nodes)/32))
	v = append(v, nodes...)
	return append(v, event...)
}

// splitEntry returns an entry's nodes and event bytes (aliasing v).
func splitEntry(v []byte) (nodes, event []byte, ok bool) {
	if len(v) < 1 {
		return nil, nil, false
	}
	n := int(v[0])
	if n < 1 || n > 64 || len(v) < 1+32*n {
		return nil, nil, false
	}
	return v[1 : 1+32*n], v[1+32*n:], true
}

func indexKey(prefix []byte, i uint64) []byte {
	k := make([]byte, len(prefix)+8)
	copy(k, prefix)
	binary.BigEndian.PutUint64(k[len(prefix):], i)
	return k
}

func keyIndex(prefix, k []byte) (uint64, bool) {
	if len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[len(prefix):]), true
}

// isChainKey reports whether k belongs to the chain's namespace.
func isChainKey(k []byte) bool { return bytes.HasPrefix(k, keyPrefix) }

func encodeHead(size uint64, last []byte) []byte {
	v := make([]byte, 8+32)
	binary.BigEndian.PutUint64(v, size)
	copy(v[8:], last)
	return v
}

func decodeHead(v []byte) (size uint64, last []byte, ok bool) {
	if len(v) != 40 {
		return 0, nil, false
	}
	return binary.BigEndian.Uint64(v), append([]byte(nil), v[8:]...), true
}
