package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/internal/testfs"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// registerParties registers generators first..first+n-1 through the
// running server s as its admin and returns the ledger size it then reports.
func registerParties(t *testing.T, s *server, dir string, first, n int) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	require.NoError(t, err)
	admin := strings.TrimSpace(string(b))
	client := &http.Client{Timeout: 30 * time.Second}
	for i := range n {
		cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", first+i))
		require.NoError(t, err)
		status, body := call(t, client, "POST", s.url+"/api/v1/parties", admin, map[string]any{"name": fmt.Sprintf("汽修%d", i),
			"credit_code": cc, "roles": []string{"generator"}, "street": "南关", "address": "郑州市",
			"contact": map[string]any{"name": "张", "phone": "1"}})
		require.Equal(t, http.StatusCreated, status, "%s", body)
	}
	status, body := call(t, client, "GET", s.url+"/healthz", "", nil)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var h struct {
		LedgerSize int `json:"ledger_size"`
	}
	require.NoError(t, json.Unmarshal(body, &h))
	return h.LedgerSize
}

// A store in use by a running server: exit 3 with a plain message (no
// Badger internals), and the store is not touched.
func TestVerifyLockedStore(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	registerParties(t, s, dir, 1, 1)
	code, out := verifyCmd(t, "--data", dir)
	assert.Equal(t, verifyLocked, code, out)
	assert.Contains(t, out, "is in use by a running hwledger server")
	assert.Contains(t, out, "verify --url")
	for _, internal := range []string{"adger", "LOCK", "lock on", "temporarily unavailable"} {
		assert.NotContains(t, out, internal)
	}
	// The server is unaffected and still writes.
	registerParties(t, s, dir, 2, 1)
	s.stop(t)
	code, out = verifyCmd(t, "--data", dir)
	assert.Equal(t, verifyOK, code, out)
}

// A store left by kill -9, before any restart: verify passes (exit 0)
// through a recovered copy, counts every acknowledged event, and changes
// none of the store's files.
func TestVerifyAfterKill9(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	size := registerParties(t, s, dir, 1, 5)
	require.NoError(t, s.cmd.Process.Kill()) // SIGKILL: no shutdown, no close
	<-s.exited
	_, err := os.Stat(filepath.Join(dir, "store", "LOCK"))
	require.NoError(t, err, "a killed server leaves its lock file behind")

	before := hashTree(t, dir)
	code, out := verifyCmd(t, "--data", dir)
	assert.Equal(t, verifyOK, code, out)
	assert.Contains(t, out, fmt.Sprintf("OK: %d events", size), "every acknowledged event is there")
	assert.Contains(t, out, "not closed cleanly")
	assert.Equal(t, before, hashTree(t, dir), "verify changed the crashed store")

	// The copy verified is what a restart recovers.
	s2 := startServer(t, dir)
	assert.Equal(t, size+1, registerParties(t, s2, dir, 6, 1))
	s2.stop(t)
}

// A data dir without a store, and a store Badger cannot read: exit 4, not
// 1 (no fault of the ledger was found).
func TestVerifyUnreadable(t *testing.T) {
	code, out := verifyCmd(t, "--data", t.TempDir())
	assert.Equal(t, verifyUnreadable, code, out)
	assert.Contains(t, out, "no ledger in")
	assert.NotContains(t, out, "FAIL")

	dir := testfs.CopyDir(t, filepath.Join(ledgersDir, "good"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "store", "MANIFEST"), []byte("not a manifest"), 0o600))
	code, out = verifyCmd(t, "--data", dir)
	assert.Equal(t, verifyUnreadable, code, out)
	assert.Contains(t, out, "cannot read the ledger")
}
