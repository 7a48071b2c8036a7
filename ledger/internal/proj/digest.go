package proj

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Digest is the SHA-256 of every projection in log's store, in key order,
// each written as the key's length (4 bytes, big-endian), the key, the
// value's length and the value: two stores have the same digest exactly
// when they hold the same projections. It reads one snapshot; its cost is
// one pass over the projections (no replay).
func Digest(log *chain.Log) ([]byte, error) {
	h := sha256.New()
	var n [4]byte
	err := log.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); {
			item := it.Item()
			k := item.Key()
			if !isProjectionKey(k) {
				// Skip the chain's, the idempotency records' and the
				// sign-in state's ranges whole: the events are most of
				// the store.
				switch {
				case bytes.HasPrefix(k, []byte(prefixChain)):
					it.Seek(prefixEnd(prefixChain))
				case bytes.HasPrefix(k, []byte(prefixIdem)):
					it.Seek(prefixEnd(prefixIdem))
				case bytes.HasPrefix(k, []byte(prefixSignIn)):
					it.Seek(prefixEnd(prefixSignIn))
				default:
					it.Next()
				}
				continue
			}
			binary.BigEndian.PutUint32(n[:], uint32(len(k)))
			h.Write(n[:])
			h.Write(k)
			err := item.Value(func(v []byte) error {
				binary.BigEndian.PutUint32(n[:], uint32(len(v)))
				h.Write(n[:])
				h.Write(v)
				return nil
			})
			if err != nil {
				return err
			}
			it.Next()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// prefixEnd is the first key after every key that starts with prefix
// (prefix ends in '/').
func prefixEnd(prefix string) []byte {
	b := []byte(prefix)
	b[len(b)-1]++
	return b
}
