package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
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

func TestVerifyDataCatchesTampering(t *testing.T) {
	cases := []struct {
		name      string
		want      string // FAIL line without --checkpoint; "" = verifies
		withSaved string // FAIL line with --checkpoint checkpoint.txt; "" = verifies
		saved     bool
	}{
		{name: "good", saved: true},
		{name: "payload", want: "FAIL: event 7: content changed"},
		{name: "prev", want: "FAIL: event 7: content changed"},
		{name: "deleted", want: "FAIL: event 10: missing"},
		{name: "swapped", want: "FAIL: event 5: says it is event 6"},
		{name: "truncated", saved: true, withSaved: "FAIL: truncated: saved checkpoint has 20 events, the log only 15"},
		{name: "rolledback", saved: true, withSaved: "FAIL: truncated: saved checkpoint has 20 events, the log only 12"},
		{name: "forked", saved: true, withSaved: "FAIL: forked: the first 20 events hash to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyLedger(t, filepath.Join(ledgersDir, c.name))
			code, out := verifyCmd(t, "--data", dir)
			if c.want != "" {
				assert.Equal(t, 1, code, out)
				assert.Contains(t, out, c.want)
				return
			}
			assert.Equal(t, 0, code, out)
			assert.Contains(t, out, "OK: ")
			if !c.saved {
				return
			}
			code, out = verifyCmd(t, "--data", dir, "--checkpoint", filepath.Join(dir, "checkpoint.txt"))
			if c.withSaved == "" {
				assert.Equal(t, 0, code, out)
				assert.Contains(t, out, "extends the saved checkpoint")
				return
			}
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, c.withSaved)
		})
	}
}

func TestVerifyChangesNothing(t *testing.T) {
	for _, name := range []string{"good", "payload", "forked"} {
		t.Run(name, func(t *testing.T) {
			dir := copyLedger(t, filepath.Join(ledgersDir, name))
			before := hashTree(t, dir)
			verifyCmd(t, "--data", dir)
			verifyCmd(t, "--data", dir, "--checkpoint", filepath.Join(ledgersDir, "good", "checkpoint.txt"))
			assert.Equal(t, before, hashTree(t, dir))
		})
	}
	// Control: the check would notice a store opened for writing.
	dir := copyLedger(t, filepath.Join(ledgersDir, "good"))
	before := hashTree(t, dir)
	l, err := chain.Open(chain.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, l.Close())
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
	code, out = verifyCmd(t, "--data", t.TempDir())
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "FAIL: ")
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
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[p] = info.Mode().String() + " " + hex.EncodeToString(sum[:])
		return nil
	}))
	return m
}

// copyLedger copies a test ledger to a temporary directory.
func copyLedger(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	require.NoError(t, err, "copy %s (run `make testdata`?)", src)
	return dst
}
