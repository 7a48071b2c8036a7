package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/api/apitest"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenAPIMatchesRoutes fails when a route registered with Echo is
// missing from the served OpenAPI document or a documented route is not
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		// A web UI's routes are not part of the API document.
		c.Web = func(e *echo.Echo, m Mount) { e.GET("/", func(c echo.Context) error { return c.String(200, "web") }) }
	})
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
		Comps   struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	ts.must(http.StatusOK, "GET", "/api/v1/openapi.json", "", nil, &doc)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(documented)

	var registered []string
	for _, r := range ts.srv.Echo().Routes() {
		if r.Path == "/" || strings.HasPrefix(r.Method, "echo_route") {
			continue // the web UI; Echo's internal any-method entries
		}
		if r.Path != "/healthz" && r.Path != "/metrics" && !strings.HasPrefix(r.Path, BasePath+"/") {
			t.Errorf("route %s %s is neither API nor operations", r.Method, r.Path)
			continue
		}
		registered = append(registered, r.Method+" "+OpenAPIPath(r.Path))
	}
	sort.Strings(registered)
	assert.Equal(t, registered, documented, "registered routes vs OpenAPI paths")
	assert.Equal(t, documented, ts.srv.DocumentedRoutes())

	// Every docs/api.md route is there, and every schema it references exists.
	for _, want := range []string{
		"POST /api/v1/parties", "GET /api/v1/parties", "GET /api/v1/parties/{id}", "PUT /api/v1/parties/{id}/license",
		"POST /api/v1/parties/{id}/tokens", "DELETE /api/v1/tokens/{id}", "GET /api/v1/catalog/codes", "GET /api/v1/catalog/methods",
		"POST /api/v1/wastes", "GET /api/v1/wastes", "GET /api/v1/wastes/{id}", "GET /api/v1/labels/{label}",
		"GET /api/v1/wastes/{id}/trace", "POST /api/v1/wastes/{id}/dispose", "POST /api/v1/manifests",
		"POST /api/v1/manifests/{id}/pickup", "POST /api/v1/manifests/{id}/handover", "POST /api/v1/manifests/{id}/positions",
		"POST /api/v1/manifests/{id}/deliver", "POST /api/v1/manifests/{id}/receive", "POST /api/v1/manifests/{id}/cancel",
		"GET /api/v1/manifests", "GET /api/v1/manifests/{id}", "GET /api/v1/alerts", "POST /api/v1/alerts/{id}/ack",
		"GET /api/v1/alerts/stream", "GET /api/v1/assessment", "GET /api/v1/ledger/checkpoint", "GET /api/v1/ledger/key",
		"GET /api/v1/ledger/events", "GET /api/v1/ledger/proof/inclusion", "GET /api/v1/ledger/proof/consistency",
		"GET /healthz", "GET /metrics", "POST /api/v1/admin/clock",
	} {
		assert.Contains(t, documented, want)
	}
	raw := ts.must(http.StatusOK, "GET", "/api/v1/openapi.json", "", nil, nil).body
	for _, ref := range refs(string(raw)) {
		assert.Contains(t, doc.Comps.Schemas, ref, "dangling $ref")
	}
	// The assessment formulas are in the description.
	assert.Contains(t, string(raw), "on_time_rate")
	assert.Contains(t, string(raw), "score")
	require.NotEmpty(t, doc.Comps.Schemas["WasteInput"])
}

func refs(doc string) []string {
	var out []string
	const p = `"$ref": "#/components/schemas/`
	for {
		i := strings.Index(doc, p)
		if i < 0 {
			return out
		}
		doc = doc[i+len(p):]
		j := strings.IndexByte(doc, '"')
		out = append(out, doc[:j])
		doc = doc[j:]
	}
}

// TestOpenAPINullArrayFails: a manifest as the server answers it matches
// the document's Manifest schema, and the same manifest with `custody: null`
// (where the document promises an array) does not.
func TestOpenAPINullArrayFails(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, ts.waste(d.gen, "900-214-08", 10))
	raw := ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID, d.gen.token, nil, nil).body
	doc, err := ts.srv.OpenAPI()
	require.NoError(t, err)
	v := apitest.New(t, doc)
	require.NoError(t, v.Schema("Manifest", raw))
	var obj map[string]any
	require.NoError(t, json.Unmarshal(raw, &obj))
	require.Equal(t, []any{}, obj["custody"])
	obj["custody"] = nil
	require.Error(t, v.Schema("Manifest", []byte(mustJSON(obj))))
}
