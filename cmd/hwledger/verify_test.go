package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"github.com/hwledger/hwledger/internal/testfs"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledgersDir holds the good and tampered ledgers written by `make testdata`.
const ledgersDir = "../../testdata/ledgers"

// verifyCmd runs `hwledger verify args...` and returns its exit code and output.
func verifyCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cmdVerify(args, &out, &errOut)
	return code, out.String() + errOut.String()
}

// The cases of testdata/ledgers (see its README.md): real domain ledgers,
// 31 events in "good", each checked through `hwledger verify --data`.
func TestVerifyDataCatchesTampering(t *testing.T) {
	cases := []struct {
		name      string
		code      int    // exit code without --checkpoint
		want      string // the first line of output without --checkpoint
		saved     bool   // the case has a checkpoint.txt
		savedCode int    // exit code with --checkpoint checkpoint.txt
		withSaved string // the first line with it (a prefix where hashes follow)
	}{
		{name: "good", want: "OK: 31 events", saved: true, withSaved: "OK: 31 events"},
		{name: "payload", code: 1, want: "FAIL: event 11: content changed: its leaf hash differs from the one in the Merkle tree"},
		{name: "prev", code: 1, want: "FAIL: event 11: content changed: its leaf hash differs from the one in the Merkle tree"},
		{name: "deleted", code: 1, want: "FAIL: event 18: missing: the next stored event is 19"},
		{name: "swapped", code: 1, want: "FAIL: event 8: says it is event 9 (moved or swapped)"},
		{name: "state", code: 1, want: `FAIL: stored state of "w/00000000-0012-8000-8000-000000000015" differs from a replay of the log (the log itself verifies: 31 events, root `},
		{name: "truncated", want: "OK: 26 events", saved: true, savedCode: 1,
			withSaved: "FAIL: truncated: saved checkpoint has 31 events, the log only 26"},
		{name: "rolledback", want: "OK: 19 events", saved: true, savedCode: 1,
			withSaved: "FAIL: truncated: saved checkpoint has 31 events, the log only 19"},
		{name: "forked", want: "OK: 41 events", saved: true, savedCode: 1,
			withSaved: "FAIL: forked: the first 31 events hash to "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := testfs.CopyDir(t, filepath.Join(ledgersDir, c.name))
			code, out := verifyCmd(t, "--data", dir)
			assert.Equal(t, c.code, code, out)
			assert.True(t, strings.HasPrefix(out, c.want), "want %q, got %q", c.want, out)
			if c.code == 0 {
				assert.Contains(t, out, `checkpoint "hwledger-testdata"`)
				assert.Contains(t, out, "stored state equals a replay of")
			}
			_, err := os.Stat(filepath.Join(dir, "checkpoint.txt"))
			require.Equal(t, c.saved, err == nil, "checkpoint.txt")
			if !c.saved {
				return
			}
			code, out = verifyCmd(t, "--data", dir, "--checkpoint", filepath.Join(dir, "checkpoint.txt"))
			assert.Equal(t, c.savedCode, code, out)
			assert.True(t, strings.HasPrefix(out, c.withSaved), "want %q, got %q", c.withSaved, out)
			if c.savedCode == 0 {
				assert.Contains(t, out, "extends the saved checkpoint")
			}
		})
	}
}

// TestVerifyStateRepairedByReindex: the "state" fault is in the stored
// projections only, so reindex (a replay of the log) repairs it.
func TestVerifyStateRepairedByReindex(t *testing.T) {
	dir := testfs.CopyDir(t, filepath.Join(ledgersDir, "state"))
	code, out := verifyCmd(t, "--data", dir)
	require.Equal(t, 1, code, out)
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"reindex", "--data", dir}, &stdout, &stderr), stderr.String())
	code, out = verifyCmd(t, "--data", dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "stored state equals a replay of 31 events")
}

// serveLedger makes a data dir with the code of `hwledger serve` (in
// process): a fresh ledger with its own key, the admin bootstrapped, the
// background jobs running; over HTTP it registers a generator, a token for
// it and a few batches, and saves the checkpoint served at
// /api/v1/ledger/checkpoint as an inspector would. Then it stops the
// server (gracefully) and returns the dir and the saved checkpoint's file.
func serveLedger(t *testing.T) (dir, checkpoint string) {
	t.Helper()
	t.Setenv("HWLEDGER_ADMIN_TOKEN", "")
	dir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- runServe(ctx, serveOptions{dir: dir, addr: "127.0.0.1:0", ready: func(a string) { addr <- a }},
			&out, slog.New(slog.DiscardHandler))
	}()
	var url string
	select {
	case url = <-addr:
		url = "http://" + url + "/api/v1"
	case err := <-done:
		t.Fatalf("serve: %v %s", err, out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	require.NoError(t, err)
	admin := strings.TrimSpace(string(b))
	client := checkedClient(t, strings.TrimSuffix(url, "/api/v1"))

	cc, err := ident.CompleteCreditCode("91410104MA0000001")
	require.NoError(t, err)
	status, body := call(t, client, "POST", url+"/parties", admin, map[string]any{"name": "顺达汽修", "credit_code": cc,
		"roles": []string{"generator"}, "street": "南关", "address": "郑州市", "contact": map[string]any{"name": "张", "phone": "1"}})
	require.Equal(t, 201, status, "%s", body)
	var party struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &party))
	status, body = call(t, client, "POST", url+"/parties/"+party.ID+"/tokens", admin, nil)
	require.Equal(t, 201, status, "%s", body)
	var tok struct{ Token string }
	require.NoError(t, json.Unmarshal(body, &tok))
	for i, code := range []string{"900-214-08", "900-041-49", "900-249-08"} {
		status, body = call(t, client, "POST", url+"/wastes", tok.Token, map[string]any{"code": code, "form": "liquid",
			"quantity_kg": 1.5 + float64(i), "container": map[string]any{"type": "桶", "count": 1}, "storage": "A",
			"generated_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)})
		require.Equal(t, 201, status, "%s", body)
	}
	status, cp := call(t, client, "GET", url+"/ledger/checkpoint", "", nil)
	require.Equal(t, 200, status, "%s", cp)
	checkpoint = filepath.Join(t.TempDir(), "checkpoint.txt")
	require.NoError(t, os.WriteFile(checkpoint, cp, 0o600))

	cancel()
	require.NoError(t, <-done, out.String())
	return dir, checkpoint
}

// TestVerifyServeMadeLedger: a data dir made by serve verifies (chain,
// checkpoint, the checkpoint an inspector saved from the API, and the
// state as a replay), and verify changes no byte of it.
func TestVerifyServeMadeLedger(t *testing.T) {
	dir, saved := serveLedger(t)
	svc, err := ledger.Open(ledger.Config{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	size := svc.Log().Size()
	require.NoError(t, svc.Close())
	require.GreaterOrEqual(t, size, uint64(7), "admin party and token, party, token, 3 batches")

	before := hashTree(t, dir)
	code, out := verifyCmd(t, "--data", dir)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, fmt.Sprintf("OK: %d events", size))
	assert.Contains(t, out, `checkpoint "hwledger.local/410104"`)
	assert.Contains(t, out, fmt.Sprintf("stored state equals a replay of %d events", size))
	code, out = verifyCmd(t, "--data", dir, "--checkpoint", saved)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "extends the saved checkpoint")
	assert.Equal(t, before, hashTree(t, dir), "verify changed the data dir")
}

func TestVerifyChangesNothing(t *testing.T) {
	for _, name := range []string{"good", "payload", "state", "forked"} {
		t.Run(name, func(t *testing.T) {
			dir := testfs.CopyDir(t, filepath.Join(ledgersDir, name))
			before := hashTree(t, dir)
			verifyCmd(t, "--data", dir)
			verifyCmd(t, "--data", dir, "--checkpoint", filepath.Join(ledgersDir, "good", "checkpoint.txt"))
			assert.Equal(t, before, hashTree(t, dir))
		})
	}
	// Control: the check would notice a store opened for writing.
	dir := testfs.CopyDir(t, filepath.Join(ledgersDir, "good"))
	before := hashTree(t, dir)
	svc, err := ledger.Open(ledger.Config{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, svc.Close())
	assert.NotEqual(t, before, hashTree(t, dir))
}

func TestVerifyUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--data", "x", "--url", "http://y"},
		{"--data", "x", "extra"},
		{"--bogus"},
		{"--data", "x", "--checkpoint", "/does/not/exist"},
		{"--url", "ftp://x", "--token", "t"},
	} {
		code, out := verifyCmd(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, out)
	}
	t.Setenv("HWLEDGER_TOKEN", "")
	code, out := verifyCmd(t, "--url", "http://127.0.0.1:1")
	assert.Equal(t, 2, code, out)
}

// hashTree maps every file under dir to the SHA-256 of its bytes and mode.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			m[p] = "dir " + info.Mode().String()
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New() // streamed: Badger preallocates files of up to 2 GB
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		m[p] = fmt.Sprintf("%s %d %x", info.Mode(), info.Size(), h.Sum(nil))
		return nil
	}))
	return m
}
