package proj

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A generator's label record of a day keeps each code's batches in serial
// order, whatever order the codes come in; a serial out of turn and a
// corrupt record are errors, and other generators and days stay apart.
func TestLabelRecord(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	add := func(gen, digits, day string, seq uint64) {
		t.Helper()
		n, err := LabelCount(r, gen, digits, day)
		require.NoError(t, err)
		require.NoError(t, AddLabel(r, gen, digits, day, n+1, seq))
	}
	// Codes arrive out of order; each keeps its own serials.
	add("g1", "90004149", "20260302", 10)
	add("g1", "84100101", "20260302", 11)
	add("g1", "90004149", "20260302", 12)
	add("g1", "90025212", "20260302", 13)
	add("g1", "84100101", "20260302", 14)
	add("g1", "90004149", "20260302", 15)
	add("g1", "90004149", "20260303", 16)
	add("g2", "90004149", "20260302", 17)

	count := func(gen, digits, day string) int {
		n, err := LabelCount(r, gen, digits, day)
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 3, count("g1", "90004149", "20260302"))
	assert.Equal(t, 2, count("g1", "84100101", "20260302"))
	assert.Equal(t, 1, count("g1", "90025212", "20260302"))
	assert.Equal(t, 0, count("g1", "90003949", "20260302"))
	assert.Equal(t, 1, count("g1", "90004149", "20260303"))
	assert.Equal(t, 1, count("g2", "90004149", "20260302"))

	seq := func(gen, digits, day string, serial int) any {
		s, ok, err := LabelSeq(r, gen, digits, day, serial)
		require.NoError(t, err)
		if !ok {
			return nil
		}
		return s
	}
	assert.Equal(t, uint64(10), seq("g1", "90004149", "20260302", 1))
	assert.Equal(t, uint64(12), seq("g1", "90004149", "20260302", 2))
	assert.Equal(t, uint64(15), seq("g1", "90004149", "20260302", 3))
	assert.Equal(t, uint64(11), seq("g1", "84100101", "20260302", 1))
	assert.Equal(t, uint64(14), seq("g1", "84100101", "20260302", 2))
	assert.Equal(t, uint64(13), seq("g1", "90025212", "20260302", 1))
	assert.Equal(t, uint64(16), seq("g1", "90004149", "20260303", 1))
	assert.Equal(t, uint64(17), seq("g2", "90004149", "20260302", 1))
	for _, miss := range []struct {
		digits string
		serial int
	}{{"90004149", 0}, {"90004149", 4}, {"90003949", 1}, {"9000414", 1}} {
		assert.Nil(t, seq("g1", miss.digits, "20260302", miss.serial), "%+v", miss)
	}

	// Byte for byte (doc.go): sections in code order.
	rec, ok, err := r.Get(labelKey("g1", "20260302"))
	require.NoError(t, err)
	require.True(t, ok)
	// Each code: digits, count, bytes of seqs, then the first seq and each
	// one's distance from the one before (uvarints).
	want := "84100101\x02\x02\x0b\x03" + "90004149\x03\x03\x0a\x02\x03" + "90025212\x01\x01\x0d"
	assert.Equal(t, want, string(rec))

	assert.ErrorContains(t, AddLabel(r, "g1", "90004149", "20260302", 3, 20), "serial 3 follows 3")
	assert.ErrorContains(t, AddLabel(r, "g1", "90004149", "20260302", 5, 20), "serial 5 follows 3")
	n, err := LabelCount(r, "g1", "90004149", "20260302")
	require.NoError(t, err)
	assert.Equal(t, 3, n, "a refused serial changes nothing")

	assert.ErrorContains(t, AddLabel(r, "g1", "90004149", "20260302", 4, 15), "follows batch 15")

	// A batch of the first day of a large ledger: seq 2^40, then one.
	add("g4", "90004149", "20260302", 1<<40)
	add("g4", "90004149", "20260302", 1<<40+1)
	assert.Equal(t, uint64(1<<40+1), seq("g4", "90004149", "20260302", 2))

	require.NoError(t, r.Set(labelKey("g3", "20260302"), []byte("90004149\x05\x01")))
	_, err = LabelCount(r, "g3", "90004149", "20260302")
	assert.ErrorContains(t, err, "corrupt label record")
}
