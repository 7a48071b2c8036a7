package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/chain/chaintest"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// startWitnessProcess runs `hwledger witness serve` and returns its URL.
func startWitnessProcess(t *testing.T, dir string, logs ...string) (*exec.Cmd, string) {
	t.Helper()
	args := []string{"witness", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--name", "witness.test/city"}
	for _, l := range logs {
		args = append(args, "--log", l)
	}
	return startListening(t, "hwledger witness listening on ", nil, args...)
}

// TestWitnessSurvivesKill9: a ledger submits ever larger checkpoints while
// the witness process is killed with SIGKILL; restarted, the witness holds
// at least the last checkpoint it acknowledged, so it refuses to go back.
func TestWitnessSurvivesKill9(t *testing.T) {
	key, err := chain.NewKey("kill9.test/log")
	require.NoError(t, err)
	l := chaintest.Open(t, "", chain.Options{Key: &key, Origin: "kill9.test/log"})
	dir := t.TempDir()
	logFlag := "kill9.test/log=" + key.VerifierKey
	cmd, url := startWitnessProcess(t, dir, logFlag)
	pub, err := os.ReadFile(filepath.Join(dir, witness.PubFile))
	require.NoError(t, err)
	v, err := witness.NewVerifier(string(pub))
	require.NoError(t, err)

	var acked uint64 // the largest size answered 200
	stop := time.After(600 * time.Millisecond)
	client := &http.Client{Timeout: 5 * time.Second}
loop:
	for old := uint64(0); ; {
		select {
		case <-stop:
			break loop
		default:
		}
		_, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
			_, err := tx.Append(chain.Draft{Type: "t"})
			return err
		})
		require.NoError(t, err)
		cp, _ := l.Checkpoint()
		var p [][]byte
		if old > 0 {
			p, err = l.ConsistencyProof(old, l.Size())
			require.NoError(t, err)
		}
		resp, err := client.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(witness.Request{Old: old, Proof: p, Checkpoint: cp}.Marshal()))
		require.NoError(t, err)
		sigs, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", sigs)
		_, _, err = witness.Policy{Witnesses: []note.Verifier{v}, K: 1}.Check(append(cp, sigs...), key.Verifier)
		require.NoError(t, err)
		old, acked = l.Size(), l.Size()
	}
	require.NoError(t, cmd.Process.Signal(os.Kill))
	_ = cmd.Wait()
	require.Positive(t, acked)

	_, url = startWitnessProcess(t, dir, logFlag)
	cp, _ := l.Checkpoint()
	resp, err := client.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(witness.Request{Old: 0, Checkpoint: cp}.Marshal()))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	held, err := strconv.ParseUint(strings.TrimSpace(string(body)), 10, 64)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, held, acked, "every acknowledged cosignature's checkpoint survives SIGKILL")
	t.Logf("%d checkpoints cosigned before SIGKILL; the witness holds size %d", acked, held)
}
