package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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

	"github.com/hwledger/hwledger/api/apitest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary builds hwledger once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func hwledgerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hwledger-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "hwledger")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildOnce.err)
	return buildOnce.path
}

// server is a running `hwledger serve` process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stdout *bytes.Buffer
	mu     *sync.Mutex
	exited chan error
}

func startServer(t *testing.T, dir string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(hwledgerBinary(t), append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, extra...)...)
	cmd.Env = append(os.Environ(), "HWLEDGER_ADMIN_TOKEN=")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	s := &server{cmd: cmd, stdout: &bytes.Buffer{}, mu: &sync.Mutex{}, exited: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.stdout.WriteString(line + "\n")
			s.mu.Unlock()
			if u, ok := strings.CutPrefix(line, "hwledger listening on "); ok {
				urlc <- u
			}
		}
		s.exited <- cmd.Wait()
	}()
	select {
	case s.url = <-urlc:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-s.exited:
		require.NoError(t, err, "exit after SIGTERM")
	case <-time.After(60 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.Contains(t, s.stdout.String(), "hwledger stopped")
}

// checkedClient is a client whose every request and answer is checked
// against the OpenAPI document the server at base serves (see package
// apitest).
func checkedClient(t *testing.T, base string) *http.Client {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	doc, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", doc)
	return &http.Client{Timeout: 30 * time.Second, Transport: apitest.New(t, doc).Transport(nil)}
}

func call(t *testing.T, client *http.Client, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestSIGTERMUnderLoad runs the real binary, registers batches from many
// clients, sends SIGTERM in the middle, restarts, and requires every
// registration that was answered 201 to be in the ledger. Then it checks the
// offline commands on the same data dir: verify, export, token, reindex.
func TestSIGTERMUnderLoad(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	tokFile := filepath.Join(dir, "admin.token")
	fi, err := os.Stat(tokFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(tokFile)
	require.NoError(t, err)
	admin := strings.TrimSpace(string(b))
	client := checkedClient(t, s.url)

	cc, err := ident.CompleteCreditCode("91410104MA0000001")
	require.NoError(t, err)
	status, body := call(t, client, "POST", s.url+"/api/v1/parties", admin, map[string]any{"name": "顺达汽修", "credit_code": cc,
		"roles": []string{"generator"}, "street": "南关", "address": "郑州市", "contact": map[string]any{"name": "张", "phone": "1"}})
	require.Equal(t, 201, status, "%s", body)
	var party struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &party))
	status, body = call(t, client, "POST", s.url+"/api/v1/parties/"+party.ID+"/tokens", admin, nil)
	require.Equal(t, 201, status, "%s", body)
	var tok struct{ ID, Token string }
	require.NoError(t, json.Unmarshal(body, &tok))

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	codes := []string{"900-214-08", "900-041-49", "900-249-08"}
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := checkedClient(t, s.url)
			for i := 0; ; i++ {
				w := map[string]any{"code": codes[(g+i)%3], "form": "liquid", "quantity_kg": 1.5,
					"container": map[string]any{"type": "桶", "count": 1}, "storage": "A",
					"generated_at": time.Now().UTC().Add(-time.Duration(g*40+i%40+1) * time.Hour * 24).Format(time.RFC3339)}
				bb, _ := json.Marshal(w)
				req, _ := http.NewRequest("POST", s.url+"/api/v1/wastes", bytes.NewReader(bb))
				req.Header.Set("Authorization", "Bearer "+tok.Token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err != nil {
					return // the server is gone
				}
				rb, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					var got struct{ ID string }
					if json.Unmarshal(rb, &got) == nil {
						mu.Lock()
						acked = append(acked, got.ID)
						mu.Unlock()
					}
				}
			}
		}()
	}
	// Stop once writes are flowing (at least 50 acknowledged, or after 20 s
	// on a very slow machine), so SIGTERM lands in the middle of the load.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.stop(t)
	wg.Wait()
	require.NotEmpty(t, acked)
	t.Logf("%d registrations acknowledged before SIGTERM", len(acked))

	s2 := startServer(t, dir)
	for _, id := range acked {
		status, body := call(t, client, "GET", s2.url+"/api/v1/wastes/"+id, admin, nil)
		require.Equal(t, 200, status, "acknowledged batch %s lost: %s", id, body)
	}
	_, key := call(t, client, "GET", s2.url+"/api/v1/ledger/key", "", nil)
	var vout, verr bytes.Buffer
	require.Equal(t, 0, run([]string{"verify", "--url", s2.url, "--token", admin}, &vout, &verr),
		"verify --url: %s %s", vout.String(), verr.String())
	s2.stop(t)

	// Offline commands on the same data dir.
	var out, errb bytes.Buffer
	verifyLedger(t, dir)

	exp := filepath.Join(t.TempDir(), "ledger.tar")
	out.Reset()
	require.Equal(t, 0, run([]string{"export", "--data", dir, "--out", exp}, &out, &errb), errb.String())
	keyFile := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(keyFile, key, 0o600))
	out.Reset()
	require.Equal(t, 0, run([]string{"export", "--check", exp, "--key", keyFile}, &out, &errb), "%s %s", out.String(), errb.String())
	assert.Contains(t, out.String(), "OK:")

	out.Reset()
	require.Equal(t, 0, run([]string{"token", "create", "--data", dir, "--party", party.ID}, &out, &errb), errb.String())
	var newID, newTok string
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			newID = v
		}
		if v, ok := strings.CutPrefix(line, "token: "); ok {
			newTok = v
		}
	}
	require.NotEmpty(t, newTok)
	out.Reset()
	require.Equal(t, 0, run([]string{"token", "revoke", "--data", dir, "--id", tok.ID}, &out, &errb), errb.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"reindex", "--data", dir}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "reindexed")

	// After restart: the revoked token is refused, the new one works.
	s3 := startServer(t, dir)
	status, _ = call(t, client, "GET", s3.url+"/api/v1/wastes?limit=1", tok.Token, nil)
	assert.Equal(t, 401, status)
	status, _ = call(t, client, "GET", s3.url+"/api/v1/wastes?limit=1", newTok, nil)
	assert.Equal(t, 200, status)
	s3.stop(t)
	_ = newID
	verifyLedger(t, dir)
}

// verifyLedger checks the chain, the signature and that the projections
// equal a replay of the log (read-only).
func verifyLedger(t *testing.T, dir string) {
	t.Helper()
	svc, err := ledger.Open(ledger.Config{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	defer svc.Close()
	_, err = svc.Verify(nil)
	require.NoError(t, err)
}

func TestServeRuleFlags(t *testing.T) {
	var rl ruleList
	require.NoError(t, rl.Set("medical_storage=24h"))
	require.NoError(t, rl.Set("weight_tolerance=0.05"))
	var c serveConfig
	require.NoError(t, rl.apply(&c))
	r, err := c.rules()
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, r.MedicalStorage)
	assert.Equal(t, 0.05, r.WeightTolerance)
	assert.Equal(t, 72*time.Hour, r.Transit, "others keep their defaults")

	bad := ruleList{"no_such_rule=1"}
	assert.ErrorContains(t, bad.apply(&serveConfig{}), "no_such_rule")
	assert.Error(t, rl.Set("missing-equals"))
}
