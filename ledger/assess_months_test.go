package ledger

import (
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DistrictMonths gives, month by month, the district totals Assessment
// gives over each month: batches generated in two months, one disposed
// of; an inspector only.
func TestDistrictMonthsEqualAssessment(t *testing.T) {
	f := newFixture(t)
	w1 := f.waste(f.gen, "900-214-08", 100)
	f.waste(f.hosp, "841-001-01", 8)
	f.clock.Advance(40 * 24 * time.Hour)
	w2 := f.waste(f.gen2, "900-041-49", 50)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w1)
	_, err := f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
	require.NoError(t, err)
	f.clock.Advance(time.Hour)
	_, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{})
	require.NoError(t, err)
	_, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{
		{WasteID: w1.ID, Received: KgToGrams(100), ContainerCount: 2, Accepted: yes()}}})
	require.NoError(t, err)
	_, err = f.s.Dispose(f.ctx, f.recv, w1.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(100)})
	require.NoError(t, err)
	_ = w2

	now := f.s.Now()
	year := now.In(workday.Shanghai).Year()
	ms, err := f.s.DistrictMonths(f.ctx, f.insp, year)
	require.NoError(t, err)
	require.Len(t, ms, 12)
	var total Grams
	for _, m := range ms {
		end := m.Month.AddDate(0, 1, 0)
		if end.After(now) {
			end = now
		}
		if !end.After(m.Month) {
			assert.Zero(t, m.GeneratedKg, m.Month)
			continue
		}
		a, err := f.s.Assessment(f.ctx, f.insp, AssessQuery{From: m.Month, To: end, GroupBy: GroupByStreet})
		require.NoError(t, err)
		assert.Equal(t, a.District.GeneratedKg, m.GeneratedKg, m.Month)
		assert.Equal(t, a.District.DisposedKg, m.DisposedKg, m.Month)
		total += m.GeneratedKg
	}
	assert.Equal(t, KgToGrams(158), total, "every batch is in one month")

	_, err = f.s.DistrictMonths(f.ctx, f.gen, year)
	require.ErrorIs(t, err, ErrForbidden)
}
