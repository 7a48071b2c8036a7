package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rejectOne delivers a manifest of w to f.recv and refuses w there.
func (f *fixture) rejectOne(w *Waste) *Manifest {
	f.t.Helper()
	return f.receiveAll(f.toDelivered(f.recv, w), f.recv, false)
}

// leg files a return or redirect of ws by the receiver holding them.
func (f *fixture) leg(kind string, by, to Principal, ws ...*Waste) (*Manifest, error) {
	in := ManifestInput{Kind: kind, Receiver: to.Party, Carriers: []string{f.car1.Party}, PlannedPickupAt: f.clock.Now().Add(time.Hour)}
	for _, w := range ws {
		in.WasteIDs = append(in.WasteIDs, w.ID)
	}
	return f.s.CreateManifest(f.ctx, by, in)
}

// A rejected batch stays with the receiver that refused it, on the
// rejection clock; the receiver returns it to its generator, who takes it
// back into storage, and the batch's trace holds both legs.
func TestRejectionReturn(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m1 := f.rejectOne(w)
	r := f.get(w.ID)
	assert.Equal(t, WasteRejected, r.Status)
	assert.Equal(t, f.recv.Party, r.RejectedBy)
	assert.Equal(t, m1.ID, r.RejectedOn)
	require.NotNil(t, r.RejectionDue)
	assert.Equal(t, f.s.Calendar().AddWorkdays(*m1.ReceivedAt, 10), *r.RejectionDue)

	// Only the receiver holding it files the return, and only to the generator.
	err := f.refused(func() error { _, err := f.leg(ManifestReturn, f.recv, f.gen2, w); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), "generator")
	err = f.refused(func() error { _, err := f.leg(ManifestReturn, f.medRx, f.gen, w); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	err = f.refused(func() error { _, err := f.leg(ManifestReturn, f.gen, f.gen, w); return err })
	assert.ErrorIs(t, err, ErrForbidden)
	err = f.refused(func() error { _, err := f.leg("reroute", f.recv, f.gen, w); return err })
	requireField(t, err, "kind")

	m2, err := f.leg(ManifestReturn, f.recv, f.gen, w)
	require.NoError(t, err)
	assert.Equal(t, ManifestReturn, m2.Kind)
	assert.Equal(t, f.recv.Party, m2.Generator, "the receiver is the consignor")
	assert.Equal(t, []string{m1.ID}, m2.RejectedOn)
	m2 = f.pickup(m2, f.car1)
	r = f.get(w.ID)
	assert.Equal(t, WasteInTransit, r.Status)
	assert.Empty(t, r.RejectedBy)
	assert.Nil(t, r.RejectionDue)
	m2 = f.deliver(m2, f.car1)
	// The generator cannot refuse its own waste.
	err = f.refused(func() error {
		_, err := f.s.Receive(f.ctx, f.gen, m2.ID, ReceiveInput{Lines: f.lines(m2, false)})
		return err
	})
	requireField(t, err, "lines[0].accepted")
	m2 = f.receiveAll(m2, f.gen, true)
	assert.Equal(t, ManifestClosed, m2.Status, "a return closes once the generator has taken its batches back")
	r = f.get(w.ID)
	assert.Equal(t, WasteStored, r.Status)
	assert.Empty(t, r.ManifestID)
	gen, err := f.s.Party(f.ctx, f.gen.Party)
	require.NoError(t, err)
	assert.Zero(t, gen.Pending)
	assert.Zero(t, gen.ReceivedThisYear)

	tr, err := f.s.Trace(f.ctx, f.insp, w.ID)
	require.NoError(t, err)
	legs := map[string]bool{}
	for _, e := range tr.Events {
		legs[decodeEvent(t, e.Event).Subject] = true
	}
	assert.True(t, legs[m1.ID] && legs[m2.ID], "the trace shows both legs")

	// Back in storage, it may go out again on an ordinary transfer.
	f.manifest(f.gen, f.recv, []Principal{f.car1}, r)
	f.sweep()
	assert.Empty(t, f.alerts(AlertFilter{Kind: AlertRejectionUnresolved}))
}

// A redirect goes to another licensed receiver; rejection_unresolved is
// raised when the batches stay too long and resolved when they leave.
func TestRejectionRedirect(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-041-49", 10)
	m1 := f.rejectOne(w)
	other := f.receiver(106, License{Number: "其他", Codes: []string{"HW49"}, Methods: []string{"D10"}, CapacityTonnes: 10, ValidFrom: "2024-01-01", ValidTo: "2030-12-31"})

	// Not to itself, nor to a receiver whose licence does not cover the code.
	err := f.refused(func() error { _, err := f.leg(ManifestRedirect, f.recv, f.recv, w); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	err = f.refused(func() error { _, err := f.leg(ManifestRedirect, f.recv, f.medRx, w); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), "does not cover")

	f.clock.Advance(15 * 24 * time.Hour) // past 10 working days
	f.sweep()
	open := f.open(AlertRejectionUnresolved, w.ID)
	require.Len(t, open, 1)
	assert.Equal(t, f.recv.Party, open[0].Party, "the receiver holding it must act")
	assert.Contains(t, open[0].Parties, f.gen.Party, "the generator sees it")

	m2, err := f.leg(ManifestRedirect, f.recv, other, w)
	require.NoError(t, err)
	// Cancelled, it is back with the receiver that refused it.
	_, err = f.s.Cancel(f.ctx, f.recv, m2.ID, CancelInput{Reason: "改派车辆"})
	require.NoError(t, err)
	r := f.get(w.ID)
	assert.Equal(t, WasteRejected, r.Status)
	assert.Equal(t, f.recv.Party, r.RejectedBy)

	m2, err = f.leg(ManifestRedirect, f.recv, other, w)
	require.NoError(t, err)
	assert.Equal(t, []string{m1.ID}, m2.RejectedOn)
	m2 = f.deliver(f.pickup(m2, f.car1), f.car1)
	assert.Empty(t, f.open(AlertRejectionUnresolved, w.ID), "picked up: resolved")
	m2 = f.receiveAll(m2, other, true)
	r = f.get(w.ID)
	assert.Equal(t, WasteReceived, r.Status)
	assert.Equal(t, other.Party, r.Receiver)
	_, err = f.s.Dispose(f.ctx, other, w.ID, DisposeInput{Method: "D10", Quantity: r.Received})
	require.NoError(t, err)
	assert.Equal(t, ManifestClosed, f.getM(m2.ID).Status)
}

// Medical waste received at a facility is overdue for disposal after 48
// hours; other waste after a year.
func TestMedicalDisposalLimit(t *testing.T) {
	f := newFixture(t)
	med := f.waste(f.hosp, "841-001-01", 5)
	m := f.receiveAll(f.toDelivered(f.medRx, med), f.medRx, true)
	w := f.get(med.ID)
	require.NotNil(t, w.DisposalDeadline)
	assert.Equal(t, m.ReceivedAt.Add(48*time.Hour), *w.DisposalDeadline)
	oil := f.waste(f.gen, "900-214-08", 5)
	f.receiveAll(f.toDelivered(f.recv, oil), f.recv, true)
	assert.Equal(t, f.get(oil.ID).ReceivedAt.Add(365*24*time.Hour), *f.get(oil.ID).DisposalDeadline)

	f.clock.Advance(47 * time.Hour)
	f.sweep()
	assert.Empty(t, f.open(AlertDisposalOverdue, med.ID))
	f.clock.Advance(2 * time.Hour)
	f.sweep()
	assert.Len(t, f.open(AlertDisposalOverdue, med.ID), 1)
	assert.Empty(t, f.open(AlertDisposalOverdue, oil.ID))
}

// Chemical and pharmaceutical medical waste may go to a facility licensed
// for HW03 or HW49, and is treated there as that waste; infectious waste
// may not.
func TestMedicalChemicalToHW49(t *testing.T) {
	f := newFixture(t)
	chem := f.waste(f.hosp, "841-004-01", 5)
	inf := f.waste(f.hosp, "841-001-01", 5)
	err := f.refused(func() error {
		_, err := f.createManifest(f.hosp, f.recv, []Principal{f.car1}, f.clock.Now().Add(time.Hour), inf)
		return err
	})
	assert.ErrorIs(t, err, ErrRuleViolation)
	m := f.receiveAll(f.toDelivered(f.recv, chem), f.recv, true)
	w := f.get(chem.ID)
	assert.Equal(t, m.ReceivedAt.Add(48*time.Hour), *w.DisposalDeadline, "still medical waste: 48 hours")
	rx, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)
	assert.True(t, MethodAllowed(rx.License, w, "D1"), "treated as HW49 waste")
	_, err = f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "D1", Quantity: w.Received})
	require.NoError(t, err)
	md, err := f.s.Party(f.ctx, f.medRx.Party)
	require.NoError(t, err)
	assert.False(t, MethodAllowed(md.License, w, "D1"), "a medical facility's licence: Y-codes or D10")
}
