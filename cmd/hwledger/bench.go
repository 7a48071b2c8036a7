package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

func init() {
	register("bench", "measure durable appends/s, verify MB/s and proof latency against their ceilings; write bench.json", cmdBench)
}

// benchReport is what bench.json holds.
type benchReport struct {
	Machine struct {
		CPUs int    `json:"cpus"`
		Go   string `json:"go"`
		OS   string `json:"os"`
	} `json:"machine"`
	Appends []appendResult  `json:"appends"`
	Verify  verifyResult    `json:"verify"`
	Proofs  proofResult     `json:"proofs"`
	Goals   map[string]bool `json:"goals"`
}

func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "bench.json", "write the figures as JSON here (\"\" = don't)")
	events := fs.Int("events", 1_000_000, "events in the log used for verify and proof latency")
	dur := fs.Duration("duration", 3*time.Second, "how long each append measurement runs")
	dir := fs.String("dir", "", "scratch directory (default: a new temporary directory, removed after)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *events < 1 || *dur <= 0 {
		if err == nil {
			fmt.Fprintln(stderr, "bench: --events and --duration must be positive; no arguments")
		}
		return 2
	}
	scratch := *dir
	if scratch == "" {
		var err error
		if scratch, err = os.MkdirTemp("", "hwledger-bench-"); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		defer os.RemoveAll(scratch)
	}
	rep, err := runBench(scratch, *events, *dur, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	printBench(stdout, rep)
	if *out != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		fmt.Fprintln(stdout, "wrote", *out)
	}
	return 0
}

func runBench(scratch string, events int, dur time.Duration, progress io.Writer) (*benchReport, error) {
	rep := &benchReport{Goals: map[string]bool{}}
	rep.Machine.CPUs = runtime.NumCPU()
	rep.Machine.Go = runtime.Version()
	rep.Machine.OS = runtime.GOOS + "/" + runtime.GOARCH
	for i, n := range []int{1, 16, 256} {
		fmt.Fprintf(progress, "appends with %d appenders…\n", n)
		r, err := benchAppends(fmt.Sprintf("%s/appends-%d", scratch, i), n, dur)
		if err != nil {
			return nil, err
		}
		rep.Appends = append(rep.Appends, r)
	}
	last := rep.Appends[len(rep.Appends)-1]
	rep.Goals["appends_256_ge_50pct_ceiling"] = last.Ratio >= 0.5
	rep.Goals["appends_256_ge_50k_per_sec"] = last.EventsPerSec >= 50_000

	fmt.Fprintf(progress, "building a log of %d events…\n", events)
	big := scratch + "/big"
	if err := buildBig(big, events); err != nil {
		return nil, err
	}
	fmt.Fprintln(progress, "verify…")
	v, err := benchVerify(big)
	if err != nil {
		return nil, err
	}
	rep.Verify = v
	rep.Goals["verify_ge_50pct_sha256"] = v.Ratio >= 0.5
	fmt.Fprintln(progress, "proofs…")
	p, err := benchProofs(big)
	if err != nil {
		return nil, err
	}
	rep.Proofs = p
	rep.Goals["inclusion_p99_lt_1ms"] = p.InclusionP99us < 1000
	rep.Goals["consistency_p99_lt_1ms"] = p.ConsistencyP99us < 1000
	return rep, nil
}

// appendResult is one durable-append measurement against its ceiling.
type appendResult struct {
	Appenders       int     `json:"appenders"`
	Events          int64   `json:"events"`
	Seconds         float64 `json:"seconds"`
	EventsPerSec    float64 `json:"events_per_sec"`
	AvgBatch        float64 `json:"avg_batch"`
	EventBytes      int     `json:"event_bytes"`
	CeilingPerSec   float64 `json:"ceiling_events_per_sec"`
	CeilingBatches  int64   `json:"ceiling_batches"`
	Ratio           float64 `json:"ratio"`
	P50AckLatencyMs float64 `json:"p50_ack_latency_ms"`
}

// benchDraft is a typical event: its canonical bytes are about 300 bytes.
func benchDraft(n int) chain.Draft {
	return chain.Draft{
		Type:    "waste.registered",
		Actor:   chain.Actor{Party: "p-00000042", Role: "generator"},
		Subject: fmt.Sprintf("w-%08d", n),
		Data:    map[string]any{"code": "900-041-49", "quantity_g": 12500, "form": "solid"},
	}
}

// benchAppends runs n appenders, one event per command, for dur on a fresh
// ledger in dir, then measures the ceiling for the batch size it formed.
func benchAppends(dir string, n int, dur time.Duration) (appendResult, error) {
	var commits, evs atomic.Int64
	l, err := chain.Open(chain.Options{Dir: dir, AfterCommit: func(e []*chain.Event) {
		commits.Add(1)
		evs.Add(int64(len(e)))
	}})
	if err != nil {
		return appendResult{}, err
	}
	var wg sync.WaitGroup
	var failed atomic.Value
	lat := make([][]time.Duration, n)
	start := time.Now()
	stop := start.Add(dur)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; time.Now().Before(stop); k++ {
				t0 := time.Now()
				_, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
					_, err := tx.Append(benchDraft(g*1_000_000 + k))
					return err
				})
				if err != nil {
					failed.Store(err)
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var eventBytes int
	if b, err := l.Event(0); err == nil {
		eventBytes = len(b)
	}
	cp, _ := l.Checkpoint()
	if err := l.Close(); err != nil {
		return appendResult{}, err
	}
	if err, ok := failed.Load().(error); ok {
		return appendResult{}, err
	}
	var all []time.Duration
	for _, s := range lat {
		all = append(all, s...)
	}
	r := appendResult{
		Appenders:       n,
		Events:          evs.Load(),
		Seconds:         elapsed.Seconds(),
		EventsPerSec:    float64(evs.Load()) / elapsed.Seconds(),
		AvgBatch:        float64(evs.Load()) / float64(max(commits.Load(), 1)),
		EventBytes:      eventBytes,
		P50AckLatencyMs: float64(percentile(all, 0.50)) / 1e6,
	}
	batch := max(int(r.AvgBatch+0.5), 1)
	r.CeilingPerSec, r.CeilingBatches, err = ceiling(dir+"-ceiling", batch, eventBytes, len(cp), dur)
	if err != nil {
		return r, err
	}
	r.Ratio = r.EventsPerSec / r.CeilingPerSec
	return r, nil
}

func printBench(w io.Writer, r *benchReport) {
	fmt.Fprintf(w, "\nhwledger bench — %s, %d CPUs, %s\n\n", r.Machine.OS, r.Machine.CPUs, r.Machine.Go)
	fmt.Fprintln(w, "durable appends (one ~300-byte event per command, synced group commit)")
	fmt.Fprintf(w, "  %-10s %12s %10s %12s %16s %8s\n", "appenders", "events/s", "avg batch", "p50 ack ms", "ceiling events/s", "ratio")
	for _, a := range r.Appends {
		fmt.Fprintf(w, "  %-10d %12.0f %10.1f %12.2f %16.0f %7.0f%%\n", a.Appenders, a.EventsPerSec, a.AvgBatch, a.P50AckLatencyMs, a.CeilingPerSec, 100*a.Ratio)
	}
	v := r.Verify
	fmt.Fprintf(w, "\nverify (%d events, %.1f MB)\n", v.Events, float64(v.Bytes)/1e6)
	fmt.Fprintf(w, "  %.1f MB/s, %.0f events/s; SHA-256 of the same bytes %.1f MB/s; ratio %.0f%%\n", v.MBPerSec, v.EventsPerSec, v.SHA256MBPerSec, 100*v.Ratio)
	p := r.Proofs
	fmt.Fprintf(w, "\nproofs on a %d-event log (%d samples each)\n", p.Events, p.Samples)
	fmt.Fprintf(w, "  inclusion    p50 %7.1f µs   p99 %7.1f µs\n", p.InclusionP50us, p.InclusionP99us)
	fmt.Fprintf(w, "  consistency  p50 %7.1f µs   p99 %7.1f µs\n", p.ConsistencyP50us, p.ConsistencyP99us)
	fmt.Fprintln(w, "\ngoals")
	names := []string{"appends_256_ge_50pct_ceiling", "appends_256_ge_50k_per_sec", "verify_ge_50pct_sha256", "inclusion_p99_lt_1ms", "consistency_p99_lt_1ms"}
	for _, n := range names {
		mark := "met"
		if !r.Goals[n] {
			mark = "MISSED"
		}
		fmt.Fprintf(w, "  %-30s %s\n", strings.ReplaceAll(n, "_", " "), mark)
	}
}
