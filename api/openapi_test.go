package api

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hwledger/hwledger/api/apitest"
	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadOpenAPI parses the served document with kin-openapi and validates it.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := OpenAPI()
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// openAPIPath converts an Echo path ("/wastes/:id", "/manifests/:id.pdf")
// to OpenAPI ("/wastes/{id}", "/manifests/{id}.pdf").
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		if strings.HasPrefix(x, ":") {
			name, suffix, _ := strings.Cut(x[1:], ".")
			if suffix != "" {
				suffix = "." + suffix
			}
			parts[i] = "{" + name + "}" + suffix
		}
		if x == "*" { // Echo's wildcard: the rest of the path
			parts[i] = "{path}"
		}
	}
	return strings.Join(parts, "/")
}

// TestOpenAPIMatchesRoutes fails when a route registered with Echo is
// missing from the document or a documented operation is not registered,
// and when an operation's roles (x-roles) or publicness (security: [])
// differ from the route table's.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		// A web UI's routes are not part of the API document.
		c.Web = func(e *echo.Echo, m Mount) { e.GET("/", func(c echo.Context) error { return c.String(200, "web") }) }
	})
	doc := loadOpenAPI(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
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
		registered = append(registered, r.Method+" "+openAPIPath(r.Path))
	}
	for _, r := range ts.srv.table { // served through their base route's Echo entry (see register)
		if _, _, ok := suffixRoute(r.path); ok {
			registered = append(registered, r.method+" "+openAPIPath(BasePath+r.path))
		}
	}
	sort.Strings(registered)
	assert.Equal(t, registered, documented, "registered routes vs documented operations")

	table := map[string]route{}
	for _, r := range ts.srv.table {
		table[r.method+" "+openAPIPath(BasePath+r.path)] = r
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			public := op.Security != nil && len(*op.Security) == 0
			var roles []string
			if x, ok := op.Extensions["x-roles"].([]any); ok {
				for _, r := range x {
					roles = append(roles, r.(string))
				}
			}
			r, inTable := table[name]
			if name == "GET /metrics" { // outside the table, for admins and inspectors
				assert.False(t, public, name)
				want := make([]string, len(metricsRoles))
				for i, x := range metricsRoles {
					want[i] = string(x)
				}
				assert.ElementsMatch(t, want, roles, "%s: x-roles", name)
				continue
			}
			if !inTable { // /healthz and this document
				assert.True(t, public, "%s: outside the route table, so public: security: []", name)
				assert.Empty(t, roles, "%s: x-roles", name)
				continue
			}
			assert.Equal(t, r.public, public, "%s: public in the table vs security: [] in the document", name)
			want := make([]string, len(r.roles))
			for i, x := range r.roles {
				want[i] = string(x)
			}
			assert.ElementsMatch(t, want, roles, "%s: roles in the table vs x-roles in the document", name)
		}
	}
}

// TestOpenAPIEnums: each enumeration of the document is the ledger's.
func TestOpenAPIEnums(t *testing.T) {
	doc := loadOpenAPI(t)
	enum := func(name string) []string {
		s := doc.Components.Schemas[name]
		require.NotNil(t, s, name)
		var out []string
		for _, v := range s.Value.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	for name, want := range map[string][]string{
		"Role":             ledger.RoleNames(),
		"WasteStatus":      ledger.WasteStatuses,
		"AlertKind":        ledger.AlertKinds,
		"ErrorCode":        httpx.Codes,
		"ManifestStatus":   ledger.ManifestStatuses,
		"ManifestKind":     ledger.ManifestKinds,
		"CorrectionStatus": ledger.CorrectionStatuses,
		"LicenseKind":      ledger.LicenseKinds,
		"WasteForm":        ledger.WasteForms,
		"AlertStatus":      ledger.AlertStatuses,
		"Hazard":           catalog.Hazards,
		"ManagementClass":  ledger.ManagementClasses,
	} {
		assert.Equal(t, want, enum(name), name)
	}
}

// TestOpenAPIDocument: the server serves the document; every schema is
// used; every operation has an id, a summary, one tag of the tag list and
// at least one 4xx answer unless it is public.
func TestOpenAPIDocument(t *testing.T) {
	ts := newTestServer(t)
	served := ts.must(http.StatusOK, "GET", "/api/v1/openapi.json", "", nil, nil).body
	want, err := OpenAPI()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(served))

	doc := loadOpenAPI(t)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	for name := range doc.Components.Schemas {
		ref := regexp.MustCompile(`['"]#/components/schemas/` + name + `['"]`)
		assert.True(t, ref.Match(OpenAPIYAML()), "schema %s is not used", name)
	}
	var tags []string
	for _, tg := range doc.Tags {
		tags = append(tags, tg.Name)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			assert.NotEmpty(t, op.OperationID, name)
			assert.NotEmpty(t, op.Summary, name)
			if assert.Len(t, op.Tags, 1, name) {
				assert.Contains(t, tags, op.Tags[0], name)
			}
			assert.NotNil(t, op.Responses.Status(500), "%s: 500", name)
		}
	}
	// The assessment formulas are in the description.
	assess := doc.Paths.Value("/api/v1/assessment").Get.Description
	for _, f := range []string{"on_time_rate", "score", "disposal_rate", "avg_days_to_disposal"} {
		assert.Contains(t, assess, f)
	}
	assert.True(t, slices.Contains(tags, "manifests"))
}

// TestOpenAPINullArrayFails: a manifest as the server answers it matches
// the document's Manifest schema, and the same manifest with `custody: null`
// (where the document promises an array) does not.
func TestOpenAPINullArrayFails(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, ts.waste(d.gen, "900-214-08", 10))
	raw := ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID, d.gen.token, nil, nil).body
	doc, err := OpenAPI()
	require.NoError(t, err)
	v := apitest.New(t, doc)
	require.NoError(t, v.Schema("Manifest", raw))
	var obj map[string]any
	require.NoError(t, jsonUnmarshal(raw, &obj))
	require.Equal(t, []any{}, obj["custody"])
	obj["custody"] = nil
	require.Error(t, v.Schema("Manifest", []byte(mustJSON(obj))))
}

// TestOpenAPIEventLines: every line of GET /ledger/events is an Event of
// the document (the NDJSON answer is a string to the HTTP check).
func TestOpenAPIEventLines(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, ts.waste(d.gen, "900-214-08", 10))
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	doc, err := OpenAPI()
	require.NoError(t, err)
	v := apitest.New(t, doc)
	body := ts.must(http.StatusOK, "GET", "/api/v1/ledger/events", ts.admin, nil, nil).body
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	require.Equal(t, int(ts.size()), len(lines))
	for i, l := range lines {
		assert.NoError(t, v.Schema("Event", []byte(l)), "line %d: %s", i, l)
	}
}
