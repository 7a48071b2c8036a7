package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A new batch has no record: its id carries the seq of its registration
// event, which it is read from, the same as the record; its first change
// stores the record.
func TestUnchangedBatchIsReadFromItsEvent(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-041-49", 12.5)
	stored := func() ([]byte, bool) {
		var b []byte
		var ok bool
		require.NoError(t, f.s.view(func(r *proj.Snapshot) error {
			var err error
			b, ok, err = r.Get(proj.WasteKey(w.ID))
			return err
		}))
		return b, ok
	}
	_, has := stored()
	require.False(t, has, "a new batch has no record")
	seq, carried := proj.BatchSeq(w.ID)
	require.True(t, carried, "its id %s carries its seq", w.ID)
	assert.Equal(t, w.Seq, seq)
	assert.NotEqual(t, "00000000", w.ID[:8], "the seq bits are masked: ids look random")
	assert.Equal(t, w, f.get(w.ID), "read back from the event as registered")
	byLabel, err := f.s.WasteByLabel(f.ctx, f.gen, w.Label)
	require.NoError(t, err)
	assert.Equal(t, w, byLabel)
	// An id with another batch's seq, or another event's, or past the log,
	// or random bits changed, finds nothing.
	other := f.waste(f.gen, "900-041-49", 1)
	var ids []string
	for _, seq := range []uint64{other.Seq, other.Seq + 1, 1 << 40} {
		id, err := proj.BatchID(seq, w.ID)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	for _, id := range append(ids, w.ID[:35]+"0") {
		if id == w.ID {
			continue
		}
		_, err := f.s.Waste(f.ctx, f.insp, id)
		assert.ErrorIs(t, err, ErrNotFound, id)
	}

	q := KgToGrams(13)
	fixed, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Quantity: &q, Reason: "复称"})
	require.NoError(t, err)
	b, has := stored()
	assert.True(t, has, "a changed batch has its record")
	assert.JSONEq(t, string(mustJSON(t, fixed)), string(b))
	assert.Equal(t, fixed, f.get(w.ID))
	assert.Equal(t, q, f.get(w.ID).Quantity)

	// Verify replays into memory beside the log: batches resolve there
	// too, and the stored state equals the replay.
	f.waste(f.gen2, "900-041-49", 1)
	_, err = f.s.Verify(nil)
	require.NoError(t, err)
}

// A NewID that is not a UUID still gives batch ids that carry their seq
// (their other bits come from its SHA-256): such a batch has no record
// either, and is found by its id and label.
func TestBatchIdFromAnyNewIDCarriesItsSeq(t *testing.T) {
	n := 0
	s := openTest(t, Config{NewID: func() string { n++; return fmt.Sprintf("id-%d", n) }})
	ctx := context.Background()
	admin, err := s.Bootstrap(ctx, "admin-token")
	require.NoError(t, err)
	p, err := s.RegisterParty(ctx, Principal{Party: admin, Roles: []Role{RoleAdmin}}, PartyInput{Name: "顺达汽修", CreditCode: credit(1),
		Roles: []Role{RoleGenerator}, Street: "南关", Address: "郑州", Contact: Contact{"张三", "1"}})
	require.NoError(t, err)
	gen := Principal{Party: p.ID, Roles: p.Roles}
	var ws []*Waste
	for i := 0; i < 2; i++ {
		w, err := s.RegisterWaste(ctx, gen, WasteInput{Code: "900-041-49", Form: "liquid", Quantity: KgToGrams(1),
			Container: Container{Type: "铁桶", Count: 1}, GeneratedAt: s.Now().Add(-time.Hour), Storage: "暂存间"})
		require.NoError(t, err)
		ws = append(ws, w)
	}
	assert.NotEqual(t, ws[0].ID, ws[1].ID)
	for _, w := range ws {
		seq, carried := proj.BatchSeq(w.ID)
		require.True(t, carried, w.ID)
		assert.Equal(t, w.Seq, seq)
		require.NoError(t, s.view(func(r *proj.Snapshot) error {
			_, has, err := r.Get(proj.WasteKey(w.ID))
			assert.False(t, has, "a new batch has no record")
			return err
		}))
		got, err := s.Waste(ctx, gen, w.ID)
		require.NoError(t, err)
		assert.Equal(t, w, got)
		byLabel, err := s.WasteByLabel(ctx, gen, w.Label)
		require.NoError(t, err)
		assert.Equal(t, w, byLabel)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
