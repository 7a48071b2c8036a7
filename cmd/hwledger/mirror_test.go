package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startMirrorProcess runs `hwledger mirror` and returns it with its URL.
func startMirrorProcess(t *testing.T, from, dir string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	args := append([]string{"mirror", "--from", from, "--data", dir, "--addr", "127.0.0.1:0"}, extra...)
	return startListening(t, "hwledger mirror listening on ", []string{"HWLEDGER_TOKEN="}, args...)
}

// mirrorHealth reads the mirror's /healthz.
func mirrorHealth(t *testing.T, url string) (checkpoint uint64, lastErr string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	var h struct {
		Mirror struct {
			Size  uint64 `json:"checkpoint_size"`
			Error string `json:"error"`
		} `json:"mirror"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	return h.Mirror.Size, h.Mirror.Error
}

// generatorToken registers a generator through the server as its admin
// and returns the generator's token.
func generatorToken(t *testing.T, s *server, admin string) string {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	cc, err := ident.CompleteCreditCode("91410104MA0000001")
	require.NoError(t, err)
	status, body := call(t, client, "POST", s.url+"/api/v1/parties", admin, map[string]any{"name": "顺达汽修", "credit_code": cc,
		"roles": []string{"generator"}, "street": "南关", "address": "郑州市", "contact": map[string]any{"name": "张", "phone": "1"}})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var party struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &party))
	status, body = call(t, client, "POST", s.url+"/api/v1/parties/"+party.ID+"/tokens", admin, nil)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var tok struct{ Token string }
	require.NoError(t, json.Unmarshal(body, &tok))
	return tok.Token
}

// loadRegistrations registers batches from 16 clients until stop is
// closed, and returns the ids the server acknowledged.
func loadRegistrations(url, token string, stop <-chan struct{}) func() []string {
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	codes := []string{"900-214-08", "900-041-49", "900-249-08"}
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				w := map[string]any{"code": codes[(g+i)%3], "form": "liquid", "quantity_kg": 1.5,
					"container": map[string]any{"type": "桶", "count": 1}, "storage": "A",
					"generated_at": time.Now().UTC().Add(-time.Duration(g*40+i%40+1) * time.Hour * 24).Format(time.RFC3339)}
				bb, _ := json.Marshal(w)
				req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/wastes", bytes.NewReader(bb))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err != nil {
					return // the server is gone
				}
				rb, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var got struct{ ID string }
				if resp.StatusCode == http.StatusCreated && json.Unmarshal(rb, &got) == nil {
					mu.Lock()
					acked = append(acked, got.ID)
					mu.Unlock()
				}
			}
		}()
	}
	return func() []string { wg.Wait(); return acked }
}

// eventsIn returns the bytes of the first n events of the ledger in dir
// (read-only; through a recovered copy when it was left by a crash).
func eventsIn(t *testing.T, dir string, n uint64) (events [][]byte, size uint64) {
	t.Helper()
	_, err := readCrashed(dir, func(dir string) error {
		svc, err := ledger.Open(ledger.Config{Dir: dir, ReadOnly: true})
		if err != nil {
			return err
		}
		defer svc.Close()
		size = svc.Log().Size()
		return svc.Log().Events(0, int(n), func(_ uint64, b []byte) error {
			events = append(events, bytes.Clone(b))
			return nil
		})
	})
	require.NoError(t, err)
	return events, size
}

// TestDisasterDrill: a primary server under load is killed with SIGKILL
// while a mirror follows it; the district's server is restored from the
// mirror with the primary's key. Every event up to the mirror's last
// checkpoint is in the restored ledger, byte for byte; it verifies, serves
// as the same log, and a new mirror follows it.
func TestDisasterDrill(t *testing.T) {
	primaryDir, mirrorDir := t.TempDir(), t.TempDir()
	p := startServer(t, primaryDir)
	admin := readAdminToken(t, primaryDir)
	gen := generatorToken(t, p, admin)
	mcmd, murl := startMirrorProcess(t, p.url, mirrorDir, "--every", "50ms")

	stop := make(chan struct{})
	wait := loadRegistrations(p.url, gen, stop)
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, p.cmd.Process.Kill()) // SIGKILL, under load
	<-p.exited
	close(stop)
	acked := wait()
	require.NotEmpty(t, acked)

	// The mirror keeps serving its copy and says the primary is gone.
	held, lastErr := mirrorHealth(t, murl)
	for deadline := time.Now().Add(30 * time.Second); lastErr == "" && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		held, lastErr = mirrorHealth(t, murl)
	}
	assert.NotEmpty(t, lastErr, "the mirror reports that the primary does not answer")
	require.NoError(t, mcmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, mcmd.Wait())

	restoredDir := filepath.Join(t.TempDir(), "restored")
	var out, errb bytes.Buffer
	code := run([]string{"restore", "--from-mirror", mirrorDir, "--data", restoredDir,
		"--key", filepath.Join(primaryDir, "ledger.key")}, &out, &errb)
	require.Equal(t, 0, code, "restore: %s %s", out.String(), errb.String())
	t.Logf("restore: %s", out.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"verify", "--data", restoredDir, "--checkpoint",
		filepath.Join(restoredDir, restoredCheckpointFile)}, &out, &errb), "verify: %s %s", out.String(), errb.String())

	// Every event up to the mirror's checkpoint, byte for byte.
	cpBytes, err := os.ReadFile(filepath.Join(restoredDir, restoredCheckpointFile))
	require.NoError(t, err)
	cp, err := chain.ParseCheckpoint(strings.SplitN(string(cpBytes), "\n\n", 2)[0] + "\n")
	require.NoError(t, err)
	assert.Equal(t, held, cp.Size, "restored up to the checkpoint the mirror served")
	primaryEvents, primarySize := eventsIn(t, primaryDir, cp.Size)
	restoredEvents, restoredSize := eventsIn(t, restoredDir, 0)
	assert.Equal(t, cp.Size, restoredSize)
	require.Len(t, restoredEvents, len(primaryEvents))
	for i := range primaryEvents {
		require.Equal(t, primaryEvents[i], restoredEvents[i], "event %d", i)
	}
	t.Logf("%d registrations acknowledged; the primary held %d events when killed, the mirror's checkpoint %d",
		len(acked), primarySize, cp.Size)
	assert.Greater(t, cp.Size, uint64(len(acked))/2, "the mirror kept up with the load")

	// The restored server signs as the same log; acknowledged batches
	// under the checkpoint are there, and the generator's token works.
	r := startServer(t, restoredDir)
	client := &http.Client{Timeout: 30 * time.Second}
	status, body := call(t, client, "GET", r.url+"/api/v1/ledger/checkpoint", "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, strings.SplitN(string(cpBytes), "\n", 2)[0], strings.SplitN(string(body), "\n", 2)[0], "the same origin")
	found := 0
	for _, id := range acked {
		if status, _ := call(t, client, "GET", r.url+"/api/v1/wastes/"+id, gen, nil); status == http.StatusOK {
			found++
		}
	}
	assert.Positive(t, found)
	t.Logf("%d of %d acknowledged batches are under the mirror's checkpoint", found, len(acked))

	// A new mirror follows the restored server (its key is the primary's).
	registerParties(t, r, restoredDir, 100, 1)
	out.Reset()
	require.Equal(t, 0, run([]string{"mirror", "--from", r.url, "--data", t.TempDir(), "--once",
		"--key", strings.TrimSpace(string(primaryKey(t, primaryDir)))}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "mirror of "+r.url)
	r.stop(t)
}

// primaryKey returns the verifier key of the ledger in dir.
func primaryKey(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "ledger.pub"))
	require.NoError(t, err)
	return b
}

// TestRestoreRefusesAndNewOrigin: restore's usage rules, and a restore as
// a new log.
func TestRestoreRefusesAndNewOrigin(t *testing.T) {
	primaryDir, mirrorDir := t.TempDir(), t.TempDir()
	p := startServer(t, primaryDir)
	registerParties(t, p, primaryDir, 1, 3)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"mirror", "--from", p.url, "--data", mirrorDir, "--once"}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "pinning the primary's key")
	p.stop(t)
	otherKey := filepath.Join(t.TempDir(), "ledger.key")
	_, err := chain.LoadOrCreateKey(filepath.Dir(otherKey), "other.test/log", true)
	require.NoError(t, err)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--from-mirror", mirrorDir}, "exactly one of --key"},
		{[]string{"--from-mirror", mirrorDir, "--key", otherKey, "--new-origin", "x"}, "exactly one of --key"},
		{[]string{"--from-mirror", primaryDir, "--new-origin", "x.test/new"}, "not a mirror"},
		{[]string{"--from-mirror", mirrorDir, "--key", otherKey}, "the mirror follows"},
		{[]string{"--from-mirror", mirrorDir, "--new-origin", "hwledger.local/410104"}, "origin"},
	} {
		dst := t.TempDir()
		out.Reset()
		errb.Reset()
		code := run(append([]string{"restore", "--data", dst}, c.args...), &out, &errb)
		assert.Equal(t, 2, code, "%v: %s", c.args, errb.String())
		assert.Contains(t, errb.String(), c.want, "%v", c.args)
		left, err := os.ReadDir(dst)
		require.NoError(t, err)
		assert.Empty(t, left, "%v: a refused restore leaves nothing", c.args)
	}
	errb.Reset()
	assert.Equal(t, 2, run([]string{"restore", "--from-mirror", mirrorDir, "--data", primaryDir, "--new-origin", "x.test/new"}, &out, &errb))
	assert.Contains(t, errb.String(), "is not empty")
	verifyLedger(t, primaryDir)

	newDir := filepath.Join(t.TempDir(), "new")
	out.Reset()
	require.Equal(t, 0, run([]string{"restore", "--from-mirror", mirrorDir, "--data", newDir, "--new-origin", "hwledger.local/410104/2027"}, &out, &errb),
		"%s %s", out.String(), errb.String())
	assert.Contains(t, out.String(), `a new log "hwledger.local/410104/2027"`)
	out.Reset()
	require.Equal(t, 0, run([]string{"verify", "--data", newDir}, &out, &errb), "%s %s", out.String(), errb.String())
	assert.Contains(t, out.String(), `checkpoint "hwledger.local/410104/2027"`)
	mirrored, size := eventsIn(t, mirrorDir, 0)
	restored, _ := eventsIn(t, newDir, 0)
	assert.Equal(t, mirrored, restored, "the same events under a new origin")
	assert.Positive(t, size)
}
