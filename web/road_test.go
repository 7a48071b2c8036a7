package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// The forms of manifests on the road: return or redirect of refused
// batches (and the others as they come), driven over HTTP as a browser
// posts them.

// principal authenticates a fixture party's token.
func (f *fixture) principal(t *testing.T, key string) ledger.Principal {
	t.Helper()
	p, err := f.svc.Authenticate(f.tokens[key])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// page GETs path and returns status and body.
func page(t *testing.T, f *fixture, c *http.Client, path string) (int, string) {
	t.Helper()
	res, err := c.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

// post posts a form and returns the status, the redirect target and body.
func post(t *testing.T, f *fixture, c *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(f.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// refusedBatch runs a batch of gen's to the receiver, which refuses it.
func (f *fixture) refusedBatch(t *testing.T) (*ledger.Waste, *ledger.Manifest) {
	t.Helper()
	return f.receivedBatch(t, false)
}

// receivedBatch runs a 20 kg drum of gen's to the receiver, which accepts
// or refuses it on receipt.
func (f *fixture) receivedBatch(t *testing.T, accept bool) (*ledger.Waste, *ledger.Manifest) {
	t.Helper()
	ctx := t.Context()
	gen, car, rx := f.principal(t, "gen"), f.principal(t, "carrier"), f.principal(t, "receiver")
	w, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 20000,
		Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{car.Party},
		Receiver: rx.Party, PlannedPickupAt: f.svc.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	scan := ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A12345", Driver: "赵师傅"}
	if _, err = f.svc.Pickup(ctx, car, m.ID, scan); err != nil {
		t.Fatal(err)
	}
	f.drive(t)
	if _, err = f.svc.Deliver(ctx, car, m.ID, ledger.DeliverInput{}); err != nil {
		t.Fatal(err)
	}
	line := ledger.ReceiveLine{WasteID: w.ID, Received: 20000, ContainerCount: 1, Accepted: &accept}
	if !accept {
		line.Note = "包装破损"
	}
	if m, err = f.svc.Receive(ctx, rx, m.ID, ledger.ReceiveInput{Lines: []ledger.ReceiveLine{line}}); err != nil {
		t.Fatal(err)
	}
	return w, m
}

// A receiver files the return of a batch it refused from the manifest
// page; the generator takes it back with the receipt form.
func TestReturnForm(t *testing.T) {
	f := newFixture(t)
	w, m1 := f.refusedBatch(t)
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["receiver"])
	code, body := page(t, f, c, "/manifests/"+m1.ID)
	if code != 200 || !strings.Contains(body, `id="leg-link"`) {
		t.Fatalf("manifest page %d: no link to return the refused batch", code)
	}
	code, body = page(t, f, c, "/manifests/new?waste="+w.ID)
	if code != 200 || !strings.Contains(body, `id="kind-return"`) || !strings.Contains(body, "郑州顺达汽车维修有限公司") {
		t.Fatalf("new leg page %d:\n%s", code, body)
	}
	planned := f.svc.Now().Add(time.Hour).In(shanghai).Format(dateTimeLocal)
	form := url.Values{"csrf": {csrf}, "waste": {w.ID}, "kind": {"return"}, "return_to": {f.ids["gen2"]},
		"carrier1": {f.ids["carrier"]}, "planned_pickup_at": {planned}}
	before := f.svc.Log().Size()
	code, _, body = post(t, f, c, "/manifests/new", form)
	if code != http.StatusBadRequest || !strings.Contains(body, "manifest-error") || f.svc.Log().Size() != before {
		t.Fatalf("a return to another generator: %d, appended %d", code, f.svc.Log().Size()-before)
	}
	form.Set("return_to", f.ids["gen"])
	code, loc, body := post(t, f, c, "/manifests/new", form)
	if code != http.StatusSeeOther {
		t.Fatalf("return: %d\n%s", code, body)
	}
	m2, err := f.svc.Manifest(t.Context(), f.principal(t, "inspector"), strings.TrimPrefix(loc, "/manifests/"))
	if err != nil || m2.Kind != ledger.ManifestReturn || m2.Receiver != f.ids["gen"] {
		t.Fatalf("return manifest %+v %v", m2, err)
	}
	_, body = page(t, f, c, loc)
	if !strings.Contains(body, `id="manifest-kind"`) || !strings.Contains(body, "退回联单") {
		t.Error("the manifest page does not say it is a return")
	}
	car := f.principal(t, "carrier")
	if _, err := f.svc.Pickup(t.Context(), car, m2.ID, ledger.CustodyInput{Labels: m2.Labels, VehiclePlate: "豫A12345", Driver: "赵师傅"}); err != nil {
		t.Fatal(err)
	}
	f.drive(t)
	if _, err := f.svc.Deliver(t.Context(), car, m2.ID, ledger.DeliverInput{}); err != nil {
		t.Fatal(err)
	}

	g := client(t)
	gcsrf := signIn(t, f, g, f.tokens["gen"])
	code, _ = page(t, f, g, "/manifests/"+m2.ID+"/receive")
	if code != 200 {
		t.Fatalf("the generator's receipt form: %d", code)
	}
	code, _, body = post(t, f, g, "/manifests/"+m2.ID+"/receive", url.Values{"csrf": {gcsrf}, "kg_" + w.ID: {"20"},
		"count_" + w.ID: {"1"}, "accept_" + w.ID: {"yes"}})
	if code != http.StatusSeeOther {
		t.Fatalf("take back: %d\n%s", code, body)
	}
	back, err := f.svc.Waste(t.Context(), f.principal(t, "gen"), w.ID)
	if err != nil || back.Status != ledger.WasteStored {
		t.Fatalf("returned batch %+v %v", back, err)
	}
}

// A receiver redirects a refused batch to another licensed receiver.
func TestRedirectForm(t *testing.T) {
	f := newFixture(t)
	w, _ := f.refusedBatch(t)
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	year := f.svc.Now().Year()
	other, err := f.svc.RegisterParty(t.Context(), admin, ledger.PartyInput{Name: "新乡环境处置中心", CreditCode: credit(t, 200),
		Roles: []ledger.Role{ledger.RoleReceiver}, Street: "南曹", Address: "新乡", Contact: ledger.Contact{Name: "钱", Phone: "1"},
		License: &ledger.License{Number: "豫环许可危废字41070001", Codes: []string{"HW08"}, Methods: []string{"R9"}, CapacityTonnes: 100,
			ValidFrom: time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), ValidTo: time.Date(year+2, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["receiver"])
	_, body := page(t, f, c, "/manifests/new?waste="+w.ID)
	if !strings.Contains(body, other.ID) {
		t.Fatal("the licensed receiver is not offered")
	}
	if strings.Contains(body, `value="`+f.ids["receiver"]+`"`) {
		t.Error("a receiver is offered a redirect to itself")
	}
	code, loc, body := post(t, f, c, "/manifests/new", url.Values{"csrf": {csrf}, "waste": {w.ID}, "kind": {"redirect"},
		"receiver": {other.ID}, "carrier1": {f.ids["carrier"]},
		"planned_pickup_at": {f.svc.Now().Add(time.Hour).In(shanghai).Format(dateTimeLocal)}})
	if code != http.StatusSeeOther {
		t.Fatalf("redirect: %d\n%s", code, body)
	}
	m, err := f.svc.Manifest(t.Context(), f.principal(t, "receiver"), strings.TrimPrefix(loc, "/manifests/"))
	if err != nil || m.Kind != ledger.ManifestRedirect || m.Receiver != other.ID {
		t.Fatalf("redirect manifest %+v %v", m, err)
	}
}

// A receiver asks to correct the received weight on the correction page;
// the generator approves on the manifest page, the carrier too, and the
// change is applied. A second request is refused by the generator.
func TestCorrectionForms(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen := f.principal(t, "gen")
	w, m := f.receivedBatch(t, true)

	c := client(t)
	csrf := signIn(t, f, c, f.tokens["receiver"])
	_, body := page(t, f, c, "/manifests/"+m.ID)
	if !strings.Contains(body, `id="correct-link"`) {
		t.Fatal("no correction link on the manifest page")
	}
	code, body := page(t, f, c, "/manifests/"+m.ID+"/correct")
	if code != 200 || !strings.Contains(body, "received_"+w.ID) {
		t.Fatalf("correction page %d", code)
	}
	before := f.svc.Log().Size()
	code, _, _ = post(t, f, c, "/manifests/"+m.ID+"/correct", url.Values{"csrf": {csrf}, "reason": {"复核"}})
	if code != http.StatusBadRequest || f.svc.Log().Size() != before {
		t.Fatalf("a correction without changes: %d", code)
	}
	code, loc, body := post(t, f, c, "/manifests/"+m.ID+"/correct", url.Values{"csrf": {csrf}, "reason": {"地磅复核"},
		"received_" + w.ID: {"19.6"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/manifests/"+m.ID) {
		t.Fatalf("request: %d %s\n%s", code, loc, body)
	}

	g := client(t)
	gcsrf := signIn(t, f, g, f.tokens["gen"])
	_, body = page(t, f, g, "/manifests/"+m.ID)
	if !strings.Contains(body, "approve-correction") || !strings.Contains(body, "待同意") {
		t.Fatal("the generator is not offered the decision")
	}
	ks, err := f.svc.ManifestCorrections(ctx, gen, m.ID)
	if err != nil || len(ks) != 1 {
		t.Fatal(ks, err)
	}
	if code, _, body = post(t, f, g, "/corrections/"+ks[0].ID+"/approve", url.Values{"csrf": {gcsrf}}); code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	cc := client(t)
	ccsrf := signIn(t, f, cc, f.tokens["carrier"])
	if code, _, body = post(t, f, cc, "/corrections/"+ks[0].ID+"/approve", url.Values{"csrf": {ccsrf}}); code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	got, err := f.svc.Waste(ctx, gen, w.ID)
	if err != nil || got.Received != 19600 {
		t.Fatalf("after approval: %+v %v", got, err)
	}
	_, body = page(t, f, g, "/manifests/"+m.ID)
	if !strings.Contains(body, "已更正") || !strings.Contains(body, "20 → 19.6") {
		t.Error("the manifest page does not show the applied correction")
	}

	// Asked again, refused by the generator with a reason.
	if code, _, body = post(t, f, c, "/manifests/"+m.ID+"/correct", url.Values{"csrf": {csrf}, "reason": {"再次复核"},
		"count_" + w.ID: {"2"}}); code != http.StatusSeeOther {
		t.Fatalf("second request: %d\n%s", code, body)
	}
	ks, _ = f.svc.ManifestCorrections(ctx, gen, m.ID)
	if code, _, _ = post(t, f, g, "/corrections/"+ks[1].ID+"/refuse", url.Values{"csrf": {gcsrf}, "reason": {"桶数无误"}}); code != http.StatusSeeOther {
		t.Fatalf("refuse: %d", code)
	}
	if k, _ := f.svc.Correction(ctx, gen, ks[1].ID); k.Status != ledger.CorrectionRefused {
		t.Fatalf("refused correction %+v", k)
	}
	// The inspector's list shows both.
	i := client(t)
	signIn(t, f, i, f.tokens["inspector"])
	code, body = page(t, f, i, "/corrections")
	if code != 200 || strings.Count(body, `href="/manifests/`+m.ID+`#corrections"`) != 2 {
		t.Fatalf("inspector's corrections page %d", code)
	}
}

// A collector receives a clinic's bags, consolidates them on its page and
// ships the new batch on with the manifest form.
func TestConsolidateForm(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	col, tok, ids, m := f.collectedBags(t)
	clinic := f.principal(t, "gen2")

	c := client(t)
	csrf := signIn(t, f, c, tok)
	// The collector receives on the receipt form.
	form := url.Values{"csrf": {csrf}}
	for _, id := range ids {
		form.Set("kg_"+id, "1.5")
		form.Set("count_"+id, "1")
		form.Set("accept_"+id, "yes")
	}
	if code, _, body := post(t, f, c, "/manifests/"+m.ID+"/receive", form); code != http.StatusSeeOther {
		t.Fatalf("collector's receipt: %d\n%s", code, body)
	}
	code, body := page(t, f, c, "/wastes/consolidate")
	if code != 200 || !strings.Contains(body, ids[0]) || !strings.Contains(body, ids[1]) {
		t.Fatalf("consolidate page %d does not list the collected bags", code)
	}
	base := url.Values{"csrf": {csrf}, "source": ids, "code": {"841-001-01"}, "form": {"solid"}, "quantity_kg": {"3"},
		"container_type": {"医疗废物周转箱"}, "container_count": {"1"}}
	bad := url.Values{}
	for k, v := range base {
		bad[k] = v
	}
	bad.Set("code", "900-041-49")
	before := f.svc.Log().Size()
	if code, _, body = post(t, f, c, "/wastes/consolidate", bad); code != http.StatusBadRequest || f.svc.Log().Size() != before ||
		!strings.Contains(body, "consolidate-error") && !strings.Contains(body, "source_ids") {
		t.Fatalf("another category: %d", code)
	}
	code, loc, body := post(t, f, c, "/wastes/consolidate", base)
	if code != http.StatusSeeOther {
		t.Fatalf("consolidate: %d\n%s", code, body)
	}
	n, err := f.svc.Waste(ctx, col, strings.TrimPrefix(loc, "/wastes/"))
	if err != nil || len(n.Sources) != 2 || n.Generator != col.Party {
		t.Fatalf("new batch %+v %v", n, err)
	}
	// The onward manifest: the new batch is offered, with the medical receiver.
	_, body = page(t, f, c, "/manifests/new?waste="+n.ID)
	if !strings.Contains(body, f.ids["medrecv"]) {
		t.Fatal("the disposal centre is not offered for the consolidated batch")
	}
	if code, loc, body = post(t, f, c, "/manifests/new", url.Values{"csrf": {csrf}, "waste": {n.ID}, "receiver": {f.ids["medrecv"]},
		"carrier1": {f.ids["carrier"]}, "planned_pickup_at": {f.svc.Now().Add(time.Hour).In(shanghai).Format(dateTimeLocal)}}); code != http.StatusSeeOther {
		t.Fatalf("onward manifest: %d\n%s", code, body)
	}
	on, err := f.svc.Manifest(ctx, col, strings.TrimPrefix(loc, "/manifests/"))
	if err != nil || on.Generator != col.Party || on.Receiver != f.ids["medrecv"] {
		t.Fatalf("onward manifest %+v %v", on, err)
	}
	// The clinic may file its next collection to the collector.
	g := client(t)
	signIn(t, f, g, f.tokens["gen2"])
	w3, err := f.svc.RegisterWaste(ctx, clinic, ledger.WasteInput{Code: "841-001-01", Form: "solid", Quantity: 1000,
		Container: ledger.Container{Type: "医疗废物周转箱", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, body = page(t, f, g, "/manifests/new?waste="+w3.ID); !strings.Contains(body, col.Party) {
		t.Error("the collector is not offered as a receiver")
	}
}

// collectedBags registers a collector and delivers two of the clinic's
// (gen2's) 1.5 kg bags to it on a manifest it has yet to receive.
func (f *fixture) collectedBags(t *testing.T) (col ledger.Principal, tok string, ids []string, m *ledger.Manifest) {
	t.Helper()
	ctx := t.Context()
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	year := f.svc.Now().Year()
	colP, err := f.svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: "管城危废收集站", CreditCode: credit(t, 201),
		Roles: []ledger.Role{ledger.RoleCollector}, Street: "南关", Address: "郑州", Contact: ledger.Contact{Name: "钱", Phone: "1"},
		License: &ledger.License{Kind: ledger.LicenseCollection, Number: "豫环收集字41010001", Codes: []string{"HW01"}, CapacityTonnes: 100,
			ValidFrom: time.Date(year-1, 6, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), ValidTo: time.Date(year+1, 5, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, tok, err = f.svc.CreateToken(ctx, admin, colP.ID, ledger.TokenInput{}); err != nil {
		t.Fatal(err)
	}
	if col, err = f.svc.Authenticate(tok); err != nil {
		t.Fatal(err)
	}
	clinic, car := f.principal(t, "gen2"), f.principal(t, "carrier")
	var labels []string
	for range 2 {
		w, err := f.svc.RegisterWaste(ctx, clinic, ledger.WasteInput{Code: "841-001-01", Form: "solid", Quantity: 1500,
			Container: ledger.Container{Type: "医疗废物周转箱", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids, labels = append(ids, w.ID), append(labels, w.Label)
	}
	if m, err = f.svc.CreateManifest(ctx, clinic, ledger.ManifestInput{WasteIDs: ids, Carriers: []string{car.Party}, Receiver: col.Party,
		PlannedPickupAt: f.svc.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err = f.svc.Pickup(ctx, car, m.ID, ledger.CustodyInput{Labels: labels, VehiclePlate: "豫A12345", Driver: "赵师傅"}); err != nil {
		t.Fatal(err)
	}
	if _, err = f.svc.Deliver(ctx, car, m.ID, ledger.DeliverInput{}); err != nil {
		t.Fatal(err)
	}
	return col, tok, ids, m
}
