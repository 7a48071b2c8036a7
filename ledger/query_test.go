package ledger

import (
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ids lists every item of a waste query (all pages) as ids, sorted.
func (f *fixture) wasteIDs(p Principal, flt WasteFilter) []string {
	f.t.Helper()
	var out []string
	for _, w := range allPages(f.t, 7, func(pg Page) (List[*Waste], error) { return f.s.Wastes(f.ctx, p, flt, pg) }) {
		out = append(out, w.ID)
	}
	sort.Strings(out)
	return out
}

func sortedIDs(ws ...*Waste) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.ID)
	}
	sort.Strings(out)
	return out
}

func TestQueryWasteFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	day := 24 * time.Hour
	f.clock.Advance(10 * day)
	now := f.clock.Now()
	oil := f.wasteAt(f.gen, "900-214-08", 10, now.Add(-9*day))
	pack := f.wasteAt(f.gen, "900-041-49", 10, now.Add(-5*day))
	ink := f.wasteAt(f.gen2, "900-253-12", 10, now.Add(-3*day)) // 东大街
	med := f.wasteAt(f.hosp, "841-001-01", 10, now.Add(-50*time.Hour))
	med2 := f.wasteAt(f.hosp, "841-002-01", 10, now.Add(-time.Hour))
	m := f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, oil), f.car1)
	_ = m
	all := []*Waste{oil, pack, ink, med, med2}

	insp := f.insp
	cases := []struct {
		name string
		flt  WasteFilter
		want []*Waste
	}{
		{"all", WasteFilter{}, all},
		{"status stored", WasteFilter{Status: WasteStored}, []*Waste{pack, ink, med, med2}},
		{"status in_transit", WasteFilter{Status: WasteInTransit}, []*Waste{oil}},
		{"party gen", WasteFilter{Party: f.gen.Party}, []*Waste{oil, pack}},
		{"party carrier", WasteFilter{Party: f.car1.Party}, []*Waste{oil}},
		{"party receiver", WasteFilter{Party: f.recv.Party}, []*Waste{oil}},
		{"street 东大街", WasteFilter{Street: "东大街"}, []*Waste{ink}},
		{"street 南关", WasteFilter{Street: "南关"}, []*Waste{oil, pack, med, med2}},
		{"code", WasteFilter{Code: "900-041-49"}, []*Waste{pack}},
		{"code digits", WasteFilter{Code: "90004149"}, []*Waste{pack}},
		{"code 2016", WasteFilter{Code: "831-001-01"}, []*Waste{med}},
		{"category HW49", WasteFilter{Category: "HW49"}, []*Waste{pack}},
		{"category HW01", WasteFilter{Category: "HW01"}, []*Waste{med, med2}},
		{"medical", WasteFilter{Medical: yes()}, []*Waste{med, med2}},
		{"not medical", WasteFilter{Medical: no()}, []*Waste{oil, pack, ink}},
		{"from", WasteFilter{From: ptime(now.Add(-4 * day))}, []*Waste{ink, med, med2}},
		{"to", WasteFilter{To: ptime(now.Add(-5 * day))}, []*Waste{oil, pack}},
		{"from to", WasteFilter{From: ptime(now.Add(-6 * day)), To: ptime(now.Add(-2 * day))}, []*Waste{pack, ink, med}},
		{"overdue", WasteFilter{Overdue: yes()}, []*Waste{med}},
		{"not overdue", WasteFilter{Overdue: no()}, []*Waste{oil, pack, ink, med2}},
		{"label", WasteFilter{Label: ink.Label}, []*Waste{ink}},
		{"label and other status", WasteFilter{Label: ink.Label, Status: WasteDisposed}, nil},
		{"street and medical", WasteFilter{Street: "南关", Medical: yes()}, []*Waste{med, med2}},
		{"party and status", WasteFilter{Party: f.gen.Party, Status: WasteStored}, []*Waste{pack}},
		{"code and status", WasteFilter{Code: "841-001-01", Status: WasteStored, Overdue: yes()}, []*Waste{med}},
	}
	for _, c := range cases {
		assert.Equal(t, sortedIDs(c.want...), nilToEmpty(f.wasteIDs(insp, c.flt)), c.name)
	}

	// A generator sees only its own, whatever it asks for.
	assert.Equal(t, sortedIDs(oil, pack), f.wasteIDs(f.gen, WasteFilter{}))
	assert.Equal(t, []string{}, nilToEmpty(f.wasteIDs(f.gen, WasteFilter{Party: f.gen2.Party})))
	assert.Equal(t, []string{}, nilToEmpty(f.wasteIDs(f.gen, WasteFilter{Street: "东大街"})))
	assert.Equal(t, []string{}, nilToEmpty(f.wasteIDs(f.gen, WasteFilter{Label: ink.Label})))
	assert.Equal(t, sortedIDs(med, med2), f.wasteIDs(f.hosp, WasteFilter{Medical: yes()}))
	// A carrier sees what it carries; a receiver what is addressed to it.
	assert.Equal(t, sortedIDs(oil), f.wasteIDs(f.car1, WasteFilter{}))
	assert.Equal(t, []string{}, nilToEmpty(f.wasteIDs(f.car2, WasteFilter{})))
	assert.Equal(t, sortedIDs(oil), f.wasteIDs(f.recv, WasteFilter{}))
	_, err := f.s.Waste(f.ctx, f.gen, ink.ID)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = f.s.WasteByLabel(f.ctx, f.gen2, oil.Label)
	require.ErrorIs(t, err, ErrNotFound)

	// Invalid filters are validation errors.
	for field, flt := range map[string]WasteFilter{
		"code":     {Code: "9000"},
		"category": {Category: "HW42x"},
		"status":   {Status: "lost"},
	} {
		_, err := f.s.Wastes(f.ctx, insp, flt, Page{})
		requireField(t, err, field)
	}
	_, err = f.s.Wastes(f.ctx, insp, WasteFilter{}, Page{Limit: 501})
	requireField(t, err, "limit")
	_, err = f.s.Wastes(f.ctx, insp, WasteFilter{}, Page{Cursor: "zz"})
	requireField(t, err, "cursor")
}

func nilToEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestQueryPaginationWhileWriting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var orig []*Waste
	for range 60 {
		orig = append(orig, f.waste(f.gen, "900-041-49", 1))
	}
	for _, flt := range []WasteFilter{{}, {Party: f.gen.Party}, {Status: WasteStored}, {Code: "900-041-49"}} {
		seen := map[string]int{}
		pg := Page{Limit: 7}
		var lastSeq uint64
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100)
			l, err := f.s.Wastes(f.ctx, f.insp, flt, pg)
			require.NoError(t, err)
			for _, w := range l.Items {
				seen[w.ID]++
				if lastSeq != 0 {
					assert.Less(t, w.Seq, lastSeq, "newest first")
				}
				lastSeq = w.Seq
			}
			// Writes go on between pages: new batches, and status changes of
			// ones already listed and not yet listed.
			f.waste(f.gen, "900-041-49", 1)
			if pages < len(orig) {
				w := orig[pages*3%len(orig)]
				if f.get(w.ID).Status == WasteStored {
					q := KgToGrams(2)
					_, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Quantity: &q, Reason: "复称"})
					require.NoError(t, err)
				}
			}
			if l.NextCursor == "" {
				break
			}
			pg.Cursor = l.NextCursor
		}
		for _, w := range orig {
			assert.Equal(t, 1, seen[w.ID], "batch %d listed %d times (filter %+v)", w.Seq, seen[w.ID], flt)
		}
		for id, n := range seen {
			assert.Equal(t, 1, n, "batch %s listed %d times", id, n)
		}
	}
}

// Pagination over the status index while batches leave that status
// between pages: the ones still in it are each listed once.
func TestQueryPaginationStatusChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var orig []*Waste
	for range 30 {
		orig = append(orig, f.waste(f.gen, "900-041-49", 1))
	}
	seen := map[string]int{}
	moved := map[string]bool{}
	pg := Page{Limit: 5}
	for i := 0; ; i++ {
		l, err := f.s.Wastes(f.ctx, f.insp, WasteFilter{Status: WasteStored}, pg)
		require.NoError(t, err)
		for _, w := range l.Items {
			seen[w.ID]++
		}
		// Move one not yet listed (the oldest still stored) to manifested.
		for _, w := range orig {
			if seen[w.ID] == 0 && !moved[w.ID] {
				f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
				moved[w.ID] = true
				break
			}
		}
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	for _, w := range orig {
		if moved[w.ID] {
			assert.Equal(t, 0, seen[w.ID])
		} else {
			assert.Equal(t, 1, seen[w.ID])
		}
	}
}

func TestQueryManifestsAndAlerts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.manifest(f.gen, f.recv, []Principal{f.car1}, f.waste(f.gen, "900-214-08", 10))
	b := f.pickup(f.manifest(f.gen2, f.recv, []Principal{f.car2}, f.waste(f.gen2, "900-253-12", 10)), f.car2)
	c := f.manifest(f.hosp, f.medRx, []Principal{f.car1, f.car2}, f.wasteAt(f.hosp, "841-001-01", 10, f.clock.Now()))

	list := func(p Principal, flt ManifestFilter) []string {
		t.Helper()
		var out []string
		for _, m := range allPages(t, 2, func(pg Page) (List[*Manifest], error) { return f.s.Manifests(f.ctx, p, flt, pg) }) {
			out = append(out, m.ID)
		}
		sort.Strings(out)
		return nilToEmpty(out)
	}
	ids := func(ms ...*Manifest) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.ID)
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, ids(a, b, c), list(f.insp, ManifestFilter{}))
	assert.Equal(t, ids(a, c), list(f.insp, ManifestFilter{Status: ManifestSubmitted}))
	assert.Equal(t, ids(b), list(f.insp, ManifestFilter{Status: ManifestInTransit}))
	assert.Equal(t, ids(a, c), list(f.insp, ManifestFilter{Party: f.car1.Party}))
	assert.Equal(t, ids(b, c), list(f.insp, ManifestFilter{Party: f.car2.Party, Status: ""}))
	assert.Equal(t, ids(b), list(f.insp, ManifestFilter{Party: f.car2.Party, Status: ManifestInTransit}))
	assert.Equal(t, ids(a, b), list(f.insp, ManifestFilter{Party: f.recv.Party}))
	// Scoping.
	assert.Equal(t, ids(a), list(f.gen, ManifestFilter{}))
	assert.Equal(t, ids(), list(f.gen, ManifestFilter{Party: f.gen2.Party}))
	assert.Equal(t, ids(a, c), list(f.car1, ManifestFilter{}))
	assert.Equal(t, ids(c), list(f.medRx, ManifestFilter{}))
	assert.Equal(t, ids(), list(f.medRx, ManifestFilter{Status: ManifestInTransit}))
	_, err := f.s.Manifest(f.ctx, f.gen2, a.ID)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = f.s.Manifests(f.ctx, f.insp, ManifestFilter{Status: "lost"}, Page{})
	requireField(t, err, "status")

	// Alerts: track gap on b (gen2, 东大街; 49 h is within its 72 h transit), storage on c's batch (hosp, 南关).
	f.clock.Advance(49 * time.Hour)
	f.sweep()
	kinds := func(p Principal, flt AlertFilter) []string {
		t.Helper()
		var out []string
		for _, a := range allPages(t, 1, func(pg Page) (List[*Alert], error) { return f.s.Alerts(f.ctx, p, flt, pg) }) {
			out = append(out, a.Kind)
		}
		sort.Strings(out)
		return nilToEmpty(out)
	}
	assert.Equal(t, []string{AlertStorageDueSoon, AlertStorageOverdue, AlertTrackGap}, kinds(f.insp, AlertFilter{}))
	assert.Equal(t, []string{AlertStorageOverdue, AlertTrackGap}, kinds(f.insp, AlertFilter{Status: AlertOpen}))
	assert.Equal(t, []string{AlertStorageDueSoon}, kinds(f.insp, AlertFilter{Status: AlertResolved}))
	assert.Equal(t, []string{AlertTrackGap}, kinds(f.insp, AlertFilter{Kind: AlertTrackGap}))
	assert.Equal(t, []string{AlertTrackGap}, kinds(f.insp, AlertFilter{Street: "东大街"}))
	assert.Equal(t, []string{AlertStorageDueSoon, AlertStorageOverdue}, kinds(f.insp, AlertFilter{Street: "南关"}))
	assert.Equal(t, []string{AlertStorageDueSoon, AlertStorageOverdue}, kinds(f.insp, AlertFilter{Party: f.hosp.Party}))
	assert.Equal(t, []string{AlertTrackGap}, kinds(f.insp, AlertFilter{Party: f.car2.Party, Status: AlertOpen}))
	// Scoping: each party its own.
	assert.Equal(t, []string{AlertStorageDueSoon, AlertStorageOverdue}, kinds(f.hosp, AlertFilter{}))
	assert.Equal(t, []string{AlertTrackGap}, kinds(f.gen2, AlertFilter{}))
	assert.Equal(t, []string{AlertTrackGap}, kinds(f.recv, AlertFilter{}))
	assert.Equal(t, []string{}, kinds(f.gen, AlertFilter{}))
	assert.Equal(t, []string{}, kinds(f.gen, AlertFilter{Party: f.hosp.Party}))
	assert.Equal(t, []string{}, kinds(f.car1, AlertFilter{}), "car1 carries nothing in transit yet")
	for field, flt := range map[string]AlertFilter{"kind": {Kind: "fire"}, "status": {Status: "closed"}} {
		_, err := f.s.Alerts(f.ctx, f.insp, flt, Page{})
		requireField(t, err, field)
	}
}

func TestQueryTrace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	other := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	f.pickup(m, f.car1)
	tr, err := f.s.Trace(f.ctx, f.gen, w.ID)
	require.NoError(t, err)
	var types []string
	for _, e := range tr.Events {
		types = append(types, decodeEvent(t, e.Event).Type)
	}
	assert.Equal(t, []string{EvWasteRegistered, EvManifestCreated, EvManifestPickedUp}, types)
	tm, err := f.s.Trace(f.ctx, f.car1, m.ID)
	require.NoError(t, err)
	require.NotNil(t, tm.Manifest)
	assert.Len(t, tm.Events, 2)
	_, err = f.s.Trace(f.ctx, f.gen2, w.ID)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = f.s.Trace(f.ctx, f.car1, other.ID)
	require.ErrorIs(t, err, ErrNotFound)
}

// The list of every batch merges the status indexes: while batches move
// from status to status between pages, each is listed exactly once, newest
// first, and a page never holds more than the limit.
func TestQueryAllBatchesAcrossStatuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var orig []*Waste
	for range 24 {
		orig = append(orig, f.waste(f.gen, "900-041-49", 1))
	}
	// Spread them over several statuses before listing.
	f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, orig[20], orig[21]), f.car1)
	f.manifest(f.gen, f.recv, []Principal{f.car1}, orig[10], orig[11], orig[12])
	f.receiveAll(f.toDelivered(f.recv, orig[3]), f.recv, true)
	seen := map[string]int{}
	var lastSeq uint64
	pg := Page{Limit: 4}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 20)
		l, err := f.s.Wastes(f.ctx, f.insp, WasteFilter{}, pg)
		require.NoError(t, err)
		require.LessOrEqual(t, len(l.Items), 4)
		for _, w := range l.Items {
			seen[w.ID]++
			if lastSeq != 0 {
				assert.Less(t, w.Seq, lastSeq, "newest first")
			}
			lastSeq = w.Seq
		}
		// Between pages, an older batch not yet listed changes status.
		if w := orig[pages]; seen[w.ID] == 0 && f.get(w.ID).Status == WasteStored {
			f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
		}
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	for _, w := range orig {
		assert.Equal(t, 1, seen[w.ID], "batch %d", w.Seq)
	}
	assert.Len(t, seen, len(orig))
}

// A category's list merges the indexes of its codes: batches of several
// codes of the category come newest first, each once, across pages; other
// categories stay out. Medical waste is category HW01.
func TestQueryCategoryMergesCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var hw49, med []*Waste
	for i := range 9 {
		hw49 = append(hw49, f.waste(f.gen, []string{"900-041-49", "900-039-49", "900-047-49"}[i%3], 1))
		f.waste(f.gen, "900-214-08", 1) // HW08, between them
		if i < 4 {
			med = append(med, f.wasteAt(f.hosp, []string{"841-001-01", "841-002-01"}[i%2], 1, f.clock.Now()))
		}
	}
	yes := true
	for _, c := range []struct {
		flt  WasteFilter
		want []*Waste
	}{{WasteFilter{Category: "HW49"}, hw49}, {WasteFilter{Medical: &yes}, med}, {WasteFilter{Category: "HW29"}, nil}} {
		got := allPages(t, 2, func(pg Page) (List[*Waste], error) { return f.s.Wastes(f.ctx, f.insp, c.flt, pg) })
		require.Len(t, got, len(c.want), "%+v", c.flt)
		for i, w := range got {
			assert.Equal(t, c.want[len(c.want)-1-i].ID, w.ID, "%+v: item %d, newest first", c.flt, i)
		}
	}
}
