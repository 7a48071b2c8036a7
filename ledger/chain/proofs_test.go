package chain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
)

// EventsWithProofs gives, for any set of indices, the events' bytes and
// inclusion proofs that verify against the tree of that size, as Event and
// InclusionProof give them one by one.
func TestEventsWithProofs(t *testing.T) {
	l, oracle := proofLog(t, 700)
	for _, size := range []uint64{1, 2, 257, 700} {
		var indices []uint64
		for i := uint64(0); i < size; i += 1 + i/3 {
			indices = append(indices, i)
		}
		evs, proofs, err := l.EventsWithProofs(indices, size)
		require.NoError(t, err)
		root := oracle.HashAt(size)
		for k, i := range indices {
			b, err := l.Event(i)
			require.NoError(t, err)
			assert.Equal(t, b, evs[k], "event %d", i)
			one, err := l.InclusionProof(i, size)
			require.NoError(t, err)
			assert.Equal(t, one, proofs[k], "proof of %d in %d", i, size)
			assert.NoError(t, proof.VerifyInclusion(hasher, i, size, hasher.HashLeaf(evs[k]), proofs[k], root))
		}
	}
	_, _, err := l.EventsWithProofs([]uint64{5, 700}, 700)
	assert.ErrorIs(t, err, ErrRange)
	_, _, err = l.EventsWithProofs([]uint64{5}, 701)
	assert.ErrorIs(t, err, ErrRange)
}
