package ledger

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A new batch is stored as a reference to its registration event and read
// from it, the same as the record; its first change stores the record.
func TestUnchangedBatchIsReadFromItsEvent(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-041-49", 12.5)
	stored := func() []byte {
		var b []byte
		require.NoError(t, f.s.view(func(r kv) error {
			var err error
			b, _, err = r.Get(key(pWaste, w.ID))
			return err
		}))
		return b
	}
	seq, ref := isEventRef(stored())
	require.True(t, ref, "a new batch's record is its event")
	assert.Equal(t, w.Seq, seq)
	assert.Equal(t, w, f.get(w.ID), "read back from the event as registered")
	byLabel, err := f.s.WasteByLabel(f.ctx, f.gen, w.Label)
	require.NoError(t, err)
	assert.Equal(t, w, byLabel)

	q := KgToGrams(13)
	fixed, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Quantity: &q, Reason: "复称"})
	require.NoError(t, err)
	_, ref = isEventRef(stored())
	assert.False(t, ref, "a changed batch has its record")
	assert.Equal(t, fixed, f.get(w.ID))
	assert.Equal(t, q, f.get(w.ID).Quantity)

	// Verify replays into memory beside the log: the references resolve
	// there too, and the stored state equals the replay.
	f.waste(f.gen2, "900-041-49", 1)
	_, err = f.s.Verify(nil)
	require.NoError(t, err)
}
