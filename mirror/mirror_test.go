package mirror_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/mirror"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inspectorView is what an inspector reads: every batch and alert.
func inspectorView(t *testing.T, s *ledger.Service) (wastes, alerts int, firstWaste *ledger.Waste) {
	t.Helper()
	insp := ledger.Principal{Party: "x", Roles: []ledger.Role{ledger.RoleInspector}}
	ctx := context.Background()
	pg := ledger.Page{Limit: 500}
	for {
		l, err := s.Wastes(ctx, insp, ledger.WasteFilter{}, pg)
		require.NoError(t, err)
		if firstWaste == nil && len(l.Items) > 0 {
			firstWaste = l.Items[0]
		}
		wastes += len(l.Items)
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	al, err := s.Alerts(ctx, insp, ledger.AlertFilter{}, ledger.Page{Limit: 500})
	require.NoError(t, err)
	return wastes, len(al.Items), firstWaste
}

func TestMirrorCopiesTheLedgerAndServesItReadOnly(t *testing.T) {
	p := startPrimary(t)
	// From the public tiles, without a token.
	msvc, m := openMirror(t, p, t.TempDir(), "")
	n, err := m.Sync(context.Background())
	require.NoError(t, err)
	require.EqualValues(t, p.svc.Log().Size(), n)
	requireSameLog(t, p.svc, msvc)
	pw, pa, pfirst := inspectorView(t, p.svc)
	mw, ma, mfirst := inspectorView(t, msvc)
	assert.Equal(t, pw, mw, "the same batches")
	assert.Equal(t, pa, ma, "the same alerts")
	assert.Equal(t, pfirst, mfirst)
	st := m.Status()
	assert.Equal(t, p.svc.Log().Size(), st.Size)
	assert.NotNil(t, st.LastSync)
	assert.Empty(t, st.Error)

	// Nothing new: nothing copied. Then more, through the events route
	// with an inspector's token, past a chunk boundary.
	n, err = m.Sync(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
	m = newMirror(t, p, msvc, p.inspector)
	p.register(t, 700)
	n, err = m.Sync(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 700, n)
	requireSameLog(t, p.svc, msvc)

	// The mirror's API: reads as the primary's, writes refused.
	srv, err := api.New(api.Config{Service: msvc, Mirror: m})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	get := func(base, path, token string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	for _, path := range []string{"/api/v1/ledger/checkpoint", "/api/v1/ledger/key", "/api/v1/tlog/tile/entries/000",
		"/api/v1/wastes?limit=5", "/api/v1/alerts?limit=5", "/api/v1/ledger/events?from=3&limit=10"} {
		ps, pb := get(p.srv.URL, path, p.inspector)
		ms, mb := get(hs.URL, path, p.inspector)
		assert.Equal(t, http.StatusOK, ps, path)
		assert.Equal(t, ps, ms, path)
		assert.Equal(t, string(pb), string(mb), path)
	}
	size := msvc.Log().Size()
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/wastes", strings.NewReader(`{"code":"900-041-49"}`))
	req.Header.Set("Authorization", "Bearer "+p.inspector)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(body), `"read_only"`)
	assert.Contains(t, string(body), "mirror of "+p.srv.URL)
	assert.Equal(t, size, msvc.Log().Size(), "a refused write appends nothing")
	code, hb := get(hs.URL, "/healthz", "")
	assert.Equal(t, http.StatusOK, code)
	var h struct {
		Status string
		Mirror mirror.Status
	}
	require.NoError(t, json.Unmarshal(hb, &h))
	assert.Equal(t, "ok", h.Status)
	assert.Equal(t, p.svc.Log().Size(), h.Mirror.Size)
}

func TestMirrorRefusesWhatDoesNotVerify(t *testing.T) {
	p := startPrimary(t)
	msvc, m := openMirror(t, p, t.TempDir(), "")
	_, err := m.Sync(context.Background())
	require.NoError(t, err)
	old, err := p.svc.Log().Checkpoint()
	require.NoError(t, err)
	p.register(t, 300)
	held := msvc.Log().Size()
	ctx := context.Background()
	refused := func(what string) {
		t.Helper()
		n, err := m.Sync(ctx)
		var f *mirror.Fault
		require.ErrorAs(t, err, &f, what)
		t.Logf("%s: %v", what, err)
		assert.Zero(t, n, what)
		assert.Equal(t, held, msvc.Log().Size(), "%s: nothing copied", what)
		assert.True(t, m.Status().Fault, what)
	}

	// A checkpoint signed by a key other than the pinned one (the same
	// origin, another key): a server that took the primary's place.
	impostor, err := chain.Open(chain.Options{InMemory: true, Origin: p.svc.Log().Origin()})
	require.NoError(t, err)
	defer impostor.Close()
	_, _, _ = impostor.Head()
	forged, err := impostor.Checkpoint()
	require.NoError(t, err)
	p.forge("/api/v1/tlog/checkpoint", func() []byte { return forged })
	refused("checkpoint signed by an unknown key")

	// The primary's own older checkpoint: a rollback.
	p.register(t, 1)
	_, err = func() (uint64, error) { p.honest(); return m.Sync(ctx) }()
	require.NoError(t, err)
	held = msvc.Log().Size()
	p.register(t, 5)
	p.forge("/api/v1/tlog/checkpoint", func() []byte { return old })
	refused("an older checkpoint")

	// A consistency proof that does not verify.
	p.answer(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/v1/ledger/proof/consistency" {
			return false
		}
		q := r.URL.Query()
		_, _ = w.Write([]byte(`{"from":` + q.Get("from") + `,"to":` + q.Get("to") + `,"hashes":["` + strings.Repeat("A", 43) + `="]}`))
		return true
	})
	refused("a consistency proof that does not verify")

	// Event bytes changed in an entry bundle (still canonical events):
	// they no longer hash to the checkpoint.
	p.answer(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/tlog/tile/entries/") {
			return false
		}
		rec := httptest.NewRecorder()
		p.api.ServeHTTP(rec, r)
		b := rec.Body.Bytes()
		changed := bytes.ReplaceAll(b, []byte(`"count":1`), []byte(`"count":2`))
		require.NotEqual(t, b, changed)
		_, _ = w.Write(changed)
		return true
	})
	refused("events changed in an entry bundle")

	// Honest again: the mirror catches up.
	p.honest()
	_, err = m.Sync(ctx)
	require.NoError(t, err)
	requireSameLog(t, p.svc, msvc)
	assert.False(t, m.Status().Fault)
}
