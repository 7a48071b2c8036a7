package api

import (
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkHTTPRegisterFixedLoad offers registrations at a fixed rate
// (open loop: requests are sent on schedule whether or not earlier ones
// have answered) and reports latency measured from each request's
// scheduled time, so a stall shows in the figures instead of slowing the
// load down (no coordinated omission). b.N requests at 1,000 req/s.
//
// Run: go test ./api -run '^$' -bench HTTPRegisterFixedLoad -benchtime 5000x
func BenchmarkHTTPRegisterFixedLoad(b *testing.B) {
	const rate = 1000 // requests per second
	ts := newDiskServer(b)
	d := ts.district()
	gens := []actor{d.gen, d.gen2, d.hosp}
	bodies := registerBodies(ts)
	type job struct {
		i     int
		sched time.Time
	}
	jobs := make(chan job, b.N)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < 256; c++ { // enough workers that the client never queues
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if !postWaste(ts, bodies[j.i%len(bodies)], gens[j.i%len(gens)].token) {
					failed.Add(1)
					continue
				}
				el := time.Since(j.sched)
				mu.Lock()
				lat = append(lat, el)
				mu.Unlock()
			}
		}()
	}
	b.ResetTimer()
	start := time.Now()
	interval := time.Second / rate
	for i := 0; i < b.N; i++ {
		sched := start.Add(time.Duration(i) * interval)
		if d := time.Until(sched); d > 0 {
			time.Sleep(d)
		}
		jobs <- job{i: i, sched: sched}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d registrations failed", failed.Load())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "achieved_req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
