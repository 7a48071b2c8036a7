package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// BenchmarkHTTPRegister measures waste registrations over HTTP on loopback
// with many concurrent clients against a durable Badger ledger in
// b.TempDir() (synced group commits), then the in-process append rate of
// the same Service, and reports:
//
//	http_reg/s        saturated HTTP registrations per second
//	p50_ms, p99_ms    HTTP latency at saturation
//	inproc_reg/s      Service.RegisterWaste per second, same concurrency, no HTTP
//	http/inproc       the ratio of the two
//
// Run: go test ./api -run '^$' -bench HTTPRegister -benchtime 5000x
func BenchmarkHTTPRegister(b *testing.B) {
	for _, clients := range []int{64, 256} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchRegister(b, clients) })
	}
}

func benchRegister(b *testing.B, clients int) {
	// On disk: an in-memory store would skip the fsync the real server pays.
	ts := newDiskServer(b)
	d := ts.district()
	gens := []actor{d.gen, d.gen2, d.hosp}
	bodies := registerBodies(ts)
	var lat []time.Duration
	var mu sync.Mutex
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, b.N/clients+1)
			tok := gens[c%len(gens)].token
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				t := time.Now()
				if !postWaste(ts, bodies[int(i)%len(bodies)], tok) {
					failed.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d registrations failed", failed.Load())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	httpRate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(httpRate, "http_reg/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")

	// In-process: the same registrations straight into the Service.
	p, err := ts.svc.Authenticate(d.gen2.token)
	if err != nil {
		b.Fatal(err)
	}
	n := b.N
	next.Store(0)
	start = time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				in := ledger.WasteInput{Code: benchCodes[i%4], Form: "liquid", Quantity: 1500,
					Container: ledger.Container{Type: "桶", Count: 1}, Storage: "A",
					GeneratedAt: ts.clock.Now().Add(-time.Duration(200+i/4%150) * 24 * time.Hour)}
				if _, err := ts.svc.RegisterWaste(context.Background(), p, in); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Fatalf("%d in-process registrations failed", failed.Load())
	}
	inRate := float64(n) / time.Since(start).Seconds()
	b.ReportMetric(inRate, "inproc_reg/s")
	b.ReportMetric(httpRate/inRate, "http/inproc")
}

// benchCodes are the codes the benchmarks register (at most 999 labels per
// generator, code and day, so bodies spread over days and codes).
var benchCodes = []string{"900-214-08", "900-041-49", "900-249-08", "900-252-12"}

// registerBodies returns 800 registration bodies spread over past days.
func registerBodies(ts *testServer) []string {
	bodies := make([]string, 800)
	for i := range bodies {
		w := ts.wasteBody(benchCodes[i%len(benchCodes)], 1.5)
		w["generated_at"] = ts.clock.Now().Add(-time.Duration(i/len(benchCodes)+1) * 24 * time.Hour).Format(time.RFC3339)
		bodies[i] = mustJSON(w)
	}
	return bodies
}

// postWaste registers one batch over HTTP and reports whether it got 201.
func postWaste(ts *testServer, body, token string) bool {
	req, _ := http.NewRequest("POST", ts.url+"/api/v1/wastes", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.client.Do(req)
	if err != nil {
		return false
	}
	ok := resp.StatusCode == http.StatusCreated
	_ = drain(resp)
	return ok
}
