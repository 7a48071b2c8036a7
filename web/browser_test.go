package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// The browser tests drive Debian's headless Chromium through the whole
// story, from an empty ledger: a generator registers batches, prints a label
// and files a manifest; the carrier picks it up by typing the labels and
// delivers (once through the offline queue); the receiver records a
// discrepancy and disposes; the inspector sees the alert arrive live and the
// batch's verified trace. Every page is checked at 375 px for horizontal
// overflow and saved as a screenshot: into testdata/screenshots when
// UPDATE_SCREENSHOTS=1, else into a temporary directory.

const phoneWidth = 375

// chromiumPath finds Chromium or fails the test (never skips).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Fatal("Chromium is not installed: run `make deps` (it installs Debian's chromium) and test again")
	return ""
}

// browserSession is one isolated browser context (its own cookies).
type browserSession struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string // screenshot directory
}

func newBrowser(t *testing.T) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(phoneWidth, 812),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("start Chromium: %v (run `make deps`)", err)
	}
	return bctx
}

// session opens a tab in a new browser context, sized like a phone.
func openSession(t *testing.T, bctx context.Context, base, shots string) *browserSession {
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	s := &browserSession{t: t, ctx: ctx, base: base, shot: shots}
	if err := chromedp.Do(ctx); err != nil { // open the tab, without a timeout (it would close the tab)
		t.Fatalf("open a tab: %v", err)
	}
	s.do(chromedp.EmulateViewport(phoneWidth, 812, chromedp.EmulateMobile))
	lat, lon, acc := 34.7215, 113.7012, 15.0
	s.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		c := chromedp.FromContext(ctx)
		_, err := cdp.Call(ctx, c.Browser, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
			Origin: base, BrowserContextID: c.BrowserContextID})
		if err != nil {
			t.Logf("geolocation permission not granted (%v); pages will send no location", err)
		}
		_, err = cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lon, Accuracy: &acc})
		return err
	}))
	return s
}

func (s *browserSession) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 40*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		s.t.Fatalf("browser: %v (at %s)", err, s.url())
	}
}

func (s *browserSession) url() string {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// eval evaluates JavaScript (awaiting a promise) and returns its value.
func eval[T any](s *browserSession, js string) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("eval %s: %v (at %s)", js, err, s.url())
	}
	return v
}

// waitJS waits until the expression is truthy, riding out navigations.
func (s *browserSession) waitJS(js string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ""`))
	s.t.Fatalf("waiting for %s: timed out (%v) at %s\n%s", js, last, s.url(), body)
}

// open navigates to path and waits for the page.
func (s *browserSession) open(path string) {
	s.t.Helper()
	s.do(chromedp.Navigate(s.base + path))
	s.waitJS(`document.readyState === "complete"`)
}

// click clicks sel and waits for the new page it loads.
func (s *browserSession) click(sel string) {
	s.t.Helper()
	s.do(chromedp.Evaluate[chromedp.Void](`window.__hwOld = 1`),
		chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	s.waitJS(`window.__hwOld === undefined && document.readyState === "complete"`)
}

func (s *browserSession) set(sel, value string) {
	s.t.Helper()
	s.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

func (s *browserSession) text(sel string) string {
	s.t.Helper()
	return eval[string](s, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

func (s *browserSession) path() string {
	return eval[string](s, `location.pathname`)
}

// page checks the current page for horizontal overflow at phone width and
// saves a screenshot named name.
func (s *browserSession) page(name string) {
	s.t.Helper()
	s.waitJS(`document.readyState === "complete" && Array.from(document.images).every(i => i.complete)`)
	if w := eval[int](s, `document.documentElement.scrollWidth`); w > phoneWidth {
		s.t.Errorf("%s (%s): page is %d px wide at %d px: horizontal overflow", name, s.url(), w, phoneWidth)
	}
	s.screenshot(name)
}

func (s *browserSession) screenshot(name string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.shot, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// travel is the phone's half of fixture.drive: its clock runs d ahead from
// the next page on (as the ledger's does after drive) and it is at lat, lon.
func (s *browserSession) travel(d time.Duration, lat, lon float64) {
	s.t.Helper()
	shift := fmt.Sprintf(`(() => { const off = %d, D = Date;
		class S extends D { constructor(...a) { super(...(a.length ? a : [D.now() + off])); } static now() { return D.now() + off; } }
		window.Date = S; })()`, d.Milliseconds())
	acc := 15.0
	s.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: shift}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lon, Accuracy: &acc})
		return err
	}))
}

func (s *browserSession) signIn(token, wantPath string) {
	s.t.Helper()
	s.open("/signin")
	s.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("details.token-signin").open = true`))
	s.set("#token", token)
	s.click("#signin-token")
	if p := s.path(); p != wantPath {
		s.t.Fatalf("signed in at %s, want %s", p, wantPath)
	}
}

func (s *browserSession) signOut() {
	s.t.Helper()
	s.click("#signout")
	if p := s.path(); p != "/signin" {
		s.t.Fatalf("after sign-out at %s", p)
	}
}

func screenshotDir(t *testing.T) string {
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		dir := filepath.Join("..", "testdata", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir := t.TempDir()
	t.Logf("screenshots in %s (UPDATE_SCREENSHOTS=1 writes testdata/screenshots)", dir)
	return dir
}

// registerBatch fills the registration form and returns the batch's label.
func registerBatch(s *browserSession, code, kg, container string) (id, label string) {
	s.t.Helper()
	s.open("/wastes/new")
	s.do(chromedp.SendKeys(chromedp.CSS("#code"), code))
	s.waitJS(`document.querySelector("#name").value !== ""`) // the picker filled the name
	s.set("#quantity", kg)
	s.set("#ctype", container)
	s.set("#ccount", "1")
	s.set("#storage", "一楼危废暂存间")
	s.click("#save")
	label = strings.TrimSpace(s.text("#label-id"))
	if len(label) != 37 {
		s.t.Fatalf("registered batch label %q: want 37 characters", label)
	}
	return strings.TrimPrefix(s.path(), "/wastes/"), label
}

func TestBrowserStory(t *testing.T) {
	f := newFixture(t)
	shots := screenshotDir(t)
	bctx := newBrowser(t)
	base := f.srv.URL

	// The inspector's dashboard is open from the start, to see alerts arrive.
	insp := openSession(t, bctx, base, shots)
	insp.signIn(f.tokens["inspector"], "/dashboard")
	insp.waitJS(`document.querySelector("#live").classList.contains("on")`)
	insp.do(chromedp.Evaluate[chromedp.Void](`window.__hwOld = 1`))

	// Sign-in page (anonymous).
	gen := openSession(t, bctx, base, shots)
	gen.open("/signin")
	gen.page("01-signin")

	// Generator: register two batches, see the inventory, print labels.
	gen.signIn(f.tokens["gen"], "/wastes")
	gen.page("02-generator-inventory-empty")
	wasteID, label1 := registerBatch(gen, "900-041-49", "12.5", "铁桶")
	if !strings.Contains(gen.text("#registered"), "") {
		t.Fatal("no confirmation after registering")
	}
	gen.page("04-generator-batch")
	gen.click("#print-label")
	if got := strings.TrimSpace(gen.text(".lid")); got != label1 {
		t.Fatalf("label page shows ID %q, want %q", got, label1)
	}
	gen.waitJS(`document.querySelector("img.qr").complete && document.querySelector("img.qr").naturalWidth > 0`)
	gen.page("05-label")
	_, label2 := registerBatch(gen, "900-214-08", "30", "吨桶")
	// The picker finds a code by words of its description among all 467.
	gen.open("/wastes/new")
	gen.do(chromedp.SendKeys(chromedp.CSS("#code"), "液压油"))
	gen.waitJS(`document.querySelector('#code-results button[data-code="900-218-08"]') !== null`)
	gen.page("03-generator-register")
	gen.do(chromedp.Click(chromedp.CSS(`#code-results button[data-code="900-218-08"]`), chromedp.NodeVisible))
	if got := eval[string](gen, `document.querySelector("#code").value + " " +
		[...document.querySelectorAll('input[name="hazards"]:checked')].map(b => b.value).join(",") + " " +
		document.querySelector("#code-results").hidden`); got != "900-218-08 T,I true" {
		t.Fatalf("after choosing 液压油: code, hazards, list hidden = %q", got)
	}
	if name := eval[string](gen, `document.querySelector("#name").value`); !strings.Contains(gen.text("#code-hint"), "T,I") ||
		name != "液压设备维护、更换和拆解过程中产生的废液压油" {
		t.Fatalf("hint %q, name %q", gen.text("#code-hint"), name)
	}
	// And by industry: the filter lists that industry's codes.
	gen.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#code").value = "";
		(s => { s.value = "印刷"; s.dispatchEvent(new Event("change")) })(document.querySelector("#industry"))`))
	gen.waitJS(`document.querySelectorAll("#code-results button").length === 3`)
	// A code for waste found hazardous by testing asks for its report.
	gen.do(chromedp.SendKeys(chromedp.CSS("#code"), "900-000-49"))
	gen.waitJS(`!document.querySelector("#ident").hidden`)
	gen.open("/wastes")
	if n := eval[int](gen, `document.querySelectorAll("svg.bar").length`); n != 2 {
		t.Fatalf("inventory shows %d deadline bars, want 2", n)
	}
	gen.page("06-generator-inventory")
	gen.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".pickbox").forEach(b => b.checked = true)`))
	gen.click("#print-sheet")
	if n := eval[int](gen, `document.querySelectorAll("article.hwlabel").length`); n != 2 {
		t.Fatalf("label sheet has %d labels, want 2", n)
	}
	gen.page("07-label-sheet")

	// A form post without the CSRF token is refused.
	if st := eval[int](gen, `fetch("/wastes/new", {method: "POST", body: new URLSearchParams({code: "900-041-49", quantity_kg: "1"})}).then(r => r.status)`); st != 403 {
		t.Fatalf("POST without CSRF token: %d, want 403", st)
	}

	// File a manifest: only the receiver whose licence covers both codes is offered.
	gen.open("/wastes")
	gen.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".pickbox").forEach(b => b.checked = true)`))
	gen.click("#to-manifest")
	opts := eval[string](gen, `Array.from(document.querySelectorAll("#receiver option")).map(o => o.value).join(",")`)
	if !strings.Contains(opts, f.ids["receiver"]) || strings.Contains(opts, f.ids["medrecv"]) {
		t.Fatalf("receivers offered %q: want the HW08/HW49 licence holder only", opts)
	}
	gen.set("#carrier1", f.ids["carrier"])
	gen.set("#receiver", f.ids["receiver"])
	gen.page("08-manifest-new")
	gen.click("#submit-manifest")
	manifestID := strings.TrimPrefix(gen.path(), "/manifests/")
	number := strings.TrimSpace(gen.text("#manifest-number"))
	if len(number) != 14 {
		t.Fatalf("manifest number %q (at %s)", number, gen.url())
	}
	gen.page("09-manifest-detail")
	gen.signOut()

	// Another generator cannot open this batch.
	gen2 := openSession(t, bctx, base, shots)
	gen2.signIn(f.tokens["gen2"], "/wastes")
	if st := eval[int](gen2, `fetch("/wastes/`+wasteID+`").then(r => r.status)`); st != 404 {
		t.Fatalf("another generator's batch page: %d, want 404", st)
	}
	gen2.open("/wastes/" + wasteID)
	if body := eval[string](gen2, `document.body.innerText`); strings.Contains(body, label1) || !strings.Contains(body, "未找到") {
		t.Fatalf("another generator sees the batch page:\n%s", body)
	}
	gen2.page("10-other-generator-refused")

	// Carrier: pick up by typing the labels, then deliver through the offline queue.
	car := openSession(t, bctx, base, shots)
	car.signIn(f.tokens["carrier"], "/manifests")
	car.page("11-carrier-manifests")
	car.open("/manifests/" + manifestID + "/scan")
	for _, l := range []string{label1, strings.ToLower(label2)} {
		car.set("#typed", l)
		car.do(chromedp.Click(chromedp.CSS("#add")))
	}
	car.waitJS(`document.querySelectorAll("#expect li.done").length === 2`)
	car.set("#plate", "豫A·D3721")
	car.set("#driver", "赵师傅")
	car.waitJS(`!document.querySelector("#geo").textContent.includes("…")`)
	car.page("12-carrier-scan")
	car.do(chromedp.Evaluate[chromedp.Void](`window.__hwOld = 1`), chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`window.__hwOld === undefined && document.readyState === "complete" && document.querySelector("#manifest-status")`)
	if st := car.text("#manifest-status"); !strings.Contains(st, "运输中") {
		t.Fatalf("after pickup the manifest is %q", st)
	}
	// The road to the receiver takes half an hour; the phone is at its gate.
	f.drive(t)
	car.travel(30*time.Minute, 34.6790, 113.7260)
	car.open("/manifests/" + manifestID + "/scan")
	// Offline: the delivery is queued, then sent when the network is back.
	car.waitJS(`document.querySelector("#send") && !document.querySelector("#geo").textContent.includes("…")`)
	car.do(chromedp.Evaluate[chromedp.Void](`window.__realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError("offline"))`))
	car.do(chromedp.Click(chromedp.CSS("#confirm-deliver")), chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`!document.querySelector("#queue-box").hidden`)
	queued := eval[int](car, `JSON.parse(localStorage.getItem("hwledger.queue.v1")).length`)
	if queued < 1 {
		t.Fatal("offline delivery was not queued")
	}
	car.page("13-carrier-offline-queue")
	car.do(chromedp.Evaluate[chromedp.Void](`window.fetch = window.__realFetch; window.__hwOld = 1`), chromedp.Click(chromedp.CSS("#flush")))
	car.waitJS(`window.__hwOld === undefined && document.readyState === "complete" && document.querySelector("#manifest-status")`)
	if st := car.text("#manifest-status"); !strings.Contains(st, "已送达") {
		t.Fatalf("after delivery the manifest is %q", st)
	}
	if n := eval[int](car, `(JSON.parse(localStorage.getItem("hwledger.queue.v1")) || []).length`); n != 0 {
		t.Fatalf("%d items left in the queue", n)
	}

	// Receiver: a discrepancy on the first batch, then disposal of both.
	rcv := openSession(t, bctx, base, shots)
	rcv.signIn(f.tokens["receiver"], "/manifests")
	rcv.page("14-receiver-incoming")
	rcv.click(".receive-link")
	rcv.set(`input[name="kg_`+wasteID+`"]`, "9")
	rcv.set(`input[name="note_`+wasteID+`"]`, "桶身破损，实测重量不符")
	rcv.page("15-receiver-receipt")
	rcv.click("#confirm-receipt")
	if !strings.Contains(rcv.text("#discrepancy"), "重大差异") {
		t.Fatalf("no discrepancy shown after receipt (at %s)", rcv.url())
	}
	for i := 0; i < 2; i++ {
		rcv.click(".dispose-form button")
	}
	if n := eval[int](rcv, `document.querySelectorAll(".dispose-form").length`); n != 0 {
		t.Fatalf("%d batches still to dispose", n)
	}
	rcv.page("16-receiver-disposed")

	// Inspector: the alert arrived live (no reload), then the verified trace.
	insp.waitJS(`window.__hwOld === 1 && Array.from(document.querySelectorAll("#alerts li.alert-item")).some(li => li.textContent.includes("重大差异"))`)
	insp.open("/dashboard")
	if !strings.Contains(insp.text("#alerts"), "重大差异") {
		t.Fatal("discrepancy alert not on the dashboard after reload")
	}
	insp.page("17-inspector-dashboard")
	insp.open("/trace/" + wasteID)
	insp.waitJS(`document.querySelector("#trace-verified")`)
	ok := eval[int](insp, `document.querySelectorAll("#events li.ok").length`)
	all := eval[int](insp, `document.querySelectorAll("#events li").length`)
	if ok == 0 || ok != all {
		t.Fatalf("trace: %d of %d events verified", ok, all)
	}
	insp.page("18-inspector-trace")
	insp.open("/ranking")
	insp.page("19-inspector-ranking")
	checkRanking(t, f, insp)
	insp.open("/ledger")
	cp := insp.text("#checkpoint")
	insp.set("#paste", cp)
	insp.click("#check")
	if r := insp.text("#check-result"); !strings.Contains(r, "✓") {
		t.Fatalf("checking the current checkpoint: %q", r)
	}
	insp.page("20-inspector-ledger")
	insp.open("/manifests/" + manifestID)
	insp.page("21-inspector-manifest")
	// English switch.
	insp.open("/dashboard?lang=en")
	if !strings.Contains(insp.text("h1"), "Supervision") {
		t.Fatalf("English dashboard title %q", insp.text("h1"))
	}
	insp.page("22-inspector-dashboard-en")
	insp.open("/dashboard?lang=zh")
	// A desktop view of the dashboard for the README.
	insp.do(chromedp.EmulateViewport(1280, 900))
	insp.open("/dashboard")
	insp.screenshot("23-inspector-dashboard-desktop")

	// A generator sees its own assessment row, the Service's figures.
	gen2.open("/wastes")
	who2, err := f.svc.Authenticate(f.tokens["gen2"])
	if err != nil {
		t.Fatal(err)
	}
	mine := assessment(t, f, who2, "party")
	if len(mine.Rows) != 1 || mine.Rows[0].Group != f.ids["gen2"] {
		t.Fatalf("a generator's assessment: %+v", mine.Rows)
	}
	if got, want := gen2.text("#my-score")+" #"+gen2.text("#my-rank"), num(mine.Rows[0].Score)+" #"+strconv.Itoa(mine.Rows[0].Rank); got != want {
		t.Fatalf("generator's own assessment shows %q, want %q", got, want)
	}
	gen2.open("/ranking")
	if n := eval[int](gen2, `document.querySelectorAll("#rank-party tbody tr[data-group]").length`); n != 1 {
		t.Fatalf("a generator's ranking page shows %d party rows, want its own only", n)
	}
}

// assessment is the Service's assessment for the ranking page's default
// period (this year up to now, Shanghai).
func assessment(t *testing.T, f *fixture, who ledger.Principal, by string) *ledger.Assessment {
	t.Helper()
	per := yearToDate(f.svc.Now())
	a, err := f.svc.Assessment(t.Context(), who, ledger.AssessQuery{From: per.From, To: per.To, GroupBy: by})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// checkRanking checks that the ranking page and its CSV show exactly the
// Service's assessment, and that the story's figures are the documented
// formulas' (README "Assessment (考核)").
func checkRanking(t *testing.T, f *fixture, insp *browserSession) {
	t.Helper()
	who, err := f.svc.Authenticate(f.tokens["inspector"])
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"rank-no", "score", "disposal_rate", "medical_disposal_rate", "on_time_rate", "overdue_alerts",
		"open_alerts", "discrepancies", "avg_days_to_disposal"}
	for _, by := range []string{"street", "party"} {
		a := assessment(t, f, who, by)
		var want [][]string
		for _, x := range a.Rows {
			want = append(want, []string{x.Group, strconv.Itoa(x.Rank), num(x.Score), pctOf(x.DisposalRate),
				pctOf(x.MedicalDisposalRate), pctOf(x.OnTimeRate), strconv.FormatInt(x.OverdueAlerts, 10),
				strconv.FormatInt(x.OpenAlerts, 10), strconv.FormatInt(x.Discrepancies, 10), num(x.AvgDaysToDisposal)})
		}
		if len(want) == 0 {
			t.Fatalf("no assessment rows by %s", by)
		}
		got := eval[[][]string](insp, `Array.from(document.querySelectorAll("#rank-`+by+` tbody tr[data-group]")).map(tr =>
			[tr.dataset.group].concat(`+"`"+strings.Join(cols, " ")+"`"+`.split(" ").map(c => tr.querySelector("td."+c).textContent.trim())))`)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("ranking by %s on the page:\n%v\nService.Assessment:\n%v", by, got, want)
		}
		// The CSV for people: the page's headings in Chinese and the page's
		// figures (rates in %), row by row.
		text := eval[string](insp, `fetch("/ranking.csv?by=`+by+`").then(r => r.text())`)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != len(a.Rows)+1 {
			t.Fatalf("ranking CSV by %s (%v):\n%s", by, err, text)
		}
		if head := strings.Join(recs[0][:4], ","); head != "排名,"+translate(langZh, "rank.col."+by)+",得分,处置率" {
			t.Fatalf("ranking CSV by %s: headings %v", by, recs[0])
		}
		for i, x := range a.Rows {
			r := recs[i+1]
			if r[1] != x.Name || fmt.Sprint(append(r[:1:1], r[2:10]...)) != fmt.Sprint(got[i][1:]) {
				t.Fatalf("ranking CSV by %s, row %d: %v, the page shows %v", by, i+1, r, got[i])
			}
		}
		if by != "street" {
			continue
		}
		// 南关's two batches (12.5 + 30 kg), both disposed, one received with
		// a discrepancy, none late: 100 − 10 × 1 = 90.
		var nanguan *ledger.AssessRow
		for i := range a.Rows {
			if a.Rows[i].Group == "南关" {
				nanguan = &a.Rows[i]
			}
		}
		if nanguan == nil || nanguan.Batches != 2 || nanguan.DisposalRate != 1 || nanguan.Discrepancies != 1 ||
			nanguan.OverdueAlerts != 0 || nanguan.Score != 90 {
			t.Fatalf("南关's assessment: %+v", nanguan)
		}
	}
	// Worst first, and every column heading sorts its column.
	insp.click("#worst-first")
	insp.waitJS(`location.search.includes("sort=-rank")`)
	ranks := eval[[]int](insp, `Array.from(document.querySelectorAll("#rank-party tbody tr[data-group] td.rank-no")).map(td => +td.textContent)`)
	for i := 1; i < len(ranks); i++ {
		if ranks[i-1] < ranks[i] {
			t.Fatalf("worst first: ranks %v", ranks)
		}
	}
	heads := eval[int](insp, `document.querySelectorAll("#rank-party thead th a.sort").length`)
	if heads != 12 {
		t.Fatalf("%d sortable column headings, want 12", heads)
	}
	insp.click(`#rank-party thead th:nth-child(7) a`) // 超期预警
	insp.waitJS(`location.search.includes("sort=overdue_alerts")`)
	od := eval[[]int](insp, `Array.from(document.querySelectorAll("#rank-party tbody tr[data-group] td.overdue_alerts")).map(td => +td.textContent)`)
	for i := 1; i < len(od); i++ {
		if od[i-1] > od[i] {
			t.Fatalf("sorted by overdue alerts: %v", od)
		}
	}
	if s := insp.text(`#rank-party thead th[aria-sort="ascending"]`); !strings.Contains(s, "超期预警") {
		t.Fatalf("sorted heading %q", s)
	}
	if f := insp.text("#formula"); strings.Contains(f, "ledger.") || strings.Contains(f, "/api/") || !strings.Contains(f, "75.83") {
		t.Fatalf("the formula names code or lacks the worked example: %q", f)
	}
}
