package chain

import (
	"bytes"
	"encoding/binary"
)

// Key layout; see the package doc.
var (
	keyPrefix     = []byte("c/")
	eventPrefix   = []byte("c/e/")
	nodePrefix    = []byte("c/n/")
	keyHead       = []byte("c/head")
	keyCheckpoint = []byte("c/cp")
)

func eventKey(i uint64) []byte { return indexKey(eventPrefix, i) }
func nodeKey(i uint64) []byte  { return indexKey(nodePrefix, i) }

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
