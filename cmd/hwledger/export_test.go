package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExportRoundTripAndTamper: an export verifies offline; a flipped byte
// in an event, a wrong key or a dropped event does not.
func TestExportRoundTripAndTamper(t *testing.T) {
	dir := t.TempDir()
	svc, err := ledger.Open(ledger.Config{Dir: dir})
	require.NoError(t, err)
	_, err = svc.Bootstrap(context.Background(), "tok-1")
	require.NoError(t, err)
	_, err = svc.Bootstrap(context.Background(), "tok-1")
	require.NoError(t, err)
	key := svc.Log().Key().VerifierKey
	require.NoError(t, svc.Close())

	out := filepath.Join(t.TempDir(), "x.tar")
	n, err := writeExport(dir, out)
	require.NoError(t, err)
	assert.Positive(t, n)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	cp, err := checkExport(bytes.NewReader(b), key)
	require.NoError(t, err)
	assert.Equal(t, n, cp.Size)

	_, err = checkExport(bytes.NewReader(b), "other+00000000+AAAA")
	assert.Error(t, err, "a key other than the trusted one")

	i := bytes.Index(b, []byte(`"type":"`))
	require.Positive(t, i)
	bad := bytes.Clone(b)
	bad[i+8] ^= 0x01
	_, err = checkExport(bytes.NewReader(bad), key)
	assert.Error(t, err, "a flipped byte in an event")

	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run([]string{"export"}, &stdout, &stderr))
	assert.Equal(t, 1, run([]string{"export", "--data", t.TempDir(), "--out", out + "2"}, &stdout, &stderr))
}

func TestServeConfigRules(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.json")
	require.NoError(t, os.WriteFile(f, []byte(`{"addr":"127.0.0.1:9","rules":{"storage":"200d","weight_tolerance":0.05},
		"background":{"sweep_every":"30s"}}`), 0o600))
	c, err := loadServeConfig(f)
	require.NoError(t, err)
	r, err := c.rules()
	require.NoError(t, err)
	assert.Equal(t, 0.05, r.WeightTolerance)
	assert.Equal(t, int64(200*24*3600), int64(r.Storage.Seconds()))
	assert.Equal(t, ledger.DefaultRules().Transit, r.Transit)
	bg, err := c.background()
	require.NoError(t, err)
	assert.Equal(t, "30s", bg.SweepEvery.String())

	require.NoError(t, os.WriteFile(f, []byte(`{"rules":{"nonsense":"1h"}}`), 0o600))
	c, err = loadServeConfig(f)
	require.NoError(t, err)
	_, err = c.rules()
	assert.Error(t, err)
}
