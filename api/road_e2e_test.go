package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end tests of manifests as they happen on the road (docs/api.md,
// "Manifests on the road"), over HTTP with the test clock.

// advance moves the server's clock through POST /admin/clock (which
// sweeps) and keeps the harness clock in step.
func (ts *testServer) advance(d time.Duration) {
	ts.t.Helper()
	var a ClockAnswer
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", ts.admin, map[string]any{"advance": d.String()}, &a)
	ts.clock = ledgertest.NewClock(a.Now)
}

// refused sends a request, requires the status and error code, and that
// nothing was appended.
func (ts *testServer) refused(status int, code, method, path, token string, body any) answer {
	ts.t.Helper()
	before := ts.size()
	a := ts.do(method, path, token, body)
	require.Equal(ts.t, status, a.status, "%s %s: %s", method, path, a)
	require.Equal(ts.t, code, a.errCode(), "%s %s: %s", method, path, a)
	require.Equal(ts.t, before, ts.size(), "a refused request appends nothing: %s", a)
	return a
}

// ship runs manifest m through pickup and delivery by carrier, and receipt
// by rx with one line per batch (accepted as given).
func (ts *testServer) ship(m *ledger.Manifest, carrier, rx actor, accepted map[string]bool) *ledger.Manifest {
	ts.t.Helper()
	id := "/api/v1/manifests/" + m.ID
	ts.must(http.StatusOK, "POST", id+"/pickup", carrier.token, scanBody(m), nil)
	ts.must(http.StatusOK, "POST", id+"/deliver", carrier.token, map[string]any{}, nil)
	var lines []map[string]any
	for _, wid := range m.WasteIDs {
		var w ledger.Waste
		ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+wid, rx.token, nil, &w)
		ok, given := accepted[wid]
		lines = append(lines, map[string]any{"waste_id": wid, "received_kg": w.Quantity.Kg(), "container_count": w.Container.Count,
			"accepted": ok || !given})
	}
	var out ledger.Manifest
	ts.must(http.StatusOK, "POST", id+"/receive", rx.token, map[string]any{"lines": lines}, &out)
	return &out
}

// legBody is the body of a return or redirect of ws to rx.
func (ts *testServer) legBody(kind string, rx actor, carrier actor, ws ...*ledger.Waste) map[string]any {
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	return map[string]any{"kind": kind, "waste_ids": ids, "carriers": []string{carrier.id}, "receiver": rx.id,
		"planned_pickup_at": ts.clock.Now().Add(time.Hour).Format(time.RFC3339)}
}

// traceSubjects is the set of subjects of the events of a batch's trace.
func (ts *testServer) traceSubjects(token, id string) map[string]bool {
	ts.t.Helper()
	var tr ledger.Trace
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+id+"/trace", token, nil, &tr)
	out := map[string]bool{}
	for _, e := range tr.Events {
		var ev struct {
			Subject string `json:"subject"`
		}
		require.NoError(ts.t, jsonUnmarshal(e.Event, &ev))
		out[ev.Subject] = true
	}
	return out
}

func TestRejectionReturnEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m1 := ts.ship(ts.manifest(d.gen, d.recv, []actor{d.car1}, w), d.car1, d.recv, map[string]bool{w.ID: false})
	assert.Equal(t, ledger.ManifestClosed, m1.Status)
	var got ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.gen.token, nil, &got)
	assert.Equal(t, ledger.WasteRejected, got.Status)
	assert.Equal(t, d.recv.id, got.RejectedBy)
	// The generator is told: the discrepancy alert is in its list.
	var al AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=discrepancy", d.gen.token, nil, &al)
	require.Len(t, al.Items, 1)
	assert.Contains(t, al.Items[0].Message, "拒收")

	// A return to someone other than the generator is refused.
	a := ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.recv.token,
		ts.legBody("return", d.gen2, d.car1, w))
	assert.Contains(t, string(a.body), "generator")
	// Another receiver does not hold it.
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.medRx.token,
		ts.legBody("return", d.gen, d.car1, w))

	var m2 ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.recv.token, ts.legBody("return", d.gen, d.car2, w), &m2)
	assert.Equal(t, "return", m2.Kind)
	assert.Equal(t, d.recv.id, m2.Generator)
	assert.Equal(t, []string{m1.ID}, m2.RejectedOn)
	// The generator sees the return addressed to it and takes the batch back.
	ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m2.ID, d.gen.token, nil, nil)
	back := ts.ship(&m2, d.car2, d.gen, nil)
	assert.Equal(t, ledger.ManifestClosed, back.Status)
	var again ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.gen.token, nil, &again)
	assert.Equal(t, ledger.WasteStored, again.Status)
	assert.Empty(t, again.RejectedBy)
	assert.NotContains(t, again.Parties, d.gen.id)

	// The trace shows both legs, to the generator and to the receiver.
	for _, tok := range []string{d.gen.token, d.recv.token, d.insp.token} {
		subj := ts.traceSubjects(tok, w.ID)
		assert.True(t, subj[m1.ID] && subj[m2.ID], "both legs in the trace")
	}
}

func TestRejectionRedirectEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-041-49", 10)
	m1 := ts.ship(ts.manifest(d.gen, d.recv, []actor{d.car1}, w), d.car1, d.recv, map[string]bool{w.ID: false})

	// To a receiver whose licence does not cover the code, or to a party
	// that is no receiver at all: refused.
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.recv.token,
		ts.legBody("redirect", d.medRx, d.car1, w))
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.recv.token,
		ts.legBody("redirect", d.gen2, d.car1, w))
	ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/manifests", d.recv.token,
		ts.legBody("elsewhere", d.gen2, d.car1, w))
	// Only the receiver files it.
	ts.refused(http.StatusForbidden, "forbidden", "POST", "/api/v1/manifests", d.gen.token, ts.legBody("redirect", d.recv, d.car1, w))

	// Ten working days later it is still there.
	ts.advance(15 * 24 * time.Hour)
	var al AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=rejection_unresolved&status=open", d.recv.token, nil, &al)
	require.Len(t, al.Items, 1)
	assert.Equal(t, w.ID, al.Items[0].Subject)
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=rejection_unresolved&status=open", d.gen.token, nil, &al)
	require.Len(t, al.Items, 1, "the generator sees it too")

	other := partyBody(9, "新乡环境处置中心", "receiver")
	other["license"] = map[string]any{"number": "豫环许可危废字41070001", "codes": []string{"HW49"},
		"methods": []string{"D10"}, "capacity_tonnes": 100, "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
	rx2 := ts.register(other)
	var m2 ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.recv.token, ts.legBody("redirect", rx2, d.car2, w), &m2)
	assert.Equal(t, "redirect", m2.Kind)
	m2p := ts.ship(&m2, d.car2, rx2, nil)
	assert.Equal(t, ledger.ManifestReceived, m2p.Status)
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=rejection_unresolved&status=resolved", d.insp.token, nil, &al)
	require.Len(t, al.Items, 1, "resolved when the batch left")
	var got ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, rx2.token, nil, &got)
	assert.Equal(t, ledger.WasteReceived, got.Status)
	assert.Equal(t, rx2.id, got.Receiver)
	subj := ts.traceSubjects(d.gen.token, w.ID)
	assert.True(t, subj[m1.ID] && subj[m2.ID], "both legs in the trace")
}

// Medical waste received at the disposal centre is overdue after 48 hours.
func TestMedicalDisposalEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	body := ts.wasteBody("841-001-01", 4)
	body["form"] = "solid"
	var w ledger.Waste
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.hosp.token, body, &w)
	m := ts.ship(ts.manifest(d.hosp, d.medRx, []actor{d.car1}, &w), d.car1, d.medRx, nil)
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.medRx.token, nil, &w)
	require.NotNil(t, w.DisposalDeadline)
	assert.Equal(t, m.ReceivedAt.Add(48*time.Hour), *w.DisposalDeadline)
	ts.advance(47*time.Hour + 59*time.Minute)
	var al AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=disposal_overdue", d.medRx.token, nil, &al)
	assert.Empty(t, al.Items)
	ts.advance(2 * time.Minute)
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=disposal_overdue", d.medRx.token, nil, &al)
	require.Len(t, al.Items, 1)
	assert.Equal(t, w.ID, al.Items[0].Subject)
	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+w.ID+"/dispose", d.medRx.token, map[string]any{"method": "Y10", "quantity_kg": 4}, nil)
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=disposal_overdue&status=resolved", d.insp.token, nil, &al)
	require.Len(t, al.Items, 1)
}

// A correction asked by the receiver after receipt: the generator and the
// carrier approve and it is applied; inspectors see it.
func TestCorrectionApproveEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.ship(ts.manifest(d.gen, d.recv, []actor{d.car1}, w), d.car1, d.recv, nil)
	path := "/api/v1/manifests/" + m.ID + "/corrections"
	body := map[string]any{"reason": "过磅单抄错", "changes": map[string]any{
		"lines": []any{map[string]any{"waste_id": w.ID, "quantity_kg": 12.5, "received_kg": 12.4}}}}

	// A party not named on the manifest may not ask, nor may it decide.
	ts.refused(http.StatusNotFound, "not_found", "POST", path, d.gen2.token, body)
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", path, d.insp.token, body)
	ts.refused(http.StatusBadRequest, "validation_failed", "POST", path, d.recv.token, map[string]any{"reason": "x", "changes": map[string]any{}})

	var k ledger.Correction
	ts.must(http.StatusCreated, "POST", path, d.recv.token, body, &k)
	assert.Equal(t, ledger.CorrectionPending, k.Status)
	assert.ElementsMatch(t, []string{d.gen.id, d.car1.id}, k.Awaiting)
	ts.refused(http.StatusNotFound, "not_found", "POST", "/api/v1/corrections/"+k.ID+"/approve", d.gen2.token, map[string]any{})
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/corrections/"+k.ID+"/approve", d.recv.token, map[string]any{})
	// Inspectors see it pending.
	var l CorrectionList
	ts.must(http.StatusOK, "GET", "/api/v1/corrections?status=pending", d.insp.token, nil, &l)
	require.Len(t, l.Items, 1)

	ts.must(http.StatusOK, "POST", "/api/v1/corrections/"+k.ID+"/approve", d.gen.token, map[string]any{}, &k)
	assert.Equal(t, ledger.CorrectionPending, k.Status)
	ts.must(http.StatusOK, "POST", "/api/v1/corrections/"+k.ID+"/approve", d.car1.token, map[string]any{}, &k)
	assert.Equal(t, ledger.CorrectionApplied, k.Status)
	require.NotNil(t, k.Applied)
	assert.Equal(t, ledger.KgToGrams(10), k.Applied.Lines[0].Before.Quantity)
	assert.Equal(t, ledger.KgToGrams(12.5), k.Applied.Lines[0].After.Quantity)

	var got ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.gen.token, nil, &got)
	assert.Equal(t, ledger.KgToGrams(12.5), got.Quantity)
	assert.Equal(t, ledger.KgToGrams(12.4), got.Received)
	var mm ledger.Manifest
	ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID, d.car1.token, nil, &mm)
	assert.Equal(t, ledger.KgToGrams(12.5), mm.Total)
	assert.Equal(t, []string{k.ID}, mm.Corrections)
	ts.must(http.StatusOK, "GET", path, d.insp.token, nil, &l)
	require.Len(t, l.Items, 1)
	assert.Equal(t, ledger.CorrectionApplied, l.Items[0].Status)
	ts.must(http.StatusOK, "GET", "/api/v1/corrections?status=applied", d.insp.token, nil, &l)
	require.Len(t, l.Items, 1)
	subj := ts.traceSubjects(d.insp.token, w.ID)
	assert.True(t, subj[k.ID], "the request is in the batch's trace")
}

// A correction refused by one party changes nothing.
func TestCorrectionRefuseEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1, d.car2}, w)
	path := "/api/v1/manifests/" + m.ID + "/corrections"
	body := map[string]any{"reason": "桶数填错", "changes": map[string]any{
		"lines": []any{map[string]any{"waste_id": w.ID, "container": map[string]any{"type": "铁桶", "count": 3}}}}}
	// Not before pickup.
	ts.refused(http.StatusConflict, "invalid_transition", "POST", path, d.gen.token, body)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	var k ledger.Correction
	ts.must(http.StatusCreated, "POST", path, d.gen.token, body, &k)
	ts.refused(http.StatusConflict, "invalid_transition", "POST", path, d.car1.token, body) // one pending at a time
	ts.must(http.StatusOK, "POST", "/api/v1/corrections/"+k.ID+"/approve", d.car2.token, map[string]any{}, &k)
	ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/corrections/"+k.ID+"/refuse", d.recv.token, map[string]any{})
	ts.must(http.StatusOK, "POST", "/api/v1/corrections/"+k.ID+"/refuse", d.recv.token, map[string]any{"reason": "到货后再核"}, &k)
	assert.Equal(t, ledger.CorrectionRefused, k.Status)
	assert.Equal(t, d.recv.id, k.RefusedBy)
	ts.refused(http.StatusConflict, "invalid_transition", "POST", "/api/v1/corrections/"+k.ID+"/approve", d.car1.token, map[string]any{})
	var got ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.gen.token, nil, &got)
	assert.Equal(t, 2, got.Container.Count)
	var one ledger.Correction
	ts.must(http.StatusOK, "GET", "/api/v1/corrections/"+k.ID, d.insp.token, nil, &one)
	assert.Equal(t, "到货后再核", one.RefusalReason)
}

// collectorBody is a collector with a collection licence for medical and
// HW49 waste.
func collectorBody(n int, name string) map[string]any {
	b := partyBody(n, name, "collector")
	b["license"] = map[string]any{"kind": "collection", "number": fmt.Sprintf("豫环收集字4101%04d", n), "codes": []string{"HW01", "HW49"},
		"capacity_tonnes": 100, "valid_from": "2025-06-01", "valid_to": "2028-05-31"}
	return b
}

// Two clinics' bags go to a collector, which consolidates them into one
// batch of its own and ships it to the disposal centre; a bag's trace
// reaches the incinerator and the new batch's goes back to the clinics.
func TestCollectorEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	col := ts.register(collectorBody(20, "管城危废收集站"))
	other := ts.register(collectorBody(21, "南关危废收集站"))
	clinic := ts.register(partyBody(22, "南关社区诊所", "generator"))
	bag := func(g actor) *ledger.Waste {
		b := ts.wasteBody("841-001-01", 2)
		b["form"] = "solid"
		var w ledger.Waste
		ts.must(http.StatusCreated, "POST", "/api/v1/wastes", g.token, b, &w)
		return &w
	}
	b1, b2 := bag(d.hosp), bag(clinic)
	m1 := ts.ship(ts.manifest(d.hosp, col, []actor{d.car1}, b1), d.car1, col, nil)
	m2 := ts.ship(ts.manifest(clinic, col, []actor{d.car1}, b2), d.car1, col, nil)
	var got ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+b1.ID, col.token, nil, &got)
	require.NotNil(t, got.CollectionDue)
	assert.Equal(t, m1.ReceivedAt.Add(48*time.Hour), *got.CollectionDue)

	body := map[string]any{"source_ids": []string{b1.ID, b2.ID}, "code": "841-001-01", "form": "solid", "quantity_kg": 4.1,
		"container": map[string]any{"type": "医疗废物周转箱", "count": 1}}
	// Another collector's batches, a generator's own stored batch: refused, nothing appended.
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/wastes/consolidate", other.token, body)
	stored := bag(d.hosp)
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/wastes/consolidate", col.token,
		map[string]any{"source_ids": []string{b1.ID, stored.ID}, "code": "841-001-01", "form": "solid", "quantity_kg": 4,
			"container": map[string]any{"type": "周转箱", "count": 1}})
	ts.refused(http.StatusForbidden, "forbidden", "POST", "/api/v1/wastes/consolidate", d.medRx.token, body)

	var n ledger.Waste
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes/consolidate", col.token, body, &n)
	assert.Equal(t, col.id, n.Generator)
	assert.Equal(t, []string{b1.ID, b2.ID}, n.Sources)
	var p ledger.Party
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+col.id, col.token, nil, &p)
	assert.True(t, strings.HasPrefix(n.Label, p.CreditCode), "the collector's label")
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+b1.ID, d.hosp.token, nil, &got)
	assert.Equal(t, ledger.WasteConsolidated, got.Status)
	assert.Equal(t, n.ID, got.ConsolidatedInto)

	// The collector files the onward manifest; the disposal centre disposes of it.
	m3 := ts.ship(ts.manifest(col, d.medRx, []actor{d.car2}, &n), d.car2, d.medRx, nil)
	assert.Equal(t, col.id, m3.Generator)
	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+n.ID+"/dispose", d.medRx.token, map[string]any{"method": "Y10", "quantity_kg": 4.1}, nil)

	// From a clinic's bag to the incinerator...
	fromBag := ts.traceSubjects(clinic.token, b2.ID)
	assert.True(t, fromBag[m2.ID] && fromBag[m3.ID] && fromBag[n.ID], "the bag's trace reaches the disposal centre")
	assert.False(t, fromBag[m1.ID], "not the other clinic's collection")
	// ...and back.
	var tr ledger.Trace
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+n.ID+"/trace", d.medRx.token, nil, &tr)
	require.Len(t, tr.Lineage, 2)
	back := ts.traceSubjects(d.medRx.token, n.ID)
	assert.True(t, back[b1.ID] && back[b2.ID] && back[m1.ID] && back[m2.ID], "back to both clinics' collections")
	for _, e := range tr.Events {
		require.NotEmpty(t, e.InclusionProof, "every event proves against the checkpoint")
	}
}
