package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gramsPtr(kg float64) *Grams { g := KgToGrams(kg); return &g }

// A correction of a received manifest asked by the receiver is applied
// once the generator and the carrier approve: quantities, the code, the
// container and a step time change, each with its value before; the
// receiver's total and the day aggregates follow, and replay agrees.
func TestCorrectionApproved(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.receiveAll(f.toDelivered(f.recv, w), f.recv, true)
	code := "900-249-08"
	pickedUp := m.Custody[0].At
	in := CorrectionInput{Reason: "过磅单抄错", Changes: CorrectionChanges{
		Lines: []LineChange{{WasteID: w.ID, Quantity: gramsPtr(12), Received: gramsPtr(11.5), Code: &code,
			Container: &Container{Type: "铁桶", Count: 3}}},
		Steps: []StepChange{{Index: 0, At: pickedUp.Add(-10 * time.Minute)}}}}

	// Not before pickup, not by a party off the manifest, not out of order.
	err := f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.gen2, m.ID, in); return err })
	assert.ErrorIs(t, err, ErrNotFound)
	err = f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.insp, m.ID, in); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	bad := in
	bad.Changes = CorrectionChanges{Steps: []StepChange{{Index: 2, At: m.Custody[1].At.Add(-time.Hour)}}}
	err = f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.recv, m.ID, bad); return err })
	requireField(t, err, "changes.steps")
	bad.Changes = CorrectionChanges{Lines: []LineChange{{WasteID: w.ID, Code: ptr("841-001-01")}}}
	err = f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.recv, m.ID, bad); return err })
	requireField(t, err, "changes.lines[0].code")
	bad.Changes = CorrectionChanges{}
	err = f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.recv, m.ID, bad); return err })
	requireField(t, err, "changes")

	k, err := f.s.RequestCorrection(f.ctx, f.recv, m.ID, in)
	require.NoError(t, err)
	assert.Equal(t, CorrectionPending, k.Status)
	assert.ElementsMatch(t, []string{f.gen.Party, f.car1.Party}, k.Awaiting)
	assert.Equal(t, k.ID, f.getM(m.ID).PendingCorrection)
	// One pending at a time; the requester does not approve its own.
	err = f.refused(func() error { _, err := f.s.RequestCorrection(f.ctx, f.gen, m.ID, in); return err })
	assert.ErrorIs(t, err, ErrInvalidTransition)
	err = f.refused(func() error { _, err := f.s.ApproveCorrection(f.ctx, f.recv, k.ID, DecisionInput{}); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)

	k, err = f.s.ApproveCorrection(f.ctx, f.gen, k.ID, DecisionInput{})
	require.NoError(t, err)
	assert.Equal(t, CorrectionPending, k.Status)
	assert.Equal(t, []string{f.car1.Party}, k.Awaiting)
	assert.Equal(t, KgToGrams(10), f.get(w.ID).Quantity, "nothing changes before every party approved")
	k, err = f.s.ApproveCorrection(f.ctx, f.car1, k.ID, DecisionInput{})
	require.NoError(t, err)
	assert.Equal(t, CorrectionApplied, k.Status)
	require.NotNil(t, k.Applied)
	require.Len(t, k.Applied.Lines, 1)
	assert.Equal(t, KgToGrams(10), k.Applied.Lines[0].Before.Quantity)
	assert.Equal(t, "900-214-08", k.Applied.Lines[0].Before.Code)
	assert.Equal(t, pickedUp, k.Applied.Steps[0].Before)

	got := f.get(w.ID)
	assert.Equal(t, KgToGrams(12), got.Quantity)
	assert.Equal(t, KgToGrams(11.5), got.Received)
	assert.Equal(t, code, got.Code)
	assert.Equal(t, 3, got.Container.Count)
	assert.Equal(t, w.Label, got.Label, "the label stays")
	mm := f.getM(m.ID)
	assert.Empty(t, mm.PendingCorrection)
	assert.Equal(t, KgToGrams(12), mm.Total)
	assert.Equal(t, pickedUp.Add(-10*time.Minute), *mm.PickedUpAt)
	assert.Equal(t, KgToGrams(11.5), mm.Lines[0].Received)
	rx, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(11.5), rx.ReceivedThisYear)
	// The batch is found under its new code.
	l, err := f.s.Wastes(f.ctx, f.insp, WasteFilter{Code: code}, Page{})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)

	// The trace of the batch and the manifest hold the request, the
	// approvals and the applied change; inspectors see it in the list.
	tr, err := f.s.Trace(f.ctx, f.insp, w.ID)
	require.NoError(t, err)
	types := map[string]int{}
	for _, e := range tr.Events {
		types[decodeEvent(t, e.Event).Type]++
	}
	assert.Equal(t, 1, types[EvCorrectionRequested])
	assert.Equal(t, 2, types[EvCorrectionApproved])
	assert.Equal(t, 1, types[EvManifestCorrected])
	ks, err := f.s.ManifestCorrections(f.ctx, f.insp, m.ID)
	require.NoError(t, err)
	require.Len(t, ks, 1)
	all, err := f.s.Corrections(f.ctx, f.insp, CorrectionFilter{Status: CorrectionApplied}, Page{})
	require.NoError(t, err)
	require.Len(t, all.Items, 1)
	mine, err := f.s.Corrections(f.ctx, f.gen2, CorrectionFilter{}, Page{})
	require.NoError(t, err)
	assert.Empty(t, mine.Items, "another generator sees none")
}

// A refused correction changes nothing and ends; a new one may follow.
func TestCorrectionRefused(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, w), f.car1)
	in := CorrectionInput{Reason: "少报", Changes: CorrectionChanges{Lines: []LineChange{{WasteID: w.ID, Quantity: gramsPtr(14)}}}}
	k, err := f.s.RequestCorrection(f.ctx, f.gen, m.ID, in)
	require.NoError(t, err)
	err = f.refused(func() error { _, err := f.s.RefuseCorrection(f.ctx, f.recv, k.ID, DecisionInput{}); return err })
	requireField(t, err, "reason")
	err = f.refused(func() error {
		_, err := f.s.RefuseCorrection(f.ctx, f.gen2, k.ID, DecisionInput{Reason: "x"})
		return err
	})
	assert.ErrorIs(t, err, ErrNotFound)
	k, err = f.s.RefuseCorrection(f.ctx, f.recv, k.ID, DecisionInput{Reason: "未见过磅单"})
	require.NoError(t, err)
	assert.Equal(t, CorrectionRefused, k.Status)
	assert.Equal(t, f.recv.Party, k.RefusedBy)
	assert.Equal(t, KgToGrams(10), f.get(w.ID).Quantity)
	err = f.refused(func() error { _, err := f.s.ApproveCorrection(f.ctx, f.car1, k.ID, DecisionInput{}); return err })
	assert.ErrorIs(t, err, ErrInvalidTransition)

	// In transit, an approved change of the declared quantity moves what
	// the receiver has pending.
	k, err = f.s.RequestCorrection(f.ctx, f.gen, m.ID, in)
	require.NoError(t, err)
	_, err = f.s.ApproveCorrection(f.ctx, f.car1, k.ID, DecisionInput{})
	require.NoError(t, err)
	_, err = f.s.ApproveCorrection(f.ctx, f.recv, k.ID, DecisionInput{})
	require.NoError(t, err)
	rx, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(14), rx.Pending)
	ks, err := f.s.ManifestCorrections(f.ctx, f.gen, m.ID)
	require.NoError(t, err)
	require.Len(t, ks, 2)
	assert.Equal(t, CorrectionRefused, ks[0].Status)
	assert.Equal(t, CorrectionApplied, ks[1].Status)
}

func ptr[T any](v T) *T { return &v }
