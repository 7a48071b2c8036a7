package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// TestBrowserRolesDay plays the four roles through their day in Chromium,
// on a 390 px phone and on a 1280 px desktop, from a ledger on a test
// clock (Wednesday 10 June 2026, 08:00 in Zhengzhou) and a phone whose
// clock is set to it:
//   - the clinic nurse (generator) lands on her held batches, the nearest
//     storage deadline first; 13 h left of the 48 h medical limit is amber;
//     即将到期 keeps only those; her own overdue alert is on her page; an
//     empty filter says what it found (没有超期的批次);
//   - the driver lands on today's work: every pickup planned and every
//     load in transit, by planned pickup, each with the pickup address and
//     the contact's phone (tomorrow's last, marked so); loads part
//     of a manifest, saying why the rest stays behind; must tick being at
//     the receiver before 确认送达 works; is offered no delivery of a load
//     planned to go on to a second carrier;
//   - the receiver confirms receipt;
//   - the inspector: every dashboard tile opens its list, with as many
//     items as the tile says; alerts filter by kind, street and party; an
//     acknowledged alert whose batch is still overdue stays, acknowledged,
//     and the nurse sees it so.
func TestBrowserRolesDay(t *testing.T) {
	for _, c := range []struct {
		name          string
		width, height int
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		t.Run(c.name, func(t *testing.T) { rolesDay(t, c.width, c.height, c.mobile) })
	}
}

func rolesDay(t *testing.T, width, height int, mobile bool) {
	start := time.Date(2026, 6, 10, 8, 0, 0, 0, shanghai)
	clock := ledgertest.NewClock(start)
	f := newFixtureWith(t, ledger.Config{Clock: clock.Now})
	ctx := t.Context()
	shots := t.TempDir()
	bctx := newBrowser(t)
	as := func(key string) ledger.Principal {
		t.Helper()
		p, err := f.svc.Authenticate(f.tokens[key])
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	car2, err := f.svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: "郑州通达危险品运输有限公司", Roles: []ledger.Role{ledger.RoleTransporter},
		Street: "航海东路", Address: "郑州市管城回族区航海东路 88 号", Location: &ledger.Location{Lat: 34.7100, Lon: 113.7300},
		Contact: ledger.Contact{Name: "钱师傅", Phone: "13803710009"}, TransportPermit: "豫交运管许可郑字410100005678号", CreditCode: credit(t, 200)})
	if err != nil {
		t.Fatal(err)
	}

	// The clinic's medical waste: 13 h, 38 h and -2 h left of 48 h.
	nurse := as("gen2")
	for i, age := range []time.Duration{35 * time.Hour, 10 * time.Hour, 50 * time.Hour} {
		if _, err := f.svc.RegisterWaste(ctx, nurse, ledger.WasteInput{Code: "841-001-01", Form: "solid", Quantity: ledger.KgToGrams(float64(3 + i)),
			Container: ledger.Container{Type: "医疗废物周转箱", Count: 1}, GeneratedAt: start.Add(-age), Storage: "医废暂存间"}); err != nil {
			t.Fatal(err)
		}
	}
	// The repair shop's manifests, filed out of order: pickups at 13:00,
	// 09:00 (two batches), 11:00, 10:00, 12:00 (two carriers) and tomorrow.
	shop := as("gen")
	batch := func() *ledger.Waste {
		t.Helper()
		w, err := f.svc.RegisterWaste(ctx, shop, ledger.WasteInput{Code: "900-214-08", Form: "liquid", Quantity: ledger.KgToGrams(20),
			Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: start.Add(-24 * time.Hour), Storage: "危废暂存间"})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	file := func(at time.Duration, carriers []string, ws ...*ledger.Waste) *ledger.Manifest {
		t.Helper()
		var ids []string
		for _, w := range ws {
			ids = append(ids, w.ID)
		}
		m, err := f.svc.CreateManifest(ctx, shop, ledger.ManifestInput{WasteIDs: ids, Carriers: carriers, Receiver: f.ids["receiver"],
			PlannedPickupAt: start.Add(at)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	one := []string{f.ids["carrier"]}
	mA := file(5*time.Hour, one, batch())
	partA, partB := batch(), batch()
	mB := file(time.Hour, one, partA, partB)
	mC := file(3*time.Hour, one, batch())
	mD := file(2*time.Hour, one, batch())
	mE := file(4*time.Hour, []string{f.ids["carrier"], car2.ID}, batch())
	mF := file(26*time.Hour, one, batch())

	base := f.srv.URL
	session := func() *browserSession {
		s := openSession(t, bctx, base, shots)
		if mobile {
			s.do(chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile))
		} else {
			s.do(chromedp.EmulateViewport(int64(width), int64(height)))
		}
		s.travel(time.Until(start), 34.7465, 113.6852) // the phone's clock is the ledger's; at the repair shop
		return s
	}
	fits := func(s *browserSession, name string) {
		t.Helper()
		s.waitJS(`document.readyState === "complete"`)
		if w := eval[int](s, `document.documentElement.scrollWidth`); w > width {
			t.Errorf("%s (%s): page is %d px wide at %d px", name, s.url(), w, width)
		}
		s.screenshot(fmt.Sprintf("%s-%d", name, width))
	}
	js := func(s *browserSession, expr string) string { t.Helper(); return eval[string](s, expr) }

	// The clinic nurse.
	gen := session()
	gen.signIn(f.tokens["gen2"], "/wastes")
	fits(gen, "nurse-inventory")
	if got := js(gen, `[...document.querySelectorAll("#pick li.card")].map(li => li.className.replace("card row-", "")).join(",")`); got != "over,warn,ok" {
		t.Errorf("the nurse's batches by deadline: %q, want over,warn,ok (the nearest deadline first)", got)
	}
	if got := js(gen, `document.querySelector("#pick li.row-warn .warn-text").textContent`); !strings.Contains(got, "剩 13 小时") {
		t.Errorf("the amber batch says %q, want 剩 13 小时", got)
	}
	if got := js(gen, `document.querySelector("#my-alerts").innerText`); !strings.Contains(got, "贮存超期") {
		t.Errorf("the nurse's page shows no overdue alert of hers:\n%s", got)
	}
	// Each batch's page says what is left and names its own alerts.
	gen.click(`#pick li.row-over a.title`)
	if got := gen.text("#waste-alerts"); !strings.Contains(got, "贮存超期") {
		t.Errorf("the overdue batch's page names no alert: %q", got)
	}
	fits(gen, "nurse-overdue-batch")
	gen.open("/wastes")
	gen.click(`#pick li.row-warn a.title`)
	if got := gen.text("#clock-left"); !strings.Contains(got, "剩 13 小时") || eval[int](gen, `document.querySelectorAll("#waste-alerts").length`) != 0 {
		t.Errorf("the amber batch's page says %q (and no alert)", got)
	}
	gen.open("/wastes")
	gen.do(chromedp.Click(chromedp.CSS("#soon-only")))
	gen.click(`.filters button[type=submit]`)
	if got := js(gen, `[...document.querySelectorAll("#pick li.card")].map(li => li.className.replace("card row-", "")).join(",")`); got != "warn" {
		t.Errorf("即将到期 lists %q, want the amber batch only", got)
	}
	fits(gen, "nurse-due-soon")
	shopGen := session()
	shopGen.signIn(f.tokens["gen"], "/wastes")
	shopGen.open("/wastes?overdue=1")
	if got := strings.TrimSpace(shopGen.text("#empty-text")); got != "没有超期的批次。" {
		t.Errorf("an empty 仅看超期 says %q, want 没有超期的批次。", got)
	}
	fits(shopGen, "shop-no-overdue")

	// The driver.
	car := session()
	car.signIn(f.tokens["carrier"], "/manifests")
	fits(car, "driver-today")
	if got := js(car, `[...document.querySelectorAll("#today .today-item .manifest-link")].map(a => a.textContent).join(",")`); got !=
		strings.Join([]string{mB.Number, mD.Number, mC.Number, mE.Number, mA.Number, mF.Number}, ",") {
		t.Errorf("today's pickups: %s, want B, D, C, E, A by planned pickup, then tomorrow's F", got)
	}
	if got := js(car, `[...document.querySelectorAll("#today .today-item.later .manifest-link")].map(a => a.textContent).join(",")`); got != mF.Number {
		t.Errorf("marked as after today: %q, want F only", got)
	}
	if got := js(car, `[...document.querySelectorAll("#today .today-item")].map(li => li.querySelector(".pickup-address").textContent + "|" + li.querySelector(".phone").textContent).join(",")`); strings.Count(got, "郑州市管城回族区南关街 18 号|13803710001") != 6 {
		t.Errorf("each of today's pickups names the address and the phone: %s", got)
	}
	// Part of B: one drum leaks and stays behind.
	car.open("/manifests/" + mB.ID + "/scan")
	car.set("#typed", partA.Label)
	car.do(chromedp.Click(chromedp.CSS("#add")))
	car.waitJS(`document.querySelectorAll("#expect li.done").length === 1`)
	car.set("#plate", "豫A·D3721")
	car.set("#driver", "赵师傅")
	car.waitJS(`!document.querySelector("#geo").textContent.includes("…")`)
	car.do(chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`!document.querySelector("#partial").hidden`)
	if got := car.text("#result"); !strings.Contains(got, partB.Label) || !strings.Contains(got, "未装车原因") {
		t.Errorf("a pickup with a label not scanned says %q, want the missing label and to say why", got)
	}
	fits(car, "driver-partial")
	car.set("#left-reason", "一桶渗漏，留待更换容器")
	car.do(chromedp.Evaluate[chromedp.Void](`window.__hwOld = 1`), chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`window.__hwOld === undefined && document.readyState === "complete" && document.querySelector("#manifest-status")`)
	carrier := as("carrier")
	m, err := f.svc.Manifest(ctx, carrier, mB.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != ledger.ManifestInTransit || len(m.LeftBehind) != 1 || m.LeftBehind[0] != partB.ID || m.LeftBehindReason != "一桶渗漏，留待更换容器" {
		t.Fatalf("after a partial pickup: status %s, left behind %v (%q)", m.Status, m.LeftBehind, m.LeftBehindReason)
	}
	if w, err := f.svc.Waste(ctx, shop, partB.ID); err != nil || w.Status != ledger.WasteStored {
		t.Fatalf("the drum left behind: %v %v, want back in storage", w, err)
	}
	car.open("/manifests/" + mB.ID)
	if got := car.text("#left-behind"); !strings.Contains(got, "1 个批次未装车") || !strings.Contains(got, "一桶渗漏，留待更换容器") {
		t.Errorf("the manifest page says of the partial pickup %q", got)
	}
	car.open("/manifests/" + mB.ID + "/scan")
	// Delivery is deliberate: at once after pickup the button does not work.
	if !eval[bool](car, `document.querySelector("#send").disabled && !!document.querySelector("#confirm-deliver")`) {
		t.Error("right after pickup 确认送达 works without confirming the arrival")
	}
	car.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#send").click()`))
	if m, _ := f.svc.Manifest(ctx, carrier, mB.ID); m.Status != ledger.ManifestInTransit {
		t.Fatalf("a tap on 确认送达 without confirming left the manifest %s", m.Status)
	}
	// Ticked and sent at once, at the pickup point: refused as implausible,
	// and the driver may send again later.
	car.do(chromedp.Click(chromedp.CSS("#confirm-deliver")), chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`document.querySelector("#result").classList.contains("bad")`)
	if m, _ := f.svc.Manifest(ctx, carrier, mB.ID); m.Status != ledger.ManifestInTransit {
		t.Fatalf("a delivery at the pickup point 0 minutes after pickup left the manifest %s", m.Status)
	}
	if got := car.text("#result"); !strings.Contains(got, "被拒绝") || len(foreignWords(got)) > 0 {
		t.Errorf("the refused delivery says %q, want why in Chinese", got)
	}
	car.waitJS(`!document.querySelector("#send").disabled`)
	fits(car, "driver-deliver-refused")
	clock.Advance(40 * time.Minute)
	car.travel(40*time.Minute, 34.6790, 113.7260) // at the receiver's gate
	car.open("/manifests/" + mB.ID + "/scan")
	car.waitJS(`!document.querySelector("#geo").textContent.includes("…")`)
	if got := car.text("#deliver-check"); !strings.Contains(got, "郑州绿源危废处置有限公司") || !strings.Contains(got, "提货时间") {
		t.Errorf("the delivery step says %q, want the receiver and the pickup time", got)
	}
	fits(car, "driver-deliver")
	car.do(chromedp.Click(chromedp.CSS("#confirm-deliver")), chromedp.Evaluate[chromedp.Void](`window.__hwOld = 1`), chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`window.__hwOld === undefined && document.readyState === "complete" && document.querySelector("#manifest-status")`)
	if st := car.text("#manifest-status"); !strings.Contains(st, "已送达") {
		t.Fatalf("after delivery the manifest is %q", st)
	}
	// E goes on to a second carrier: its first carrier gets no 确认送达.
	if _, err := f.svc.Pickup(ctx, carrier, mE.ID, ledger.CustodyInput{Labels: mE.Labels, VehiclePlate: "豫A·D3721", Driver: "赵师傅",
		Location: &ledger.Location{Lat: 34.7465, Lon: 113.6852}}); err != nil {
		t.Fatal(err)
	}
	car.open("/manifests/" + mE.ID + "/scan")
	if n := eval[int](car, `document.querySelectorAll("#send, #confirm-deliver").length`); n != 0 {
		t.Error("the first of two carriers is offered 确认送达")
	}
	if got := car.text("#handover-next"); !strings.Contains(got, car2.Name) {
		t.Errorf("the first carrier is told %q, want to hand over to %s", got, car2.Name)
	}
	fits(car, "driver-handover-next")
	// It still sends the GPS track while it holds the load.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if m, err := f.svc.Manifest(ctx, carrier, mE.ID); err == nil && m.TrackPoints > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first of two carriers, holding the load, sends no GPS point")
		}
	}
	car.open("/manifests")
	if got := js(car, `[...document.querySelectorAll("#today .today-item")].filter(li => li.querySelector(".manifest-link").textContent === "`+mE.Number+`").map(li => li.innerText).join("")`); strings.Contains(got, "确认送达") || !strings.Contains(got, "交接给下一家运输单位") {
		t.Errorf("today's row of E: %q, want a handover and no delivery", got)
	}
	car.open("/manifests?status=cancelled")
	if got := strings.TrimSpace(car.text("#empty-text")); got != "没有状态为「已取消」的联单。" {
		t.Errorf("an empty status filter says %q", got)
	}

	// The receiver.
	rcv := session()
	rcv.signIn(f.tokens["receiver"], "/manifests")
	rcv.open("/manifests/" + mB.ID + "/receive")
	fits(rcv, "receiver-receipt")
	rcv.click("#confirm-receipt")
	if m, _ := f.svc.Manifest(ctx, carrier, mB.ID); m.Status != ledger.ManifestReceived && m.Status != ledger.ManifestClosed {
		t.Fatalf("after receipt the manifest is %s", m.Status)
	}

	// The inspector.
	insp := session()
	insp.signIn(f.tokens["inspector"], "/dashboard")
	fits(insp, "inspector-dashboard")
	if n := eval[int](insp, `[...document.querySelectorAll(".kpis > *")].filter(k => k.tagName !== "A" || !k.getAttribute("href")).length`); n != 0 {
		t.Errorf("%d dashboard tiles open no list", n)
	}
	for _, tile := range []struct{ id, items string }{
		{"#open-kpi", `#alerts li.alert-item:not(.acked)`},
		{"#transit-kpi", `ul.cards > li.card`},
		{"#stored-kpi", `#pick li.card`},
		{"#overdue-kpi", `#pick li.card`},
	} {
		insp.open("/dashboard")
		want := strings.TrimSpace(insp.text(tile.id + " b"))
		insp.click(tile.id)
		if got := eval[int](insp, fmt.Sprintf(`document.querySelectorAll(%q).length`, tile.items)); fmt.Sprint(got) != want || want == "0" {
			t.Errorf("tile %s says %s and opens %s listing %d", tile.id, want, insp.url(), got)
		}
	}
	// Filters: kind, street, party.
	filter := func(q string) int {
		t.Helper()
		insp.open("/alerts?" + q)
		return eval[int](insp, `document.querySelectorAll("#alerts li.alert-item").length`)
	}
	if n := filter("kind=storage_overdue&street=紫荆山南路&party=" + f.ids["gen2"]); n != 1 {
		t.Errorf("the clinic's overdue alerts in its street: %d, want 1", n)
	}
	fits(insp, "inspector-alerts")
	if n := filter("kind=storage_overdue&party=" + f.ids["gen"]); n != 0 || !strings.Contains(insp.text("#no-alerts"), "没有符合筛选条件的预警") {
		t.Errorf("the shop's overdue alerts: %d, %q", n, insp.text("#no-alerts"))
	}
	if n := filter("kind=discrepancy"); n != 0 {
		t.Errorf("discrepancy alerts: %d, want 0", n)
	}
	// Acknowledged while the batch is still overdue: it stays, acknowledged
	// (on a dashboard open meanwhile too, live).
	live := session()
	live.signIn(f.tokens["inspector"], "/dashboard")
	live.waitJS(`document.querySelector("#live").classList.contains("on")`)
	openBefore := strings.TrimSpace(live.text("#open-count"))
	insp.open("/alerts?kind=storage_overdue")
	insp.set(`#alerts li.alert-item input[name="note"]`, "已电话通知，今日转运")
	insp.click(`#alerts li.alert-item button[type="submit"]`)
	if u := eval[string](insp, `location.pathname + location.search`); u != "/alerts?kind=storage_overdue" {
		t.Errorf("after acknowledging at %s, want back on the filtered list", u)
	}
	if got := js(insp, `[...document.querySelectorAll("#alerts li.alert-item.acked")].map(li => li.innerText).join("")`); !strings.Contains(got, "已确认") || !strings.Contains(got, "已电话通知，今日转运") {
		t.Errorf("the acknowledged alert still overdue: %q, want it listed as acknowledged", got)
	}
	live.waitJS(`document.querySelector("#alerts li.alert-item.k-storage_overdue.acked")`)
	if got := js(live, `document.querySelector("#alerts li.alert-item.k-storage_overdue.acked").innerText`); !strings.Contains(got, "已电话通知，今日转运") {
		t.Errorf("the live dashboard shows the acknowledged alert as %q", got)
	}
	if got := strings.TrimSpace(live.text("#open-count")); got == openBefore {
		t.Errorf("the live open count stayed %s after an acknowledgement", got)
	}
	gen.open("/wastes")
	if got := js(gen, `document.querySelector("#my-alerts").innerText`); !strings.Contains(got, "已确认") {
		t.Errorf("the nurse's alert, acknowledged: %q", got)
	}
}
