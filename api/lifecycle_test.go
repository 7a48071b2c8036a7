package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLifecycleOverHTTP runs a batch and a manifest from registration to a
// closed manifest through the API, then verifies the ledger over HTTP.
func TestLifecycleOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w1 := ts.waste(d.gen, "900-214-08", 120.5)
	w2 := ts.waste(d.gen, "900-041-49", 30)
	assert.Len(t, w1.Label, 37)
	assert.Equal(t, ledger.WasteStored, w1.Status)
	assert.Equal(t, ledger.Grams(120500), w1.Quantity)

	var byLabel ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/labels/"+w1.Label, d.gen.token, nil, &byLabel)
	assert.Equal(t, w1.ID, byLabel.ID)

	m := ts.manifest(d.gen, d.recv, []actor{d.car1, d.car2}, w1, w2)
	assert.Len(t, m.Number, 14)
	assert.Equal(t, ledger.ManifestSubmitted, m.Status)

	ts.clock.Advance(2 * time.Hour)
	id := "/api/v1/manifests/" + m.ID
	ts.must(http.StatusOK, "POST", id+"/pickup", d.car1.token, scanBody(m), m)
	assert.Equal(t, ledger.ManifestInTransit, m.Status)
	ts.must(http.StatusOK, "POST", id+"/positions", d.car1.token, map[string]any{"points": []map[string]any{
		{"lat": 34.74, "lon": 113.69, "at": ts.clock.Now().Format(time.RFC3339)}}}, nil)
	ts.must(http.StatusOK, "POST", id+"/handover", d.car2.token, scanBody(m), m)
	ts.clock.Advance(30 * time.Minute) // the road to the receiver
	ts.must(http.StatusOK, "POST", id+"/deliver", d.car2.token, map[string]any{"location": map[string]any{"lat": 34.70, "lon": 113.75}}, m)
	assert.Equal(t, ledger.ManifestDelivered, m.Status)
	ts.must(http.StatusOK, "POST", id+"/receive", d.recv.token, map[string]any{"lines": []map[string]any{
		{"waste_id": w1.ID, "received_kg": 120, "container_count": 2, "accepted": true},
		{"waste_id": w2.ID, "received_kg": 20, "container_count": 2, "accepted": true, "note": "少了一桶"},
	}}, m)
	assert.True(t, m.Discrepancy)
	var alerts AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=discrepancy", d.insp.token, nil, &alerts)
	require.Len(t, alerts.Items, 1)

	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+w1.ID+"/dispose", d.recv.token, map[string]any{"method": "R9", "quantity_kg": 120}, nil)
	var w ledger.Waste
	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+w2.ID+"/dispose", d.recv.token, map[string]any{"method": "D10", "quantity_kg": 20}, &w)
	assert.Equal(t, ledger.WasteDisposed, w.Status)
	ts.must(http.StatusOK, "GET", id, d.gen.token, nil, m)
	assert.Equal(t, ledger.ManifestClosed, m.Status)
	assert.Len(t, m.Track, 1)
	assert.Len(t, m.Custody, 4)

	// The trace proves every event about the batch against the checkpoint.
	var tr ledger.Trace
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w2.ID+"/trace", d.gen.token, nil, &tr)
	cp, err := chain.OpenCheckpoint([]byte(tr.Checkpoint), ts.svc.Log().Key().Verifier)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(tr.Events), 8)
	for _, ev := range tr.Events {
		require.NoError(t, chain.VerifyInclusion(ev.Index, cp.Size, ev.Event, ev.InclusionProof, cp.Root))
	}
	ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID+"/trace", d.insp.token, nil, &tr)
	assert.NotEmpty(t, tr.Events)

	// Lists are scoped and shaped {"items", "next_cursor"}.
	var ws WasteList
	ts.must(http.StatusOK, "GET", "/api/v1/wastes?status=disposed&limit=1", d.gen.token, nil, &ws)
	require.Len(t, ws.Items, 1)
	assert.NotEmpty(t, ws.NextCursor)
	ts.must(http.StatusOK, "GET", "/api/v1/wastes?limit=1&status=disposed&cursor="+ws.NextCursor, d.gen.token, nil, &ws)
	require.Len(t, ws.Items, 1)
	ts.must(http.StatusOK, "GET", "/api/v1/wastes", d.gen2.token, nil, &ws)
	assert.Empty(t, ws.Items)

	size := verifyHTTP(t, ts, d.insp.token)
	assert.Equal(t, ts.size(), size)
}
