package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An acknowledged alert whose condition still holds stays ongoing, and is
// resolved when the condition ends, its acknowledgement kept; one of a
// kind without a clock ends with the acknowledgement.
func TestAcknowledgedAlertStaysOngoing(t *testing.T) {
	f := newFixture(t)
	w := f.wasteAt(f.hosp, "841-001-01", 3, f.clock.Now())
	f.clock.Advance(49 * time.Hour)
	f.sweep()
	over := f.alerts(AlertFilter{Kind: AlertStorageOverdue})
	require.Len(t, over, 1)
	assert.True(t, over[0].Ongoing)
	a, err := f.s.AckAlert(f.ctx, f.insp, over[0].ID, AckInput{Note: "已电话督促"})
	require.NoError(t, err)
	assert.Equal(t, AlertAcknowledged, a.Status)
	assert.True(t, a.Ongoing, "the batch is still overdue")
	// Sweeps raise no second alert about it.
	f.clock.Advance(time.Hour)
	f.sweep()
	assert.Len(t, f.alerts(AlertFilter{Kind: AlertStorageOverdue}), 1)

	f.pickup(f.manifest(f.hosp, f.medRx, []Principal{f.car1}, w), f.car1)
	got := f.alerts(AlertFilter{Kind: AlertStorageOverdue})
	require.Len(t, got, 1)
	assert.Equal(t, AlertResolved, got[0].Status)
	assert.False(t, got[0].Ongoing)
	assert.NotNil(t, got[0].AckedAt)
	assert.Equal(t, "已电话督促", got[0].AckNote)

	// A discrepancy has no clock: acknowledged, it has ended.
	m := f.toDelivered(f.recv, f.waste(f.gen, "900-214-08", 100))
	f.receiveAll(m, f.recv, false)
	disc := f.alerts(AlertFilter{Kind: AlertDiscrepancy})
	require.Len(t, disc, 1)
	a, err = f.s.AckAlert(f.ctx, f.insp, disc[0].ID, AckInput{Note: "已核实"})
	require.NoError(t, err)
	assert.False(t, a.Ongoing)
}
