package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collector registers a collector with a collection licence for HW01,
// HW08 and HW49.
func (f *fixture) collector(n int) Principal {
	f.t.Helper()
	return f.party(n, "管城危废收集站", []Role{RoleCollector}, func(in *PartyInput) {
		in.License = &License{Kind: LicenseCollection, Number: "豫环收集字41010009", Codes: []string{"HW01", "HW08", "HW49"},
			CapacityTonnes: 500, ValidFrom: "2025-06-01", ValidTo: "2028-05-31"}
	})
}

// collect runs batches of gen to the collector, which accepts them.
func (f *fixture) collect(col Principal, ws ...*Waste) *Manifest {
	f.t.Helper()
	return f.receiveAll(f.toDelivered(col, ws...), col, true)
}

func TestCollectorLicence(t *testing.T) {
	f := newFixture(t)
	lic := License{Kind: LicenseCollection, Number: "收集", Codes: []string{"HW49"}, CapacityTonnes: 10, ValidFrom: "2025-01-01", ValidTo: "2028-06-30"}
	in := PartyInput{Name: "收集站", CreditCode: credit(300), Roles: []Role{RoleCollector}, Street: "南关", Address: "郑州",
		Contact: Contact{"王", "1"}, License: &lic}
	err := f.refused(func() error { _, err := f.s.RegisterParty(f.ctx, f.admin, in); return err })
	requireField(t, err, "license.valid_to") // more than 3 years
	lic.ValidTo = "2027-12-31"
	in.Roles = []Role{RoleReceiver}
	err = f.refused(func() error { _, err := f.s.RegisterParty(f.ctx, f.admin, in); return err })
	requireField(t, err, "license.kind")
	in.Roles = []Role{RoleCollector, RoleReceiver}
	err = f.refused(func() error { _, err := f.s.RegisterParty(f.ctx, f.admin, in); return err })
	requireField(t, err, "roles")
	in.Roles = []Role{RoleCollector}
	p, err := f.s.RegisterParty(f.ctx, f.admin, in)
	require.NoError(t, err)
	assert.True(t, p.Collects())
	assert.Equal(t, LicenseCollection, p.License.Kind)
}

// Clinics' bags go to the collector, which consolidates them into one
// batch under its own label and ships it to the disposal centre; the
// traces follow the waste from a bag to its disposal and back.
func TestCollectorConsolidation(t *testing.T) {
	f := newFixture(t)
	col := f.collector(301)
	bag1 := f.waste(f.hosp, "841-001-01", 3)
	bag2 := f.waste(f.hosp, "841-001-01", 4)
	sharps := f.waste(f.hosp, "841-002-01", 1)
	oil := f.waste(f.gen, "900-214-08", 20)
	m1 := f.collect(col, bag1, bag2, sharps)
	f.collect(col, oil)
	r := f.get(bag1.ID)
	assert.Equal(t, WasteReceived, r.Status)
	assert.Equal(t, col.Party, r.Receiver)
	require.NotNil(t, r.CollectionDue)
	assert.Equal(t, m1.ReceivedAt.Add(48*time.Hour), *r.CollectionDue, "medical waste: 48 hours at the collector too")
	assert.Nil(t, r.DisposalDeadline)
	ro := f.get(oil.ID)
	assert.Equal(t, f.s.Calendar().AddWorkdays(*ro.ReceivedAt, 90), *ro.CollectionDue)

	in := ConsolidateInput{SourceIDs: []string{bag1.ID, bag2.ID, sharps.ID}, Code: "841-001-01", Form: "solid",
		Quantity: KgToGrams(8), Container: Container{Type: "医疗废物周转箱", Count: 1}}
	// Only a collector; only batches it holds; one category; medical with medical.
	err := f.refused(func() error { _, err := f.s.Consolidate(f.ctx, f.medRx, in); return err })
	assert.ErrorIs(t, err, ErrForbidden)
	bad := in
	bad.SourceIDs = []string{bag1.ID, f.waste(f.hosp, "841-001-01", 2).ID}
	err = f.refused(func() error { _, err := f.s.Consolidate(f.ctx, col, bad); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)
	bad.SourceIDs = []string{bag1.ID, oil.ID}
	err = f.refused(func() error { _, err := f.s.Consolidate(f.ctx, col, bad); return err })
	requireField(t, err, "source_ids[1]")

	n, err := f.s.Consolidate(f.ctx, col, in)
	require.NoError(t, err)
	assert.Equal(t, col.Party, n.Generator)
	assert.Equal(t, WasteStored, n.Status)
	assert.Equal(t, in.SourceIDs, n.Sources)
	cp, err := f.s.Party(f.ctx, col.Party)
	require.NoError(t, err)
	assert.Equal(t, cp.CreditCode, n.Label[:18], "the collector's label")
	assert.Equal(t, f.clock.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102"), n.Label[26:34], "the collection date")
	assert.Equal(t, *r.CollectionDue, *n.CollectionDue, "the earliest of its sources'")
	for _, id := range in.SourceIDs {
		s := f.get(id)
		assert.Equal(t, WasteConsolidated, s.Status)
		assert.Equal(t, n.ID, s.ConsolidatedInto)
	}
	assert.Equal(t, ManifestClosed, f.getM(m1.ID).Status, "every batch of the collection was consolidated")
	// The label resolves to the new batch; the hospital may see it.
	byLabel, err := f.s.WasteByLabel(f.ctx, f.hosp, n.Label)
	require.NoError(t, err)
	assert.Equal(t, n.ID, byLabel.ID)
	// Listed among the collector's stored batches.
	l, err := f.s.Wastes(f.ctx, col, WasteFilter{Status: WasteStored}, Page{})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)
	assert.Equal(t, n.ID, l.Items[0].ID)
	// Consolidated twice: refused.
	err = f.refused(func() error { _, err := f.s.Consolidate(f.ctx, col, in); return err })
	assert.ErrorIs(t, err, ErrRuleViolation)

	// The collector ships it on to the disposal centre.
	m2 := f.receiveAll(f.toDeliveredBy(col, f.medRx, n), f.medRx, true)
	assert.Equal(t, col.Party, m2.Generator)
	_, err = f.s.Dispose(f.ctx, f.medRx, n.ID, DisposeInput{Method: "Y10", Quantity: KgToGrams(8)})
	require.NoError(t, err)

	// A bag's trace reaches the disposal; the new batch's goes back to the bags.
	subjects := func(id string) map[string]bool {
		tr, err := f.s.Trace(f.ctx, f.hosp, id)
		require.NoError(t, err)
		out := map[string]bool{}
		last := uint64(0)
		for i, e := range tr.Events {
			if i > 0 {
				assert.Greater(t, e.Index, last, "in log order, once each")
			}
			last = e.Index
			ev := decodeEvent(t, e.Event)
			out[ev.Subject] = true
			out[ev.Type] = true
		}
		return out
	}
	fromBag := subjects(bag1.ID)
	assert.True(t, fromBag[m1.ID] && fromBag[m2.ID] && fromBag[EvWasteDisposed], "from the bag to the incinerator")
	tr, err := f.s.Trace(f.ctx, f.medRx, n.ID)
	require.NoError(t, err)
	var rels []string
	for _, l := range tr.Lineage {
		rels = append(rels, l.Relation+":"+l.ID)
	}
	assert.ElementsMatch(t, []string{"source:" + bag1.ID, "source:" + bag2.ID, "source:" + sharps.ID}, rels)
	back := subjects(n.ID)
	assert.True(t, back[m1.ID] && back[EvWasteRegistered], "back to the bags' registration and collection")
	assert.False(t, fromBag[oil.ID], "not the other collection")

	// The hospital's assessment counts its bags disposed of; the collector generated nothing.
	rows, err := f.s.Assessment(f.ctx, f.insp, AssessQuery{From: t0.Add(-24 * time.Hour), To: f.clock.Now().Add(time.Hour), GroupBy: GroupByParty})
	require.NoError(t, err)
	for _, row := range rows.Rows {
		switch row.Group {
		case f.hosp.Party:
			assert.Equal(t, KgToGrams(8), row.DisposedKg, "hospital's disposed")
		case col.Party:
			assert.Zero(t, row.GeneratedKg)
		}
	}
}

// A collector keeping a batch longer than 90 working days: collection_overdue.
func TestCollectionOverdue(t *testing.T) {
	f := newFixture(t)
	col := f.collector(301)
	oil := f.waste(f.gen, "900-214-08", 20)
	f.collect(col, oil)
	due := *f.get(oil.ID).CollectionDue
	f.clock.Advance(due.Sub(f.clock.Now()) - time.Minute)
	f.sweep()
	assert.Empty(t, f.open(AlertCollectionOverdue, oil.ID))
	f.clock.Advance(2 * time.Minute)
	f.sweep()
	a := f.open(AlertCollectionOverdue, oil.ID)
	require.Len(t, a, 1)
	assert.Equal(t, col.Party, a[0].Party)
	assert.True(t, f.get(oil.ID).Overdue(f.clock.Now()))
	// Consolidated: the source's alert resolves, and the new batch is overdue at once.
	n, err := f.s.Consolidate(f.ctx, col, ConsolidateInput{SourceIDs: []string{oil.ID}, Code: "900-214-08", Form: "liquid",
		Quantity: KgToGrams(20), Container: Container{Type: "吨桶", Count: 1}})
	require.NoError(t, err)
	assert.Empty(t, f.open(AlertCollectionOverdue, oil.ID))
	require.Len(t, f.open(AlertCollectionOverdue, n.ID), 1)
	// Its pickup resolves that one.
	f.pickup(f.manifest(col, f.recv, []Principal{f.car1}, n), f.car1)
	assert.Empty(t, f.open(AlertCollectionOverdue, n.ID))
}

// toDeliveredBy runs a manifest of ws filed by consignor by up to delivery
// to rx (car1).
func (f *fixture) toDeliveredBy(by, rx Principal, ws ...*Waste) *Manifest {
	f.t.Helper()
	m := f.manifest(by, rx, []Principal{f.car1}, ws...)
	return f.deliver(f.pickup(m, f.car1), f.car1)
}
