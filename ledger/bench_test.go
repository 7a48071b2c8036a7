package ledger

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Benchmarks at scale. The store size is HWLEDGER_BENCH_BATCHES (default
// 1,000,000; a quick run can set e.g. 20000). Stores are built once per
// process in a temp dir.

func benchBatches() int {
	if n, err := strconv.Atoi(os.Getenv("HWLEDGER_BENCH_BATCHES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

type benchDistrict struct {
	s     *Service
	clock *testClock
	gens  []Principal
	insp  Principal
	codes []string
	dir   string
}

var (
	districtsMu sync.Mutex
	districts   = map[int]*benchDistrict{}
)

// district returns a store holding n batches over 40 generators in 12
// streets, registered concurrently (the register benchmark's path).
func district(b *testing.B, n int) *benchDistrict {
	districtsMu.Lock()
	defer districtsMu.Unlock()
	if d, ok := districts[n]; ok {
		return d
	}
	dir, err := os.MkdirTemp("", "hwledger-bench-")
	if err != nil {
		b.Fatal(err)
	}
	clock := newTestClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	s, err := Open(Config{Dir: dir, Clock: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	adminID, err := s.Bootstrap(ctx, "bench-admin")
	if err != nil {
		b.Fatal(err)
	}
	admin := Principal{Party: adminID, Roles: []Role{RoleAdmin}}
	d := &benchDistrict{s: s, clock: clock, dir: dir, codes: []string{"900-041-49", "900-214-08", "900-252-12", "900-039-49", "841-001-01"}}
	streets := []string{"北下街", "西大街", "南关", "城东路", "东大街", "二里岗", "陇海马路", "紫荆山南路", "航海东路", "十八里河", "南曹", "商都路"}
	for i := 0; i < 40; i++ {
		p, err := s.RegisterParty(ctx, admin, PartyInput{Name: fmt.Sprintf("企业%02d", i), CreditCode: credit(1000 + i),
			Roles: []Role{RoleGenerator}, Street: streets[i%len(streets)], Address: "郑州", Contact: Contact{"张", "1"}})
		if err != nil {
			b.Fatal(err)
		}
		d.gens = append(d.gens, Principal{Party: p.ID, Roles: p.Roles})
	}
	ip, err := s.RegisterParty(ctx, admin, PartyInput{Name: "分局", CreditCode: credit(2000), Roles: []Role{RoleInspector},
		Street: "南关", Address: "郑州", Contact: Contact{"王", "1"}})
	if err != nil {
		b.Fatal(err)
	}
	d.insp = Principal{Party: ip.ID, Roles: ip.Roles}
	start := time.Now()
	d.register(b, n, 256, func(i int) time.Time {
		// Spread over the past 11 months, non-medical deadlines a year out.
		return clock.Now().Add(-time.Duration(i%330) * 24 * time.Hour).Add(-time.Duration(i%1440) * time.Minute)
	})
	b.Logf("built a store of %d batches in %s (%.0f registrations/s)", n, time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds())
	districts[n] = d
	return d
}

// register registers n batches from workers goroutines.
func (d *benchDistrict) register(b *testing.B, n, workers int, gen func(i int) time.Time) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				code := d.codes[(i/len(d.gens))%(len(d.codes)-1)] // every generator uses every non-medical code
				_, err := d.s.RegisterWaste(context.Background(), d.gens[i%len(d.gens)], WasteInput{Code: code, Form: "solid",
					Quantity: Grams(1000 + i%50000), Container: Container{Type: "桶", Count: 1}, GeneratedAt: gen(i), Storage: "暂存间"})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range districts {
		d.s.Close()
		os.RemoveAll(d.dir)
	}
	os.Exit(code)
}

// BenchmarkRegister measures durable concurrent registrations into a store
// of HWLEDGER_BENCH_BATCHES batches against the raw append rate of the
// ledger core measured in the same run.
func BenchmarkRegister(b *testing.B) {
	d := district(b, benchBatches())
	// A raw event is as large as a registration event.
	size, _, _ := d.s.Log().Head()
	ev, err := d.s.Log().Event(size - 1)
	if err != nil || !strings.Contains(string(ev), `"type":"waste.registered"`) {
		b.Fatal("the last event is not a registration", err)
	}
	b.ResetTimer()
	// The host is shared and noisy: alternate rounds of raw appends and
	// registrations so both see the same conditions, and compare totals.
	const rounds = 4
	var rawTime, regTime time.Duration
	rawN, done := 0, 0
	for r := 0; r < rounds; r++ {
		n := (b.N - done) / (rounds - r)
		start := time.Now()
		rawAppends(b, d.s.Log(), 256, n, len(ev))
		rawTime += time.Since(start)
		rawN += n
		start = time.Now()
		base := done
		d.register(b, n, 256, func(i int) time.Time {
			return d.clock.Now().Add(-time.Duration((base+i)/4000) * 24 * time.Hour)
		})
		regTime += time.Since(start)
		done += n
	}
	raw := float64(rawN) / rawTime.Seconds()
	rate := float64(b.N) / regTime.Seconds()
	b.ReportMetric(rate, "registrations/s")
	b.ReportMetric(raw, "raw-appends/s")
	b.ReportMetric(rate/raw, "ratio")
}

// rawAppends appends n bare events of size bytes from workers.
func rawAppends(b *testing.B, l *chain.Log, workers, n, size int) {
	evs, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
		_, err := tx.Append(chain.Draft{Type: "bench.raw", Data: map[string]string{"pad": ""}})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	empty, err := l.Event(evs[0].Index)
	if err != nil {
		b.Fatal(err)
	}
	payload := map[string]string{"pad": strings.Repeat("x", max(size-len(empty), 0))}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
					_, err := tx.Append(chain.Draft{Type: "bench.raw", Data: payload})
					return err
				}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func percentile(ds []time.Duration, p float64) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[int(float64(len(ds)-1)*p)]
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkQueries reports p50/p99 of each list query and of a trace at
// HWLEDGER_BENCH_BATCHES batches, and the process RSS.
func BenchmarkQueries(b *testing.B) {
	d := district(b, benchBatches())
	ctx := context.Background()
	any := d.gens[3]
	sample, err := d.s.Wastes(ctx, any, WasteFilter{}, Page{Limit: 1})
	if err != nil || len(sample.Items) == 0 {
		b.Fatal(err)
	}
	w := sample.Items[0]
	med := false
	from, to := d.clock.Now().Add(-60*24*time.Hour), d.clock.Now().Add(-30*24*time.Hour)
	queries := []struct {
		name string
		run  func() error
	}{
		{"all", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{}, Page{}); return err }},
		{"status", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Status: WasteStored}, Page{}); return err }},
		{"party", func() error { _, err := d.s.Wastes(ctx, any, WasteFilter{}, Page{}); return err }},
		{"street", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Street: "南关"}, Page{}); return err }},
		{"code", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Code: "900-214-08"}, Page{}); return err }},
		{"category", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Category: "HW49"}, Page{}); return err }},
		{"medical", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Medical: &med}, Page{}); return err }},
		{"generated_range", func() error {
			_, err := d.s.Wastes(ctx, d.insp, WasteFilter{From: &from, To: &to}, Page{})
			return err
		}},
		{"label", func() error { _, err := d.s.Wastes(ctx, d.insp, WasteFilter{Label: w.Label}, Page{}); return err }},
		{"manifests", func() error { _, err := d.s.Manifests(ctx, any, ManifestFilter{}, Page{}); return err }},
		{"trace", func() error { _, err := d.s.Trace(ctx, d.insp, w.ID); return err }},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t := time.Now()
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(rssMB(), "rss-MB")
		})
	}
}

// BenchmarkSweep reports one sweep's time with 100 batches due, in stores
// of 10,000 and HWLEDGER_BENCH_BATCHES batches: the cost must not grow with
// the store.
func BenchmarkSweep(b *testing.B) {
	for _, n := range []int{10_000, benchBatches()} {
		b.Run(fmt.Sprintf("batches=%d", n), func(b *testing.B) {
			d := district(b, n)
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// 100 batches whose early warning falls due one minute from now.
				warnIn := d.s.Rules().Storage - d.s.Rules().StorageWarnBefore - time.Minute
				d.register(b, 100, 16, func(int) time.Time { return d.clock.Now().Add(-warnIn) })
				d.clock.Advance(2 * time.Minute)
				b.StartTimer()
				t := time.Now()
				raised, err := d.s.Sweep(context.Background())
				total += time.Since(t)
				if err != nil {
					b.Fatal(err)
				}
				if raised != 100 {
					b.Fatalf("sweep raised %d alerts, want 100", raised)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/sweep")
		})
	}
}

// BenchmarkAssessment reports p50/p99 of a one-year district assessment.
func BenchmarkAssessment(b *testing.B) {
	d := district(b, benchBatches())
	q := AssessQuery{From: d.clock.Now().AddDate(-1, 0, 0), To: d.clock.Now(), GroupBy: "party"}
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if _, err := d.s.Assessment(context.Background(), d.insp, q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkClasses reports the class computation of every party of the
// district (HWLEDGER_BENCH_BATCHES batches): one read of the monthly
// figures.
func BenchmarkClasses(b *testing.B) {
	d := district(b, benchBatches())
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		t := time.Now()
		cs, err := d.s.Classes(context.Background(), d.insp)
		if err != nil || len(cs) != len(d.gens) {
			b.Fatal(len(cs), err)
		}
		lat = append(lat, time.Since(t))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkDeclarationYear reports one party's yearly declaration draft
// (table C.3) in the district of HWLEDGER_BENCH_BATCHES batches.
func BenchmarkDeclarationYear(b *testing.B) {
	d := district(b, benchBatches())
	year := fmt.Sprint(d.clock.Now().Year())
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		p := d.gens[i%len(d.gens)]
		t := time.Now()
		dr, err := d.s.DeclarationDraft(context.Background(), p, p.Party, year)
		if err != nil || len(dr.Figures.Rows) == 0 {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}
