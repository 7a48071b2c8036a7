package witness_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/chain/chaintest"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/require"
)

const origin = "test.hwledger.example/410104"

// testKey is the ledgers' checkpoint key: two logs opened with it are two
// histories of the same ledger (a fork).
func testKey(t testing.TB) chain.Key {
	t.Helper()
	k, err := chain.NewKey(origin)
	require.NoError(t, err)
	return k
}

// newLog opens an in-memory ledger signed with key.
func newLog(t testing.TB, key chain.Key) *chain.Log {
	t.Helper()
	return chaintest.Open(t, "", chain.Options{Key: &key, Origin: origin})
}

// grow appends n events, one command each.
func grow(t testing.TB, l *chain.Log, n int) {
	t.Helper()
	for range n {
		_, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
			_, err := tx.Append(chain.Draft{Type: "test.event", Data: map[string]int{"n": int(tx.Size())}})
			return err
		})
		require.NoError(t, err)
	}
}

func checkpoint(t testing.TB, l *chain.Log) []byte {
	t.Helper()
	cp, err := l.Checkpoint()
	require.NoError(t, err)
	return cp
}

// startWitness runs a witness on dir for the ledger key, over loopback HTTP.
func startWitness(t testing.TB, dir string, key chain.Key) (*witness.Witness, string) {
	t.Helper()
	w, err := witness.Open(witness.Config{Dir: dir, Name: "witness.test/w1",
		Logs: []witness.LogConfig{{Origin: origin, Verifier: key.Verifier}}})
	require.NoError(t, err)
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(func() { srv.Close(); w.Close() })
	return w, srv.URL
}

// startHandler serves an open witness over loopback HTTP.
func startHandler(t testing.TB, w *witness.Witness) string {
	t.Helper()
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// post sends one add-checkpoint request and returns status, content type
// and body.
func post(t testing.TB, url string, req witness.Request) (int, string, []byte) {
	t.Helper()
	return postBody(t, url, req.Marshal())
}

func postBody(t testing.TB, url string, body []byte) (int, string, []byte) {
	t.Helper()
	resp, err := http.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// proof returns the ledger's consistency proof from old to its size.
func proof(t testing.TB, l *chain.Log, old uint64) [][]byte {
	t.Helper()
	if old == 0 || old == l.Size() {
		return nil
	}
	p, err := l.ConsistencyProof(old, l.Size())
	require.NoError(t, err)
	return p
}
