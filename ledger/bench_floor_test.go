package ledger

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// BenchmarkRegisterFloor measures what Badger alone allows a registration:
// synced batches holding exactly the items registrations write (the event
// entry and every projection key of a real registration, as its apply
// function writes them) against batches holding what raw appends write
// (the event entry), both with the ledger's store options, batch size and
// head and checkpoint per batch. No ledger code runs in the timed loop, so
// floor-ratio bounds what any implementation writing these projections can
// reach against raw appends on this machine.
func BenchmarkRegisterFloor(b *testing.B) {
	d := district(b, 10_000)
	size, _, _ := d.s.Log().Head()
	raw, err := d.s.Log().Event(size - 1)
	if err != nil {
		b.Fatal(err)
	}
	e, err := chain.Decode(raw)
	if err != nil || e.Type != EvWasteRegistered {
		b.Fatal("the last event is not a registration", err)
	}
	// The projection items one registration writes.
	rec := &recorder{}
	err = d.s.view(func(r kv) error {
		rec.r = r
		return apply(rec, e)
	})
	if err != nil {
		b.Fatal(err)
	}
	entry := append(append([]byte{2}, make([]byte, 64)...), raw...) // typical: leaf + one node
	const batch = 110
	write := func(db *badger.DB, n int, projections bool, next *uint64) time.Duration {
		start := time.Now()
		for done := 0; done < n; {
			txn := db.NewTransaction(true)
			for j := 0; j < batch && done < n; j++ {
				i := *next
				*next++
				done++
				must(b, txn.Set(binary.BigEndian.AppendUint64([]byte("c/e/"), i), entry))
				if !projections {
					continue
				}
				for _, kv := range rec.sets {
					// Each registration's own keys next to the real ones; what
					// registrations share is shared as in the register
					// benchmark: the status count by all, the day's aggregate
					// by each of 40 generators.
					k := bytes.Clone(kv[0])
					switch {
					case bytes.HasPrefix(k, []byte(pCount)):
					case bytes.HasPrefix(k, []byte(pAgg)):
						k = binary.BigEndian.AppendUint64(k, i%40)
					default:
						k = binary.BigEndian.AppendUint64(k, i)
					}
					must(b, txn.Set(k, kv[1]))
				}
			}
			must(b, txn.Set([]byte("c/head"), make([]byte, 40)))
			must(b, txn.Set([]byte("c/cp"), make([]byte, 250)))
			must(b, txn.Commit())
		}
		return time.Since(start)
	}
	db, err := badger.Open(chain.StoreOptions(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	const rounds = 4
	var next uint64
	var rawTime, regTime time.Duration
	done := 0
	for r := 0; r < rounds; r++ {
		n := (b.N - done) / (rounds - r)
		rawTime += write(db, n, false, &next)
		regTime += write(db, n, true, &next)
		done += n
	}
	b.ReportMetric(float64(len(rec.sets)+1), "items/registration") // before sharing
	b.ReportMetric(float64(b.N)/rawTime.Seconds(), "raw-appends/s")
	b.ReportMetric(float64(b.N)/regTime.Seconds(), "registrations/s")
	b.ReportMetric(rawTime.Seconds()/regTime.Seconds(), "floor-ratio")
}

// recorder reads from r and records every write, in order.
type recorder struct {
	r    kv
	sets [][2][]byte
}

func (c *recorder) Get(k []byte) ([]byte, bool, error) { return c.r.Get(k) }
func (c *recorder) Set(k, v []byte) error {
	c.sets = append(c.sets, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
	return nil
}
func (c *recorder) Delete(k []byte) error {
	c.sets = append(c.sets, [2][]byte{bytes.Clone(k), nil})
	return nil
}
func (c *recorder) Scan(prefix []byte, fn func(k, v []byte) error) error { return c.r.Scan(prefix, fn) }

func must(b *testing.B, err error) {
	if err != nil {
		b.Helper()
		b.Fatal(err)
	}
}
