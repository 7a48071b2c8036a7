package web

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// TestTraceSaysHowManyWitnessesCosigned: with a real witness cosigning the
// ledger, the trace page says how many witnesses cosigned the published
// checkpoint and whether the traced events are in it.
func TestTraceSaysHowManyWitnessesCosigned(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	key := f.svc.Log().Key()
	w, err := witness.Open(witness.Config{Dir: t.TempDir(), Name: "witness.test/city",
		Logs: []witness.LogConfig{{Origin: f.svc.Log().Origin(), Verifier: key.Verifier}}})
	require.NoError(t, err)
	wsrv := httptest.NewServer(w.Handler())
	t.Cleanup(func() { wsrv.Close(); w.Close() })
	v, err := witness.NewVerifier(w.VerifierKey())
	require.NoError(t, err)
	coll, err := witness.NewCollector(witness.CollectorConfig{Log: f.svc.Log(),
		Witnesses: []witness.Remote{{URL: wsrv.URL, Verifier: v}}, Interval: 5 * time.Millisecond})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); coll.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	h, err := New(f.svc, Options{Witnesses: coll})
	require.NoError(t, err)
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)

	gen, err := f.svc.Authenticate(f.tokens["gen"])
	require.NoError(t, err)
	x, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "liquid", Quantity: ledger.KgToGrams(12),
		Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	coll.Notify()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cp, n, err := coll.Checkpoint()
		require.NoError(t, err)
		latest, _ := f.svc.Log().Checkpoint()
		if n == 1 && strings.HasPrefix(string(cp), string(latest)) {
			break
		}
		require.True(t, time.Now().Before(deadline), "not cosigned")
		time.Sleep(5 * time.Millisecond)
	}

	c := client(t)
	signIn(t, f, c, f.tokens["inspector"])
	res, err := c.Get(f.srv.URL + "/trace/" + x.ID)
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	page := string(b)
	assert.Contains(t, page, `id="trace-witnesses"`)
	assert.Contains(t, page, "有 1 个见证方联署，已配置 1 个，要求 1 个")
	assert.Contains(t, page, "本追溯的全部事件都在其中")

	// The checkpoint to keep is the published one, with its cosignature.
	res, err = c.Get(f.srv.URL + "/ledger/checkpoint")
	require.NoError(t, err)
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	_, n, err := witness.Policy{Witnesses: []note.Verifier{v}, K: 1}.Check(b, key.Verifier)
	require.NoError(t, err, "%s", b)
	assert.Equal(t, 1, n)
}
