package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small hand-built district: gen has two batches (100 kg disposed, 50 kg
// rejected, still inside its one-year storage limit), the hospital one
// medical batch left stored past 48 h, gen2 nothing. Figures below are
// computed by hand.
func TestAssessmentFiguresByHand(t *testing.T) {
	f := newFixture(t)
	w1 := f.waste(f.gen, "900-214-08", 100)
	w2 := f.waste(f.gen, "900-041-49", 50)
	hw := f.waste(f.hosp, "841-001-01", 8)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w1, w2)
	_, err := f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
	require.NoError(t, err)
	_, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{})
	require.NoError(t, err)
	_, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{
		{WasteID: w1.ID, Received: KgToGrams(100), ContainerCount: 2, Accepted: yes()},
		{WasteID: w2.ID, Received: KgToGrams(50), ContainerCount: 2, Accepted: no(), Note: "包装破损"},
	}})
	require.NoError(t, err)
	f.clock.Advance(48 * time.Hour)
	_, err = f.s.Dispose(f.ctx, f.recv, w1.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(100)})
	require.NoError(t, err)
	_, err = f.s.Sweep(f.ctx)
	require.NoError(t, err)
	_ = hw

	a, err := f.s.Assessment(f.ctx, f.insp, AssessQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(72 * time.Hour)})
	require.NoError(t, err)
	rows := map[string]AssessRow{}
	for _, r := range a.Rows {
		rows[r.Group] = r
	}
	g := rows[f.gen.Party]
	assert.EqualValues(t, 2, g.Batches)
	assert.Equal(t, KgToGrams(150), g.GeneratedKg)
	assert.Equal(t, KgToGrams(100), g.DisposedKg)
	assert.Equal(t, KgToGrams(100), g.DueKg, "the rejected 50 kg is inside its storage limit")
	assert.EqualValues(t, 1, g.DueBatches)
	assert.Equal(t, 1.0, g.DisposalRate)
	assert.EqualValues(t, 1, g.Discrepancies)
	assert.Equal(t, 1.0, g.OnTimeRate)
	assert.InDelta(t, 2.04, g.AvgDaysToDisposal, 0.01) // generated 1 h before t0, disposed at t0+48h
	// 100 − 20·0 − 10·1 − 5·(1−1) − 5·(1−1) = 90
	assert.InDelta(t, 90.0, g.Score, 0.01)

	h := rows[f.hosp.Party]
	assert.Equal(t, KgToGrams(8), h.MedicalGeneratedKg)
	assert.Equal(t, 0.0, h.MedicalDisposalRate)
	assert.Equal(t, 0.0, h.OnTimeRate, "the medical batch is still stored past 48 h")
	assert.EqualValues(t, 1, h.OverdueAlerts)
	assert.EqualValues(t, 1, h.OpenAlerts)
	// 100 − 20·1 − 10·0 − 5·(1−0) − 5·(1−0) = 70
	assert.InDelta(t, 70.0, h.Score, 0.01)

	e := rows[f.gen2.Party]
	assert.Equal(t, 100.0, e.Score, "nothing generated: nothing wrong")
	assert.Equal(t, 1, e.Rank)
	assert.Equal(t, 2, g.Rank)
	assert.Equal(t, 3, h.Rank)
	assert.Equal(t, KgToGrams(158), a.District.GeneratedKg)

	own, err := f.s.Assessment(f.ctx, f.gen, AssessQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(72 * time.Hour)})
	require.NoError(t, err)
	require.Len(t, own.Rows, 1)
	assert.Equal(t, f.gen.Party, own.Rows[0].Group)

	byStreet, err := f.s.Assessment(f.ctx, f.insp, AssessQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(72 * time.Hour), GroupBy: "street"})
	require.NoError(t, err)
	assert.Len(t, byStreet.Rows, 2) // 南关 (gen, hosp) and 东大街 (gen2)
}
