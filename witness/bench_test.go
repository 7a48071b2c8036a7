package witness_test

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

// BenchmarkCosign measures add-checkpoint over loopback HTTP against a
// witness on disk that holds a checkpoint of a 1,000,000-event log: each
// request brings the next checkpoint (one more event) with its consistency
// proof; the witness verifies the signature and the proof, replaces its
// state durably (fsync) and cosigns. The target is p99 < 20 ms.
func BenchmarkCosign(b *testing.B) {
	const base = 1_000_000
	key := testKey(b)
	tree := testonly.New(rfc6962.DefaultHasher)
	for i := range base + b.N {
		tree.AppendData([]byte{byte(i), byte(i >> 8), byte(i >> 16), 'e'})
	}
	sign := func(size uint64) []byte {
		text := chain.Checkpoint{Origin: origin, Size: size, Root: tree.HashAt(size)}.Text()
		signed, err := note.Sign(&note.Note{Text: text}, key.Signer)
		if err != nil {
			b.Fatal(err)
		}
		return signed
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		size := uint64(base + i + 1)
		p, err := tree.ConsistencyProof(size-1, size)
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = witness.Request{Old: size - 1, Proof: p, Checkpoint: sign(size)}.Marshal()
	}
	_, url := startWitness(b, b.TempDir(), key)
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(body []byte) {
		resp, err := client.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%d %s", resp.StatusCode, msg)
		}
	}
	post(witness.Request{Old: 0, Checkpoint: sign(base)}.Marshal())

	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i, body := range bodies {
		t := time.Now()
		post(body)
		lat[i] = time.Since(t)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
