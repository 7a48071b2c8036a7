package chain

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// benchDraft is a typical event: its canonical bytes are about 300 bytes.
func benchDraft(n int) Draft {
	return Draft{
		Type:    "waste.registered",
		Actor:   Actor{Party: "p-00000042", Role: "generator"},
		Subject: fmt.Sprintf("w-%08d", n),
		Data:    map[string]any{"code": "900-041-49", "quantity_g": 12500, "form": "solid"},
	}
}

// fillLog appends n events in commands of up to 1000.
func fillLog(b testing.TB, l *Log, n int) {
	b.Helper()
	for n > 0 {
		k := min(n, 1000)
		_, err := l.Submit(context.Background(), func(tx *Tx) error {
			for j := range k {
				if _, err := tx.Append(benchDraft(j)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		n -= k
	}
}

// BenchmarkAppend measures durable (synced) one-event appends from 1, 16
// and 256 concurrent appenders on disk.
func BenchmarkAppend(b *testing.B) {
	for _, n := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("appenders=%d", n), func(b *testing.B) {
			l, err := Open(Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			var wg sync.WaitGroup
			per := (b.N + n - 1) / n
			b.ResetTimer()
			for g := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := range per {
						_, err := l.Submit(context.Background(), func(tx *Tx) error {
							_, err := tx.Append(benchDraft(g*per + k))
							return err
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(per*n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkVerify measures a full Verify of a 100,000-event log on disk.
func BenchmarkVerify(b *testing.B) {
	dir := b.TempDir()
	l, err := Open(Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	fillLog(b, l, 100_000)
	l.Close()
	if l, err = Open(Options{Dir: dir, ReadOnly: true}); err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for b.Loop() {
		rep, err := l.Verify(VerifyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(rep.Bytes)
	}
}

// BenchmarkProofs measures inclusion and consistency proofs at random
// sizes of a 100,000-event log.
func BenchmarkProofs(b *testing.B) {
	l, err := Open(Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	fillLog(b, l, 100_000)
	n := l.Size()
	b.Run("inclusion", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			size := 1 + r.Uint64N(n)
			if _, err := l.InclusionProof(r.Uint64N(size), size); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("consistency", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			size := 1 + r.Uint64N(n)
			if _, err := l.ConsistencyProof(1+r.Uint64N(size), size); err != nil {
				b.Fatal(err)
			}
		}
	})
}
