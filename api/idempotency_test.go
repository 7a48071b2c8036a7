package api

import (
	"net/http"
	"sync"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIdempotentRetry: the same key and body returns the first answer and
// appends once; the same key with another body is 409 conflict; keys are
// per party.
func TestIdempotentRetry(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	body := ts.wasteBody("900-214-08", 12.5)
	before := ts.size()
	first := ts.do("POST", "/api/v1/wastes", d.gen.token, body, HeaderIdempotencyKey, "retry-1")
	require.Equal(t, http.StatusCreated, first.status, "%s", first)
	afterFirst := ts.size()
	assert.Greater(t, afterFirst, before)
	for i := 0; i < 3; i++ {
		again := ts.do("POST", "/api/v1/wastes", d.gen.token, body, HeaderIdempotencyKey, "retry-1")
		require.Equal(t, http.StatusCreated, again.status, "%s", again)
		assert.JSONEq(t, string(first.body), string(again.body))
	}
	assert.Equal(t, afterFirst, ts.size(), "a replay appended")

	other := ts.wasteBody("900-214-08", 13)
	c := ts.do("POST", "/api/v1/wastes", d.gen.token, other, HeaderIdempotencyKey, "retry-1")
	assert.Equal(t, http.StatusConflict, c.status, "%s", c)
	assert.Equal(t, CodeConflict, c.errCode())
	assert.Equal(t, afterFirst, ts.size())

	// Another party may use the same key for its own request.
	o := ts.do("POST", "/api/v1/wastes", d.gen2.token, body, HeaderIdempotencyKey, "retry-1")
	assert.Equal(t, http.StatusCreated, o.status, "%s", o)

	// Concurrent retries of one request also append once.
	var wg sync.WaitGroup
	ids := make([]string, 10)
	size := ts.size()
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := ts.do("POST", "/api/v1/wastes", d.gen.token, ts.wasteBody("900-041-49", 3), HeaderIdempotencyKey, "burst")
			var w ledger.Waste
			if a.status == http.StatusCreated {
				_ = jsonUnmarshal(a.body, &w)
				ids[i] = w.ID
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	assert.NotEmpty(t, ids[0])
	assert.Equal(t, size+1, ts.size(), "one registration event")
}

// TestConcurrentPickups: 50 carriers' phones race to pick up one manifest;
// exactly one wins, the rest get 409, and one pickup is recorded.
func TestConcurrentPickups(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	before := ts.size()
	const n = 50
	statuses := make([]int, n)
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			a := ts.do("POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m))
			statuses[i], codes[i] = a.status, a.errCode()
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, s := range statuses {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			assert.Contains(t, []string{CodeConflict, CodeInvalidTransition}, codes[i])
		default:
			t.Errorf("pickup %d: status %d", i, s)
		}
	}
	assert.Equal(t, 1, won)
	var got ledger.Manifest
	ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID, d.gen.token, nil, &got)
	assert.Equal(t, ledger.ManifestInTransit, got.Status)
	pickups := 0
	for _, c := range got.Custody {
		if c.Kind == "pickup" {
			pickups++
		}
	}
	assert.Equal(t, 1, pickups)
	assert.Greater(t, ts.size(), before)
}
