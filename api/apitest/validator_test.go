package apitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that keeps what Errorf reports.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const doc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /api/v1/things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [tags]
                properties: {tags: {type: array, items: {type: string}}}
        '404': {description: no}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}
      responses:
        '200': {description: ok}
        '400': {description: bad}
`

// TestValidatorCatches runs one exchange per rule against a server that
// answers what the test says, and requires the validator to report exactly
// the exchanges that break the document.
func TestValidatorCatches(t *testing.T) {
	var answer struct {
		status int
		body   string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(answer.status)
		_, _ = w.Write([]byte(answer.body))
	}))
	defer srv.Close()
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		answer                   string
		want                     string // part of the report; "" for none
	}{
		{"conforms", "GET", "/api/v1/things/a", "", 200, `{"tags":[]}`, ""},
		{"null where an array is promised", "GET", "/api/v1/things/a", "", 200, `{"tags":null}`, "does not match"},
		{"undocumented field", "GET", "/api/v1/things/a", "", 200, `{"tags":[],"colour":"red"}`, "does not describe: /colour"},
		{"missing required field", "GET", "/api/v1/things/a", "", 200, `{}`, "does not match"},
		{"undocumented status", "GET", "/api/v1/things/a", "", 500, `{}`, "status is not supported"},
		{"undocumented route", "GET", "/api/v1/other", "", 200, `{}`, "not in the document"},
		{"undocumented route answered 404", "GET", "/api/v1/other", "", 404, `{}`, ""},
		{"invalid request refused", "POST", "/api/v1/things/a", `{"n":0}`, 400, `{}`, ""},
		{"invalid request accepted", "POST", "/api/v1/things/a", `{"n":0}`, 200, `{}`, "calls the request invalid"},
		{"valid request without Content-Type", "POST", "/api/v1/things/a", `{"n":1}`, 200, `{}`, ""},
		{"outside the documented prefixes", "GET", "/ui/x", "", 200, `{}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			client := New(rec, []byte(doc)).Client()
			answer.status, answer.body = c.status, c.answer
			req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			if c.want == "" {
				assert.Empty(t, rec.errs)
				return
			}
			require.Len(t, rec.errs, 1)
			assert.Contains(t, rec.errs[0], c.want)
		})
	}
}

// TestSchema checks a value against a component schema, undocumented
// fields included.
func TestSchema(t *testing.T) {
	v := New(t, []byte(doc+`
components:
  schemas:
    Point:
      type: object
      required: [lat]
      properties: {lat: {type: number}, tags: {type: object, additionalProperties: true}}
`))
	assert.NoError(t, v.Schema("Point", []byte(`{"lat": 1, "tags": {"any": 1}}`)))
	assert.ErrorContains(t, v.Schema("Point", []byte(`{"lat": "north"}`)), "lat")
	assert.ErrorContains(t, v.Schema("Point", []byte(`{"lat": 1, "lon": 2}`)), "/lon")
	assert.ErrorContains(t, v.Schema("Nothing", []byte(`{}`)), "no schema")
}
