package api

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
)

// BenchmarkLedgerBookExport downloads one party's 台账 over loopback HTTP
// from a ledger on disk, as CSV (the generation records) and as XLSX
// (every record type), at two sizes of the party's history, and reports
// the live heap the export added at its peak: the heap marked live by
// the garbage collector, which runs at GOGC=10 meanwhile so that it marks
// often, sampled every millisecond over the whole download, above the
// live heap before it. The export is streamed: the peak must stay flat
// when the book grows tenfold.
func BenchmarkLedgerBookExport(b *testing.B) {
	ts := newDiskServer(b)
	d := ts.district()
	for _, batches := range []uint64{5_000, 50_000} {
		ts.grow(d.gen, batches)
		base := ts.url + "/api/v1/parties/" + d.gen.id + "/ledger-book?from=2025-01-01&to=2026-03-02"
		for _, f := range []struct{ name, accept, query string }{
			{"csv", "text/csv", "&record=generation"},
			{"xlsx", httpx.XLSXType, ""},
		} {
			b.Run(fmt.Sprintf("%s/batches=%d", f.name, batches), func(b *testing.B) {
				var peak, bytesOut, rows uint64
				for b.Loop() {
					p, n, r := exportPeak(b, base+f.query, f.accept, d.gen.token)
					peak, bytesOut, rows = max(peak, p), n, r
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(bytesOut)/(1<<20), "body-MB")
				if f.name == "csv" {
					b.ReportMetric(float64(rows), "rows")
				}
			})
		}
	}
}

// liveHeap is the heap the last garbage collection marked live.
func liveHeap() uint64 {
	s := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(s)
	return s[0].Value.Uint64()
}

// exportPeak GETs u and answers the peak heap above the heap in use
// before, the body's size and its line count.
func exportPeak(b *testing.B, u, accept, token string) (peak, size, lines uint64) {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	before := liveHeap()
	var top atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if h := liveHeap(); h > before && h-before > top.Load() {
				top.Store(h - before)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", accept)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReaderSize(res.Body, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		n, err := br.Read(buf)
		size += uint64(n)
		lines += uint64(bytes.Count(buf[:n], []byte{'\n'}))
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	res.Body.Close()
	close(stop)
	wg.Wait()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s", u, res.Status)
	}
	return top.Load(), size, lines
}
