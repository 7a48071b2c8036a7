package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// TestBrowserRoadPages plays, in Chromium on a phone, the pages of a
// transfer that goes wrong and of a generator's paperwork: the receiver
// returns a refused drum; a correction is requested, approved by the other
// two parties and shown applied, and the inspector sees it; a collector
// receives a clinic's bags, consolidates them and traces the lineage; the
// generator opens its 台账 and files a declaration, which the inspector
// sees on the compliance page. It takes the README's screenshots 40–49.
func TestBrowserRoadPages(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	bctx := newBrowser(t)
	shots := screenshotDir(t)
	planned := f.svc.Now().Add(time.Hour).In(shanghai).Format(dateTimeLocal)

	// The receiver refused a drum at the gate and sends it back.
	refused, m1 := f.refusedBatch(t)
	rx := openSession(t, bctx, f.srv.URL, shots)
	rx.signIn(f.tokens["receiver"], "/manifests")
	rx.open("/manifests/" + m1.ID)
	rx.page("40-manifest-rejected")
	rx.click("#leg-link")
	if p := rx.path(); p != "/manifests/new" {
		t.Fatalf("the return link opened %s", p)
	}
	if !eval[bool](rx, `document.querySelector("#kind-return").checked`) ||
		eval[string](rx, `document.querySelector("input[name=return_to]").value`) != f.ids["gen"] {
		t.Fatal("the form does not offer the return to the generator, chosen")
	}
	rx.set("#carrier1", f.ids["carrier"])
	rx.set("input[name=planned_pickup_at]", planned)
	rx.page("41-return-form")
	rx.click("#submit-manifest")
	if !strings.Contains(rx.text("#manifest-kind"), "退回联单") {
		t.Fatalf("the new manifest at %s does not say it is a return", rx.path())
	}
	ret, err := f.svc.Manifest(ctx, f.principal(t, "receiver"), strings.TrimPrefix(rx.path(), "/manifests/"))
	if err != nil || ret.Kind != ledger.ManifestReturn || ret.Receiver != f.ids["gen"] || len(ret.WasteIDs) != 1 || ret.WasteIDs[0] != refused.ID {
		t.Fatalf("return manifest %+v %v", ret, err)
	}

	// A weight found wrong after receipt: the receiver asks, the generator
	// and the carrier approve, and the manifest shows the change.
	w, m := f.receivedBatch(t, true)
	rx.open("/manifests/" + m.ID)
	rx.click("#correct-link")
	rx.set(fmt.Sprintf("input[name=received_%s]", w.ID), "19.6")
	rx.set("#corr-reason", "地磅复核")
	rx.page("42-correction-form")
	rx.click("#submit-correction")
	for _, key := range []string{"gen", "carrier"} {
		s := openSession(t, bctx, f.srv.URL, shots)
		s.signIn(f.tokens[key], homeOf(f.principal(t, key)))
		s.open("/manifests/" + m.ID)
		if key == "gen" {
			if !strings.Contains(s.text("#corrections"), "待同意") {
				t.Fatal("the generator does not see the correction awaiting it")
			}
			s.page("43-correction-awaiting")
		}
		s.click(".approve-correction")
	}
	if got, err := f.svc.Waste(ctx, f.principal(t, "gen"), w.ID); err != nil || got.Received != 19600 {
		t.Fatalf("after both approvals: %+v %v", got, err)
	}
	rx.open("/manifests/" + m.ID)
	if c := rx.text("#corrections"); !strings.Contains(c, "已更正") || !strings.Contains(c, "20 → 19.6") {
		t.Fatalf("the manifest does not show the applied correction: %s", c)
	}
	insp := openSession(t, bctx, f.srv.URL, shots)
	insp.signIn(f.tokens["inspector"], "/dashboard")
	insp.open("/corrections")
	if n := eval[int](insp, fmt.Sprintf(`document.querySelectorAll('#correction-list a[href="/manifests/%s#corrections"]').length`, m.ID)); n != 1 {
		t.Fatalf("the inspector's list links the correction %d times", n)
	}
	insp.page("44-inspector-corrections")

	// A collector receives a clinic's two bags, consolidates them and
	// follows the new batch back to its sources.
	_, colTok, bags, cm := f.collectedBags(t)
	col := openSession(t, bctx, f.srv.URL, shots)
	col.signIn(colTok, "/manifests")
	col.open("/manifests/" + cm.ID + "/receive")
	for _, id := range bags {
		col.set(fmt.Sprintf("input[name=kg_%s]", id), "1.5")
		col.set(fmt.Sprintf("input[name=count_%s]", id), "1")
	}
	col.click("#confirm-receipt")
	col.open("/wastes/consolidate")
	for _, id := range bags {
		col.do(chromedp.SetAttributeValue(chromedp.CSS(fmt.Sprintf("input[name=source][value=%q]", id)), "checked", "checked"))
	}
	col.set("#cons-code", "841-001-01")
	col.set("#cons-kg", "3")
	col.set("#cons-ctype", "医疗废物周转箱")
	col.set("#cons-ccount", "1")
	col.page("45-consolidate")
	col.click("#consolidate")
	newID := strings.TrimPrefix(col.path(), "/wastes/")
	n, err := f.svc.Waste(ctx, f.principal(t, "inspector"), newID)
	if err != nil || len(n.Sources) != 2 {
		t.Fatalf("consolidated batch at %s: %+v %v", col.path(), n, err)
	}
	col.open("/trace/" + newID)
	trace := col.text("#sources")
	for _, id := range bags {
		src, err := f.svc.Waste(ctx, f.principal(t, "inspector"), id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(trace, src.Label) {
			t.Errorf("the trace of the consolidated batch does not lead to its source %s", src.Label)
		}
	}
	col.page("46-trace-lineage")
	// And forward: a source's trace names the batch it went into.
	col.open("/trace/" + bags[0])
	if !strings.Contains(col.text("#into"), n.Label) {
		t.Error("a source's trace does not name the batch it was consolidated into")
	}

	// The generator's paperwork: its class and plans, the 台账 and a
	// declaration filed from the draft.
	gen := openSession(t, bctx, f.srv.URL, shots)
	gen.signIn(f.tokens["gen"], "/wastes")
	gen.open("/filings")
	if eval[string](gen, `(document.querySelector("#class-badge") || {}).textContent || ""`) == "" {
		t.Fatal("the filings page shows no management class")
	}
	gen.page("47-filings")
	gen.click("#open-book")
	if rows := eval[int](gen, `document.querySelectorAll("#book-table tbody tr").length`); rows == 0 {
		t.Fatal("the 台账 is empty for a generator with batches")
	}
	gen.page("48-ledger-book")
	gen.open("/filings")
	gen.click("#file-declaration")
	if !strings.Contains(gen.url(), "filed=1") || eval[int](gen, `document.querySelectorAll("#filed tbody tr").length`) != 1 {
		t.Fatalf("after filing the declaration at %s", gen.url())
	}
	insp.open("/compliance?period=" + eval[string](gen, `document.querySelector("#period").value`))
	row := eval[string](insp, fmt.Sprintf(`[...document.querySelectorAll("#compliance tbody tr")].map(r => r.innerText).find(t => t.includes(%q)) || ""`, "郑州顺达汽车维修有限公司"))
	if !strings.Contains(row, "v1") {
		t.Fatalf("the compliance page does not show the generator's filed declaration: %q", row)
	}
	insp.page("49-compliance")
}
