package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeWithWitnesses runs the real binaries: two witnesses, a server
// that uses them, verify with a k-of-n policy; then the server is restored
// from an old backup of its data dir, and the witnesses catch it on its
// next submission: an integrity alert, and evidence kept by the witnesses.
func TestServeWithWitnesses(t *testing.T) {
	dir := t.TempDir()
	const origin = "hwledger.test/410104"
	key, err := chain.LoadOrCreateKey(dir, origin, true)
	require.NoError(t, err)
	logFlag := origin + "=" + key.VerifierKey
	var wflags, pubs []string
	var wdirs []string
	for range 2 {
		wdir := t.TempDir()
		_, url := startWitnessProcess(t, wdir, logFlag)
		pub, err := os.ReadFile(filepath.Join(wdir, witness.PubFile))
		require.NoError(t, err)
		wflags = append(wflags, "--witness", url+"="+strings.TrimSpace(string(pub)))
		pubs = append(pubs, strings.TrimSpace(string(pub)))
		wdirs = append(wdirs, wdir)
	}
	serveArgs := append([]string{"--witness-timeout", "2s"}, wflags...)
	s := startServer(t, dir, serveArgs...)
	admin := readAdminToken(t, dir)
	client := &http.Client{Timeout: 10 * time.Second}

	addParties := func(url string, from, n int) {
		for i := from; i < from+n; i++ {
			status, body := call(t, client, "POST", url+"/api/v1/parties", admin, partyJSON(i))
			require.Equal(t, 201, status, "%s", body)
		}
	}
	addParties(s.url, 1, 3)
	cosigned := waitCosigned(t, client, s.url, 2)
	// Published checkpoints verify, with a 2-of-2 policy.
	var out, errb bytes.Buffer
	args := []string{"verify", "--url", s.url, "--token", admin, "--witness", pubs[0], "--witness", pubs[1]}
	require.Equal(t, 0, run(args, &out, &errb), "%s %s", out.String(), errb.String())
	assert.Contains(t, out.String(), "the server's checkpoint cosigned by 2 of 2 witnesses (policy 2)")
	// Three keys of which two cosigned: 3 of 3 fails (exit 1), 2 of 3 holds.
	stranger, err := chain.NewKey("stranger.witness")
	require.NoError(t, err)
	out.Reset()
	require.Equal(t, 1, run(append(args, "--witness", stranger.VerifierKey), &out, &errb), "%s", out.String())
	assert.Contains(t, out.String(), "2 of the 3 witnesses cosigned, the policy needs 3")
	out.Reset()
	require.Equal(t, 0, run(append(args, "--witness", stranger.VerifierKey, "--witness-policy", "2"), &out, &errb), "%s", out.String())
	// A saved cosigned checkpoint checks offline against the data dir.
	saved := filepath.Join(t.TempDir(), "cp.txt")
	require.NoError(t, os.WriteFile(saved, cosigned, 0o644))
	s.stop(t)
	out.Reset()
	require.Equal(t, 0, run([]string{"verify", "--data", dir, "--checkpoint", saved, "--witness", pubs[0], "--witness", pubs[1]}, &out, &errb),
		"%s %s", out.String(), errb.String())
	assert.Contains(t, out.String(), "the saved checkpoint cosigned by 2 of 2 witnesses")
	require.Equal(t, 2, run([]string{"verify", "--data", dir, "--witness", pubs[0]}, &out, &errb), "--witness with --data needs --checkpoint")

	// A backup now; the ledger grows on and is cosigned further.
	backup := filepath.Join(t.TempDir(), "backup")
	require.NoError(t, os.CopyFS(backup, os.DirFS(dir)))
	s = startServer(t, dir, serveArgs...)
	addParties(s.url, 10, 4)
	waitCosigned(t, client, s.url, 2)
	s.stop(t)

	// Restored from the backup, the server's next submission is refused:
	// both witnesses have cosigned more than the backup holds.
	r := startServer(t, backup, serveArgs...)
	var alerts struct {
		Items []struct{ Kind, Status, Message string }
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body := call(t, client, "GET", r.url+"/api/v1/alerts?kind=integrity", admin, nil)
		require.Equal(t, 200, status, "%s", body)
		require.NoError(t, json.Unmarshal(body, &alerts))
		if len(alerts.Items) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NotEmpty(t, alerts.Items, "an integrity alert for the rolled-back ledger")
	assert.Contains(t, alerts.Items[0].Message, "rolled back")
	for _, wdir := range wdirs {
		ev, err := filepath.Glob(filepath.Join(wdir, "evidence", "*.txt"))
		require.NoError(t, err)
		assert.NotEmpty(t, ev, "witness %s kept the rolled-back checkpoint", wdir)
	}
	r.stop(t)
}

// waitCosigned polls GET /api/v1/ledger/checkpoint until the served
// checkpoint covers the whole ledger and carries n cosignatures.
func waitCosigned(t *testing.T, client *http.Client, url string, n int) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := call(t, client, "GET", url+"/api/v1/ledger/checkpoint", "", nil)
		var health struct {
			LedgerSize uint64 `json:"ledger_size"`
		}
		_, hb := call(t, client, "GET", url+"/healthz", "", nil)
		_ = json.Unmarshal(hb, &health)
		lines := strings.Split(string(body), "\n")
		if len(lines) > 1 && lines[1] == itoa(health.LedgerSize) && strings.Count(string(body), "\n— ") == 1+n {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("checkpoint not cosigned by %d witnesses: %s (ledger size %d)", n, body, health.LedgerSize)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func itoa(n uint64) string { b, _ := json.Marshal(n); return string(b) }

func readAdminToken(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

func partyJSON(n int) map[string]any {
	return map[string]any{"name": "单位" + itoa(uint64(n)), "credit_code": creditCode(n),
		"roles": []string{"generator"}, "street": "南关", "address": "郑州市", "contact": map[string]any{"name": "张", "phone": "1"}}
}

func creditCode(n int) string {
	cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
	if err != nil {
		panic(err)
	}
	return cc
}
