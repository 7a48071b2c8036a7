package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// benchBatches is the size of BenchmarkDashboard's store:
// HWLEDGER_BENCH_BATCHES, default 1,000,000.
func benchBatches() int {
	if n, err := strconv.Atoi(os.Getenv("HWLEDGER_BENCH_BATCHES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkDashboard reports the inspector's dashboard over HTTP on
// loopback in a store on disk of HWLEDGER_BENCH_BATCHES batches (40
// generators in 12 streets, registered over the past 11 months, as the
// ledger's benchmarks build theirs): the time to the first byte of the
// answer at p50 and p95 (the target is under 150 ms), and to its last.
func BenchmarkDashboard(b *testing.B) {
	n := benchBatches()
	clock := ledgertest.NewClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	svc, err := ledger.Open(ledger.Config{Dir: b.TempDir(), Clock: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.Bootstrap(ctx, "bench-dashboard-admin-token-0123456789"); err != nil {
		b.Fatal(err)
	}
	admin, err := svc.Authenticate("bench-dashboard-admin-token-0123456789")
	if err != nil {
		b.Fatal(err)
	}
	streets := []string{"北下街", "西大街", "南关", "城东路", "东大街", "二里岗", "陇海马路", "紫荆山南路", "航海东路", "十八里河", "南曹", "商都路"}
	var gens []ledger.Principal
	for i := range 40 {
		cc, _ := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", 1000+i))
		p, err := svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: fmt.Sprintf("企业%02d", i), CreditCode: cc,
			Roles: []ledger.Role{ledger.RoleGenerator}, Street: streets[i%len(streets)], Address: "郑州",
			Location: &ledger.Location{Lat: 34.70 + float64(i)/1000, Lon: 113.68}, Contact: ledger.Contact{Name: "张", Phone: "1"}})
		if err != nil {
			b.Fatal(err)
		}
		gens = append(gens, ledger.Principal{Party: p.ID, Roles: p.Roles})
	}
	cc, _ := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", 2000))
	insp, err := svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: "分局", CreditCode: cc, Roles: []ledger.Role{ledger.RoleInspector},
		Street: "南关", Address: "郑州", Contact: ledger.Contact{Name: "王", Phone: "1"}})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := svc.CreateToken(ctx, admin, insp.ID, ledger.TokenInput{})
	if err != nil {
		b.Fatal(err)
	}
	codes := []string{"900-041-49", "900-214-08", "900-252-12", "900-039-49"}
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 256 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				at := clock.Now().Add(-time.Duration(i%330) * 24 * time.Hour).Add(-time.Duration(i%1440) * time.Minute)
				if _, err := svc.RegisterWaste(ctx, gens[i%len(gens)], ledger.WasteInput{Code: codes[(i/len(gens))%len(codes)],
					Form: "solid", Quantity: ledger.Grams(1000 + i%50000), Container: ledger.Container{Type: "桶", Count: 1},
					GeneratedAt: at, Storage: "暂存间"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	b.Logf("built a store of %d batches in %s", n, time.Since(start).Round(time.Millisecond))
	h, err := New(svc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := benchSignIn(b, srv.URL, tok)
	var first, last []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		res, err := c.Get(srv.URL + "/dashboard")
		if err != nil {
			b.Fatal(err)
		}
		// Get returns once the status line and headers are read: the
		// answer's first bytes.
		first = append(first, time.Since(t))
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatal(res.Status, err)
		}
		last = append(last, time.Since(t))
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(first, 0.5)), "first-byte-p50-ms")
	b.ReportMetric(ms(percentile(first, 0.95)), "first-byte-p95-ms")
	b.ReportMetric(ms(percentile(last, 0.95)), "whole-p95-ms")
	b.ReportMetric(0, "ns/op")
}
