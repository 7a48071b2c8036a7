package webhook_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/api/apitest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/hwledger/hwledger/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The webhook routes over HTTP, every answer checked against the OpenAPI
// document: a URL that is not http(s) is refused naming the field with
// nothing appended; a party sees and deletes only its own subscriptions;
// the secret is shown once and signs the deliveries; the delivery log.
func TestWebhookRoutes(t *testing.T) {
	svc := ledgertest.Open(t, ledger.Config{})
	dist := newDistrict(t, svc)
	d, err := webhook.Open(fast(svc, ""))
	require.NoError(t, err)
	defer d.Close()
	stop := run(d)
	defer stop()
	srv, err := api.New(api.Config{Service: svc, Webhooks: d})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/api/v1/openapi.json")
	require.NoError(t, err)
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	client := &http.Client{Transport: apitest.New(t, doc).Transport(nil)}
	tokens := map[string]string{}
	for name, p := range map[string]ledger.Principal{"genA": dist.genA, "genB": dist.genB, "insp": dist.insp} {
		_, tok, err := svc.CreateToken(t.Context(), dist.admin, p.Party, ledger.TokenInput{})
		require.NoError(t, err)
		tokens[name] = tok
	}
	call := func(method, path, who string, body any) (int, []byte) {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, hs.URL+"/api/v1"+path, r)
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	size := svc.Log().Size()
	for _, bad := range []string{"ftp://example.com/hook", "javascript:alert(1)", "example.com/hook", "http://", "https://user:pw@example.com/",
		"", "file:///etc/passwd"} {
		status, body := call("POST", "/webhooks", "genA", map[string]any{"url": bad})
		assert.Equal(t, http.StatusBadRequest, status, "%q: %s", bad, body)
		var e struct {
			Error struct {
				Code   string
				Fields map[string]string
			}
		}
		require.NoError(t, json.Unmarshal(body, &e))
		assert.Equal(t, "validation_failed", e.Error.Code)
		assert.Contains(t, e.Error.Fields, "url", "%q", bad)
	}
	status, body := call("POST", "/webhooks", "genA", map[string]any{"url": "https://erp.example.com/hook", "from": size + 100})
	assert.Equal(t, http.StatusBadRequest, status, "%s", body)
	assert.Contains(t, string(body), `"from"`)
	assert.Equal(t, size, svc.Log().Size(), "refused subscriptions append nothing")

	rcv := newReceiver(t)
	status, body = call("POST", "/webhooks", "genA", map[string]any{"url": rcv.srv.URL + "/in"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var sub struct {
		ID, Scope, Secret, Status string
	}
	require.NoError(t, json.Unmarshal(body, &sub))
	assert.Equal(t, "party", sub.Scope)
	assert.Len(t, sub.Secret, 64)
	assert.Equal(t, size+1, svc.Log().Size(), "a subscription is one ledger event")
	dist.register(t, dist.genA, 2)
	waitFor(t, "the deliveries", func() bool { return len(rcv.deliveries()) == 2 })
	for _, g := range rcv.deliveries() {
		checkBody(t, svc, sub.Secret, g)
	}

	// Listing shows no secret; another party sees none of it.
	status, body = call("GET", "/webhooks", "genA", nil)
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(body), sub.Secret)
	assert.Contains(t, string(body), sub.ID)
	status, body = call("GET", "/webhooks", "genB", nil)
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(body), sub.ID)
	status, _ = call("GET", "/webhooks/"+sub.ID+"/deliveries", "genB", nil)
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = call("DELETE", "/webhooks/"+sub.ID, "genB", nil)
	assert.Equal(t, http.StatusNotFound, status)
	status, body = call("GET", "/webhooks", "insp", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), sub.ID, "an inspector sees every subscription")

	status, body = call("GET", "/webhooks/"+sub.ID+"/deliveries?limit=1", "genA", nil)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var log struct {
		Items      []webhook.Delivery
		NextCursor string `json:"next_cursor"`
	}
	require.NoError(t, json.Unmarshal(body, &log))
	require.Len(t, log.Items, 1)
	assert.Equal(t, webhook.Delivered, log.Items[0].Status)
	assert.NotEmpty(t, log.NextCursor)
	status, _ = call("GET", "/webhooks/"+sub.ID+"/deliveries?cursor=nope", "genA", nil)
	assert.Equal(t, http.StatusBadRequest, status)

	status, body = call("DELETE", "/webhooks/"+sub.ID, "genA", nil)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Contains(t, string(body), `"status":"deleted"`)
	status, _ = call("DELETE", "/webhooks/"+sub.ID, "genA", nil)
	assert.Equal(t, http.StatusConflict, status)
	status, body = call("POST", "/webhooks", "insp", map[string]any{"url": "http://127.0.0.1:1/bureau"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	assert.Contains(t, string(body), `"scope":"bureau"`)
}
