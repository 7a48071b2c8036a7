package api

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// e2eNode is a server started with the test clock over a ledger on disk,
// which can be stopped and started again on the same data dir (a restart).
type e2eNode struct {
	t    *testing.T
	dir  string
	ts   *testServer
	done chan error
	bg   context.CancelFunc // stops RunBackground, nil when not running
	bgWG sync.WaitGroup
}

func newE2ENode(t *testing.T) *e2eNode {
	n := &e2eNode{t: t, dir: t.TempDir()}
	n.start(t0)
	t.Cleanup(func() {
		if n.ts != nil {
			_, err := n.ts.svc.Verify(nil)
			assert.NoError(t, err, "ledger does not verify at the end of the test")
			n.stop()
		}
	})
	return n
}

// start opens the ledger in n.dir with the service clock at `at` and
// serves it with the test clock enabled on a loopback port.
func (n *e2eNode) start(at time.Time) {
	t := n.t
	t.Helper()
	base := ledgertest.NewClock(at)
	svc, err := ledger.Open(ledger.Config{Dir: n.dir, Clock: base.Now})
	require.NoError(t, err)
	srv, err := New(Config{Service: svc, TestClock: true, Heartbeat: 200 * time.Millisecond})
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	n.done = make(chan error, 1)
	go func() { n.done <- srv.Serve(l) }()
	n.ts = &testServer{t: t, svc: svc, srv: srv, url: "http://" + l.Addr().String(),
		clock: ledgertest.NewClock(at), admin: "hwl_test_admin_token",
		client: checkedClient(t, 64)}
	_, err = svc.Bootstrap(context.Background(), n.ts.admin) // a no-op on restart
	require.NoError(t, err)
}

// stop ends the background work, shuts the server down and closes the ledger.
func (n *e2eNode) stop() {
	t := n.t
	t.Helper()
	n.stopBackground()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, n.ts.srv.Shutdown(ctx))
	require.NoError(t, <-n.done)
	n.ts.client.CloseIdleConnections()
	require.NoError(t, n.ts.svc.Close())
	n.ts = nil
}

// restart closes server and ledger and opens both again on the same data
// dir, the service clock carrying on where it was.
func (n *e2eNode) restart() {
	n.t.Helper()
	now := n.ts.svc.Now()
	n.stop()
	n.start(now)
	require.Equal(n.t, now, n.ts.svc.Now())
}

func (n *e2eNode) startBackground(b ledger.Background) {
	ctx, cancel := context.WithCancel(context.Background())
	n.bg = cancel
	n.bgWG.Add(1)
	svc := n.ts.svc
	go func() { defer n.bgWG.Done(); svc.RunBackground(ctx, b) }()
}

func (n *e2eNode) stopBackground() {
	if n.bg != nil {
		n.bg()
		n.bgWG.Wait()
		n.bg = nil
	}
}

// advance moves the server's clock through POST /admin/clock (which sweeps)
// and keeps the harness clock (generated_at, planned_pickup_at) in step.
func (n *e2eNode) advance(d time.Duration) {
	n.t.Helper()
	var a ClockAnswer
	n.ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", n.ts.admin, map[string]any{"advance": d.String()}, &a)
	require.Equal(n.t, n.ts.svc.Now().UTC(), a.Now)
	n.ts.clock = ledgertest.NewClock(a.Now)
}

// advanceTo advances the clock to t0+d.
func (n *e2eNode) advanceTo(d time.Duration) {
	n.t.Helper()
	left := t0.Add(d).Sub(n.ts.svc.Now())
	require.Positive(n.t, left)
	n.advance(left)
}

// alerts lists alerts as the inspector (all of them), with an optional
// filter query such as "kind=track_gap".
func (n *e2eNode) alerts(token, query string) []*ledger.Alert {
	n.t.Helper()
	var l AlertList
	n.ts.must(http.StatusOK, "GET", "/api/v1/alerts?limit=500&"+query, token, nil, &l)
	require.Empty(n.t, l.NextCursor)
	return l.Items
}

// about returns the alerts of kind about subject, oldest first.
func (n *e2eNode) about(insp, kind, subject string) []*ledger.Alert {
	n.t.Helper()
	var out []*ledger.Alert
	for _, a := range n.alerts(insp, "kind="+kind) {
		require.Equal(n.t, kind, a.Kind)
		if a.Subject == subject {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// one requires exactly one alert of kind about subject, in status.
func (n *e2eNode) one(insp, kind, subject, status string) *ledger.Alert {
	n.t.Helper()
	as := n.about(insp, kind, subject)
	require.Len(n.t, as, 1, "%s alerts about %s", kind, subject)
	require.Equal(n.t, status, as[0].Status, "%s alert about %s", kind, subject)
	return as[0]
}

// snapshot is every alert's id → status.
func (n *e2eNode) snapshot(insp string) map[string]string {
	n.t.Helper()
	m := map[string]string{}
	for _, a := range n.alerts(insp, "") {
		m[a.ID] = a.Status
	}
	return m
}

// recorder keeps every notice one party's alert stream delivered, across
// reconnections with Last-Event-ID.
type recorder struct {
	name  string
	party string // "" for the inspector (sees all)
	mu    sync.Mutex
	notes []StreamNotice
	stop  func()
}

func (r *recorder) attach(t *testing.T, ts *testServer, token string, resume bool) {
	lastID := ""
	if resume {
		lastID = strconv.FormatUint(r.lastSeq(), 10)
	}
	evs, _, stop := openStream(t, ts, token, lastID)
	r.stop = stop
	go func() {
		for ev := range evs {
			var n StreamNotice
			if ev.event != "alert" || json.Unmarshal([]byte(ev.data), &n) != nil || strconv.FormatUint(n.Seq, 10) != ev.id {
				n = StreamNotice{Type: "malformed: " + ev.event + " " + ev.id + " " + ev.data}
			}
			r.mu.Lock()
			r.notes = append(r.notes, n)
			r.mu.Unlock()
		}
	}()
}

func (r *recorder) all() []StreamNotice {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]StreamNotice(nil), r.notes...)
}

func (r *recorder) lastSeq() uint64 {
	ns := r.all()
	if len(ns) == 0 {
		return 0
	}
	return ns[len(ns)-1].Seq
}

// waitFor waits until the stream has delivered a notice of type typ about
// an alert of kind about subject, and returns it.
func (r *recorder) waitFor(t *testing.T, typ, kind, subject string) StreamNotice {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, n := range r.all() {
			if n.Type == typ && n.Alert != nil && n.Alert.Kind == kind && n.Alert.Subject == subject {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s: no %s notice for %s %s", r.name, typ, kind, subject)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// has reports whether the stream delivered any notice about subject.
func (r *recorder) has(subject string) bool {
	for _, n := range r.all() {
		if n.Alert != nil && n.Alert.Subject == subject {
			return true
		}
	}
	return false
}

// TestAlertKindsEndToEnd drives every alert kind through HTTP with the test
// clock over a ledger on disk: each condition arises, its alert is raised
// exactly once (through repeated advances and sweeps and across restarts),
// reaches the streams of the parties that may see it and no other, is
// replayed by Last-Event-ID after a disconnection, and resolves when the
// condition clears or is acknowledged by an inspector. Every raise, resolve
// and acknowledgement is a ledger event; at the end each stream has
// delivered exactly the alert events its party may see, none twice.
func TestAlertKindsEndToEnd(t *testing.T) {
	n := newE2ENode(t)
	ts := n.ts
	d := ts.district()
	small := partyBody(9, "小型处置站", "receiver")
	small["license"] = map[string]any{"number": "豫环许可危废字41010009", "codes": []string{"HW08"},
		"methods": []string{"D10"}, "capacity_tonnes": 1, "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
	smallRx := ts.register(small)
	coll := partyBody(10, "管城危废收集站", "collector")
	coll["license"] = map[string]any{"kind": "collection", "number": "豫环收集字41010001", "codes": []string{"HW08", "HW49"},
		"methods": []string{}, "capacity_tonnes": 100, "valid_from": "2025-06-01", "valid_to": "2028-05-31"}
	collector := ts.register(coll)
	insp := d.insp.token

	// Streams, open before anything happens.
	streams := []*recorder{{name: "inspector"}, {name: "generator", party: d.gen.id}, {name: "hospital", party: d.hosp.id},
		{name: "generator2", party: d.gen2.id}, {name: "small receiver", party: smallRx.id}}
	rInsp, rGen, rHosp, rGen2, rSmall := streams[0], streams[1], streams[2], streams[3], streams[4]
	tokens := map[*recorder]string{rInsp: insp, rGen: d.gen.token, rHosp: d.hosp.token, rGen2: d.gen2.token, rSmall: smallRx.token}
	attachAll := func(resume bool) {
		for _, r := range streams {
			r.attach(t, n.ts, tokens[r], resume)
		}
	}
	detachAll := func() {
		for _, r := range streams {
			r.stop()
		}
	}
	attachAll(false)
	defer func() { detachAll() }()

	post := func(status int, path string, a actor, body any, out any) {
		t.Helper()
		n.ts.must(status, "POST", path, a.token, body, out)
	}
	// Every party of the harness is registered at one point, where the
	// loads are picked up: a delivery there is plausible at once (the
	// receiver is that close, docs/domain.md "Delivery").
	loc := map[string]any{"lat": 34.75, "lon": 113.68}
	line := func(w *ledger.Waste, kg float64, count int) map[string]any {
		return map[string]any{"waste_id": w.ID, "received_kg": kg, "container_count": count, "accepted": true}
	}
	// ship takes a manifest through pickup (and delivery, and receipt) now.
	ship := func(m *ledger.Manifest, carrier, rx actor, deliver bool, lines ...map[string]any) {
		t.Helper()
		id := "/api/v1/manifests/" + m.ID
		post(http.StatusOK, id+"/pickup", carrier, scanBody(m), nil)
		if deliver {
			post(http.StatusOK, id+"/deliver", carrier, map[string]any{"location": loc}, nil)
		}
		if len(lines) > 0 {
			post(http.StatusOK, id+"/receive", rx, map[string]any{"lines": lines}, nil)
		}
	}

	// --- t0 (Monday 09:00 in Shanghai): the batches and manifests. ---
	medBody := n.ts.wasteBody("841-001-01", 3)
	medBody["form"], medBody["generated_at"] = "solid", t0.Format(time.RFC3339)
	var wMed ledger.Waste
	post(http.StatusCreated, "/api/v1/wastes", d.hosp, medBody, &wMed)
	require.True(t, wMed.Medical)
	require.Equal(t, t0.Add(48*time.Hour), wMed.StorageDeadline)
	wOld := n.ts.waste(d.gen, "900-214-08", 50) // generated t0 − 1 h, 1-year limit
	wT := n.ts.waste(d.gen, "900-214-08", 10)   // transit, track gap
	wR := n.ts.waste(d.gen2, "900-214-08", 10)  // receipt (generator2's)
	wD := n.ts.waste(d.gen, "900-214-08", 100)  // discrepancy, then disposal
	wC := n.ts.waste(d.gen, "900-214-08", 1100) // capacity, then disposal

	wJ := n.ts.waste(d.gen, "900-214-08", 10) // rejected, then redirected
	wK := n.ts.waste(d.gen, "900-214-08", 10) // kept by a collector
	mT := n.ts.manifest(d.gen, d.recv, []actor{d.car1}, wT)
	mR := n.ts.manifest(d.gen2, d.recv, []actor{d.car2}, wR)
	mD := n.ts.manifest(d.gen, d.recv, []actor{d.car1}, wD)
	mC := n.ts.manifest(d.gen, smallRx, []actor{d.car1}, wC)
	mJ := n.ts.manifest(d.gen, d.recv, []actor{d.car2}, wJ)
	mK := n.ts.manifest(d.gen, collector, []actor{d.car2}, wK)
	ship(mT, d.car1, d.recv, false)
	ship(mR, d.car2, d.recv, true)
	var mRNow ledger.Manifest
	n.ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+mR.ID, d.gen2.token, nil, &mRNow)
	// Delivered Monday: 5 working days (Tue–Fri, Mon) end at the close of
	// the next Monday, across the weekend.
	receiptDue := time.Date(2026, 3, 10, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	require.NotNil(t, mRNow.ReceiptDue)
	require.True(t, receiptDue.Equal(*mRNow.ReceiptDue), "receipt due %s", mRNow.ReceiptDue)

	// discrepancy: half the declared weight arrives. Raised at once.
	ship(mD, d.car1, d.recv, true, line(wD, 50, 2))
	disc := n.one(insp, ledger.AlertDiscrepancy, mD.ID, ledger.AlertOpen)
	assert.Equal(t, d.recv.id, disc.Party)
	// A rejection: a discrepancy at once, and the rejection clock starts.
	refused := line(wJ, 10, 2)
	refused["accepted"] = false
	ship(mJ, d.car2, d.recv, true, refused)
	n.one(insp, ledger.AlertDiscrepancy, mJ.ID, ledger.AlertOpen)
	ship(mK, d.car2, collector, true, line(wK, 10, 2))
	// capacity_warning: 1.1 t accepted by a receiver licensed for 1 t a year.
	ship(mC, d.car1, smallRx, true, line(wC, 1100, 2))
	capAlert := n.one(insp, ledger.AlertCapacity, smallRx.id+"-2026", ledger.AlertOpen)
	assert.Equal(t, smallRx.id, capAlert.Party)
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertDiscrepancy, mD.ID)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertDiscrepancy, mD.ID)
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertCapacity, capAlert.Subject)
	rSmall.waitFor(t, ledger.EvAlertRaised, ledger.AlertCapacity, capAlert.Subject)
	assert.Empty(t, n.alerts(insp, "kind=track_gap"), "nothing is due yet")

	// --- track_gap: no GPS point for 2 h after pickup. ---
	n.advance(time.Hour + 59*time.Minute)
	assert.Empty(t, n.about(insp, ledger.AlertTrackGap, mT.ID), "1 h 59 min is no gap")
	n.advance(time.Minute) // t0+2h
	gap := n.one(insp, ledger.AlertTrackGap, mT.ID, ledger.AlertOpen)
	assert.Equal(t, d.car1.id, gap.Party)
	n.advance(time.Minute)
	n.advance(time.Minute) // t0+2h02m: more sweeps raise nothing more
	n.one(insp, ledger.AlertTrackGap, mT.ID, ledger.AlertOpen)
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertTrackGap, mT.ID)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertTrackGap, mT.ID) // the generator is on the manifest
	// A new position closes the gap.
	post(http.StatusOK, "/api/v1/manifests/"+mT.ID+"/positions", d.car1, map[string]any{"points": []map[string]any{
		{"lat": 34.74, "lon": 113.69, "at": n.ts.clock.Now().Format(time.RFC3339)}}}, nil)
	n.one(insp, ledger.AlertTrackGap, mT.ID, ledger.AlertResolved)
	rGen.waitFor(t, ledger.EvAlertResolved, ledger.AlertTrackGap, mT.ID)

	// --- storage_due_soon / storage_overdue, medical: 36 h / 48 h. ---
	n.advanceTo(35 * time.Hour)
	assert.Empty(t, n.about(insp, ledger.AlertStorageDueSoon, wMed.ID), "warned too early")
	// Meanwhile the carrier sent no further position: a second, new gap.
	gaps := n.about(insp, ledger.AlertTrackGap, mT.ID)
	require.Len(t, gaps, 2)
	assert.Equal(t, ledger.AlertResolved, gaps[0].Status)
	assert.Equal(t, ledger.AlertOpen, gaps[1].Status)
	n.advanceTo(36 * time.Hour)
	soon := n.one(insp, ledger.AlertStorageDueSoon, wMed.ID, ledger.AlertOpen)
	assert.Equal(t, d.hosp.id, soon.Party)
	require.NotNil(t, soon.DueAt)
	assert.Equal(t, t0.Add(36*time.Hour), *soon.DueAt)
	rHosp.waitFor(t, ledger.EvAlertRaised, ledger.AlertStorageDueSoon, wMed.ID)
	n.advanceTo(48 * time.Hour)
	over := n.one(insp, ledger.AlertStorageOverdue, wMed.ID, ledger.AlertOpen)
	n.one(insp, ledger.AlertStorageDueSoon, wMed.ID, ledger.AlertResolved) // superseded
	n.advance(time.Hour)
	n.advance(time.Hour)
	n.one(insp, ledger.AlertStorageOverdue, wMed.ID, ledger.AlertOpen)
	n.one(insp, ledger.AlertStorageDueSoon, wMed.ID, ledger.AlertResolved)
	rHosp.waitFor(t, ledger.EvAlertRaised, ledger.AlertStorageOverdue, wMed.ID)
	rHosp.waitFor(t, ledger.EvAlertResolved, ledger.AlertStorageDueSoon, wMed.ID)
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertStorageOverdue, wMed.ID)
	// The hospital's own list shows it; another generator's does not.
	assert.Len(t, n.alerts(d.hosp.token, "kind=storage_overdue"), 1)
	assert.Empty(t, n.alerts(d.gen2.token, "kind=storage_overdue"))

	// --- transit_overdue: picked up at t0, not delivered in 72 h. ---
	n.advanceTo(71*time.Hour + 59*time.Minute)
	assert.Empty(t, n.about(insp, ledger.AlertTransitOverdue, mT.ID))
	n.advanceTo(72 * time.Hour)
	tr := n.one(insp, ledger.AlertTransitOverdue, mT.ID, ledger.AlertOpen)
	require.NotNil(t, tr.DueAt)
	assert.Equal(t, t0.Add(72*time.Hour), *tr.DueAt)
	n.advance(time.Minute)
	n.one(insp, ledger.AlertTransitOverdue, mT.ID, ledger.AlertOpen)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertTransitOverdue, mT.ID)
	// Delivery resolves the transit alert and the open track gap.
	post(http.StatusOK, "/api/v1/manifests/"+mT.ID+"/deliver", d.car1, map[string]any{"location": loc}, nil)
	n.one(insp, ledger.AlertTransitOverdue, mT.ID, ledger.AlertResolved)
	gaps = n.about(insp, ledger.AlertTrackGap, mT.ID)
	require.Len(t, gaps, 2)
	assert.Equal(t, ledger.AlertResolved, gaps[1].Status)
	rGen.waitFor(t, ledger.EvAlertResolved, ledger.AlertTransitOverdue, mT.ID)
	post(http.StatusOK, "/api/v1/manifests/"+mT.ID+"/receive", d.recv, map[string]any{"lines": []any{line(wT, 10, 2)}}, nil)

	// --- receipt_overdue: delivered Monday 09:00, not received by the end
	// of the fifth working day (the next Monday, after a weekend). ---
	n.advance(receiptDue.Add(-time.Hour).Sub(n.ts.svc.Now())) // Monday 23:00
	assert.Empty(t, n.about(insp, ledger.AlertReceiptOverdue, mR.ID), "Saturday and Sunday are not working days")
	n.advance(time.Hour) // Tuesday 00:00
	rec := n.one(insp, ledger.AlertReceiptOverdue, mR.ID, ledger.AlertOpen)
	assert.Equal(t, d.recv.id, rec.Party)
	require.NotNil(t, rec.DueAt)
	assert.True(t, receiptDue.Equal(*rec.DueAt))
	rGen2.waitFor(t, ledger.EvAlertRaised, ledger.AlertReceiptOverdue, mR.ID)
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertReceiptOverdue, mR.ID)

	// --- rejection_unresolved: the rejected batch is still at the
	// receiver at the end of the tenth working day (Monday 16 March). ---
	var rj ledger.Waste
	n.ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+wJ.ID, d.gen.token, nil, &rj)
	require.NotNil(t, rj.RejectionDue)
	rejectionDue := time.Date(2026, 3, 17, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	require.True(t, rejectionDue.Equal(*rj.RejectionDue), "rejection due %s", rj.RejectionDue)
	n.advance(rejectionDue.Add(-time.Minute).Sub(n.ts.svc.Now()))
	assert.Empty(t, n.about(insp, ledger.AlertRejectionUnresolved, wJ.ID))
	n.advance(time.Minute)
	rej := n.one(insp, ledger.AlertRejectionUnresolved, wJ.ID, ledger.AlertOpen)
	assert.Equal(t, d.recv.id, rej.Party, "the receiver holding it must act")
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertRejectionUnresolved, wJ.ID)
	// Redirected to another receiver: the pickup resolves it.
	var mJ2 ledger.Manifest
	post(http.StatusCreated, "/api/v1/manifests", d.recv, map[string]any{"kind": "redirect", "waste_ids": []string{wJ.ID},
		"carriers": []string{d.car2.id}, "receiver": smallRx.id,
		"planned_pickup_at": n.ts.clock.Now().Add(time.Hour).Format(time.RFC3339)}, &mJ2)
	ship(&mJ2, d.car2, smallRx, true, line(wJ, 10, 2))
	n.one(insp, ledger.AlertRejectionUnresolved, wJ.ID, ledger.AlertResolved)
	post(http.StatusOK, "/api/v1/wastes/"+wJ.ID+"/dispose", smallRx, map[string]any{"method": "D10", "quantity_kg": 10}, nil)
	rGen.waitFor(t, ledger.EvAlertResolved, ledger.AlertRejectionUnresolved, wJ.ID)

	// --- restart: nothing is raised again, by the start-up sweep, by a
	// direct sweep or by further clock advances. ---
	before := n.snapshot(insp)
	sizeBefore := n.ts.size()
	detachAll()
	n.restart()
	swept, err := n.ts.svc.Sweep(context.Background())
	require.NoError(t, err)
	assert.Zero(t, swept)
	n.advance(time.Minute)
	n.advance(time.Minute)
	assert.Equal(t, before, n.snapshot(insp))
	assert.Equal(t, sizeBefore, n.ts.size(), "sweeps after the restart appended nothing")

	// While every stream is disconnected: receipt confirmed, the medical
	// batch picked up (and shipped through to disposal).
	post(http.StatusOK, "/api/v1/manifests/"+mR.ID+"/receive", d.recv, map[string]any{"lines": []any{line(wR, 10, 2)}}, nil)
	n.one(insp, ledger.AlertReceiptOverdue, mR.ID, ledger.AlertResolved)
	mMed := n.ts.manifest(d.hosp, d.medRx, []actor{d.car1}, &wMed)
	ship(mMed, d.car1, d.medRx, true, line(&wMed, 3, 2))
	n.one(insp, ledger.AlertStorageOverdue, wMed.ID, ledger.AlertResolved)
	post(http.StatusOK, "/api/v1/wastes/"+wMed.ID+"/dispose", d.medRx, map[string]any{"method": "D10", "quantity_kg": 3}, nil)
	assert.Equal(t, over.ID, n.one(insp, ledger.AlertStorageOverdue, wMed.ID, ledger.AlertResolved).ID)

	// Resuming with Last-Event-ID delivers what was missed, to those who
	// may see it.
	attachAll(true)
	rInsp.waitFor(t, ledger.EvAlertResolved, ledger.AlertReceiptOverdue, mR.ID)
	rInsp.waitFor(t, ledger.EvAlertResolved, ledger.AlertStorageOverdue, wMed.ID)
	rGen2.waitFor(t, ledger.EvAlertResolved, ledger.AlertReceiptOverdue, mR.ID)
	rHosp.waitFor(t, ledger.EvAlertResolved, ledger.AlertStorageOverdue, wMed.ID)

	// --- collection_overdue: the collector has not passed the batch on
	// within 90 working days of receiving it. ---
	var kept ledger.Waste
	n.ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+wK.ID, d.gen.token, nil, &kept)
	require.NotNil(t, kept.CollectionDue)
	assert.Equal(t, n.ts.svc.Calendar().AddWorkdays(t0, 90), *kept.CollectionDue)
	n.advance(kept.CollectionDue.Add(-time.Minute).Sub(n.ts.svc.Now()))
	assert.Empty(t, n.about(insp, ledger.AlertCollectionOverdue, wK.ID))
	n.advance(time.Minute)
	col := n.one(insp, ledger.AlertCollectionOverdue, wK.ID, ledger.AlertOpen)
	assert.Equal(t, collector.id, col.Party)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertCollectionOverdue, wK.ID)

	// --- storage_due_soon / storage_overdue, other waste: 335 d / 365 d;
	// disposal_overdue: received, not disposed of within 1 year. ---
	const day = 24 * time.Hour
	n.advanceTo(335*day - time.Hour - time.Minute)
	assert.Empty(t, n.about(insp, ledger.AlertStorageDueSoon, wOld.ID))
	n.advanceTo(335*day - time.Hour) // generated at t0 − 1 h
	n.one(insp, ledger.AlertStorageDueSoon, wOld.ID, ledger.AlertOpen)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertStorageDueSoon, wOld.ID)
	n.advanceTo(365*day - time.Hour - time.Minute)
	assert.Empty(t, n.about(insp, ledger.AlertStorageOverdue, wOld.ID))
	assert.Empty(t, n.alerts(insp, "kind=disposal_overdue"))
	n.advanceTo(365 * day)
	n.one(insp, ledger.AlertStorageOverdue, wOld.ID, ledger.AlertOpen)
	n.one(insp, ledger.AlertStorageDueSoon, wOld.ID, ledger.AlertResolved)
	dispD := n.one(insp, ledger.AlertDisposalOverdue, wD.ID, ledger.AlertOpen)
	assert.Equal(t, d.recv.id, dispD.Party)
	dispC := n.one(insp, ledger.AlertDisposalOverdue, wC.ID, ledger.AlertOpen)
	assert.Empty(t, n.about(insp, ledger.AlertDisposalOverdue, wT.ID), "received 3 days later")
	n.advance(time.Hour)
	n.advance(time.Hour)
	n.one(insp, ledger.AlertStorageOverdue, wOld.ID, ledger.AlertOpen)
	n.one(insp, ledger.AlertDisposalOverdue, wD.ID, ledger.AlertOpen)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertStorageOverdue, wOld.ID)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertDisposalOverdue, wD.ID)
	rSmall.waitFor(t, ledger.EvAlertRaised, ledger.AlertDisposalOverdue, wC.ID)
	// Disposal resolves one; pickup resolves the storage alert.
	post(http.StatusOK, "/api/v1/wastes/"+wD.ID+"/dispose", d.recv, map[string]any{"method": "D10", "quantity_kg": 50}, nil)
	n.one(insp, ledger.AlertDisposalOverdue, wD.ID, ledger.AlertResolved)
	mOld := n.ts.manifest(d.gen, d.recv, []actor{d.car2}, wOld)
	ship(mOld, d.car2, d.recv, true, line(wOld, 50, 2))
	n.one(insp, ledger.AlertStorageOverdue, wOld.ID, ledger.AlertResolved)
	rGen.waitFor(t, ledger.EvAlertResolved, ledger.AlertStorageOverdue, wOld.ID)
	rGen.waitFor(t, ledger.EvAlertResolved, ledger.AlertDisposalOverdue, wD.ID)

	// --- acknowledgement by an inspector: discrepancy, capacity, and an
	// open disposal alert. Only an inspector, only once, with a note. ---
	ack := func(a *ledger.Alert) {
		t.Helper()
		path := "/api/v1/alerts/" + a.ID + "/ack"
		assert.Equal(t, http.StatusForbidden, n.ts.do("POST", path, d.recv.token, map[string]any{"note": "知道了"}).status)
		assert.Equal(t, http.StatusBadRequest, n.ts.do("POST", path, insp, map[string]any{"note": " "}).status)
		var got ledger.Alert
		post(http.StatusOK, path, d.insp, map[string]any{"note": "已现场核查 checked on site"}, &got)
		assert.Equal(t, ledger.AlertAcknowledged, got.Status)
		assert.Equal(t, d.insp.id, got.AckBy)
		second := n.ts.do("POST", path, insp, map[string]any{"note": "again"})
		assert.Equal(t, http.StatusConflict, second.status, "%s", second)
		assert.Equal(t, "invalid_transition", second.errCode())
	}
	ack(disc)
	ack(capAlert)
	ack(dispC)
	n.one(insp, ledger.AlertDiscrepancy, mD.ID, ledger.AlertAcknowledged)
	n.one(insp, ledger.AlertCapacity, capAlert.Subject, ledger.AlertAcknowledged)
	n.one(insp, ledger.AlertDisposalOverdue, wC.ID, ledger.AlertAcknowledged)
	rGen.waitFor(t, ledger.EvAlertAcked, ledger.AlertDiscrepancy, mD.ID)
	rSmall.waitFor(t, ledger.EvAlertAcked, ledger.AlertCapacity, capAlert.Subject)
	n.advance(time.Hour) // an acknowledged condition is not raised again
	n.one(insp, ledger.AlertDisposalOverdue, wC.ID, ledger.AlertAcknowledged)

	// --- paper_late: a manifest filled in on paper 20 days ago, entered
	// now, every step with the paper's time: the pickup is entered more
	// than 10 working days after it happened. ---
	back := func(d time.Duration) string { return n.ts.svc.Now().Add(-d).Format(time.RFC3339) }
	const day0 = 24 * time.Hour
	paperBody := n.ts.wasteBody("900-214-08", 10)
	paperBody["generated_at"], paperBody["occurred_at"] = back(21*day0), back(20*day0)
	var wPaper ledger.Waste
	post(http.StatusCreated, "/api/v1/wastes", d.gen, paperBody, &wPaper)
	var mPaper ledger.Manifest
	post(http.StatusCreated, "/api/v1/manifests", d.gen, map[string]any{"waste_ids": []string{wPaper.ID}, "carriers": []string{d.car1.id},
		"receiver": d.recv.id, "planned_pickup_at": back(19 * day0), "occurred_at": back(20*day0 - time.Hour),
		"paper": map[string]any{"number": "豫纸0001", "entered_reason": "网络中断"}}, &mPaper)
	pickupBody := scanBody(&mPaper)
	pickupBody["occurred_at"] = back(19 * day0)
	post(http.StatusOK, "/api/v1/manifests/"+mPaper.ID+"/pickup", d.car1, pickupBody, nil)
	late := n.one(insp, ledger.AlertPaperLate, mPaper.ID, ledger.AlertOpen)
	assert.Equal(t, d.gen.id, late.Party)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertPaperLate, mPaper.ID)
	post(http.StatusOK, "/api/v1/manifests/"+mPaper.ID+"/deliver", d.car1,
		map[string]any{"location": loc, "occurred_at": back(19*day0 - 2*time.Hour)}, nil)
	post(http.StatusOK, "/api/v1/manifests/"+mPaper.ID+"/receive", d.recv,
		map[string]any{"lines": []any{line(&wPaper, 10, 2)}, "occurred_at": back(19*day0 - 3*time.Hour)}, nil)

	// --- the generator's filings: transfers past the plan's forecast, and a
	// key-supervision unit's monthly declaration not filed by the 15th. ---
	year := n.ts.svc.Now().In(shanghai).Year()
	var plan ledger.Plan
	post(http.StatusCreated, "/api/v1/parties/"+d.gen.id+"/plans", d.gen, planBody(year, 1, "registered", 0.001, "900-041-49"), &plan)
	wP := n.ts.waste(d.gen, "900-041-49", 5)
	mP := n.ts.manifest(d.gen, d.recv, []actor{d.car1}, wP)
	post(http.StatusOK, "/api/v1/manifests/"+mP.ID+"/pickup", d.car1, scanBody(mP), nil)
	exceeded := fmt.Sprintf("%s-plan-%d-900-041-49", d.gen.id, year)
	rGen.waitFor(t, ledger.EvAlertRaised, ledger.AlertPlanExceeded, exceeded)
	assert.Equal(t, ledger.AlertOpen, n.one(insp, ledger.AlertPlanExceeded, exceeded, ledger.AlertOpen).Status)
	post(http.StatusOK, "/api/v1/manifests/"+mP.ID+"/deliver", d.car1, map[string]any{}, nil) // no track gap
	n.ts.must(http.StatusOK, "PUT", "/api/v1/parties/"+d.gen2.id+"/management-class", insp,
		map[string]any{"class": "key", "reason": "重点行业"}, nil)
	n.advance(45 * 24 * time.Hour)
	var monthly *ledger.Alert
	for _, a := range n.alerts(insp, "kind=declaration_overdue") {
		if a.Party == d.gen2.id && len(a.Subject) == len(d.gen2.id+"-decl-2026-01") {
			monthly = a
		}
	}
	require.NotNil(t, monthly, "a monthly declaration of generator2 is overdue")
	rGen2.waitFor(t, ledger.EvAlertRaised, ledger.AlertDeclarationOverdue, monthly.Subject)

	// --- integrity: the background verification finds a tampered event. ---
	// The watcher verifies only events appended since its last check, so a
	// tampered old event is found by the periodic full verification:
	// VerifyEvery must be short too (with only WatchEvery short, nothing).
	// The fault makes the ledger read-only. Its alert is not an event (the
	// chain is broken): it is listed first for the inspector and sent on
	// the streams that may see it, and nothing is appended any more.
	bg := ledger.Background{SweepEvery: 50 * time.Millisecond, WatchEvery: 20 * time.Millisecond, VerifyEvery: 50 * time.Millisecond}
	n.startBackground(bg)
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, n.alerts(insp, "kind=integrity"), "the untouched ledger verifies")
	const victim = 5
	var original []byte
	setEvent := func(b []byte) {
		t.Helper()
		k := append([]byte("c/e/"), binary.BigEndian.AppendUint64(nil, victim)...)
		require.NoError(t, n.ts.svc.Log().DB().Update(func(txn *badger.Txn) error {
			if b == nil {
				it, err := txn.Get(k)
				if err != nil {
					return err
				}
				if original, err = it.ValueCopy(nil); err != nil {
					return err
				}
				b = bytes.Replace(original, []byte("2026-"), []byte("2025-"), 1)
				require.NotEqual(t, original, b)
			}
			return txn.Set(k, b)
		}))
	}
	size := n.ts.svc.Log().Size()
	setEvent(nil) // tamper
	integrity := func() *ledger.Alert {
		t.Helper()
		var a *ledger.Alert
		require.Eventually(t, func() bool {
			as := n.alerts(insp, "kind=integrity")
			if len(as) > 0 {
				require.Len(t, as, 1)
				a = as[0]
			}
			return a != nil
		}, 5*time.Second, 10*time.Millisecond)
		return a
	}
	ia := integrity()
	assert.Equal(t, ledger.ReadOnlyAlertID, ia.ID)
	assert.Equal(t, ledger.AlertOpen, ia.Status)
	assert.Contains(t, ia.Message, "完整性")
	assert.Contains(t, ia.MessageEn, "integrity")
	assert.Contains(t, ia.MessageEn, "event 5")
	rInsp.waitFor(t, ledger.EvAlertRaised, ledger.AlertIntegrity, "ledger")
	a := n.ts.must(http.StatusServiceUnavailable, "POST", "/api/v1/alerts/"+ledger.ReadOnlyAlertID+"/ack", insp,
		map[string]any{"note": "seen"}, nil)
	assert.Contains(t, a.String(), `"read_only"`)
	n.ts.must(http.StatusServiceUnavailable, "POST", "/api/v1/wastes", d.gen.token, n.ts.wasteBody("900-214-08", 1), nil)
	time.Sleep(300 * time.Millisecond) // many more rounds: still the one alert, nothing appended
	assert.Equal(t, ia.ID, integrity().ID)
	assert.Equal(t, size, n.ts.svc.Log().Size(), "nothing appended after the fault")
	// Restart with the fault still there: the new background run finds it
	// again.
	detachAll()
	n.restart()
	n.startBackground(bg)
	assert.Equal(t, ia.ID, integrity().ID)
	attachAll(true)
	// The operator restores a good store and starts again: writes are
	// taken, and no integrity alert is left.
	n.stopBackground()
	setEvent(original)
	n.restart()
	n.startBackground(bg)
	time.Sleep(200 * time.Millisecond)
	n.stopBackground()
	assert.Empty(t, n.alerts(insp, "kind=integrity"))
	assert.Equal(t, size, n.ts.svc.Log().Size())

	// --- every kind was raised, and the ledger records each raise, resolve
	// and acknowledgement: raise and resolve by the system actor, the
	// acknowledgement by the inspector. ---
	evs := ledgerEvents(t, n.ts, insp)
	parties := map[string][]string{} // alert id → who may see it
	kinds := map[string]int{}
	types := map[string]int{}
	var alertSeqs []uint64
	for _, e := range evs {
		switch e.Type {
		case ledger.EvAlertRaised:
			var a ledger.Alert
			require.NoError(t, json.Unmarshal(e.Data, &a))
			parties[a.ID] = a.Parties
			kinds[a.Kind]++
			assert.Equal(t, chain.Actor{Party: ledger.SystemParty, Role: "system"}, e.Actor)
		case ledger.EvAlertResolved:
			assert.Equal(t, chain.Actor{Party: ledger.SystemParty, Role: "system"}, e.Actor)
		case ledger.EvAlertAcked:
			assert.Equal(t, chain.Actor{Party: d.insp.id, Role: "inspector"}, e.Actor)
		default:
			continue
		}
		types[e.Type]++
		alertSeqs = append(alertSeqs, e.Index)
	}
	for _, k := range ledger.AlertKinds {
		if k == ledger.AlertIntegrity {
			assert.Zero(t, kinds[k], "the alert of read-only mode is no ledger event")
			continue
		}
		assert.Positive(t, kinds[k], "kind %s never raised", k)
	}
	assert.Equal(t, 2, kinds[ledger.AlertTrackGap])
	assert.Equal(t, 2, kinds[ledger.AlertStorageDueSoon])
	assert.Equal(t, 2, kinds[ledger.AlertStorageOverdue])
	assert.Equal(t, 3, types[ledger.EvAlertAcked])
	alerts := n.alerts(insp, "")
	assert.Len(t, alerts, types[ledger.EvAlertRaised], "one alert per alert.raised event")
	assert.Equal(t, types[ledger.EvAlertRaised], types[ledger.EvAlertResolved]+types[ledger.EvAlertAcked]+countStatus(alerts, ledger.AlertOpen))

	// Each stream, across its reconnections, delivered exactly the alert
	// events its party may see, in order, none twice, none missed.
	for _, r := range streams {
		var want []uint64
		for _, seq := range alertSeqs {
			e := evs[seq]
			id := e.Subject
			if r.party == "" || contains(parties[id], r.party) {
				want = append(want, seq)
			}
		}
		// events: the notices of ledger events (the read-only alert is none).
		events := func() (got []uint64, readOnly int) {
			for _, nt := range r.all() {
				require.NotNil(t, nt.Alert, "stream %s: %s", r.name, nt.Type)
				if nt.Alert.ID == ledger.ReadOnlyAlertID {
					readOnly++
					continue
				}
				got = append(got, nt.Seq)
			}
			return got, readOnly
		}
		require.Eventually(t, func() bool {
			got, _ := events()
			return len(got) > 0 && got[len(got)-1] == want[len(want)-1]
		}, 5*time.Second, 10*time.Millisecond, "stream %s", r.name)
		got, readOnly := events()
		assert.Equal(t, want, got, "stream %s", r.name)
		if r.party == "" {
			assert.Positive(t, readOnly, "stream %s: the read-only alert", r.name)
		} else {
			assert.Zero(t, readOnly, "stream %s: the read-only alert is for inspectors", r.name)
		}
	}
	assert.False(t, rGen.has(wMed.ID), "the hospital's batch reached another generator")
	assert.False(t, rGen.has(capAlert.Subject), "a receiver's capacity reached a generator")
	assert.False(t, rGen.has("ledger"), "the integrity alert reached a generator")
	assert.False(t, rGen2.has(wMed.ID) || rGen2.has(mD.ID) || rGen2.has(mT.ID))
	assert.True(t, rGen2.has(mR.ID))

	verifyHTTP(t, n.ts, insp)
}

func countStatus(as []*ledger.Alert, status string) int {
	c := 0
	for _, a := range as {
		if a.Status == status {
			c++
		}
	}
	return c
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ledgerEvents reads the whole ledger through GET /ledger/events; the
// result is indexed by event index.
func ledgerEvents(t *testing.T, ts *testServer, token string) []chain.Event {
	t.Helper()
	a := ts.must(http.StatusOK, "GET", "/api/v1/ledger/events?limit=100000", token, nil, nil)
	var out []chain.Event
	for _, l := range strings.Split(strings.TrimSpace(string(a.body)), "\n") {
		var e chain.Event
		require.NoError(t, json.Unmarshal([]byte(l), &e))
		require.Equal(t, uint64(len(out)), e.Index)
		out = append(out, e)
	}
	require.Equal(t, ts.size(), uint64(len(out)))
	return out
}
