package web

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
)

// TestBrowserLabelSizes prints a label sheet in Chromium (print media) and
// measures each label: its size follows the container's volume (≤ 50 L
// or undeclared 100 mm, ≤ 450 L 150 mm, larger 200 mm on two labels),
// never below 100 mm on a sheet; an HW01 label carries the HJ 421 sign
// and the others do not; 主要成分 is what the generator declared.
func TestBrowserLabelSizes(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	who := func(key string) ledger.Principal {
		p, err := f.svc.Authenticate(f.tokens[key])
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	type want struct {
		mm, copies int
		medical    bool
	}
	cases := []struct {
		key, code string
		volume    float64
		want      want
	}{
		{"gen", "900-214-08", 0, want{100, 1, false}},
		{"gen", "900-214-08", 20, want{100, 1, false}},
		{"gen", "900-214-08", 50, want{100, 1, false}},
		{"gen", "900-214-08", 200, want{150, 1, false}},
		{"gen", "900-214-08", 1000, want{200, 2, false}},
		{"gen2", "841-001-01", 30, want{100, 1, true}},
	}
	q := url.Values{}
	ids := map[string]want{}
	for i, c := range cases {
		w, err := f.svc.RegisterWaste(ctx, who(c.key), ledger.WasteInput{Code: c.code, Name: "批次" + fmt.Sprint(i),
			MainComponents: fmt.Sprintf("申报成分%d", i), Form: ledger.FormSolid, Quantity: 10_000,
			Container: ledger.Container{Type: "桶", Count: 1, VolumeL: c.volume}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids[w.ID] = c.want
		if c.key == "gen" {
			q.Add("id", w.ID)
		}
	}
	bctx := newBrowser(t)
	shots := screenshotDir(t)
	s := openSession(t, bctx, f.srv.URL, shots)
	s.signIn(f.tokens["gen"], "/wastes")
	s.open("/labels?" + q.Encode())
	s.page("26-label-sizes")
	emulateMedia(s, "print")
	type measured struct {
		ID, Components string
		W, H           float64
		Medical        bool
	}
	js := `[...document.querySelectorAll(".hwlabel")].map(l => ({ID: l.querySelector(".qr").getAttribute("src").split("/")[2],
		Components: l.querySelector(".lcomp").textContent.trim(), W: l.getBoundingClientRect().width,
		H: l.getBoundingClientRect().height, Medical: !!l.querySelector("img.medsign")}))`
	const pxPerMM = 96 / 25.4
	check := func(labels []measured) {
		t.Helper()
		count := map[string]int{}
		for _, l := range labels {
			w, ok := ids[l.ID]
			if !ok {
				t.Fatalf("label of unknown batch %s", l.ID)
			}
			count[l.ID]++
			if mm := l.W / pxPerMM; mm < float64(w.mm)-0.5 || mm > float64(w.mm)+0.5 {
				t.Errorf("batch %s: label %.1f mm wide, want %d mm", l.ID, mm, w.mm)
			}
			if mm := l.H / pxPerMM; mm < float64(w.mm)-0.5 {
				t.Errorf("batch %s: label %.1f mm high, want at least %d mm", l.ID, mm, w.mm)
			}
			if l.Medical != w.medical {
				t.Errorf("batch %s: HJ 421 sign %v, want %v", l.ID, l.Medical, w.medical)
			}
		}
		for id, n := range count {
			if n != ids[id].copies {
				t.Errorf("batch %s: %d labels, want %d", id, n, ids[id].copies)
			}
		}
	}
	sheet := eval[[]measured](s, js)
	if len(sheet) != 6 { // five batches, the 1000 L one on two labels
		t.Fatalf("%d labels on the sheet, want 6", len(sheet))
	}
	for _, l := range sheet {
		if want := "申报成分"; len(l.Components) < len(want) || l.Components[:len(want)] != want {
			t.Errorf("batch %s: 主要成分 %q, not what the generator declared", l.ID, l.Components)
		}
	}
	check(sheet)
	emulateMedia(s, "")

	s2 := openSession(t, bctx, f.srv.URL, shots)
	s2.signIn(f.tokens["gen2"], "/wastes")
	for id, w := range ids {
		if !w.medical {
			continue
		}
		s2.open("/wastes/" + id + "/label")
		s2.waitJS(`document.querySelector("img.medsign") && document.querySelector("img.medsign").complete && document.querySelector("img.medsign").naturalWidth > 0`)
		s2.screenshot("27-label-medical")
		emulateMedia(s2, "print")
		check(eval[[]measured](s2, js))
	}
}

// emulateMedia makes the tab render for media: "print" on an A4 page
// (210 mm wide at 96 px to the inch), "" for the phone's screen.
func emulateMedia(s *browserSession, media string) {
	s.t.Helper()
	if media == "print" {
		s.do(chromedp.EmulateViewport(794, 1123))
	} else {
		s.do(chromedp.EmulateViewport(phoneWidth, 812, chromedp.EmulateMobile))
	}
	s.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	}))
}
