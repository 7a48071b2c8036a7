package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScanStepsAreTheAPIs: the scan page's endpoint and the API run a
// carrier's step alike. A step sent by one and resent with the same
// Idempotency-Key through the other returns the first answer and records
// nothing more; the same key with another body is 409 conflict on both;
// a bad body gets the same error body from both.
func TestScanStepsAreTheAPIs(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	require.NoError(t, err)
	w, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "solid", Quantity: ledger.KgToGrams(20),
		Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	m, err := f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.ids["carrier"]},
		Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
	require.NoError(t, err)

	srv, err := api.New(api.Config{Service: f.svc})
	require.NoError(t, err)
	apiSrv := httptest.NewServer(srv.Handler())
	t.Cleanup(apiSrv.Close)

	c := client(t)
	csrf := signIn(t, f, c, f.tokens["carrier"])
	type answer struct {
		status int
		body   map[string]any
	}
	post := func(url, key string, body []byte, hdr map[string]string) answer {
		t.Helper()
		req, err := http.NewRequest("POST", url, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := c.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out map[string]any
		require.NoError(t, json.Unmarshal(b, &out), "%s", b)
		return answer{res.StatusCode, out}
	}
	viaWeb := func(step, key string, body []byte) answer {
		return post(f.srv.URL+"/ui/api/manifests/"+m.ID+"/"+step, key, body, map[string]string{"X-CSRF-Token": csrf})
	}
	viaAPI := func(step, key string, body []byte) answer {
		return post(apiSrv.URL+"/api/v1/manifests/"+m.ID+"/"+step, key, body, map[string]string{"Authorization": "Bearer " + f.tokens["carrier"]})
	}

	// A bad body: the same error body from both, naming the field.
	bad := []byte(`{"labels": "not a list"}`)
	size := f.svc.Log().Size()
	w1, a1 := viaWeb("pickup", "bad-1", bad), viaAPI("pickup", "bad-1", bad)
	assert.Equal(t, size, f.svc.Log().Size(), "a refused step recorded something")
	assert.Equal(t, http.StatusBadRequest, w1.status)
	assert.Equal(t, a1, w1)
	assert.Equal(t, map[string]any{"labels": "must be an array"}, w1.body["error"].(map[string]any)["fields"])
	assert.Equal(t, size, f.svc.Log().Size(), "a refused body appended something")

	// Pickup through the web, replayed through the API.
	pickup, _ := json.Marshal(ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A12345", Driver: "赵师傅"})
	first := viaWeb("pickup", "scan-1", pickup)
	require.Equal(t, http.StatusOK, first.status, "%v", first.body)
	assert.Equal(t, ledger.ManifestInTransit, first.body["status"])
	size = f.svc.Log().Size()
	again := viaAPI("pickup", "scan-1", pickup)
	assert.Equal(t, first, again)
	assert.Equal(t, size, f.svc.Log().Size(), "the replay recorded something")
	// The same key with another body: 409 conflict on both.
	other, _ := json.Marshal(ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A99999", Driver: "钱师傅"})
	for _, a := range []answer{viaAPI("pickup", "scan-1", other), viaWeb("pickup", "scan-1", other)} {
		assert.Equal(t, http.StatusConflict, a.status)
		assert.Equal(t, "conflict", a.body["error"].(map[string]any)["code"])
	}

	// Delivery through the API, replayed through the web.
	f.drive(t)
	deliver := []byte(`{"location": {"lat": 34.679, "lon": 113.726}}`)
	first = viaAPI("deliver", "scan-2", deliver)
	require.Equal(t, http.StatusOK, first.status, "%v", first.body)
	assert.Equal(t, ledger.ManifestDelivered, first.body["status"])
	size = f.svc.Log().Size()
	again = viaWeb("deliver", "scan-2", deliver)
	assert.Equal(t, first, again)
	assert.Equal(t, size, f.svc.Log().Size(), "the replay recorded something")

	// A step that is not the carrier's: 404 from the web as from the API.
	assert.Equal(t, http.StatusNotFound, viaWeb("receive", "scan-3", []byte(`{}`)).status)
}
