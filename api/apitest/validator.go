// Package apitest checks HTTP traffic against hwledger's OpenAPI document in
// tests. Only test files import it.
//
// A Validator sits in an http.Client's Transport. For every exchange whose
// path the document describes it requires:
//   - the answer's status to be documented for the operation, with a body
//     that matches the documented schema of its content type (a null where
//     the document promises an array fails);
//   - a request the document calls invalid to be refused (status 4xx): the
//     server must be at least as strict as the document says.
//
// A path under a documented prefix (/api/v1, /healthz, /metrics) that the
// document does not describe fails unless the server answered 404 or 405.
// The bodies of text/event-stream answers are not read (the stream goes on);
// their status and content type are checked, and a test can check each
// event's data with Validator.Schema.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Documented are the path prefixes the document must describe.
var Documented = []string{"/api/v1/", "/healthz", "/metrics"}

func init() {
	// Answers that are lines of text: the document gives them as strings.
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
}

// Validator checks requests and answers against one OpenAPI document.
type Validator struct {
	t      testing.TB
	doc    *openapi3.T
	router routers.Router

	mu   sync.Mutex
	seen map[string]bool // reports made, by operation, status and problem
}

// New loads and validates the OpenAPI document doc (JSON or YAML); it fails
// t if the document is not valid OpenAPI 3.
func New(t testing.TB, doc []byte) *Validator {
	t.Helper()
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(doc)
	if err != nil {
		t.Fatalf("apitest: loading the OpenAPI document: %v", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatalf("apitest: the OpenAPI document is not valid: %v", err)
	}
	r, err := gorillamux.NewRouter(d)
	if err != nil {
		t.Fatalf("apitest: routing the OpenAPI document: %v", err)
	}
	return &Validator{t: t, doc: d, router: r, seen: map[string]bool{}}
}

// Client returns an HTTP client whose every exchange v checks, sent with a
// fresh http.Transport.
func (v *Validator) Client() *http.Client {
	return &http.Client{Transport: v.Transport(&http.Transport{MaxIdleConnsPerHost: 256})}
}

// Transport wraps next (nil: http.DefaultTransport) so that every exchange
// is checked. Failures are reported with t.Errorf, so a test goes on and
// sees the answer.
func (v *Validator) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper{v: v, next: next}
}

type roundTripper struct {
	v    *Validator
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := rt.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if op, msg := rt.v.check(req, body, resp); msg != "" {
		rt.v.report(fmt.Sprintf("%s %s → %d: %s", req.Method, req.URL.RequestURI(), resp.StatusCode, msg),
			fmt.Sprintf("%s %d %s", op, resp.StatusCode, strings.SplitN(msg, "\n", 2)[0]))
	}
	return resp, nil
}

// report fails the test with msg, once per key: a load test that repeats
// one mistake a thousand times reports it once.
func (v *Validator) report(msg, key string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen[key] {
		return
	}
	v.seen[key] = true
	v.t.Errorf("OpenAPI: %s", msg)
}

// check returns the operation ("METHOD /path/{param}") and what is wrong
// with the exchange, or "". It reads and replaces resp.Body unless the
// answer is an event stream.
func (v *Validator) check(req *http.Request, reqBody []byte, resp *http.Response) (op, problem string) {
	in := req.Clone(context.Background())
	in.Body = io.NopCloser(bytes.NewReader(reqBody))
	if len(reqBody) > 0 && in.Header.Get("Content-Type") == "" {
		in.Header.Set("Content-Type", "application/json") // the server reads a body without one as JSON
	}
	route, params, err := v.router.FindRoute(in)
	if err != nil {
		op = req.Method + " " + req.URL.Path
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return op, ""
		}
		for _, p := range Documented {
			if strings.HasPrefix(req.URL.Path, p) {
				return op, "the route is not in the document"
			}
		}
		return op, ""
	}
	op = req.Method + " " + route.Path
	reqIn := &openapi3filter.RequestValidationInput{Request: in, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	reqErr := openapi3filter.ValidateRequest(context.Background(), reqIn)
	var problems []string
	if reqErr != nil && resp.StatusCode < 400 {
		problems = append(problems, fmt.Sprintf("the document calls the request invalid, yet it succeeded: %v", reqErr))
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	var respBody []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		opts.ExcludeResponseBody = true
	} else {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return op, fmt.Sprintf("reading the answer: %v", err)
		}
		respBody = b
	}
	respErr := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: opts})
	if respErr != nil {
		problems = append(problems, fmt.Sprintf("the answer does not match the document: %v\nbody: %.2000s", respErr, respBody))
	} else if extra := v.undocumented(route, resp, respBody); len(extra) > 0 {
		sort.Strings(extra)
		if len(extra) > 10 {
			extra = append(extra[:10], "…")
		}
		problems = append(problems, fmt.Sprintf("the answer has fields the document does not describe: %s", strings.Join(extra, ", ")))
	}
	return op, strings.Join(problems, "\n")
}

// undocumented lists the fields of a JSON answer that its schema does not
// name (JSON paths), where the schema does not allow other fields
// (additionalProperties absent).
func (v *Validator) undocumented(route *routers.Route, resp *http.Response, body []byte) []string {
	ct := resp.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") || len(body) == 0 {
		return nil
	}
	r := route.Operation.Responses.Status(resp.StatusCode)
	if r == nil || r.Value == nil {
		return nil
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	var x any
	if json.Unmarshal(body, &x) != nil {
		return nil
	}
	var out []string
	extraFields(mt.Schema.Value, x, "", &out)
	return out
}

func extraFields(s *openapi3.Schema, x any, at string, out *[]string) {
	if s == nil {
		return
	}
	props := map[string]*openapi3.SchemaRef{}
	open := s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil
	var collect func(s *openapi3.Schema)
	collect = func(s *openapi3.Schema) {
		for k, p := range s.Properties {
			props[k] = p
		}
		if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
			open = true
		}
		for _, a := range s.AllOf {
			if a.Value != nil {
				collect(a.Value)
			}
		}
	}
	collect(s)
	switch x := x.(type) {
	case map[string]any:
		if len(props) == 0 {
			return // a free-form object
		}
		for k, e := range x {
			p, ok := props[k]
			switch {
			case ok && p.Value != nil:
				extraFields(p.Value, e, at+"/"+k, out)
			case !ok && !open:
				*out = append(*out, at+"/"+k)
			}
		}
	case []any:
		if s.Items != nil {
			for i, e := range x {
				extraFields(s.Items.Value, e, fmt.Sprintf("%s/%d", at, i), out)
			}
		}
	}
}

// Schema checks the JSON value data against the component schema name
// (components/schemas/name), undocumented fields included, and returns
// what is wrong, or nil.
func (v *Validator) Schema(name string, data []byte) error {
	ref := v.doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("the document has no schema %q", name)
	}
	var x any
	if err := json.Unmarshal(data, &x); err != nil {
		return err
	}
	if err := ref.Value.VisitJSON(x, openapi3.MultiErrors()); err != nil {
		return err
	}
	var extra []string
	extraFields(ref.Value, x, "", &extra)
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("fields the document does not describe: %s", strings.Join(extra, ", "))
	}
	return nil
}
