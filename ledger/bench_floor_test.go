package ledger

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// The floor benchmarks measure what Badger alone allows a registration:
// synced batches of 110 holding the items registrations write against
// batches holding what raw appends write (the event entry), with the
// ledger's store options and a head and checkpoint per batch. No ledger
// code runs in the timed loop, so floor-ratio bounds what any
// implementation writing those items can reach against raw appends on
// this machine. Registrations are spread as in the register benchmark:
// 40 generators, 12 streets, 4 codes, 4,000 a day.

// BenchmarkRegisterFloor uses the items a real registration writes: its
// event entry and every projection key its apply function writes.
func BenchmarkRegisterFloor(b *testing.B) {
	fl := newFloor(b)
	floorRatio(b, fl.entry, func(txn *badger.Txn, i uint64) {
		for _, kv := range fl.sets {
			// Each registration's own keys next to the real ones; what
			// registrations share is shared: the status count by all, the
			// day's aggregate by each generator.
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
	}, nil)
	b.ReportMetric(float64(len(fl.sets)+1), "items/registration") // before sharing
}

// BenchmarkRegisterFloorPacked sizes storage designs this code does not
// use, to show what they would allow: index entries packed into blocks of
// 256 seqs rewritten once per batch (one status block, one per generator,
// street and code, one generated-at block), the label and serial kept in
// one record per generator, code and day, deadlines in hourly buckets; per
// registration only its event, its label record and ("record") its batch
// record, or ("event-backed") no batch record: the batch would be read
// from its registration event until it first changes.
func BenchmarkRegisterFloorPacked(b *testing.B) {
	for _, withRecord := range []bool{true, false} {
		name := "event-backed"
		if withRecord {
			name = "record"
		}
		b.Run(name, func(b *testing.B) { floorPacked(b, withRecord) })
	}
}

func floorPacked(b *testing.B, withRecord bool) {
	fl := newFloor(b)
	var record []byte
	for _, kv := range fl.sets {
		if bytes.HasPrefix(kv[0], []byte(pWaste)) {
			record = kv[1]
		}
	}
	k := func(prefix string, parts ...uint64) []byte {
		kb := []byte(prefix)
		for _, p := range parts {
			kb = binary.BigEndian.AppendUint64(kb, p)
		}
		return kb
	}
	floorRatio(b, fl.entry, func(txn *badger.Txn, i uint64) {
		gen, code, day := i%40, (i/40)%4, i/4000
		if withRecord {
			must(b, txn.Set(k(pWaste, i), record))
		}
		must(b, txn.Set(k(pLabelSeq, gen, code, day), make([]byte, 40*(1+int(i%25))))) // ids by serial
		must(b, txn.Set(k(pAgg, gen, day), make([]byte, 24)))
	}, func(txn *badger.Txn, first uint64) {
		blk, day := first>>8, first/4000
		must(b, txn.Set(k("x/ws/", blk), make([]byte, 3000)))
		must(b, txn.Set(k("x/wg/", day, blk), make([]byte, 3000)))
		must(b, txn.Set(k(pDeadline, day), make([]byte, 3000)))
		for g := uint64(0); g < 40; g++ {
			must(b, txn.Set(k("x/wp/", g, blk), make([]byte, 150)))
		}
		for s := uint64(0); s < 12; s++ {
			must(b, txn.Set(k("x/wt/", s, blk), make([]byte, 500)))
		}
		for c := uint64(0); c < 4; c++ {
			must(b, txn.Set(k("x/wc/", c, blk), make([]byte, 1000)))
		}
	})
}

// floor is a real registration's event entry and projection writes.
type floor struct {
	entry []byte
	sets  [][2][]byte
}

func newFloor(b *testing.B) floor {
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
	rec := &recorder{}
	err = d.s.view(func(r kv) error {
		rec.r = r
		return apply(rec, e)
	})
	if err != nil {
		b.Fatal(err)
	}
	entry := append(append([]byte{2}, make([]byte, 64)...), raw...) // typical: leaf + one node
	return floor{entry: entry, sets: rec.sets}
}

// floorRatio times b.N raw appends and b.N registrations in alternating
// rounds on a fresh store: a registration writes its event entry and what
// perReg writes, each batch also what perBatch writes (nil: nothing).
func floorRatio(b *testing.B, entry []byte, perReg func(txn *badger.Txn, i uint64), perBatch func(txn *badger.Txn, first uint64)) {
	db, err := badger.Open(chain.StoreOptions(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const batch = 110
	var next uint64
	write := func(n int, registrations bool) time.Duration {
		start := time.Now()
		for done := 0; done < n; {
			txn := db.NewTransaction(true)
			first := next
			for j := 0; j < batch && done < n; j++ {
				i := next
				next++
				done++
				must(b, txn.Set(binary.BigEndian.AppendUint64([]byte("c/e/"), i), entry))
				if registrations {
					perReg(txn, i)
				}
			}
			if registrations && perBatch != nil {
				perBatch(txn, first)
			}
			must(b, txn.Set([]byte("c/head"), make([]byte, 40)))
			must(b, txn.Set([]byte("c/cp"), make([]byte, 250)))
			must(b, txn.Commit())
		}
		return time.Since(start)
	}
	b.ResetTimer()
	const rounds = 4
	var rawTime, regTime time.Duration
	done := 0
	for r := 0; r < rounds; r++ {
		n := (b.N - done) / (rounds - r)
		rawTime += write(n, false)
		regTime += write(n, true)
		done += n
	}
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
