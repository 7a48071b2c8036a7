package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// occurred_at: at most 5 minutes in the future, never before the subject's
// previous event; generated_at not in the future.

func TestTimeOccurredAtFuture(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now()
	in := WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 1000, Container: Container{Type: "桶", Count: 1}, GeneratedAt: now.Add(-time.Hour)}

	in.OccurredAt = ptime(now.Add(5*time.Minute + time.Second))
	err := f.refused(func() error { _, err := f.s.RegisterWaste(f.ctx, f.gen, in); return err })
	requireField(t, err, "occurred_at")

	in.OccurredAt = ptime(now.Add(5 * time.Minute))
	w, err := f.s.RegisterWaste(f.ctx, f.gen, in)
	require.NoError(t, err, "exactly 5 minutes ahead is allowed (clock skew)")
	assert.True(t, w.LastOccurredAt.Equal(now.Add(5*time.Minute)))

	// Same for every command: a manifest step far in the future.
	w2 := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w2)
	sc := scan(m)
	sc.OccurredAt = ptime(now.Add(time.Hour))
	err = f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, sc); return err })
	requireField(t, err, "occurred_at")
	err = f.refused(func() error {
		_, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "x", OccurredAt: ptime(now.Add(24 * time.Hour))})
		return err
	})
	requireField(t, err, "occurred_at")
	// A GPS point in the future is refused too.
	m = f.pickup(m, f.car1)
	err = f.refused(func() error {
		_, err := f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, now.Add(time.Hour)}}})
		return err
	})
	requireField(t, err, "points[0].at")
}

func TestTimeOccurredAtBeforePrevious(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now()
	w := f.waste(f.gen, "900-214-08", 10)

	// Paper fallback: a manifest entered later with earlier field times is fine
	// as long as each step is not before the previous one.
	f.clock.Advance(48 * time.Hour)
	m, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.car1.Party},
		Receiver: f.recv.Party, PlannedPickupAt: now.Add(2 * time.Hour), OccurredAt: ptime(now.Add(time.Hour))})
	require.NoError(t, err)
	assert.True(t, m.LastOccurredAt.Equal(now.Add(time.Hour)))

	// Before the batch's registration: refused.
	w2 := f.waste(f.gen, "900-214-08", 10)
	err = f.refused(func() error {
		_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w2.ID}, Carriers: []string{f.car1.Party},
			Receiver: f.recv.Party, PlannedPickupAt: now, OccurredAt: ptime(now)})
		return err
	})
	requireField(t, err, "occurred_at")

	// Pickup before the manifest: refused; at or after: allowed.
	sc := scan(m)
	sc.OccurredAt = ptime(now.Add(59 * time.Minute))
	err = f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, sc); return err })
	requireField(t, err, "occurred_at")
	sc.OccurredAt = ptime(now.Add(3 * time.Hour))
	m, err = f.s.Pickup(f.ctx, f.car1, m.ID, sc)
	require.NoError(t, err)

	// Deliver before the pickup: refused.
	err = f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{OccurredAt: ptime(now.Add(2 * time.Hour))})
		return err
	})
	requireField(t, err, "occurred_at")
	m, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{OccurredAt: ptime(now.Add(5 * time.Hour))})
	require.NoError(t, err)

	// Receive before delivery: refused.
	err = f.refused(func() error {
		_, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: f.lines(m, true), OccurredAt: ptime(now.Add(4 * time.Hour))})
		return err
	})
	requireField(t, err, "occurred_at")
	m, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: f.lines(m, true), OccurredAt: ptime(now.Add(6 * time.Hour))})
	require.NoError(t, err)

	// Dispose before the receipt: refused.
	err = f.refused(func() error {
		_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "R9", Quantity: w.Quantity, OccurredAt: ptime(now.Add(5 * time.Hour))})
		return err
	})
	requireField(t, err, "occurred_at")
	d, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "R9", Quantity: w.Quantity, OccurredAt: ptime(now.Add(7 * time.Hour))})
	require.NoError(t, err)
	require.NotNil(t, d.DisposedAt)
	assert.True(t, d.DisposedAt.Equal(now.Add(7*time.Hour)))

	// Correction before registration: refused.
	w3 := f.waste(f.gen, "900-214-08", 10)
	q := KgToGrams(11)
	err = f.refused(func() error {
		_, err := f.s.CorrectWaste(f.ctx, f.gen, w3.ID, WasteCorrection{Quantity: &q, Reason: "复称", OccurredAt: ptime(now)})
		return err
	})
	requireField(t, err, "occurred_at")

	// Every stored time is in the order of the events.
	tr, err := f.s.Trace(f.ctx, f.insp, w.ID)
	require.NoError(t, err)
	require.NotEmpty(t, tr.Events)
}

func TestTimeGeneratedAtFuture(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now()
	for _, g := range []time.Time{now.Add(6 * time.Minute), now.Add(24 * time.Hour)} {
		err := f.refused(func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 1000,
				Container: Container{Type: "桶", Count: 1}, GeneratedAt: g})
			return err
		})
		requireField(t, err, "generated_at")
	}
	// Long ago is fine (paper records), but not before 2000.
	_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 1000,
		Container: Container{Type: "桶", Count: 1}, GeneratedAt: now.AddDate(0, -1, 0)})
	require.NoError(t, err)
	err = f.refused(func() error {
		_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 1000,
			Container: Container{Type: "桶", Count: 1}, GeneratedAt: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)})
		return err
	})
	requireField(t, err, "generated_at")
}

// The ledger's own recorded_at never goes backwards, and occurred_at of
// each subject's events is non-decreasing.
func TestTimeEventsOrdered(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	f.clock.Advance(time.Hour)
	m = f.pickup(m, f.car1)
	f.clock.Advance(time.Hour)
	m = f.deliver(m, f.car1)
	f.receiveAll(m, f.recv, true)
	for _, id := range []string{w.ID, m.ID} {
		tr, err := f.s.Trace(f.ctx, f.insp, id)
		require.NoError(t, err)
		var last time.Time
		for _, te := range tr.Events {
			e := decodeEvent(t, te.Event)
			assert.False(t, e.OccurredAt.Before(last), "event %d (%s) occurred before the previous one", e.Index, e.Type)
			last = e.OccurredAt
		}
	}
}
