package mirror_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/require"
)

// benchEvents is the size of the primary the benchmark copies:
// HWLEDGER_BENCH_MIRROR_EVENTS, default 100,000 (the demo district's
// events, then batch registrations).
func benchEvents() int {
	if n, err := strconv.Atoi(os.Getenv("HWLEDGER_BENCH_MIRROR_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// grow registers batches at p from 64 clients until it holds n events:
// each generator registers at most 900 a day (a label's serial has three
// digits), on days going back from yesterday.
func (p *primary) grow(t testing.TB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p.svc.Log().Size() < uint64(n) {
				c := int(next.Add(1))
				g := p.gens[c%len(p.gens)]
				day := time.Duration(1+c/len(p.gens)/900) * 24 * time.Hour
				_, err := p.svc.RegisterWaste(context.Background(), g, ledger.WasteInput{Code: "900-041-49", Form: "liquid",
					Quantity: ledger.KgToGrams(12), Container: ledger.Container{Type: "铁桶", Count: 1},
					GeneratedAt: p.svc.Now().Add(-day), Storage: "暂存间"})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMirror measures how fast a new mirror copies a primary over
// HTTP on loopback into a store on disk, checking everything it checks in
// service (signature, consistency proofs, every event, the root) and
// applying every event to its projections: the rate it keeps up with.
// From the public tiles, and with an inspector's token from
// /ledger/events.
func BenchmarkMirror(b *testing.B) {
	p := startPrimary(b)
	p.grow(b, benchEvents())
	size := p.svc.Log().Size()
	for _, c := range []struct{ name, token string }{{"tiles", ""}, {"events", p.inspector}} {
		b.Run(c.name, func(b *testing.B) {
			var took, cpu time.Duration
			for range b.N {
				msvc, err := ledger.Open(ledger.Config{Dir: b.TempDir(), Follow: p.svc.Log().Key().VerifierKey})
				require.NoError(b, err)
				m := newMirror(b, p, msvc, c.token)
				start, cpu0 := time.Now(), cpuTime()
				n, err := m.Sync(context.Background())
				took, cpu = took+time.Since(start), cpu+cpuTime()-cpu0
				require.NoError(b, err)
				require.Equal(b, size, n)
				require.NoError(b, msvc.Close())
			}
			b.ReportMetric(float64(size)*float64(b.N)/took.Seconds(), "events/s")
			// The CPU time of the whole process (the primary serving the
			// mirror included) per event copied.
			b.ReportMetric(float64(cpu.Microseconds())/float64(size)/float64(b.N), "cpu-µs/event")
			b.ReportMetric(0, "ns/op")
		})
	}
}
