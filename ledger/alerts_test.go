package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Alerts at the domain level, driven by the test clock and Sweep.

// open returns the open alerts of kind about subject.
func (f *fixture) open(kind, subject string) []*Alert {
	f.t.Helper()
	var out []*Alert
	for _, a := range f.alerts(AlertFilter{Kind: kind, Status: AlertOpen}) {
		if a.Subject == subject {
			out = append(out, a)
		}
	}
	return out
}

// raisedCount counts alert.raised events of kind about subject in the log.
func (f *fixture) raisedCount(kind, subject string) int {
	f.t.Helper()
	n := 0
	require.NoError(f.t, f.s.Log().Events(0, 0, func(_ uint64, b []byte) error {
		e := decodeEvent(f.t, b)
		if e.Type != EvAlertRaised {
			return nil
		}
		var a Alert
		require.NoError(f.t, json.Unmarshal(e.Data, &a))
		if a.Kind == kind && a.Subject == subject {
			n++
		}
		return nil
	}))
	return n
}

func TestAlertMedicalStorage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now())
	chem := f.wasteAt(f.hosp, "900-047-49", 5, f.clock.Now())

	f.clock.Advance(36*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertStorageDueSoon, w.ID), "not before 36 h")

	f.clock.Advance(time.Second)
	f.sweep()
	soon := f.open(AlertStorageDueSoon, w.ID)
	require.Len(t, soon, 1, "at 36 h: 12 h before the 48 h limit")
	assert.Equal(t, f.hosp.Party, soon[0].Party)
	assert.Equal(t, "waste", soon[0].SubjectType)
	assert.Equal(t, "南关", soon[0].Street)
	assert.Empty(t, f.open(AlertStorageOverdue, w.ID))
	f.sweep()
	f.sweep()
	assert.Equal(t, 1, f.raisedCount(AlertStorageDueSoon, w.ID), "raised once however often the sweep runs")

	f.clock.Advance(12*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertStorageOverdue, w.ID), "not before 48 h")
	f.clock.Advance(time.Second)
	f.sweep()
	require.Len(t, f.open(AlertStorageOverdue, w.ID), 1, "at 48 h")
	assert.Empty(t, f.open(AlertStorageDueSoon, w.ID), "the warning is superseded")

	f.clock.Advance(30 * time.Hour)
	f.sweep()
	f.sweep()
	assert.Equal(t, 1, f.raisedCount(AlertStorageOverdue, w.ID))
	assert.Equal(t, 1, f.raisedCount(AlertStorageDueSoon, w.ID))
	// The non-medical batch from the same hospital has a year.
	assert.Empty(t, f.open(AlertStorageDueSoon, chem.ID))
	assert.Empty(t, f.open(AlertStorageOverdue, chem.ID))

	// Pickup resolves the storage alert.
	m := f.manifest(f.hosp, f.medRx, []Principal{f.car1}, w)
	require.Len(t, f.open(AlertStorageOverdue, w.ID), 1, "still at the hospital while manifested")
	f.pickup(m, f.car1)
	assert.Empty(t, f.open(AlertStorageOverdue, w.ID))
	resolved := f.alerts(AlertFilter{Kind: AlertStorageOverdue, Status: AlertResolved})
	require.Len(t, resolved, 1)
	assert.NotNil(t, resolved[0].ResolvedAt)
}

func TestAlertNonMedicalStorageYear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.wasteAt(f.gen, "900-214-08", 5, f.clock.Now())
	f.clock.Advance(335*24*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertStorageDueSoon, w.ID))
	f.clock.Advance(time.Second)
	f.sweep()
	assert.Len(t, f.open(AlertStorageDueSoon, w.ID), 1, "30 days before the year")
	f.clock.Advance(30 * 24 * time.Hour)
	f.sweep()
	assert.Len(t, f.open(AlertStorageOverdue, w.ID), 1)
	// overdue filter on the list
	over, err := f.s.Wastes(f.ctx, f.gen, WasteFilter{Overdue: yes()}, Page{})
	require.NoError(t, err)
	require.Len(t, over.Items, 1)
}

// A cancelled manifest returns its batches to storage; an already open
// storage alert is neither duplicated nor re-raised.
func TestAlertStorageAfterCancelRaisedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now())
	f.clock.Advance(49 * time.Hour)
	f.sweep()
	require.Len(t, f.open(AlertStorageOverdue, w.ID), 1)
	m := f.manifest(f.hosp, f.medRx, []Principal{f.car1}, w)
	_, err := f.s.Cancel(f.ctx, f.hosp, m.ID, CancelInput{Reason: "车辆故障"})
	require.NoError(t, err)
	f.sweep()
	f.clock.Advance(time.Hour)
	f.sweep()
	assert.Len(t, f.open(AlertStorageOverdue, w.ID), 1)
	assert.Empty(t, f.open(AlertStorageDueSoon, w.ID))
	assert.Equal(t, 1, f.raisedCount(AlertStorageOverdue, w.ID))
	assert.Equal(t, 1, f.raisedCount(AlertStorageDueSoon, w.ID), "the superseded warning is not raised again after a cancel")
	// Back in storage and still overdue: counted and listed as such.
	f.checkCounts("cancel")
	c, err := f.s.WasteCounts(f.ctx, f.insp)
	require.NoError(t, err)
	assert.Equal(t, 1, c.Overdue)
	_, err = f.s.WasteCounts(f.ctx, f.hosp)
	require.ErrorIs(t, err, ErrForbidden, "district totals are for inspectors")
}

// The sweep terminates however many batches return overdue to storage.
func TestAlertSweepTerminatesAfterMassCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ws := make([]*Waste, 205)
	var wg sync.WaitGroup
	for g := range 5 {
		wg.Add(1)
		go func() { // concurrent, so that the writer batches them
			defer wg.Done()
			for i := g; i < len(ws); i += 5 {
				w, err := f.s.RegisterWaste(f.ctx, f.hosp, WasteInput{Code: "841-001-01", Form: "solid", Quantity: 1000,
					Container: Container{Type: "周转箱", Count: 1}, GeneratedAt: f.clock.Now()})
				assert.NoError(t, err)
				ws[i] = w
			}
		}()
	}
	wg.Wait()
	f.clock.Advance(49 * time.Hour)
	f.sweep()
	m := f.manifest(f.hosp, f.medRx, []Principal{f.car1}, ws...)
	_, err := f.s.Cancel(f.ctx, f.hosp, m.ID, CancelInput{Reason: "改期"})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(f.ctx, 3*time.Second)
	defer cancel()
	_, err = f.s.Sweep(ctx)
	require.NoError(t, err, "Sweep must terminate")
}

func TestAlertTransitAndTrackGap(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, w)
	m = f.pickup(m, f.car1)

	f.clock.Advance(2*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertTrackGap, m.ID))
	f.clock.Advance(time.Second)
	f.sweep()
	gap := f.open(AlertTrackGap, m.ID)
	require.Len(t, gap, 1, "no GPS for 2 h")
	assert.Equal(t, f.car1.Party, gap[0].Party, "the holder must act")
	assert.ElementsMatch(t, []string{f.gen.Party, f.recv.Party, f.car1.Party, f.car2.Party}, gap[0].Parties)

	// An old point does not clear the gap.
	_, err := f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, f.clock.Now().Add(-150 * time.Minute)}}})
	require.NoError(t, err)
	assert.Len(t, f.open(AlertTrackGap, m.ID), 1)
	f.sweep()
	assert.Equal(t, 1, f.raisedCount(AlertTrackGap, m.ID))
	// A fresh one does.
	_, err = f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, f.clock.Now()}}})
	require.NoError(t, err)
	assert.Empty(t, f.open(AlertTrackGap, m.ID))

	// Handover restarts the clock for the new holder.
	f.clock.Advance(time.Hour)
	m = f.handover(m, f.car2)
	f.clock.Advance(2 * time.Hour)
	f.sweep()
	gap = f.open(AlertTrackGap, m.ID)
	require.Len(t, gap, 1)
	assert.Equal(t, f.car2.Party, gap[0].Party)

	// 72 h after pickup: transit overdue.
	f.clock.Advance(72*time.Hour - 5*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertTransitOverdue, m.ID))
	f.clock.Advance(time.Second)
	f.sweep()
	require.Len(t, f.open(AlertTransitOverdue, m.ID), 1)
	// Delivery resolves both.
	f.deliver(m, f.car2)
	assert.Empty(t, f.open(AlertTransitOverdue, m.ID))
	assert.Empty(t, f.open(AlertTrackGap, m.ID))
	f.clock.Advance(10 * time.Hour)
	f.sweep()
	assert.Empty(t, f.open(AlertTrackGap, m.ID), "no track gap once delivered")
}

func TestAlertMedicalTransit48h(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.hosp, "841-001-01", 10)
	m := f.pickup(f.manifest(f.hosp, f.medRx, []Principal{f.car1}, w), f.car1)
	require.NotNil(t, m.TransitDue)
	assert.Equal(t, m.PickedUpAt.Add(48*time.Hour), *m.TransitDue)
	f.clock.Advance(48 * time.Hour)
	f.sweep()
	assert.Len(t, f.open(AlertTransitOverdue, m.ID), 1)
}

func TestAlertReceiptOverdueAcrossWeekend(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	// Thursday 5 March 2026, 10:00 in Shanghai.
	thu := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	f.clock.Advance(thu.Sub(f.clock.Now()))
	m := f.deliver(f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, w), f.car1), f.car1)
	// Fri 6, Mon 9, Tue 10, Wed 11, Thu 12: due at the end of Thursday 12 in Shanghai.
	due := time.Date(2026, 3, 12, 16, 0, 0, 0, time.UTC)
	require.NotNil(t, m.ReceiptDue)
	assert.Equal(t, due, m.ReceiptDue.UTC())
	f.clock.Advance(due.Add(-time.Second).Sub(f.clock.Now()))
	f.sweep()
	assert.Empty(t, f.open(AlertReceiptOverdue, m.ID), "the weekend does not count")
	f.clock.Advance(time.Second)
	f.sweep()
	a := f.open(AlertReceiptOverdue, m.ID)
	require.Len(t, a, 1)
	assert.Equal(t, f.recv.Party, a[0].Party)
	f.receiveAll(m, f.recv, true)
	assert.Empty(t, f.open(AlertReceiptOverdue, m.ID))
}

func TestAlertDisposalOverdue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	w2 := f.waste(f.gen, "900-214-08", 10)
	f.receiveAll(f.toDelivered(f.recv, w, w2), f.recv, true)
	f.clock.Advance(365*24*time.Hour - time.Second)
	f.sweep()
	assert.Empty(t, f.open(AlertDisposalOverdue, w.ID))
	f.clock.Advance(time.Second)
	f.sweep()
	a := f.open(AlertDisposalOverdue, w.ID)
	require.Len(t, a, 1)
	assert.Equal(t, f.recv.Party, a[0].Party)
	assert.Contains(t, a[0].Parties, f.gen.Party)
	_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "R9", Quantity: w.Quantity})
	require.NoError(t, err)
	assert.Empty(t, f.open(AlertDisposalOverdue, w.ID))
	assert.Len(t, f.open(AlertDisposalOverdue, w2.ID), 1)
}

func TestAlertDiscrepancyAndCapacity(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen2, "900-214-08", 6000)
	m := f.toDelivered(f.recv, w)
	m, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{{WasteID: w.ID, Received: KgToGrams(5000), ContainerCount: 2, Accepted: yes()}}})
	require.NoError(t, err)
	d := f.open(AlertDiscrepancy, m.ID)
	require.Len(t, d, 1)
	assert.Equal(t, f.recv.Party, d[0].Party)
	assert.ElementsMatch(t, []string{f.gen2.Party, f.recv.Party}, d[0].Parties)
	assert.Equal(t, "东大街", d[0].Street, "the generator's street")
	assert.Contains(t, d[0].Message, m.Number)
	assert.Empty(t, f.alerts(AlertFilter{Kind: AlertCapacity}))

	// 5 t + 6 t = 11 t > 10 t: warned once, even after another receipt.
	for range 2 {
		w := f.waste(f.gen, "900-214-08", 3000)
		f.receiveAll(f.toDelivered(f.recv, w), f.recv, true)
	}
	c := f.alerts(AlertFilter{Kind: AlertCapacity, Status: AlertOpen})
	require.Len(t, c, 1)
	assert.Equal(t, f.recv.Party, c[0].Party)
	assert.Equal(t, "party", c[0].SubjectType)
}

func TestAlertAck(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now())
	f.clock.Advance(49 * time.Hour)
	f.sweep()
	a := f.open(AlertStorageOverdue, w.ID)
	require.Len(t, a, 1)
	id := a[0].ID

	_, err := f.s.AckAlert(f.ctx, f.hosp, id, AckInput{Note: "已联系"})
	require.ErrorIs(t, err, ErrForbidden)
	err = f.refused(func() error { _, err := f.s.AckAlert(f.ctx, f.insp, id, AckInput{Note: " "}); return err })
	requireField(t, err, "note")
	err = f.refused(func() error { _, err := f.s.AckAlert(f.ctx, f.insp, "nope", AckInput{Note: "x"}); return err })
	require.ErrorIs(t, err, ErrNotFound)

	got, err := f.s.AckAlert(f.ctx, f.insp, id, AckInput{Note: "已电话督促医院转运"})
	require.NoError(t, err)
	assert.Equal(t, AlertAcknowledged, got.Status)
	assert.Equal(t, f.insp.Party, got.AckBy)
	assert.Equal(t, "已电话督促医院转运", got.AckNote)
	require.NotNil(t, got.AckedAt)
	err = f.refused(func() error { _, err := f.s.AckAlert(f.ctx, f.insp, id, AckInput{Note: "again"}); return err })
	require.ErrorIs(t, err, ErrInvalidTransition)
	// Acknowledged stays acknowledged; the sweep does not raise it again.
	f.clock.Advance(time.Hour)
	f.sweep()
	assert.Equal(t, 1, f.raisedCount(AlertStorageOverdue, w.ID))
	// The generator still sees it.
	seen, err := f.s.Alert(f.ctx, f.hosp, id)
	require.NoError(t, err)
	assert.Equal(t, AlertAcknowledged, seen.Status)
	_, err = f.s.Alert(f.ctx, f.gen, id)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestAlertSubscribeScoped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hospCh, c1, err := f.s.Subscribe(f.hosp)
	require.NoError(t, err)
	defer c1()
	genCh, c2, err := f.s.Subscribe(f.gen)
	require.NoError(t, err)
	defer c2()
	inspCh, c3, err := f.s.Subscribe(f.insp)
	require.NoError(t, err)
	defer c3()

	w := f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now())
	f.clock.Advance(36 * time.Hour)
	f.sweep()
	recv := func(ch <-chan AlertNotice) AlertNotice {
		t.Helper()
		select {
		case n := <-ch:
			return n
		case <-time.After(5 * time.Second):
			t.Fatal("no notice")
		}
		return AlertNotice{}
	}
	n := recv(hospCh)
	assert.Equal(t, EvAlertRaised, n.Type)
	assert.Equal(t, AlertStorageDueSoon, n.Alert.Kind)
	assert.Equal(t, w.ID, n.Alert.Subject)
	assert.Equal(t, AlertOpen, n.Alert.Status)
	assert.Equal(t, n.Alert.EventIndex, n.Seq)
	assert.Equal(t, n.Seq, recv(inspCh).Seq)

	f.clock.Advance(12 * time.Hour)
	f.sweep()
	// raised overdue, resolved due soon, in ledger order
	a, b := recv(hospCh), recv(hospCh)
	assert.Equal(t, []string{EvAlertRaised, EvAlertResolved}, []string{a.Type, b.Type})
	assert.Equal(t, AlertResolved, b.Alert.Status)
	assert.Less(t, a.Seq, b.Seq)

	select {
	case n := <-genCh:
		t.Fatalf("another generator got a notice about %s", n.Alert.Subject)
	case <-time.After(50 * time.Millisecond):
	}
	// Resuming from a seq gives the same notices.
	since, err := f.s.AlertNoticesSince(f.hosp, n.Seq)
	require.NoError(t, err)
	require.Len(t, since, 2)
	assert.Equal(t, a.Seq, since[0].Seq)
	none, err := f.s.AlertNoticesSince(f.gen, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

// expectedOpenAlerts recomputes, from the state alone, which alerts must be
// open at now (nothing acknowledged).
func (f *fixture) expectedOpenAlerts(now time.Time) []string {
	f.t.Helper()
	var out []string
	due := func(t time.Time) bool { return !t.IsZero() && t.Unix() <= now.Unix() }
	for _, w := range f.allWastes() {
		switch w.Status {
		case WasteStored, WasteManifested:
			if due(w.StorageDeadline) {
				out = append(out, AlertStorageOverdue+"/"+w.ID)
			} else if due(w.StorageWarnAt) {
				out = append(out, AlertStorageDueSoon+"/"+w.ID)
			}
		case WasteReceived:
			if w.DisposalDeadline != nil && due(*w.DisposalDeadline) {
				out = append(out, AlertDisposalOverdue+"/"+w.ID)
			}
		}
	}
	for _, m := range f.allManifests() {
		switch m.Status {
		case ManifestInTransit:
			if m.TransitDue != nil && due(*m.TransitDue) {
				out = append(out, AlertTransitOverdue+"/"+m.ID)
			}
			if m.LastPositionAt != nil && due(m.LastPositionAt.Add(f.s.Rules().TrackGap)) {
				out = append(out, AlertTrackGap+"/"+m.ID)
			}
		case ManifestDelivered:
			if m.ReceiptDue != nil && due(*m.ReceiptDue) {
				out = append(out, AlertReceiptOverdue+"/"+m.ID)
			}
		}
		if m.Discrepancy {
			out = append(out, AlertDiscrepancy+"/"+m.ID)
		}
	}
	out = append(out, f.expectedFilingAlerts(now)...)
	rxs, err := f.s.Parties(f.ctx, PartyFilter{Role: RoleReceiver})
	require.NoError(f.t, err)
	for _, r := range rxs {
		if r.License != nil && r.ReceivedThisYear.Tonnes() > r.License.CapacityTonnes {
			out = append(out, fmt.Sprintf("%s/%s-%d", AlertCapacity, r.ID, r.ReceivedYear))
		}
	}
	sort.Strings(out)
	return out
}

// expectedFilingAlerts is the calendar part of expectedOpenAlerts, from
// the rule of docs/domain.md: a generator that started before a plan's
// deadline (31 March) and filed no plan for the year has plan_missing;
// one that started before a period ended owes that period's declaration
// by its deadline if its class declares such periods (the last 12 months,
// 4 quarters, 2 years are looked at).
func (f *fixture) expectedFilingAlerts(now time.Time) []string {
	f.t.Helper()
	var out []string
	gens, err := f.s.Parties(f.ctx, PartyFilter{Role: RoleGenerator})
	require.NoError(f.t, err)
	sh := now.In(time.FixedZone("CST", 8*3600))
	for _, g := range gens {
		start := g.CreatedAt
		for _, w := range f.allWastes() {
			if w.Generator == g.ID {
				m := time.Date(w.GeneratedAt.In(sh.Location()).Year(), w.GeneratedAt.In(sh.Location()).Month(), 1, 0, 0, 0, 0, sh.Location())
				if m.Before(start) {
					start = m
				}
			}
		}
		for _, y := range []int{sh.Year(), sh.Year() - 1} {
			due := time.Date(y, 4, 1, 0, 0, 0, 0, sh.Location())
			plans, err := f.s.Plans(f.ctx, f.insp, g.ID, y)
			require.NoError(f.t, err)
			if !due.After(now) && start.Before(due) && len(plans) == 0 {
				out = append(out, fmt.Sprintf("%s/%s-plan-%d", AlertPlanMissing, g.ID, y))
			}
		}
		var periods []Period
		for m, i := time.Date(sh.Year(), sh.Month(), 1, 0, 0, 0, 0, sh.Location()), 0; i < 14; m, i = m.AddDate(0, -1, 0), i+1 {
			periods = append(periods, Period{PeriodMonth, m.Year(), int(m.Month())})
		}
		for q, y, i := (int(sh.Month())-1)/3+1, sh.Year(), 0; i < 6; i++ {
			periods = append(periods, Period{PeriodQuarter, y, q})
			if q--; q == 0 {
				q, y = 4, y-1
			}
		}
		periods = append(periods, Period{PeriodYear, sh.Year(), 0}, Period{PeriodYear, sh.Year() - 1, 0}, Period{PeriodYear, sh.Year() - 2, 0})
		kinds := map[string][]string{ClassKey: {PeriodMonth, PeriodYear}, ClassSimplified: {PeriodQuarter, PeriodYear}, ClassRegistered: {PeriodYear}}
		limit := map[string]int{PeriodMonth: 12, PeriodQuarter: 4, PeriodYear: 2}
		seen := map[string]int{}
		for _, p := range periods {
			if p.Due().After(now) || !contains(kinds[g.ManagementClass], p.Kind) {
				continue
			}
			if seen[p.Kind]++; seen[p.Kind] > limit[p.Kind] || !start.Before(p.End()) {
				continue
			}
			ds, err := f.s.Declarations(f.ctx, f.insp, g.ID, p.String())
			require.NoError(f.t, err)
			if len(ds) == 0 {
				out = append(out, fmt.Sprintf("%s/%s-decl-%s", AlertDeclarationOverdue, g.ID, p))
			}
		}
	}
	return out
}

func (f *fixture) actualOpenAlerts() []string {
	var out []string
	for _, a := range f.alerts(AlertFilter{Status: AlertOpen}) {
		out = append(out, a.Kind+"/"+a.Subject)
	}
	sort.Strings(out)
	return out
}

func (f *fixture) allWastes() []*Waste {
	return allPages(f.t, MaxLimit, func(pg Page) (List[*Waste], error) { return f.s.Wastes(f.ctx, f.insp, WasteFilter{}, pg) })
}

func (f *fixture) allManifests() []*Manifest {
	return allPages(f.t, MaxLimit, func(pg Page) (List[*Manifest], error) { return f.s.Manifests(f.ctx, f.insp, ManifestFilter{}, pg) })
}

// checkCounts requires the district counts and the overdue list to equal
// a recount of every batch (right after a sweep).
func (f *fixture) checkCounts(step string) {
	f.t.Helper()
	now := f.clock.Now()
	want := &WasteCounts{ByStatus: map[string]int{}}
	for _, st := range WasteStatuses {
		want.ByStatus[st] = 0
	}
	var overdue []string
	for _, w := range f.allWastes() {
		want.ByStatus[w.Status]++
		if w.Overdue(now) {
			want.Overdue++
			overdue = append(overdue, w.ID)
		}
	}
	got, err := f.s.WasteCounts(f.ctx, f.insp)
	require.NoError(f.t, err)
	require.Equal(f.t, want, got, "counts after %s", step)
	yes := true
	sort.Strings(overdue)
	require.Equal(f.t, overdue, f.wasteIDs(f.insp, WasteFilter{Overdue: &yes}), "overdue list after %s", step)
}

func TestAlertOpenSetEqualsRecomputation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	check := func(step string) {
		t.Helper()
		f.sweep()
		require.Equal(t, f.expectedOpenAlerts(f.clock.Now()), f.actualOpenAlerts(), "after %s", step)
		f.checkCounts(step)
	}
	med := []*Waste{f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now()), f.wasteAt(f.hosp, "841-002-01", 5, f.clock.Now())}
	oil := f.waste(f.gen, "900-214-08", 6000)
	ink := f.waste(f.gen2, "900-253-12", 5500)
	check("registration")

	mm := f.manifest(f.hosp, f.medRx, []Principal{f.car1}, med[0])
	mo := f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, oil), f.car1)
	check("manifests")
	f.clock.Advance(3 * time.Hour) // track gap on mo
	check("3 h")
	_, err := f.s.Positions(f.ctx, f.car1, mo.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, f.clock.Now()}}})
	require.NoError(t, err)
	check("positions")
	f.clock.Advance(34 * time.Hour) // medical due soon
	check("37 h")
	f.clock.Advance(12 * time.Hour) // medical overdue
	check("49 h")
	f.pickup(mm, f.car1)
	check("medical pickup")
	mo = f.deliver(f.handover(mo, f.car2), f.car2)
	check("delivered")
	_, err = f.s.Receive(f.ctx, f.recv, mo.ID, ReceiveInput{Lines: []ReceiveLine{{WasteID: oil.ID, Received: KgToGrams(5000), ContainerCount: 2, Accepted: yes()}}})
	require.NoError(t, err)
	check("received with discrepancy")
	mi := f.toDelivered(f.recv, ink)
	f.clock.Advance(8 * 24 * time.Hour) // receipt overdue, transit overdue on the medical one
	check("8 days")
	f.receiveAll(mi, f.recv, true) // capacity passed
	check("capacity")
	f.clock.Advance(366 * 24 * time.Hour)
	check("a year")
	_, err = f.s.Dispose(f.ctx, f.recv, oil.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(5000)})
	require.NoError(t, err)
	check("disposed")
}
