package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// traceStory prepares, through the Service, a manifest in transit with a
// GPS track (gen's two batches) and a medical batch of gen2 stored past its
// 48 h limit with its overdue alert raised. It returns the manifest and the
// medical batch.
func traceStory(t *testing.T, f *fixture) (*ledger.Manifest, *ledger.Waste) {
	t.Helper()
	ctx := t.Context()
	who := func(key string) ledger.Principal {
		p, err := f.svc.Authenticate(f.tokens[key])
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	gen, gen2, car := who("gen"), who("gen2"), who("carrier")
	now := f.svc.Now()
	var ids []string
	for _, kg := range []float64{12.5, 30} {
		w, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-214-08", Form: "liquid", Quantity: ledger.KgToGrams(kg),
			Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: now.Add(-2 * time.Hour), Storage: "危废暂存间"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	m, err := f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{Receiver: f.ids["receiver"], Carriers: []string{f.ids["carrier"]},
		WasteIDs: ids, PlannedPickupAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Pickup(ctx, car, m.ID, ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A·D3721", Driver: "赵师傅",
		Location: &ledger.Location{Lat: 34.7465, Lon: 113.6852}}); err != nil {
		t.Fatal(err)
	}
	pts := []ledger.TrackPoint{{Lat: 34.7400, Lon: 113.6900, At: now.Add(-3 * time.Minute)},
		{Lat: 34.7300, Lon: 113.7000, At: now.Add(-2 * time.Minute)}, {Lat: 34.7150, Lon: 113.7100, At: now.Add(-time.Minute)}}
	if m, err = f.svc.Positions(ctx, car, m.ID, ledger.PositionsInput{Points: pts}); err != nil {
		t.Fatal(err)
	}
	med, err := f.svc.RegisterWaste(ctx, gen2, ledger.WasteInput{Code: "841-001-01", Form: "solid", Quantity: ledger.KgToGrams(3.2),
		Container: ledger.Container{Type: "医疗废物专用包装袋", Count: 1}, GeneratedAt: now.Add(-50 * time.Hour), Storage: "医废暂存间"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 { // five clinics in one block: one cluster on the map
		if _, err := f.svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: fmt.Sprintf("南关街道第%d诊所", i+1), CreditCode: credit(t, 200+i),
			Roles: []ledger.Role{ledger.RoleGenerator}, Street: "南关", Address: "郑州市管城回族区南关街",
			Location: &ledger.Location{Lat: 34.7560 + float64(i)*0.0002, Lon: 113.6700 + float64(i)*0.0002},
			Contact:  ledger.Contact{Name: "张医生", Phone: "1380371002" + fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	return m, med
}

// The trace of a manifest lists its batches and draws its GPS track; alert
// events name their kind; the search finds parties by name; the ledger
// page runs the server's check in one click and shows the automatic
// checks; an empty checkpoint form gets a message. On a 390 px phone and
// on a desktop, with no horizontal overflow.
func TestBrowserTraceLedgerParty(t *testing.T) {
	f := newFixture(t)
	bg, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.svc.RunBackground(bg, ledger.Background{}) }()
	t.Cleanup(func() { stop(); <-done }) // before the ledger closes (LIFO)
	m, med := traceStory(t, f)
	shots := screenshotDir(t)
	bctx := newBrowser(t)
	insp := openSession(t, bctx, f.srv.URL, shots)
	insp.signIn(f.tokens["inspector"], "/dashboard")

	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		if size.name == "phone" {
			insp.do(chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateMobile))
		} else {
			insp.do(chromedp.EmulateViewport(size.w, size.h))
		}
		noOverflow := func(what string) {
			t.Helper()
			if over := eval[bool](insp, `document.documentElement.scrollWidth > window.innerWidth`); over {
				t.Fatalf("%s at %d px: horizontal overflow", what, size.w)
			}
		}

		// The district map: the base layer, clusters, points that open their
		// party, labels that do not overlap, the load at its last position.
		insp.open("/dashboard")
		if eval[string](insp, `document.querySelector("svg.map path.area.home title").textContent`) != "管城回族区" ||
			eval[int](insp, `document.querySelectorAll("svg.map path.area").length`) < 3 {
			t.Fatalf("%s: no base layer of the district and its neighbours", size.name)
		}
		cl := eval[string](insp, `(() => { const a = Array.from(document.querySelectorAll("svg.map a.cluster")).find(a => a.textContent.startsWith("5")); return a ? a.getAttribute("href") : "" })()`)
		if cl == "" || eval[int](insp, `document.querySelectorAll("`+cl+` a[href^='/parties/']").length`) != 5 {
			t.Fatalf("%s: the five clinics are not one cluster listed under the map (%q)", size.name, cl)
		}
		if n := eval[int](insp, `document.querySelectorAll("svg.map a.pt:not([href^='/parties/'])").length`); n != 0 {
			t.Fatalf("%s: %d points open no party", size.name, n)
		}
		overlaps := eval[int](insp, `(() => { const r = Array.from(document.querySelectorAll("svg.map .pt-name")).map(t => t.getBBox()); let n = 0;
			for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) { const a = r[i], b = r[j];
				if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) n++ } return n })()`)
		if overlaps != 0 {
			t.Fatalf("%s: %d overlapping labels on the map", size.name, overlaps)
		}
		if n := eval[int](insp, `document.querySelectorAll("svg.map a[href='/manifests/`+m.ID+`'] g.truck").length`); n != 1 {
			t.Fatalf("%s: the load in transit is not on the map", size.name)
		}
		noOverflow("dashboard")
		insp.screenshot("29-dashboard-map-" + size.name)
		insp.click("svg.map a.pt")
		if !strings.HasPrefix(insp.path(), "/parties/") {
			t.Fatalf("%s: a map point opened %s", size.name, insp.path())
		}

		// The manifest's trace: its batches, and its track on the map.
		insp.open("/trace/" + m.ID)
		if n := eval[int](insp, `document.querySelectorAll("#batches li a[href^='/trace/']").length`); n != 2 {
			t.Fatalf("%s: the manifest's trace lists %d batches, want 2", size.name, n)
		}
		pts := eval[string](insp, `document.querySelector("#track svg polyline.track").getAttribute("points")`)
		if len(strings.Fields(pts)) != 3 {
			t.Fatalf("%s: track line %q, want 3 points", size.name, pts)
		}
		at := eval[string](insp, `document.querySelector("#track svg .truck").getAttribute("transform")`)
		if f := strings.Fields(pts); at != "translate("+strings.ReplaceAll(f[len(f)-1], ",", " ")+")" {
			t.Fatalf("%s: the truck is at %q, the track ends at %q", size.name, at, f[len(f)-1])
		}
		noOverflow("manifest trace")
		insp.screenshot("30-trace-manifest-" + size.name)

		// An alert event names its kind.
		insp.open("/trace/" + med.ID)
		kinds := insp.text("#events")
		if !eval[bool](insp, `Array.from(document.querySelectorAll("#events .alert-kind")).some(e => e.textContent.includes("超期"))`) {
			t.Fatalf("%s: the alert event does not name its kind:\n%s", size.name, kinds)
		}
		noOverflow("batch trace")

		// Searching by a party's name: one match opens it, several are listed, none says so.
		insp.open("/trace")
		insp.set("#trace-q", "顺达")
		insp.click(`form.filters button[type="submit"]`)
		if p := insp.path(); p != "/parties/"+f.ids["gen"] {
			t.Fatalf("%s: the search for 顺达 went to %s", size.name, p)
		}
		if !strings.Contains(insp.text("#party"), "13803710001") {
			t.Fatalf("%s: party page: %q", size.name, insp.text("#party"))
		}
		noOverflow("party page")
		insp.open("/trace?q=" + "郑州")
		if n := eval[int](insp, `document.querySelectorAll("#found-parties li").length`); n != 3 {
			t.Fatalf("%s: %d parties named 郑州…, want 3", size.name, n)
		}
		insp.open("/trace?q=" + "不存在的单位")
		if !strings.Contains(insp.text("#not-found"), "不存在的单位") {
			t.Fatalf("%s: no message for a search that finds nothing", size.name)
		}

		// The ledger page: automatic checks, a one-click server check, an empty form.
		insp.open("/ledger")
		if s := insp.text("#last-watch"); !strings.Contains(s, "✓") {
			t.Fatalf("%s: the automatic check's last run: %q", size.name, s)
		}
		insp.click("#verify-now")
		if s := insp.text("#verify-result"); !strings.Contains(s, "✓") || !strings.Contains(s, "全链核验通过") {
			t.Fatalf("%s: server check: %q", size.name, s)
		}
		insp.click("#check")
		if s := insp.text("#check-result"); !strings.Contains(s, "请选择或粘贴一个检查点") || eval[int](insp, `document.querySelectorAll("#check-form").length`) != 1 {
			t.Fatalf("%s: the empty check form: %q", size.name, s)
		}
		noOverflow("ledger page")
		insp.screenshot("31-ledger-" + size.name)
	}

	// A generator is not offered the server check.
	gen := openSession(t, bctx, f.srv.URL, shots)
	gen.signIn(f.tokens["gen"], "/wastes")
	gen.open("/ledger")
	if n := eval[int](gen, `document.querySelectorAll("#verify-now").length`); n != 0 {
		t.Fatal("a generator is offered the server check")
	}
	if st := eval[int](gen, `fetch("/ledger/verify", {method: "POST"}).then(r => r.status)`); st != 403 {
		t.Fatalf("a generator's POST /ledger/verify: %d, want 403", st)
	}
}
