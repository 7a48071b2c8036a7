package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// TestBrowserScanRemembersCrew: a carrier picks up one manifest on its
// phone with plate, driver and escort (押运员); the next manifest's scan
// page starts with the same three; the confirmation names the new status in
// Chinese; the manifest page shows the escort.
func TestBrowserScanRemembersCrew(t *testing.T) {
	f := newFixture(t)
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	if err != nil {
		t.Fatal(err)
	}
	var ms []*ledger.Manifest
	var labels []string
	for range 2 {
		w := register(t, f, "gen", "900-214-08", 200_000, 1)
		m, err := f.svc.CreateManifest(t.Context(), gen, ledger.ManifestInput{WasteIDs: []string{w.ID},
			Carriers: []string{f.ids["carrier"]}, Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ms, labels = append(ms, m), append(labels, w.Label)
	}
	bctx := newBrowser(t)
	car := openSession(t, bctx, f.srv.URL, t.TempDir())
	car.signIn(f.tokens["carrier"], "/manifests")

	car.open("/manifests/" + ms[0].ID + "/scan")
	if got := eval[string](car, `["plate", "driver", "escort"].map(id => document.querySelector("#" + id).value).join("|")`); got != "||" {
		t.Fatalf("a carrier's first scan form starts with %q, want it empty", got)
	}
	car.set("#typed", labels[0])
	car.do(chromedp.Click(chromedp.CSS("#add")))
	car.waitJS(`document.querySelectorAll("#expect li.done").length === 1`)
	car.set("#plate", "豫A·D3721")
	car.set("#driver", "赵师傅")
	car.set("#escort", "钱押运")
	car.waitJS(`!document.querySelector("#geo").textContent.includes("…")`)
	car.do(chromedp.Click(chromedp.CSS("#send")))
	car.waitJS(`document.querySelector("#result") && document.querySelector("#result").textContent.includes("→")`)
	if msg := car.text("#result"); !strings.Contains(msg, "→ 运输中") || strings.Contains(msg, "in_transit") {
		t.Errorf("after pickup the page says %q, want the status in Chinese", msg)
	}
	car.waitJS(`document.querySelector("#manifest-status") && document.querySelector("#manifest-status").textContent.includes("运输中")`)
	car.open("/manifests/" + ms[0].ID)
	if page := eval[string](car, `document.body.innerText`); !strings.Contains(page, "押运员 钱押运") {
		t.Errorf("the manifest page does not show the escort:\n%s", page)
	}

	car.open("/manifests/" + ms[1].ID + "/scan")
	if got := eval[string](car, `["plate", "driver", "escort"].map(id => document.querySelector("#" + id).value).join("|")`); got != "豫A·D3721|赵师傅|钱押运" {
		t.Errorf("the next scan form starts with %q, want the last manifest's plate, driver and escort", got)
	}
}
