package api

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"filippo.io/torchwood"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// grow registers batches in-process, from several goroutines, until the
// ledger holds at least n events.
func (ts *testServer) grow(gen actor, n uint64) {
	ts.t.Helper()
	p, err := ts.svc.Authenticate(gen.token)
	require.NoError(ts.t, err)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ts.size() < n; i++ {
				in := ledger.WasteInput{Code: benchCodes[(g+i)%4], Form: "liquid", Quantity: 1500,
					Container: ledger.Container{Type: "桶", Count: 1}, Storage: "A",
					GeneratedAt: ts.clock.Now().Add(-time.Duration(1+(g*97+i)%300) * 24 * time.Hour)}
				if _, err := ts.svc.RegisterWaste(context.Background(), p, in); err != nil {
					ts.t.Errorf("register: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// tree reads GET /tlog/checkpoint, verifies its signature with the
// ledger's key and returns it as an x/mod tlog tree.
func tlogTree(t *testing.T, base string, v note.Verifier) (tlog.Tree, []byte) {
	t.Helper()
	resp, err := http.Get(base + "checkpoint")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, cacheCheckpoint, resp.Header.Get("Cache-Control"))
	n, err := note.Open(b, note.VerifierList(v))
	require.NoError(t, err)
	c, err := torchwood.ParseCheckpoint(n.Text)
	require.NoError(t, err)
	return c.Tree, b
}

// TestTilesVerifyWithAnIndependentClient serves a real ledger as tiles and
// checks it with torchwood's tlog-tiles client and x/mod's tlog (neither
// written by this project), using the tiles alone: every event through the
// client's verified entry iterator, inclusion proofs of sampled events, a
// consistency proof between two checkpoints; then every tile and bundle
// byte for byte against x/mod's tlog over the same events, and bad paths.
func TestTilesVerifyWithAnIndependentClient(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	ts.grow(d.gen, 600)
	base := ts.url + "/api/v1/tlog/"
	v := ts.svc.Log().Key().Verifier
	ctx := context.Background()

	fetcher, err := torchwood.NewTileFetcher(base)
	require.NoError(t, err)
	older, _ := tlogTree(t, base, v)
	ts.grow(d.gen2, 1100)
	tree, _ := tlogTree(t, base, v)
	require.Greater(t, tree.N, older.N)

	// Every event, verified by the client against the checkpoint through
	// the hash tiles, equals the event the API serves.
	client, err := torchwood.NewClient(fetcher)
	require.NoError(t, err)
	var events [][]byte
	for i, e := range client.Entries(ctx, tree, 0) {
		require.Equal(t, int64(len(events)), i)
		events = append(events, e)
	}
	require.NoError(t, client.Err())
	require.Equal(t, int(tree.N/256*256), len(events), "the iterator stops before the partial bundle")
	for i := int64(len(events)); i < tree.N; i++ {
		e, _, err := client.Entry(ctx, tree, i) // from the partial bundle, with its inclusion proof checked
		require.NoError(t, err)
		events = append(events, e)
	}
	require.Equal(t, int(tree.N), len(events))
	for _, i := range []int{0, 255, 256, 599, int(tree.N) - 1} {
		ev, err := ts.svc.Log().Event(uint64(i))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(ev, events[i]), "event %d", i)
	}

	// Inclusion and consistency proofs computed from the tiles alone.
	hr := torchwood.TileHashReaderWithContext(ctx, tree, fetcher)
	for _, i := range []int64{0, 1, 255, 256, 511, 512, 777, tree.N - 1} {
		p, err := tlog.ProveRecord(tree.N, i, hr)
		require.NoError(t, err, "inclusion of %d", i)
		require.NoError(t, tlog.CheckRecord(p, tree.N, tree.Hash, i, tlog.RecordHash(events[i])), "inclusion of %d", i)
	}
	p, err := tlog.ProveTree(tree.N, older.N, hr)
	require.NoError(t, err)
	require.NoError(t, tlog.CheckTree(p, tree.N, tree.Hash, older.N, older.Hash))
	// Tampered: the same proof does not join the older tree to another root.
	wrong := older.Hash
	wrong[0] ^= 1
	assert.Error(t, tlog.CheckTree(p, tree.N, tree.Hash, older.N, wrong))

	// Byte for byte: x/mod's tlog computes every tile of the tree from the
	// events; the server must serve exactly that, full and partial.
	ref := refStored(t, events)
	for _, tile := range tlog.NewTiles(8, 0, tree.N) {
		want, err := tlog.ReadTileData(tile, ref)
		require.NoError(t, err)
		got, hdr := getTile(t, base+torchwood.TilePath(tile))
		require.True(t, bytes.Equal(want, got), "tile %s: %d bytes, x/mod's tlog computes %d", torchwood.TilePath(tile), len(got), len(want))
		assert.Equal(t, "application/octet-stream", hdr.Get("Content-Type"))
		if tile.W == 256 {
			assert.Equal(t, "public, max-age=31536000, immutable", hdr.Get("Cache-Control"), torchwood.TilePath(tile))
		} else {
			assert.Equal(t, cachePartialTile, hdr.Get("Cache-Control"), torchwood.TilePath(tile))
		}
		if tile.L != 0 {
			continue
		}
		bundle := tile
		bundle.L = -1
		got, _ = getTile(t, base+torchwood.TilePath(bundle))
		// Framing: a big-endian uint16 length, then the event's bytes.
		for i := tile.N * 256; i < tile.N*256+int64(tile.W); i++ {
			require.GreaterOrEqual(t, len(got), 2)
			n := int(binary.BigEndian.Uint16(got))
			require.Equal(t, len(events[i]), n, "length prefix of event %d", i)
			require.True(t, bytes.Equal(events[i], got[2:2+n]), "event %d in its bundle", i)
			got = got[2+n:]
		}
		assert.Empty(t, got, "nothing after the last entry of bundle %d", tile.N)
	}

	// A partial tile exists at every width the tree holds; nothing beyond.
	full := int(tree.N / 256)
	w := int(tree.N % 256)
	require.Positive(t, w)
	for path, status := range map[string]int{
		fmt.Sprintf("tile/0/%03d.p/%d", full, w):             200,
		fmt.Sprintf("tile/0/%03d.p/%d", full, w+1):           404,
		fmt.Sprintf("tile/0/%03d", full):                     404, // not full yet
		fmt.Sprintf("tile/entries/%03d.p/%d", full, w):       200,
		fmt.Sprintf("tile/entries/%03d", full):               404,
		"tile/0/000.p/7":                                     200,
		"tile/1/000.p/" + fmt.Sprint(full):                   200,
		"tile/1/000.p/" + fmt.Sprint(full+1):                 404,
		"tile/1/000":                                         404,
		"tile/2/000.p/1":                                     404, // the tree is below 65,536 events
		"tile/0/x001/000":                                    404,
		"tile/0/0":                                           400, // three digits
		"tile/0/x000/000":                                    400, // no leading zero groups
		"tile/0/000.p/0":                                     400,
		"tile/0/000.p/256":                                   400,
		"tile/64/000":                                        400,
		"tile/-1/000":                                        400,
		"tile/0/001.p/":                                      400,
		"tile/entries/abc":                                   400,
		"tile/data/000":                                      400,
		fmt.Sprintf("tile/0/%03d/", full):                    400,
		"tile/0/000?x=1":                                     200,
		"tile/0/x018/x446/x744/x073/x709/x551/615":           400, // beyond uint64
		fmt.Sprintf("tile/0/%03d.p/%d", full-1, 255):         200, // the prefix of a full tile
		fmt.Sprintf("tile/entries/%03d.p/%d", full-1, 1):     200,
		fmt.Sprintf("tile/entries/x001/%03d.p/%d", full, 1):  404,
		fmt.Sprintf("tile/entries/%03d.p/%d", full+1, w):     404,
		fmt.Sprintf("tile/entries/%03d.p/%d", full+100, 255): 404,
	} {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, status, resp.StatusCode, path)
	}
}

// refStored is x/mod tlog's stored-hash array for events: its own RFC
// 6962 tree.
func refStored(t *testing.T, events [][]byte) tlog.HashReaderFunc {
	var stored []tlog.Hash
	rd := tlog.HashReaderFunc(func(i []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(i))
		for k, x := range i {
			out[k] = stored[x]
		}
		return out, nil
	})
	for n, e := range events {
		h, err := tlog.StoredHashes(int64(n), e, rd)
		require.NoError(t, err)
		stored = append(stored, h...)
	}
	return rd
}

func getTile(t *testing.T, url string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", url, bytes.TrimSpace(b))
	return b, resp.Header
}
