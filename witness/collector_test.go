package witness_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// problems collects what a collector reports.
type problems struct {
	mu   sync.Mutex
	msgs []string
}

func (p *problems) add(_ context.Context, m string) {
	p.mu.Lock()
	p.msgs = append(p.msgs, m)
	p.mu.Unlock()
}

func (p *problems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.msgs...)
}

// remote is a witness started on dir as the collector sees it.
func remote(t *testing.T, dir string, key chain.Key) (witness.Remote, *witness.Witness) {
	t.Helper()
	w, url := startWitness(t, dir, key)
	v, err := witness.NewVerifier(w.VerifierKey())
	require.NoError(t, err)
	return witness.Remote{URL: url, Verifier: v}, w
}

// runCollector starts a collector over l until the test ends.
func runCollector(t *testing.T, l witness.Log, policy int, timeout time.Duration, ws ...witness.Remote) (*witness.Collector, *problems) {
	c, p, _ := startCollector(t, l, policy, timeout, ws...)
	return c, p
}

// startCollector starts a collector over l; stop (also called when the test
// ends) stops it and waits for it.
func startCollector(t *testing.T, l witness.Log, policy int, timeout time.Duration, ws ...witness.Remote) (*witness.Collector, *problems, func()) {
	t.Helper()
	p := &problems{}
	c, err := witness.NewCollector(witness.CollectorConfig{Log: l, Witnesses: ws, Policy: policy, Timeout: timeout,
		Interval: 5 * time.Millisecond, OnProblem: p.add})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return c, p, stop
}

// eventually waits for cond, failing the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCollectorPublishesCosignedCheckpoints(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	dir1, dir2 := t.TempDir(), t.TempDir()
	w1, _ := remote(t, dir1, key)
	w2, _ := remote(t, dir2, key)
	c, probs := runCollector(t, l, 2, time.Second, w1, w2)
	policy := witness.Policy{Witnesses: []note.Verifier{w1.Verifier, w2.Verifier}, K: 2}
	indep := []note.Verifier{independentVerifier(t, dir1), independentVerifier(t, dir2)}

	for round := range 5 {
		grow(t, l, 3+round*40)
		c.Notify()
		want := checkpoint(t, l)
		eventually(t, "both witnesses cosign the latest checkpoint", func() bool {
			cp, n, err := c.Checkpoint()
			return err == nil && n == 2 && strings.HasPrefix(string(cp), string(want))
		})
		cp, _, _ := c.Checkpoint()
		text, n, err := policy.Check(cp, key.Verifier)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.True(t, strings.HasPrefix(string(want), text))
		// torchwood's verifiers accept both cosignatures too.
		opened, err := note.Open(cp, note.VerifierList(indep...))
		require.NoError(t, err)
		assert.Len(t, opened.Sigs, 2)
	}
	assert.Empty(t, probs.all())
	for _, s := range c.Status() {
		assert.Equal(t, l.Size(), s.Size)
		assert.Empty(t, s.Problem)
	}

	// Three of two cannot be met; one forged cosignature fails the check.
	cp, _, _ := c.Checkpoint()
	_, _, err := witness.Policy{Witnesses: policy.Witnesses, K: 3}.Check(cp, key.Verifier)
	assert.ErrorIs(t, err, witness.ErrPolicy)
	forged := []byte(strings.Replace(string(cp), "\n— witness.test/w1 ", "\n— witness.test/w1 A", 1))
	_, _, err = policy.Check(forged, key.Verifier)
	assert.Error(t, err)
	other := testKey(t)
	_, _, err = policy.Check(cp, other.Verifier)
	assert.ErrorContains(t, err, "the log's own signature is missing")
}

// TestCollectorPolicyOneOfTwo: with a policy of 1, a dead witness does not
// hold back publication, and it is reported silent.
func TestCollectorPolicyOneOfTwo(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	live, _ := remote(t, t.TempDir(), key)
	deadSrv := httptest.NewServer(http.NotFoundHandler())
	deadURL := deadSrv.URL
	deadSrv.Close() // connection refused from now on
	dead := witness.Remote{URL: deadURL, Verifier: live.Verifier}
	deadKey, err := chain.NewKey("dead.witness")
	require.NoError(t, err)
	dv, err := witness.NewVerifier(deadKey.VerifierKey)
	require.NoError(t, err)
	dead.Verifier = dv

	c, probs := runCollector(t, l, 1, 300*time.Millisecond, live, dead)
	grow(t, l, 7)
	c.Notify()
	eventually(t, "the live witness's cosignature is published", func() bool {
		cp, n, _ := c.Checkpoint()
		return n == 1 && strings.HasPrefix(string(cp), string(checkpoint(t, l)))
	})
	eventually(t, "the dead witness is reported", func() bool { return len(probs.all()) > 0 })
	assert.Contains(t, probs.all()[0], "witness "+deadURL+" has not answered for")
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, probs.all(), 1, "reported once, not at every retry")
}

func TestCollectorReportsASilentWitness(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); slow.Close() })
	wk, err := chain.NewKey("slow.witness")
	require.NoError(t, err)
	v, err := witness.NewVerifier(wk.VerifierKey)
	require.NoError(t, err)
	c, probs := runCollector(t, l, 1, 200*time.Millisecond, witness.Remote{URL: slow.URL, Verifier: v})

	// Writes go on at full speed: the submission waits in the background.
	start := time.Now()
	grow(t, l, 20)
	c.Notify()
	grow(t, l, 20)
	assert.Less(t, time.Since(start), 2*time.Second)
	eventually(t, "the silent witness is reported", func() bool { return len(probs.all()) > 0 })
	assert.Contains(t, probs.all()[0], "has not answered")
	assert.Contains(t, probs.all()[0], "deadline exceeded")
	_, n, err := c.Checkpoint()
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestCollectorReportsARefusal(t *testing.T) {
	key := testKey(t)
	l := newLog(t, key)
	// The witness follows the origin, but with another key: 403.
	other := testKey(t)
	r, _ := remote(t, t.TempDir(), other)
	c, probs := runCollector(t, l, 1, time.Second, r)
	grow(t, l, 3)
	c.Notify()
	eventually(t, "the refusal is reported", func() bool { return len(probs.all()) > 0 })
	assert.Contains(t, probs.all()[0], "does not accept this ledger's checkpoint key (403)")
	assert.Contains(t, c.Status()[0].Problem, "403")
}

// TestRestoredFromOldBackupIsCaught: a ledger on disk is backed up at 5
// events, grows to 12 and is cosigned; restored from the backup, it grows
// again (another history from event 5 on) and its next submission is
// refused by the witness, which keeps the evidence.
func TestRestoredFromOldBackupIsCaught(t *testing.T) {
	key := testKey(t)
	data := filepath.Join(t.TempDir(), "data")
	backup := filepath.Join(t.TempDir(), "backup")
	wdir := t.TempDir()
	r, w := remote(t, wdir, key)

	l, err := chain.Open(chain.Options{Dir: data, Key: &key, Origin: origin})
	require.NoError(t, err)
	grow(t, l, 5)
	require.NoError(t, l.Close())
	require.NoError(t, os.CopyFS(backup, os.DirFS(data)))

	l, err = chain.Open(chain.Options{Dir: data, Key: &key, Origin: origin})
	require.NoError(t, err)
	grow(t, l, 7)
	c, probs, stop := startCollector(t, l, 1, time.Second, r)
	c.Notify()
	eventually(t, "cosigned at 12", func() bool { _, n, _ := c.Checkpoint(); return n == 1 })
	assert.Empty(t, probs.all())
	stop()
	size, _ := w.Latest(origin)
	require.Equal(t, uint64(12), size)
	require.NoError(t, l.Close())

	for name, extra := range map[string]int{"restored, smaller": 2, "restored, grown past": 10} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			require.NoError(t, os.CopyFS(dir, os.DirFS(backup)))
			restored, err := chain.Open(chain.Options{Dir: dir, Key: &key, Origin: origin})
			require.NoError(t, err)
			grow(t, restored, extra)
			c, probs, stop := startCollector(t, restored, 1, time.Second, r)
			t.Cleanup(func() { stop(); restored.Close() })
			c.Notify()
			eventually(t, "the witness refuses the restored ledger", func() bool { return len(probs.all()) > 0 })
			msg := probs.all()[0]
			if extra < 7 {
				assert.Contains(t, msg, "has cosigned 12 events of this ledger, which now has only 7")
			} else {
				assert.Contains(t, msg, "refuses the consistency proof from size 12 to 15")
			}
			_, n, _ := c.Checkpoint()
			assert.Zero(t, n, "nothing cosigned is published for the restored history")
			size, _ := w.Latest(origin)
			assert.Equal(t, uint64(12), size, "the witness keeps what it cosigned")
		})
	}
	ev, err := w.Evidence()
	require.NoError(t, err)
	assert.NotEmpty(t, ev, "the restored ledger's signed checkpoints are kept as evidence")
}
