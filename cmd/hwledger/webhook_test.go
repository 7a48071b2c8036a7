package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebhooksSurviveKill9: the server is killed with SIGKILL while it
// delivers to a bureau subscription under load, and restarted; every event
// reaches the receiver, in ledger order (a delivery whose answer the kill
// cut off comes again: at least once), each signed with the secret that
// was shown when subscribing.
func TestWebhooksSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	admin := readAdminToken(t, dir)
	gen := generatorToken(t, s, admin)

	var mu sync.Mutex
	var got []uint64
	var bad []string
	var secret string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var d struct{ Index uint64 }
		mu.Lock()
		defer mu.Unlock()
		if err := json.Unmarshal(b, &d); err != nil || webhook.Sign(secret, b) != r.Header.Get(webhook.HeaderSignature) {
			bad = append(bad, string(b))
		}
		got = append(got, d.Index)
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()
	client := &http.Client{Timeout: 30 * time.Second}
	zero := 0
	mu.Lock()
	status, body := call(t, client, "POST", s.url+"/api/v1/webhooks", admin, map[string]any{"url": rcv.URL + "/bureau", "from": zero})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var sub struct{ Secret string }
	require.NoError(t, json.Unmarshal(body, &sub))
	secret = sub.Secret
	mu.Unlock()

	stop := make(chan struct{})
	wait := loadRegistrations(s.url, gen, stop)
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, s.cmd.Process.Kill())
	<-s.exited
	close(stop)
	acked := wait()
	mu.Lock()
	before := len(got)
	mu.Unlock()

	s = startServer(t, dir)
	size := uint64(registerParties(t, s, dir, 50, 1))
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		last := uint64(0)
		if n > 0 {
			last = got[n-1]
		}
		mu.Unlock()
		if n > 0 && last+1 >= size {
			break
		}
		require.True(t, time.Now().Before(deadline), "not every event delivered: %d deliveries, last %d of %d", n, last, size)
		time.Sleep(20 * time.Millisecond)
	}
	s.stop(t)
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, bad, "every delivery is signed with the secret")
	var next uint64
	repeats := 0
	for i, idx := range got {
		switch {
		case idx == next:
			next++
		case i > 0 && idx < next:
			require.Equal(t, got[i-1], idx, "delivery %d: index %d comes out of order after %d", i, idx, got[i-1])
			repeats++
		default:
			t.Fatalf("delivery %d: index %d skips %d", i, idx, next)
		}
	}
	assert.GreaterOrEqual(t, next, size, "every event delivered")
	t.Logf("%d registrations acknowledged; %d deliveries before SIGKILL, %d in all for %d events (%d repeated)",
		len(acked), before, len(got), size, repeats)
}
