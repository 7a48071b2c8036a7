package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/internal/testfs"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// healthOf answers GET /healthz: its status code and body.
func healthOf(t *testing.T, url string) (int, struct {
	Status     string `json:"status"`
	LedgerSize uint64 `json:"ledger_size"`
	Reason     string `json:"reason"`
}) {
	t.Helper()
	var h struct {
		Status     string `json:"status"`
		LedgerSize uint64 `json:"ledger_size"`
		Reason     string `json:"reason"`
	}
	resp, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	return resp.StatusCode, h
}

// refusedReadOnly requires a write to answer 503 read_only.
func refusedReadOnly(t *testing.T, client *http.Client, method, url, token string, body any) {
	t.Helper()
	status, b := call(t, client, method, url, token, body)
	assert.Equal(t, http.StatusServiceUnavailable, status, "%s %s: %s", method, url, b)
	assert.Contains(t, string(b), `"code":"read_only"`, "%s %s", method, url)
}

// page returns the body of GET url.
func page(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// The chaos test: a running server's store is corrupted behind its back
// (an event's bytes rewritten through the store's own handle, as a raw
// Badger write that bypasses the writer) while clients write. Within the
// watch interval the server turns read-only: every write answers 503
// read_only, /healthz says why, the web UI shows a banner, and nothing is
// appended after the fault. Started again on that store, it starts
// read-only; verify names the event.
func TestChaosCorruptedStoreTurnsReadOnly(t *testing.T) {
	t.Setenv(adminTokenEnv, "")
	dir := t.TempDir()
	var svc *ledger.Service
	o := serveOptions{dir: dir, opened: func(s *ledger.Service) { svc = s }}
	o.cfg.Background = map[string]string{"watch_every": "20ms", "verify_every": "50ms"}
	p := serveInProcess(t, o)
	b, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	require.NoError(t, err)
	admin := strings.TrimSpace(string(b))
	client := &http.Client{Timeout: 10 * time.Second}
	api := p.url + "/api/v1"

	cc, err := ident.CompleteCreditCode("91410104MA0000001")
	require.NoError(t, err)
	status, body := call(t, client, "POST", api+"/parties", admin, map[string]any{"name": "顺达汽修", "credit_code": cc,
		"roles": []string{"generator"}, "street": "南关", "address": "郑州市", "contact": map[string]any{"name": "张", "phone": "1"}})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var party struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &party))
	status, body = call(t, client, "POST", api+"/parties/"+party.ID+"/tokens", admin, nil)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var tok struct{ ID, Token string }
	require.NoError(t, json.Unmarshal(body, &tok))
	waste := func() map[string]any {
		return map[string]any{"code": "900-041-49", "form": "liquid", "quantity_kg": 1.5,
			"container": map[string]any{"type": "桶", "count": 1}, "storage": "A",
			"generated_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)}
	}

	// Clients write throughout; every answer is 201 or 503 read_only.
	var wg sync.WaitGroup
	var created, refused atomic.Int64
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				bb, _ := json.Marshal(waste())
				req, _ := http.NewRequest("POST", api+"/wastes", bytes.NewReader(bb))
				req.Header.Set("Authorization", "Bearer "+tok.Token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err != nil {
					t.Errorf("write: %v", err)
					return
				}
				rb, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == http.StatusCreated:
					created.Add(1)
				case resp.StatusCode == http.StatusServiceUnavailable && bytes.Contains(rb, []byte(`"read_only"`)):
					refused.Add(1)
				default:
					t.Errorf("write: %d %s", resp.StatusCode, rb)
					return
				}
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	code, h := healthOf(t, p.url)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", h.Status)

	// The corruption: event 3's bytes, through the running store's handle.
	require.NoError(t, svc.Log().DB().Update(func(txn *badger.Txn) error {
		item, err := txn.Get(chain.EventKey(3))
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		return txn.Set(chain.EventKey(3), bytes.Replace(v, []byte(`"admin"`), []byte(`"ADMIN"`), 1))
	}))
	corrupted := time.Now()
	require.Eventually(t, func() bool { code, _ := healthOf(t, p.url); return code == http.StatusServiceUnavailable },
		5*time.Second, 5*time.Millisecond)
	t.Logf("read-only %s after the corruption (watch every 20ms, whole chain every 50ms)", time.Since(corrupted).Round(time.Millisecond))
	code, h = healthOf(t, p.url)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "read_only", h.Status)
	assert.Contains(t, h.Reason, "event 3")
	size := h.LedgerSize
	assert.Equal(t, size, svc.Log().Size())

	time.Sleep(200 * time.Millisecond) // the writers keep trying
	close(stop)
	wg.Wait()
	assert.Positive(t, created.Load())
	assert.Positive(t, refused.Load(), "writes after the fault are refused")

	// Every kind of write, with or without a valid token, is refused.
	refusedReadOnly(t, client, "POST", api+"/wastes", tok.Token, waste())
	refusedReadOnly(t, client, "POST", api+"/wastes", "", waste())
	refusedReadOnly(t, client, "POST", api+"/parties", admin, map[string]any{"name": "x"})
	refusedReadOnly(t, client, "POST", api+"/parties/"+party.ID+"/tokens", admin, nil)
	refusedReadOnly(t, client, "DELETE", api+"/tokens/"+tok.ID, admin, nil)
	refusedReadOnly(t, client, "POST", api+"/alerts/read-only/ack", admin, map[string]any{"note": "seen"})
	_, h = healthOf(t, p.url)
	assert.Equal(t, size, h.LedgerSize, "nothing appended after the fault")
	// Reads go on.
	status, body = call(t, client, "GET", api+"/wastes?limit=1", tok.Token, nil)
	assert.Equal(t, http.StatusOK, status, "%s", body)
	status, body = call(t, client, "GET", api+"/alerts?kind=integrity", admin, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"id":"read-only"`)
	assert.Contains(t, page(t, p.url+"/signin"), `id="read-only"`, "the web UI shows the banner")
	status, body = call(t, client, "GET", p.url+"/metrics", admin, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "hwledger_read_only 1")
	p.stop(t)
	assert.Equal(t, size, ledgerSize(t, dir))
	_, err = os.Stat(filepath.Join(dir, "state.digest"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no state digest is recorded after a fault")

	// Started again on the corrupted store: read-only from the start.
	p = serveInProcess(t, serveOptions{dir: dir})
	assert.Contains(t, p.out.String(), "READ-ONLY: start-up check: event 3")
	code, h = healthOf(t, p.url)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	refusedReadOnly(t, client, "POST", p.url+"/api/v1/wastes", tok.Token, waste())
	p.stop(t)
	assert.Equal(t, size, ledgerSize(t, dir))
	code2, out := verifyCmd(t, "--data", dir)
	assert.Equal(t, verifyFault, code2, out)
	assert.Contains(t, out, "FAIL: event 3")
}

// A server started on a tampered state (testdata/ledgers/state: the log is
// sound, a stored batch says "stored" where the log disposed of it) starts
// read-only and appends nothing, not even its admin token; after the
// operator rebuilds the state from the log (reindex) it starts normally.
func TestServeStartsReadOnlyOnTamperedState(t *testing.T) {
	t.Setenv(adminTokenEnv, "")
	dir := testfs.CopyDir(t, filepath.Join(ledgersDir, "state"))
	size := ledgerSize(t, dir)
	p := serveInProcess(t, serveOptions{dir: dir})
	out := p.out.String()
	assert.Contains(t, out, `READ-ONLY: start-up check: stored state differs from a replay of the log: stored state of "w/00000000-0012-8000-8000-000000000015" differs`)
	assert.Contains(t, out, "admin token: not bootstrapped: the ledger is read-only")
	code, h := healthOf(t, p.url)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "read_only", h.Status)
	assert.Contains(t, h.Reason, `"w/00000000-0012-8000-8000-000000000015"`)
	client := &http.Client{Timeout: 10 * time.Second}
	refusedReadOnly(t, client, "POST", p.url+"/api/v1/wastes", "", map[string]any{"code": "900-041-49"})
	refusedReadOnly(t, client, "PUT", p.url+"/api/v1/parties/x/license", "", map[string]any{})
	assert.Contains(t, page(t, p.url+"/signin"), `id="read-only"`)
	assert.Contains(t, page(t, p.url+"/signin?lang=en"), "so it is read-only")
	p.stop(t)
	assert.Equal(t, size, ledgerSize(t, dir), "nothing appended")

	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"reindex", "--data", dir}, &stdout, &stderr), stderr.String())
	p = serveInProcess(t, serveOptions{dir: dir})
	code, h = healthOf(t, p.url)
	assert.Equal(t, http.StatusOK, code, fmt.Sprint(h))
	assert.NotContains(t, page(t, p.url+"/signin"), `id="read-only"`)
	p.stop(t)
	// The clean shutdown recorded the digest: the next start checks by it.
	p = serveInProcess(t, serveOptions{dir: dir})
	assert.Contains(t, p.logs.String(), "state_checked_by=\"the state digest of the last clean shutdown\"")
	p.stop(t)
}
