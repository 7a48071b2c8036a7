package witness_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"filippo.io/torchwood"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/chain/chaintest"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// independentVerifier builds a cosignature/v1 verifier for the witness in
// dir with torchwood, a C2SP implementation this project did not write,
// from the witness's private key; it also checks that the witness.pub the
// witness wrote is the verifier key torchwood derives.
func independentVerifier(t *testing.T, dir string) note.Verifier {
	t.Helper()
	skey, err := os.ReadFile(filepath.Join(dir, witness.KeyFile))
	require.NoError(t, err)
	// PRIVATE+KEY+<name>+<hash>+base64(0x01 ‖ seed)
	f := strings.SplitN(strings.TrimSpace(string(skey)), "+", 5) // base64 may hold "+"
	require.Len(t, f, 5)
	raw, err := base64.StdEncoding.DecodeString(f[4])
	require.NoError(t, err)
	require.Len(t, raw, 1+ed25519.SeedSize)
	s, err := torchwood.NewCosignatureSigner(f[2], ed25519.NewKeyFromSeed(raw[1:]))
	require.NoError(t, err)
	pub, err := os.ReadFile(filepath.Join(dir, witness.PubFile))
	require.NoError(t, err)
	require.Equal(t, s.Verifier().String(), strings.TrimSpace(string(pub)), "witness.pub is the C2SP cosignature/v1 vkey")
	return s.Verifier()
}

func TestCosignsConsistentCheckpoints(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir := t.TempDir()
	w, url := startWitness(t, dir, key)
	indep := independentVerifier(t, dir)

	grow(t, l, 10)
	cp := checkpoint(t, l)
	status, ctype, sigs := post(t, url, witness.Request{Old: 0, Checkpoint: cp})
	require.Equal(t, http.StatusOK, status, "%s", sigs)
	assert.Equal(t, "text/plain; charset=utf-8", ctype)
	require.True(t, strings.HasPrefix(string(sigs), "— witness.test/w1 "), "%q", sigs)

	// The answer appended to the checkpoint is a note that torchwood's
	// cosignature/v1 verifier and the ledger's key both accept.
	n, err := note.Open(append(append([]byte(nil), cp...), sigs...), note.VerifierList(indep, key.Verifier))
	require.NoError(t, err)
	require.Len(t, n.Sigs, 2)
	ts, err := torchwood.CosignatureTimestamp(n.Sigs[1])
	require.NoError(t, err)
	assert.Positive(t, ts)

	grow(t, l, 7)
	cp2 := checkpoint(t, l)
	status, _, sigs = post(t, url, witness.Request{Old: 10, Proof: proof(t, l, 10), Checkpoint: cp2})
	require.Equal(t, http.StatusOK, status, "%s", sigs)
	_, err = note.Open(append(cp2, sigs...), note.VerifierList(indep))
	require.NoError(t, err)
	size, stored := w.Latest(origin)
	assert.Equal(t, uint64(17), size)
	assert.Equal(t, cp2, stored)

	// The same checkpoint again is cosigned again; no evidence anywhere.
	status, _, _ = post(t, url, witness.Request{Old: 17, Checkpoint: cp2})
	assert.Equal(t, http.StatusOK, status)
	ev, err := w.Evidence()
	require.NoError(t, err)
	assert.Empty(t, ev)
}

func TestRefusesFork(t *testing.T) {
	key := testKey(t)
	honest, forked := newLog(t, key), newLog(t, key) // same key and origin, different histories
	dir := t.TempDir()
	w, url := startWitness(t, dir, key)
	grow(t, honest, 10)
	grow(t, forked, 12)
	status, _, _ := post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, honest)})
	require.Equal(t, http.StatusOK, status)

	// The forked history's own proof from 10 to 12 does not lead from the
	// honest root: 422, and the signed fork is kept.
	status, _, body := post(t, url, witness.Request{Old: 10, Proof: proof(t, forked, 10), Checkpoint: checkpoint(t, forked)})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "%s", body)
	ev, err := w.Evidence()
	require.NoError(t, err)
	require.Len(t, ev, 1)
	b, err := os.ReadFile(ev[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), "consistency proof 10→12 does not verify")
	assert.Contains(t, string(b), string(checkpoint(t, forked)), "the refused, ledger-signed checkpoint is in the evidence")
	assert.Contains(t, string(b), string(checkpoint(t, honest)), "and the cosigned one it contradicts")

	// A fork at the very size the witness holds: 409 with the size, kept.
	forkAt10 := newLog(t, key)
	grow(t, forkAt10, 10)
	status, ctype, body := post(t, url, witness.Request{Old: 10, Checkpoint: checkpoint(t, forkAt10)})
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, witness.SizeContentType, ctype)
	assert.Equal(t, "10\n", string(body))
	ev, _ = w.Evidence()
	require.Len(t, ev, 2)

	size, stored := w.Latest(origin)
	assert.Equal(t, uint64(10), size)
	assert.Equal(t, checkpoint(t, honest), stored, "a refused checkpoint changes nothing")
}

func TestRefusesRollback(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir := t.TempDir()
	w, url := startWitness(t, dir, key)
	grow(t, l, 5)
	old := checkpoint(t, l) // a checkpoint of 5 events, kept by a backup
	grow(t, l, 5)
	status, _, _ := post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, l)})
	require.Equal(t, http.StatusOK, status)

	// The ledger, restored from the backup, submits its 5-event checkpoint
	// as if the witness held 5: 409 says the witness holds 10.
	status, ctype, body := post(t, url, witness.Request{Old: 5, Checkpoint: old})
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, witness.SizeContentType, ctype)
	assert.Equal(t, "10\n", string(body))
	// Told 10, it cannot prove 10 → 5: 400 (old size above the checkpoint's).
	status, _, _ = post(t, url, witness.Request{Old: 10, Checkpoint: old})
	assert.Equal(t, http.StatusBadRequest, status)

	ev, err := w.Evidence()
	require.NoError(t, err)
	require.Len(t, ev, 2, "one file per distinct signed rollback request")
	b, _ := os.ReadFile(ev[0])
	assert.Contains(t, string(b), "rollback: the log signed size 5 after this witness cosigned size 10")
	size, _ := w.Latest(origin)
	assert.Equal(t, uint64(10), size)

	// Sending the same request again keeps no second copy.
	post(t, url, witness.Request{Old: 5, Checkpoint: old})
	ev, _ = w.Evidence()
	assert.Len(t, ev, 2)
}

func TestRefusesBadInput(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir := t.TempDir()
	w, url := startWitness(t, dir, key)
	grow(t, l, 4)
	status, _, _ := post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, l)})
	require.Equal(t, http.StatusOK, status)
	grow(t, l, 4)
	cp := checkpoint(t, l)
	good := proof(t, l, 4)

	// A checkpoint of the same origin signed by a key the witness does not
	// know: 403.
	other := testKey(t)
	impostor := newLog(t, other)
	grow(t, impostor, 8)
	status, _, body := post(t, url, witness.Request{Old: 4, Proof: proof(t, impostor, 4), Checkpoint: checkpoint(t, impostor)})
	assert.Equal(t, http.StatusForbidden, status, "%s", body)

	// A log the witness does not follow: 404.
	stranger := chaintest.Open(t, "", chain.Options{Origin: "elsewhere.example/log"})
	grow(t, stranger, 8)
	status, _, _ = post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, stranger)})
	assert.Equal(t, http.StatusNotFound, status)

	// A consistency proof that does not verify: 422.
	bad := make([][]byte, len(good))
	for i := range good {
		bad[i] = append([]byte(nil), good[i]...)
	}
	bad[0][0] ^= 1
	status, _, body = post(t, url, witness.Request{Old: 4, Proof: bad, Checkpoint: cp})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "%s", body)
	status, _, _ = post(t, url, witness.Request{Old: 4, Proof: good[:len(good)-1], Checkpoint: cp})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "a short proof")

	// A stale old size: 409 with the witness's size.
	status, _, body = post(t, url, witness.Request{Old: 3, Checkpoint: cp})
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "4\n", string(body))

	// Malformed bodies: 400.
	line := base64.StdEncoding.EncodeToString(good[0])
	for name, b := range map[string]string{
		"no old line":       "\n" + string(cp),
		"old with a zero":   "old 04\n" + line + "\n\n" + string(cp),
		"old not a number":  "old four\n\n" + string(cp),
		"proof not base64":  "old 4\nnot base64!\n\n" + string(cp),
		"proof not a hash":  "old 4\nAAAA\n\n" + string(cp),
		"no blank line":     "old 4\n" + line + "\n",
		"no checkpoint":     "old 4\n" + line + "\n\n",
		"64 proof lines":    "old 4\n" + strings.Repeat(line+"\n", 64) + "\n" + string(cp),
		"unsigned note":     "old 4\n\n" + origin + "\n8\n" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n",
		"old above the new": "old 9\n\n" + string(cp),
	} {
		status, _, body := postBody(t, url, []byte(b))
		assert.Equal(t, http.StatusBadRequest, status, "%s: %s", name, body)
	}

	size, stored := w.Latest(origin)
	assert.Equal(t, uint64(4), size, "nothing changed the witness")
	assert.NotEqual(t, cp, stored)
	status, _, _ = post(t, url, witness.Request{Old: 4, Proof: good, Checkpoint: cp})
	assert.Equal(t, http.StatusOK, status, "the good request still goes through")
}

func TestStateSurvivesRestart(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir := t.TempDir()
	w, err := witness.Open(witness.Config{Dir: dir, Name: "witness.test/w1", Logs: []witness.LogConfig{{Origin: origin, Verifier: key.Verifier}}})
	require.NoError(t, err)
	pub := w.VerifierKey()

	_, err = witness.Open(witness.Config{Dir: dir, Logs: []witness.LogConfig{{Origin: origin, Verifier: key.Verifier}}})
	assert.ErrorContains(t, err, "in use", "one witness per data directory")

	srv := startHandler(t, w)
	grow(t, l, 6)
	status, _, _ := post(t, srv, witness.Request{Old: 0, Checkpoint: checkpoint(t, l)})
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, w.Close())

	w2, url := startWitness(t, dir, key)
	assert.Equal(t, pub, w2.VerifierKey(), "the key is kept")
	size, _ := w2.Latest(origin)
	assert.Equal(t, uint64(6), size)
	status, _, body := post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, l)})
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "6\n", string(body))
	require.NoError(t, w2.Close())

	// Configured with another key for the origin, the stored state no
	// longer verifies: the witness does not start on it.
	other := testKey(t)
	_, err = witness.Open(witness.Config{Dir: dir, Logs: []witness.LogConfig{{Origin: origin, Verifier: other.Verifier}}})
	assert.ErrorContains(t, err, "does not verify")
}

// TestConcurrentSubmissionsNeverRollBack: many requests from the same old
// size race; exactly one wins and the stored size never goes down.
func TestConcurrentSubmissionsNeverRollBack(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir := t.TempDir()
	w, url := startWitness(t, dir, key)
	grow(t, l, 3)
	status, _, _ := post(t, url, witness.Request{Old: 0, Checkpoint: checkpoint(t, l)})
	require.Equal(t, http.StatusOK, status)
	var reqs []witness.Request
	for range 8 {
		grow(t, l, 1)
		reqs = append(reqs, witness.Request{Old: 3, Proof: proof(t, l, 3), Checkpoint: checkpoint(t, l)})
	}
	var wg sync.WaitGroup
	codes := make([]int, len(reqs))
	for i, r := range reqs {
		wg.Go(func() { codes[i], _, _ = post(t, url, r) })
	}
	wg.Wait()
	won := -1
	for i, c := range codes {
		if c == http.StatusOK {
			assert.Equal(t, -1, won, "only one request from size 3 may win")
			won = i
		} else {
			assert.Equal(t, http.StatusConflict, c)
		}
	}
	require.NotEqual(t, -1, won)
	size, _ := w.Latest(origin)
	assert.Equal(t, uint64(4+won), size)
}
