package proj

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A batch id carries its seq, whatever the fresh id is, and nothing else
// passes for a batch id.
func TestBatchIDCarriesItsSeq(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 1000; i++ {
		seq := uint64(rng.Int63n(maxIDSeq + 1))
		fresh := uuid.NewString()
		if i%2 == 1 {
			fresh = "not-a-uuid-" + fresh[:i%36]
		}
		id, err := BatchID(seq, fresh)
		require.NoError(t, err)
		u, err := uuid.Parse(id)
		require.NoError(t, err)
		assert.Equal(t, uuid.Version(8), u.Version())
		got, ok := BatchSeq(id)
		require.True(t, ok, id)
		require.Equal(t, seq, got, id)
		again, err := BatchID(seq, fresh)
		require.NoError(t, err)
		assert.Equal(t, id, again, "the same inputs give the same id")
	}
	_, err := BatchID(maxIDSeq+1, uuid.NewString())
	assert.Error(t, err, "a seq past 48 bits")

	id, err := BatchID(42, uuid.NewString())
	require.NoError(t, err)
	for _, bad := range []string{uuid.NewString(), strings.ToUpper(id), id[:35], "{" + id + "}", ""} {
		_, ok := BatchSeq(bad)
		assert.False(t, ok, bad)
	}
}
