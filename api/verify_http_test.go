package api

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// verifyHTTP checks the whole ledger through the public ledger routes, as
// an inspector's tool would: the signed checkpoint against the key, every
// event's index and prev link, the Merkle root, and a sample of inclusion
// and consistency proofs. It returns the verified size.
func verifyHTTP(t testing.TB, ts *testServer, token string) uint64 {
	t.Helper()
	key := ts.must(http.StatusOK, "GET", "/api/v1/ledger/key", "", nil, nil)
	v, err := note.NewVerifier(string(bytes.TrimSpace(key.body)))
	require.NoError(t, err)
	cpA := ts.must(http.StatusOK, "GET", "/api/v1/ledger/checkpoint", "", nil, nil)
	require.Contains(t, cpA.header.Get("Content-Type"), "text/plain")
	cp, err := chain.OpenCheckpoint(cpA.body, v)
	require.NoError(t, err)

	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	prev := chain.ZeroPrev
	var events [][]byte
	for from := uint64(0); from < cp.Size; {
		a := ts.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/ledger/events?from=%d&limit=500", from), token, nil, nil)
		require.Equal(t, "application/x-ndjson", a.header.Get("Content-Type"))
		sc := bufio.NewScanner(bytes.NewReader(a.body))
		sc.Buffer(nil, 16<<20)
		n := 0
		for sc.Scan() && from < cp.Size {
			line := append([]byte(nil), sc.Bytes()...)
			e, err := chain.Decode(line)
			require.NoError(t, err, "event %d", from)
			require.Equal(t, from, e.Index)
			require.Equal(t, prev, e.Prev, "prev of event %d", from)
			leaf := chain.HashLeaf(line)
			require.NoError(t, rng.Append(leaf, nil))
			prev = hex.EncodeToString(leaf)
			events = append(events, line)
			from++
			n++
		}
		require.Positive(t, n, "no progress at %d", from)
	}
	root, err := rng.GetRootHash(nil)
	require.NoError(t, err)
	require.Equal(t, cp.Root, root, "Merkle root of the events")

	for _, i := range []uint64{0, cp.Size / 2, cp.Size - 1} {
		var inc InclusionAnswer
		ts.must(http.StatusOK, "GET", "/api/v1/ledger/proof/inclusion?index="+strconv.FormatUint(i, 10)+"&size="+
			strconv.FormatUint(cp.Size, 10), "", nil, &inc)
		require.NoError(t, chain.VerifyInclusion(i, cp.Size, events[i], inc.Hashes, cp.Root))
	}
	if cp.Size > 2 {
		half := cp.Size / 2
		r1 := rf.NewEmptyRange(0)
		for _, e := range events[:half] {
			require.NoError(t, r1.Append(chain.HashLeaf(e), nil))
		}
		root1, err := r1.GetRootHash(nil)
		require.NoError(t, err)
		var con ConsistencyAnswer
		ts.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", half, cp.Size), "", nil, &con)
		require.NoError(t, chain.VerifyConsistency(half, cp.Size, con.Hashes, root1, cp.Root))
	}
	return cp.Size
}
