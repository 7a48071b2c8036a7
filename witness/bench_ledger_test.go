package witness_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/witness"
)

// BenchmarkLedgerWithWitnesses compares the ledger's registration
// throughput (64 writers, on disk) without witnesses and with two (each a
// real witness on disk over loopback HTTP, policy 2 of 2, at most one round
// of submissions per second, the default). Writes never wait for the
// witnesses, so the two should be within 5 % of each other. One ledger
// alternates 12 segments of 2,500 registrations with the witnesses'
// collector stopped and 12 with it running, so the store and the machine's
// load are the same for both; the medians are compared. Run it with
// -benchtime 1x.
func BenchmarkLedgerWithWitnesses(b *testing.B) {
	for range b.N {
		env := newBenchLedger(b, 2)
		var rates [2][]float64
		for seg := range 24 {
			on := seg%2 == 1
			if on {
				env.start()
			}
			rates[seg%2] = append(rates[seg%2], env.register(b, 2500))
			if on {
				env.waitCosigned(b)
				env.stop()
			}
		}
		env.close()
		m0, m2 := median(rates[0]), median(rates[1])
		b.ReportMetric(m0, "none_reg/s")
		b.ReportMetric(m2, "two_witnesses_reg/s")
		b.ReportMetric(100*(m2/m0-1), "change_%")
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// benchLedger is a ledger on disk with four generators and, optionally,
// witnesses, whose collector runs between start and stop.
type benchLedger struct {
	svc   *ledger.Service
	gens  []ledger.Principal
	coll  *witness.Collector
	seq   atomic.Int64
	close func()
	stop  func()
}

// start runs the collector until stop.
func (e *benchLedger) start() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.coll.Run(ctx) }()
	e.stop = func() { cancel(); <-done }
}

func newBenchLedger(b *testing.B, witnesses int) *benchLedger {
	var notify atomic.Pointer[witness.Collector]
	svc, err := ledger.Open(ledger.Config{Dir: b.TempDir(), OnCommit: func(int) {
		if c := notify.Load(); c != nil {
			c.Notify()
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	env := &benchLedger{svc: svc}
	var closers []func()
	env.close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	closers = append(closers, func() { svc.Close() })
	ctx := context.Background()
	if _, err := svc.Bootstrap(ctx, "bench-admin-token"); err != nil {
		b.Fatal(err)
	}
	admin, err := svc.Authenticate("bench-admin-token")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", i+1))
		if err != nil {
			b.Fatal(err)
		}
		p, err := svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: fmt.Sprintf("产废单位%d", i), CreditCode: cc,
			Roles: []ledger.Role{ledger.RoleGenerator}, Street: "南关", Address: "郑州市",
			Contact: ledger.Contact{Name: "张", Phone: "1"}})
		if err != nil {
			b.Fatal(err)
		}
		_, tok, err := svc.CreateToken(ctx, admin, p.ID, ledger.TokenInput{})
		if err != nil {
			b.Fatal(err)
		}
		g, err := svc.Authenticate(tok)
		if err != nil {
			b.Fatal(err)
		}
		env.gens = append(env.gens, g)
	}
	if witnesses == 0 {
		return env
	}
	var remotes []witness.Remote
	for i := range witnesses {
		w, err := witness.Open(witness.Config{Dir: b.TempDir(), Name: fmt.Sprintf("witness.bench/%d", i),
			Logs: []witness.LogConfig{{Origin: svc.Log().Origin(), Verifier: svc.Log().Key().Verifier}}})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(w.Handler())
		closers = append(closers, func() { srv.Close(); w.Close() })
		v, err := witness.NewVerifier(w.VerifierKey())
		if err != nil {
			b.Fatal(err)
		}
		remotes = append(remotes, witness.Remote{URL: srv.URL, Verifier: v})
	}
	if env.coll, err = witness.NewCollector(witness.CollectorConfig{Log: svc.Log(), Witnesses: remotes}); err != nil {
		b.Fatal(err)
	}
	notify.Store(env.coll)
	return env
}

var benchCodes = []string{"900-214-08", "900-041-49", "900-249-08", "900-252-12"}

// register registers n batches from 64 writers and returns batches/s.
func (e *benchLedger) register(b *testing.B, n int) float64 {
	ctx := context.Background()
	now := e.svc.Now()
	var done, failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for c := range 64 {
		wg.Go(func() {
			for done.Add(1) <= int64(n) {
				i := e.seq.Add(1)
				in := ledger.WasteInput{Code: benchCodes[i%4], Form: "liquid", Quantity: 1500,
					Container: ledger.Container{Type: "桶", Count: 1}, Storage: "A",
					GeneratedAt: now.Add(-time.Duration(1+i/16%300) * 24 * time.Hour)}
				if _, err := e.svc.RegisterWaste(ctx, e.gens[c%len(e.gens)], in); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Fatalf("%d registrations failed", failed.Load())
	}
	return float64(n) / time.Since(start).Seconds()
}

// waitCosigned waits until the published checkpoint is the ledger's latest,
// cosigned by every witness: the witnesses kept up.
func (e *benchLedger) waitCosigned(b *testing.B) {
	e.coll.Notify()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cp, n, err := e.coll.Checkpoint()
		if err != nil {
			b.Fatal(err)
		}
		latest, _ := e.svc.Log().Checkpoint()
		if n == len(e.coll.Witnesses()) && bytes.HasPrefix(cp, latest) {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("the witnesses did not cosign the final checkpoint (%d cosignatures)", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
