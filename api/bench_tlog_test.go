package api

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchTileEvents is the size of BenchmarkTiles's ledger.
var benchTileEvents uint64 = 20000

// BenchmarkTiles measures tiles served per second over loopback HTTP from
// a ledger on disk, 64 clients at once. "hashes": what a client proving
// inclusion and consistency fetches (full level-0 hash tiles, the partial
// tiles at the edge, the level-1 tile, the checkpoint); the target is at
// least 5,000 requests per second. "entries": full entry bundles (about
// 150 KB each), what a mirror or a monitor downloads.
func BenchmarkTiles(b *testing.B) {
	ts := newDiskServer(b)
	d := ts.district()
	ts.grow(d.gen, benchTileEvents)
	size := ts.size()
	full := size / 256
	var hashes, entries []string
	for n := uint64(0); n < full; n++ {
		hashes = append(hashes, fmt.Sprintf("tile/0/%03d", n))
		entries = append(entries, fmt.Sprintf("tile/entries/%03d", n))
	}
	hashes = append(hashes, fmt.Sprintf("tile/0/%03d.p/%d", full, size%256), fmt.Sprintf("tile/1/000.p/%d", full), "checkpoint")
	base := ts.url + "/api/v1/tlog/"
	b.Run("hashes", func(b *testing.B) { benchTileFetch(b, base, hashes) })
	b.Run("entries", func(b *testing.B) { benchTileFetch(b, base, entries) })
}

func benchTileFetch(b *testing.B, base string, paths []string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	const clients = 64
	var next, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			mine := make([]time.Duration, 0, b.N/clients+1)
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				t := time.Now()
				resp, err := client.Get(base + paths[int(i*7919)%len(paths)])
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	client.CloseIdleConnections()
	if failed.Load() > 0 {
		b.Fatalf("%d tile requests failed", failed.Load())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
