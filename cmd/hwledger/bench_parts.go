package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// ceiling measures raw Badger synced batch writes, opened with the options
// chain.Open uses, writing per batch what the writer writes for that many
// one-event commands: per event one item under c/e/<i> holding the entry
// (a count byte, the 32-byte tree nodes the append completed, the event of
// eventBytes); per batch the head (40 bytes) and the signed checkpoint
// (cpBytes). It returns events/s.
func ceiling(dir string, batch, eventBytes, cpBytes int, dur time.Duration) (float64, int64, error) {
	db, err := badger.Open(chain.StoreOptions(dir))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	event := make([]byte, eventBytes)
	for i := range event {
		event[i] = 'a' + byte(i%26)
	}
	nodes := make([]byte, 32*64)
	head, cp := make([]byte, 40), make([]byte, cpBytes)
	key := func(prefix string, i uint64) []byte { return binary.BigEndian.AppendUint64([]byte(prefix), i) }
	var idx uint64
	var batches int64
	start := time.Now()
	for time.Since(start) < dur {
		txn := db.NewTransaction(true)
		for range batch {
			levels := 1 + bits.TrailingZeros64(^idx) // leaf + completed parents
			entry := append(append([]byte{byte(levels)}, nodes[:32*levels]...), event...)
			if err := txn.Set(key("c/e/", idx), entry); err != nil {
				return 0, 0, err
			}
			idx++
		}
		if err := txn.Set([]byte("c/head"), head); err != nil {
			return 0, 0, err
		}
		if err := txn.Set([]byte("c/cp"), cp); err != nil {
			return 0, 0, err
		}
		if err := txn.Commit(); err != nil {
			return 0, 0, err
		}
		batches++
	}
	return float64(idx) / time.Since(start).Seconds(), batches, nil
}

// buildBig appends n events to a new ledger in dir quickly: commands of up
// to 1000 events each, from a few goroutines so batches are large.
func buildBig(dir string, n int) error {
	l, err := chain.Open(chain.Options{Dir: dir})
	if err != nil {
		return err
	}
	work := make(chan int)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				_, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
					for j := range k {
						if _, err := tx.Append(benchDraft(j)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for left := n; left > 0; {
		k := min(left, 1000)
		select {
		case work <- k:
			left -= k
		case err := <-errs:
			close(work)
			wg.Wait()
			l.Close()
			return err
		}
	}
	close(work)
	wg.Wait()
	if err := l.Close(); err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// verifyResult compares chain.Log.Verify with SHA-256 over the same bytes.
type verifyResult struct {
	Events         uint64  `json:"events"`
	Bytes          int64   `json:"bytes"`
	Seconds        float64 `json:"seconds"`
	MBPerSec       float64 `json:"mb_per_sec"`
	EventsPerSec   float64 `json:"events_per_sec"`
	SHA256MBPerSec float64 `json:"sha256_mb_per_sec"`
	Ratio          float64 `json:"ratio"`
}

func benchVerify(dir string) (verifyResult, error) {
	l, err := chain.Open(chain.Options{Dir: dir, ReadOnly: true})
	if err != nil {
		return verifyResult{}, err
	}
	defer l.Close()
	start := time.Now()
	rep, err := l.Verify(chain.VerifyOptions{})
	if err != nil {
		return verifyResult{}, err
	}
	el := time.Since(start).Seconds()
	r := verifyResult{Events: rep.Size, Bytes: rep.Bytes, Seconds: el,
		MBPerSec: float64(rep.Bytes) / 1e6 / el, EventsPerSec: float64(rep.Size) / el}

	// SHA-256 of the same event bytes, held in memory.
	evs := make([][]byte, 0, rep.Size)
	if err := l.Events(0, 0, func(_ uint64, b []byte) error {
		evs = append(evs, append([]byte(nil), b...))
		return nil
	}); err != nil {
		return r, err
	}
	start = time.Now()
	var sink byte
	for _, b := range evs {
		s := sha256.Sum256(b)
		sink ^= s[0]
	}
	_ = sink
	r.SHA256MBPerSec = float64(rep.Bytes) / 1e6 / time.Since(start).Seconds()
	r.Ratio = r.MBPerSec / r.SHA256MBPerSec
	return r, nil
}

// proofResult is proof latency on the big log, in microseconds.
type proofResult struct {
	Events           uint64  `json:"events"`
	Samples          int     `json:"samples"`
	InclusionP50us   float64 `json:"inclusion_p50_us"`
	InclusionP99us   float64 `json:"inclusion_p99_us"`
	ConsistencyP50us float64 `json:"consistency_p50_us"`
	ConsistencyP99us float64 `json:"consistency_p99_us"`
}

func benchProofs(dir string) (proofResult, error) {
	l, err := chain.Open(chain.Options{Dir: dir, ReadOnly: true})
	if err != nil {
		return proofResult{}, err
	}
	defer l.Close()
	n := l.Size()
	const samples = 20000
	r := rand.New(rand.NewPCG(1, 2))
	// Warm up first, as a serving process is: the latency of interest is
	// the steady state, not the first reads of a freshly opened store.
	for range samples / 4 {
		size := 1 + r.Uint64N(n)
		if _, err := l.InclusionProof(r.Uint64N(size), size); err != nil {
			return proofResult{}, err
		}
	}
	inc := make([]time.Duration, 0, samples)
	con := make([]time.Duration, 0, samples)
	for range samples {
		size := 1 + r.Uint64N(n)
		i := r.Uint64N(size)
		t0 := time.Now()
		if _, err := l.InclusionProof(i, size); err != nil {
			return proofResult{}, fmt.Errorf("inclusion %d in %d: %w", i, size, err)
		}
		inc = append(inc, time.Since(t0))
		a := 1 + r.Uint64N(size)
		t0 = time.Now()
		if _, err := l.ConsistencyProof(a, size); err != nil {
			return proofResult{}, fmt.Errorf("consistency %d→%d: %w", a, size, err)
		}
		con = append(con, time.Since(t0))
	}
	us := func(d time.Duration) float64 { return float64(d) / 1e3 }
	return proofResult{
		Events: n, Samples: samples,
		InclusionP50us: us(percentile(inc, 0.5)), InclusionP99us: us(percentile(inc, 0.99)),
		ConsistencyP50us: us(percentile(con, 0.5)), ConsistencyP99us: us(percentile(con, 0.99)),
	}, nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(int(p*float64(len(s))), len(s)-1)]
}
