package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// apiWithUI serves the API and this UI together, as serve does, behind
// tamper: a test's chance to change an API answer on the way out.
func apiWithUI(t *testing.T, svc *ledger.Service, tamper func(path string, body []byte) []byte) *httptest.Server {
	t.Helper()
	srv, err := api.New(api.Config{Service: svc, Web: func(e *echo.Echo, m api.Mount) {
		ui, err := New(m.Service, Options{Logger: m.Logger, Done: m.Done})
		if err != nil {
			t.Fatal(err)
		}
		e.Any("/*", echo.WrapHandler(ui))
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/verify/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := tamper(r.URL.Path, rec.Body.Bytes())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// deliveredManifest files a manifest of the fixture's generator, picked
// up (a withheld event: driver and plate) and delivered.
func deliveredManifest(t *testing.T, f *fixture) *ledger.Manifest {
	t.Helper()
	ctx := t.Context()
	who := func(key string) ledger.Principal {
		p, err := f.svc.Authenticate(f.tokens[key])
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w, err := f.svc.RegisterWaste(ctx, who("gen"), ledger.WasteInput{Code: "900-214-08", Name: "废矿物油", Form: ledger.FormLiquid,
		Quantity: 120_000, Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.CreateManifest(ctx, who("gen"), ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.ids["carrier"]},
		Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if m, err = f.svc.Pickup(ctx, who("carrier"), m.ID, ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A·D1234", Driver: "赵大勇"}); err != nil {
		t.Fatal(err)
	}
	f.drive(t)
	if m, err = f.svc.Deliver(ctx, who("carrier"), m.ID, ledger.DeliverInput{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBrowserVerifyPage: the public verification page, opened without
// signing in, checks every inclusion proof and the checkpoint's signature
// in Chromium with its own script; with one proof hash corrupted on the
// way, exactly that event is marked failed and the page says so.
func TestBrowserVerifyPage(t *testing.T) {
	f := newFixture(t)
	m := deliveredManifest(t, f)
	var corrupt atomic.Bool
	var corrupted atomic.Int64
	srv := apiWithUI(t, f.svc, func(path string, body []byte) []byte {
		if !corrupt.Load() {
			return body
		}
		var a map[string]any
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		ev := a["events"].([]any)[1].(map[string]any)
		proof := ev["inclusion_proof"].([]any)
		h, _ := base64.StdEncoding.DecodeString(proof[0].(string))
		h[0] ^= 1
		proof[0] = base64.StdEncoding.EncodeToString(h)
		corrupted.Store(int64(ev["index"].(float64)))
		b, _ := json.Marshal(a)
		return b
	})
	var a api.VerifyAnswer
	resp, err := http.Get(srv.URL + "/api/v1/verify/manifests/" + m.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	for _, secret := range []string{"赵大勇", "豫A·D1234", "13803710001", "王建国"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the public trace holds %q", secret)
		}
	}

	bctx := newBrowser(t)
	s := openSession(t, bctx, srv.URL, screenshotDir(t))
	s.open("/verify/manifests/" + m.ID)
	s.waitJS(`document.querySelector("#verify-summary").dataset.state !== "loading"`)
	states := eval[[]string](s, `[...document.querySelectorAll(".verify-event")].map(e => e.dataset.proof)`)
	if len(states) != len(a.Events) || len(states) < 3 {
		t.Fatalf("%d events shown, the trace has %d", len(states), len(a.Events))
	}
	for i, st := range states {
		if st != "ok" {
			t.Errorf("event %d: proof %s, want ok", a.Events[i].Index, st)
		}
	}
	if st := s.text("#verify-summary"); eval[string](s, `document.querySelector("#verify-summary").dataset.state`) != "ok" {
		t.Errorf("summary: %s", st)
	}
	if sig := eval[string](s, `document.querySelector("#cp-signature").dataset.state`); sig != "ok" {
		t.Errorf("checkpoint signature: %s (%s)", sig, s.text("#cp-signature"))
	}
	withheld := eval[int](s, `[...document.querySelectorAll(".verify-event")].filter(e => e.textContent.includes("`+translate(langZh, "ver.withheld")+`")).length`)
	if withheld != 1 {
		t.Errorf("%d events shown as withheld, want 1 (the pickup)", withheld)
	}
	s.page("24-verify")

	// The same page, its script fed a corrupted proof of the second event.
	corrupt.Store(true)
	s.open("/verify/manifests/" + m.ID)
	s.waitJS(`document.querySelector("#verify-summary").dataset.state !== "loading"`)
	failed := eval[[]string](s, `[...document.querySelectorAll(".verify-event[data-proof=failed]")].map(e => e.dataset.index)`)
	if want := fmt.Sprint(corrupted.Load()); len(failed) != 1 || failed[0] != want {
		t.Errorf("events marked failed: %v, want [%s]", failed, want)
	}
	if st := eval[string](s, `document.querySelector("#verify-summary").dataset.state`); st != "failed" {
		t.Errorf("summary with a corrupted proof: %s (%s)", st, s.text("#verify-summary"))
	}
	s.screenshot("25-verify-failed")
}
