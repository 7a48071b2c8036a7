package chain

import (
	"errors"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// VerifyConsistency checks an RFC 6962 consistency proof that the tree of
// size2 with root2 extends the tree of size1 with root1. Unlike
// proof.VerifyConsistency (merkle v0.0.2), it refuses size1 == 0: an empty
// proof from the empty tree proves nothing about any log and must not pass
// as a check. Compare a size-0 checkpoint's signature instead.
func VerifyConsistency(size1, size2 uint64, hashes [][]byte, root1, root2 []byte) error {
	if size1 == 0 {
		return errors.New("a consistency proof from the empty tree proves nothing")
	}
	return proof.VerifyConsistency(rfc6962.DefaultHasher, size1, size2, hashes, root1, root2)
}

// VerifyInclusion checks an RFC 6962 inclusion proof of the event with the
// given bytes at index in the tree of the given size and root.
func VerifyInclusion(index, size uint64, event []byte, hashes [][]byte, root []byte) error {
	return proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, HashLeaf(event), hashes, root)
}
