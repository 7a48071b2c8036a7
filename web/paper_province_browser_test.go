package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// TestBrowserPaperAndCrossProvince: on a 390 px phone an admin registers a
// receiver in Hubei on the party form (a bad province code comes back
// named); a generator files,
// through the new-manifest form, a manifest entered from paper (its number,
// reason and the paper's time, a batch's dangerous-goods class and UN
// number, the emergency measures) and the manifest page says 补录; then a
// manifest to a receiver in Hubei: without an approval the form comes back
// naming the approval and nothing is filed; with the approval the bureau
// registered it is filed and its page shows the approval.
func TestBrowserPaperAndCrossProvince(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	year := f.svc.Now().Year()
	bctx := newBrowser(t)

	// The admin registers the receiver in Hubei on the party form: a
	// province code of one digit comes back named, then it is registered.
	adm := openSession(t, bctx, f.srv.URL, t.TempDir())
	adm.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	adm.signIn("admin-token-for-web-tests", "/dashboard")
	adm.click("a[href='/parties/new']")
	if bad := foreignWords(eval[string](adm, walkText)); len(bad) > 0 {
		t.Errorf("Latin-script words on the party form: %v", bad)
	}
	if w := eval[int](adm, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the party form is %d px wide at 390 px", w)
	}
	adm.set("#pn-name", "武汉青山危废处置有限公司")
	adm.set("#pn-credit", credit(t, 140))
	adm.do(chromedp.Click(chromedp.CSS("#pn-roles input[value=receiver]")))
	adm.set("#pn-province", "4")
	adm.set("#pn-city", "01")
	adm.set("#pn-address", "武汉市青山区工人村路 8 号")
	adm.set("#pn-contact", "刘工")
	adm.set("#pn-phone", "02786000000")
	adm.set("#pn-lic-number", "鄂环许可危废字42010001")
	adm.set("#pn-lic-codes", "HW08")
	adm.set("#pn-lic-methods", "D10")
	adm.set("#pn-lic-capacity", "100")
	adm.set("#pn-lic-from", fmt.Sprintf("%d-01-01", year-1))
	adm.set("#pn-lic-to", fmt.Sprintf("%d-12-31", year+2))
	size := f.svc.Log().Size()
	adm.click("#pn-submit")
	if errs := eval[string](adm, `document.body.innerText`); !strings.Contains(errs, "省级行政区划代码") || f.svc.Log().Size() != size {
		t.Fatalf("a one-digit province was not refused by name, or was recorded:\n%s", errs)
	}
	adm.set("#pn-province", "42")
	adm.click("#pn-submit")
	if !strings.HasPrefix(adm.path(), "/parties/") || strings.HasSuffix(adm.path(), "/new") {
		t.Fatalf("the party was not registered: at %s\n%s", adm.path(), eval[string](adm, `document.body.innerText`))
	}
	if r := adm.text("#party-region"); !strings.Contains(r, "42") || !strings.Contains(r, "01") {
		t.Errorf("the party page shows the region as %q", r)
	}
	wuhan, err := f.svc.Party(ctx, strings.TrimPrefix(adm.path(), "/parties/"))
	if err != nil || wuhan.Province != "42" || wuhan.City != "01" || wuhan.License == nil || wuhan.License.CapacityTonnes != 100 {
		t.Fatalf("registered %+v %v", wuhan, err)
	}
	// The inspector registers the province's approval on the receiver's
	// page: a quantity that is no number comes back named.
	validTo := f.svc.Now().In(shanghai).AddDate(0, 6, 0).Format(time.DateOnly)
	insp := openSession(t, bctx, f.srv.URL, t.TempDir())
	insp.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	insp.signIn(f.tokens["inspector"], "/dashboard")
	insp.open("/parties/" + wuhan.ID)
	insp.set("#ap-generator", f.ids["gen"])
	insp.set("#ap-number", "豫环跨审〔2026〕7号")
	insp.set("#ap-authority", "河南省生态环境厅")
	insp.set("#ap-codes", "HW08")
	insp.set("#ap-quantity", "一吨")
	insp.set("#ap-from", f.svc.Now().In(shanghai).AddDate(0, -1, 0).Format(time.DateOnly))
	insp.set("#ap-to", validTo)
	insp.click("#ap-submit")
	if body := eval[string](insp, `document.body.innerText`); !strings.Contains(body, "批准数量（吨）") || strings.Contains(insp.text("#approval-list"), "7号") {
		t.Fatalf("a quantity in words was not refused by name:\n%s", body)
	}
	insp.set("#ap-quantity", "1")
	insp.click("#ap-submit")
	if l := insp.text("#approval-list"); !strings.Contains(l, "豫环跨审〔2026〕7号") || !strings.Contains(l, "郑州顺达汽车维修有限公司") {
		t.Fatalf("the receiver's page lists the approvals as %q", l)
	}
	if bad := foreignWords(eval[string](insp, walkText)); len(bad) > 0 {
		t.Errorf("Latin-script words on the receiver's page: %v", bad)
	}
	if w := eval[int](insp, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the receiver's page is %d px wide at 390 px", w)
	}
	paperBatch := register(t, f, "gen", "900-214-08", 120_000, 2)
	crossBatch := register(t, f, "gen", "900-249-08", 80_000, 1)
	registered := f.svc.Now()
	if err := f.svc.AdvanceClock(ctx, 72*time.Hour); err != nil { // the system was down for three days
		t.Fatal(err)
	}

	gen := openSession(t, bctx, f.srv.URL, t.TempDir())
	gen.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	gen.signIn(f.tokens["gen"], "/wastes")
	noOverflow := func(what string) {
		t.Helper()
		if w := eval[int](gen, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s: the page is %d px wide at 390 px", what, w)
		}
	}

	// The paper manifest, entered three days later with the paper's time.
	filled := registered.Add(time.Hour).In(shanghai)
	gen.open("/manifests/new?waste=" + paperBatch.ID)
	gen.set("#receiver", f.ids["receiver"])
	gen.set("select[name='dg_class."+paperBatch.ID+"']", "3")
	gen.set("input[name='un_number."+paperBatch.ID+"']", "UN1270")
	gen.set("#emergency-measures", "泄漏时用沙土围堵吸附，禁止明火")
	gen.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#paper").open = true`))
	gen.set("#paper-number", "豫纸0099")
	gen.set("#paper-reason", "系统停机，先用纸质联单")
	gen.set("#paper-at", filled.Format(dateTimeLocal))
	gen.set("input[name=planned_pickup_at]", filled.Add(time.Hour).Format(dateTimeLocal))
	noOverflow("the new-manifest form")
	gen.click("#submit-manifest")
	if !strings.HasPrefix(gen.path(), "/manifests/") || strings.HasSuffix(gen.path(), "/new") {
		t.Fatalf("the paper manifest was not filed: at %s\n%s", gen.path(), gen.text("main"))
	}
	page := gen.text("main")
	for _, want := range []string{"补录", "豫纸0099", "系统停机，先用纸质联单", "危险货物 3 · UN1270", "泄漏时用沙土围堵吸附，禁止明火"} {
		if !strings.Contains(page, want) {
			t.Errorf("the paper manifest's page does not show %q:\n%s", want, page)
		}
	}
	noOverflow("the paper manifest")
	paper, err := f.svc.Manifest(ctx, f.principal(t, "gen"), strings.TrimPrefix(gen.path(), "/manifests/"))
	if err != nil || paper.Paper == nil || paper.Paper.Number != "豫纸0099" {
		t.Fatalf("paper manifest %+v %v", paper, err)
	}
	if want := filled.Truncate(time.Minute); !paper.LastOccurredAt.Equal(want) {
		t.Errorf("the manifest was filed at %s, want the paper's %s", paper.LastOccurredAt, want)
	}

	// The carrier enters the pickup with the paper's time on its phone
	// (in Shanghai time).
	car := openSession(t, bctx, f.srv.URL, t.TempDir())
	car.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Shanghai"})
			return err
		}))
	car.signIn(f.tokens["carrier"], "/manifests")
	car.open("/manifests/" + paper.ID + "/scan")
	if !strings.Contains(car.text("#paper-step"), "豫纸0099") {
		t.Fatalf("the scan page of a paper manifest does not ask for the paper's time:\n%s", car.text("main"))
	}
	car.set("#typed", paperBatch.Label)
	car.do(chromedp.Click(chromedp.CSS("#add")))
	car.waitJS(`document.querySelectorAll("#expect li.done").length === 1`)
	car.set("#plate", "豫A·D3721")
	car.set("#driver", "赵师傅")
	pickedUp := filled.Add(2 * time.Hour).Truncate(time.Minute)
	car.set("#paper-time", pickedUp.Format(dateTimeLocal))
	car.waitJS(`!document.querySelector("#geo").textContent.includes("…")`)
	car.do(chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`document.querySelector("#result") && document.querySelector("#result").textContent.includes("→")`)
	picked, err := f.svc.Manifest(ctx, f.principal(t, "gen"), paper.ID)
	if err != nil || len(picked.Custody) != 1 || !picked.Custody[0].At.Equal(pickedUp) {
		t.Fatalf("the paper pickup: %+v %v, want it at %s", picked, err, pickedUp)
	}

	// To Hubei: refused without the approval, filed with it.
	gen.open("/manifests/new?waste=" + crossBatch.ID)
	if opt := gen.text("#receiver option[value='" + wuhan.ID + "']"); !strings.Contains(opt, "省 42") {
		t.Errorf("the receiver list does not mark the province: %q", opt)
	}
	gen.set("#receiver", wuhan.ID)
	size = f.svc.Log().Size()
	gen.click("#submit-manifest")
	if msg := gen.text("#manifest-error"); !strings.Contains(msg, "跨省转移") || !strings.Contains(msg, "42") {
		t.Fatalf("without an approval the form says %q", msg)
	}
	if f.svc.Log().Size() != size {
		t.Fatal("a refused cross-province manifest appended to the ledger")
	}
	noOverflow("the refused cross-province form")
	gen.set("#approval-number", "豫环跨审〔2026〕7号")
	gen.set("#approval-authority", "河南省生态环境厅")
	gen.set("#approval-valid-to", validTo)
	gen.click("#submit-manifest")
	if gen.text("#manifest-error") != "" {
		t.Fatalf("with the approval the form says %q", gen.text("#manifest-error"))
	}
	if ref := gen.text("#approval-ref"); !strings.Contains(ref, "豫环跨审〔2026〕7号") || !strings.Contains(ref, "河南省生态环境厅") {
		t.Errorf("the manifest page shows the approval as %q", ref)
	}
	noOverflow("the cross-province manifest")
}

// TestPartyFormAdminOnly: the party form is for admins: another party
// gets 403 and may not post it, and nothing is recorded.
func TestPartyFormAdminOnly(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["inspector"])
	res, err := c.Get(f.srv.URL + "/parties/new")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("an inspector opening the party form: %s", res.Status)
	}
	size := f.svc.Log().Size()
	res, err = c.PostForm(f.srv.URL+"/parties/new", url.Values{"csrf": {csrf}, "name": {"某单位"}, "credit_code": {credit(t, 141)},
		"role": {"generator"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || f.svc.Log().Size() != size {
		t.Errorf("an inspector posting the party form: %s, log %d → %d", res.Status, size, f.svc.Log().Size())
	}
}

// TestPartyRegionForm: on a party's page an admin changes its province
// and city codes; a bad code comes back named on the page, nothing
// recorded; an inspector may not.
func TestPartyRegionForm(t *testing.T) {
	f := newFixture(t)
	post := func(tok string, v url.Values) (*http.Response, string) {
		t.Helper()
		c := client(t)
		v.Set("csrf", signIn(t, f, c, tok))
		res, err := c.PostForm(f.srv.URL+"/parties/"+f.ids["receiver"]+"/region", v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	size := f.svc.Log().Size()
	if res, _ := post(f.tokens["inspector"], url.Values{"province": {"42"}, "city": {"01"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an inspector changing a region: %s", res.Status)
	}
	res, body := post("admin-token-for-web-tests", url.Values{"province": {"42"}, "city": {"1"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "市级行政区划代码") || f.svc.Log().Size() != size {
		t.Fatalf("a one-digit city: %s, log %d → %d\n%s", res.Status, size, f.svc.Log().Size(), body)
	}
	if res, _ = post("admin-token-for-web-tests", url.Values{"province": {"42"}, "city": {"01"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an admin changing a region: %s", res.Status)
	}
	p, err := f.svc.Party(t.Context(), f.ids["receiver"])
	if err != nil || p.Province != "42" || p.City != "01" {
		t.Fatalf("after the change: %+v %v", p, err)
	}
}

// TestPaperReceiptForm: the receipt form of a manifest entered from paper
// asks for the time on the paper, and the receipt keeps it.
func TestPaperReceiptForm(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen, car, rx := f.principal(t, "gen"), f.principal(t, "carrier"), f.principal(t, "receiver")
	w := register(t, f, "gen", "900-214-08", 20_000, 1)
	start := f.svc.Now()
	if err := f.svc.AdvanceClock(ctx, 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) *time.Time { x := start.Add(d); return &x }
	m, err := f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{car.Party},
		Receiver: rx.Party, PlannedPickupAt: *at(time.Hour), OccurredAt: at(time.Minute),
		Paper: &ledger.PaperInput{Number: "豫纸0100", EnteredReason: "停电"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = f.svc.Pickup(ctx, car, m.ID, ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A12345", Driver: "赵师傅", OccurredAt: at(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err = f.svc.Deliver(ctx, car, m.ID, ledger.DeliverInput{OccurredAt: at(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["receiver"])
	if code, body := page(t, f, c, "/manifests/"+m.ID+"/receive"); code != http.StatusOK || !strings.Contains(body, `id="paper-time"`) {
		t.Fatalf("the receipt form of a paper manifest: %d, no paper time", code)
	}
	received := start.Add(3 * time.Hour).In(shanghai).Truncate(time.Minute)
	res, err := c.PostForm(f.srv.URL+"/manifests/"+m.ID+"/receive", url.Values{"csrf": {csrf}, "kg_" + w.ID: {"20"},
		"count_" + w.ID: {"1"}, "accept_" + w.ID: {"yes"}, "paper_at": {received.Format(dateTimeLocal)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("receipt: %s", res.Status)
	}
	got, err := f.svc.Manifest(ctx, rx, m.ID)
	if err != nil || got.ReceivedAt == nil || !got.ReceivedAt.Equal(received) {
		t.Fatalf("received at %v (%v), want the paper's %s", got.ReceivedAt, err, received)
	}
}
