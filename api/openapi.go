package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// The OpenAPI 3.0 document is generated from the route table and the Go
// types of the request and answer bodies, so it describes exactly what is
// registered. GET /api/v1/openapi.json serves it (no token needed).

// infraRoutes are registered outside the table; they are documented here.
var infraRoutes = []route{
	{method: http.MethodGet, path: "/healthz", tag: "operations", public: true, summary: "Liveness",
		doc: "No token needed. `{\"status\": \"ok\", \"ledger_size\": N}`.", status: http.StatusOK, answer: map[string]any{}},
	{method: http.MethodGet, path: "/metrics", tag: "operations", public: true, summary: "Prometheus metrics",
		doc:    "No token needed. Prometheus text format: request counts and latencies by route and status, ledger size, open alerts, Go runtime.",
		status: http.StatusOK, answer: "", produces: []string{"text/plain"}},
	{method: http.MethodGet, path: BasePath + "/openapi.json", tag: "operations", public: true, summary: "This document",
		status: http.StatusOK, answer: map[string]any{}},
}

var errorText = map[int]string{
	400: "validation_failed: malformed JSON, missing/invalid fields (named in `fields`), unknown waste code, bad credit code",
	401: "unauthenticated: no token, unknown or revoked token",
	403: "forbidden: the party may not do this",
	404: "not_found: no such resource, or one the caller may not see",
	409: "invalid_transition (the state does not allow this step) or conflict (Idempotency-Key reused with another body; a concurrent step won)",
	413: "payload_too_large: body over 1 MiB",
	422: "rule_violation: a domain rule refuses it (licence scope/validity/capacity, label mismatch, wrong party for the step)",
}

// OpenAPI returns the OpenAPI 3.0 document of the server as JSON.
func (s *Server) OpenAPI() ([]byte, error) {
	s.openapiOnce.Do(func() { s.openapiDoc, s.openapiErr = s.buildOpenAPI() })
	return s.openapiDoc, s.openapiErr
}

func (s *Server) openAPIHandler(c echo.Context) error {
	b, err := s.OpenAPI()
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, b)
}

// OpenAPIPath converts an Echo path ("/wastes/:id") to OpenAPI ("/wastes/{id}").
func OpenAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		if strings.HasPrefix(x, ":") {
			parts[i] = "{" + x[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func (s *Server) buildOpenAPI() ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	add := func(r route, full string) {
		op := map[string]any{
			"summary":     r.summary,
			"operationId": operationID(r.method, full),
			"tags":        []string{r.tag},
		}
		desc := r.doc
		if len(r.roles) > 0 {
			desc = strings.TrimSpace(desc + "\n\nRoles: " + roleList(r.roles) + ".")
		}
		if desc != "" {
			op["description"] = desc
		}
		if r.public {
			op["security"] = []any{}
		}
		var params []any
		for _, name := range pathParams(full) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, queryParam(q))
		}
		if r.method != http.MethodGet && !r.public && r.method != http.MethodDelete {
			params = append(params, map[string]any{"name": HeaderIdempotencyKey, "in": "header", "required": false,
				"description": "retry key, at most 100 characters: the same key and body return the first answer; another body is 409 conflict",
				"schema":      map[string]any{"type": "string", "maxLength": MaxIdempotencyKey}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.body))}}}
		}
		responses := map[string]any{}
		success := map[string]any{"description": http.StatusText(r.status)}
		if r.answer != nil {
			content := map[string]any{}
			produces := r.produces
			if len(produces) == 0 {
				produces = []string{"application/json"}
			}
			for _, ct := range produces {
				sch := g.schema(reflect.TypeOf(r.answer))
				if ct != "application/json" {
					sch = map[string]any{"type": "string"}
				}
				content[ct] = map[string]any{"schema": sch}
			}
			success["content"] = content
		}
		responses[strconv.Itoa(r.status)] = success
		errs := append([]int{}, r.errors...)
		if !r.public {
			errs = append(errs, 401)
		}
		if len(r.roles) > 0 {
			errs = append(errs, 403)
		}
		if r.body != nil {
			errs = append(errs, 400, 413)
		}
		errs = append(errs, 500)
		for _, code := range errs {
			text := errorText[code]
			if text == "" {
				text = "internal: nothing internal is disclosed"
			}
			responses[strconv.Itoa(code)] = map[string]any{"description": text,
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorBody"}}}}
		}
		op["responses"] = responses
		if paths[full] == nil {
			paths[full] = map[string]any{}
		}
		paths[full][strings.ToLower(r.method)] = op
	}
	for _, r := range s.table {
		add(r, OpenAPIPath(BasePath+r.path))
	}
	for _, r := range infraRoutes {
		add(r, OpenAPIPath(r.path))
	}
	g.schema(reflect.TypeOf(ErrorBody{}))
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "hwledger API",
			"version": "1",
			"description": "Tamper-evident ledger of hazardous and medical waste: parties, waste batches, transfer manifests " +
				"(电子转移联单), alerts (预警), assessment (考核) and the ledger's proofs. JSON in and out, times RFC 3339 " +
				"(answers in UTC), quantities in kilograms with at most 3 decimals. Errors are " +
				"`{\"error\": {\"code\", \"message\", \"fields\"}}`.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "a token issued by POST /api/v1/parties/{id}/tokens or the admin token of DIR/admin.token"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// DocumentedRoutes lists "METHOD /path" (OpenAPI form) of every documented
// route; the OpenAPI test compares it with Echo's registered routes.
func (s *Server) DocumentedRoutes() []string {
	var out []string
	for _, r := range s.table {
		out = append(out, r.method+" "+OpenAPIPath(BasePath+r.path))
	}
	for _, r := range infraRoutes {
		out = append(out, r.method+" "+OpenAPIPath(r.path))
	}
	sort.Strings(out)
	return out
}

func pathParams(p string) []string {
	var out []string
	for _, x := range strings.Split(p, "/") {
		if strings.HasPrefix(x, "{") {
			out = append(out, strings.Trim(x, "{}"))
		}
	}
	return out
}

func queryParam(q param) map[string]any {
	sch := map[string]any{"type": q.typ}
	switch q.typ {
	case "date-time":
		sch = map[string]any{"type": "string", "description": "RFC 3339 time or date YYYY-MM-DD (Asia/Shanghai)"}
	case "integer":
		sch = map[string]any{"type": "integer", "minimum": 0}
	}
	if len(q.enum) > 0 {
		sch["enum"] = q.enum
	}
	m := map[string]any{"name": q.name, "in": "query", "required": false, "schema": sch}
	if q.doc != "" {
		m["description"] = q.doc
	}
	return m
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

func operationID(method, path string) string {
	p := strings.TrimPrefix(path, BasePath)
	return strings.ToLower(method) + strings.Trim(nonWord.ReplaceAllString(p, "_"), "_")
}

// schemaGen turns Go types into OpenAPI schemas, collecting named structs
// in defs.
type schemaGen struct {
	defs map[string]any
}

var (
	gramsType = reflect.TypeFor[ledger.Grams]()
	roleType  = reflect.TypeFor[ledger.Role]()
	rawType   = reflect.TypeFor[json.RawMessage]()
	durType   = reflect.TypeFor[time.Duration]()
	pkgPath   = regexp.MustCompile(`[\w./-]*\.`)
)

func defName(t reflect.Type) string {
	n := pkgPath.ReplaceAllString(t.Name(), "")
	n = strings.NewReplacer("[", "Of", "]", "", "*", "").Replace(n)
	return n
}

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case gramsType:
		return map[string]any{"type": "number", "description": "kilograms, at most 3 decimals"}
	case roleType:
		roles := make([]string, len(ledger.AllRoles))
		for i, r := range ledger.AllRoles {
			roles[i] = string(r)
		}
		return map[string]any{"type": "string", "enum": roles}
	case rawType:
		return map[string]any{"description": "any JSON value (for events: the exact canonical bytes that were hashed)"}
	case durType:
		return map[string]any{"type": "integer", "description": "nanoseconds"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if _, isRef := s["$ref"]; isRef {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := defName(t)
		if name == "" {
			return g.object(t)
		}
		if _, seen := g.defs[name]; !seen {
			g.defs[name] = map[string]any{} // placeholder breaks recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		n := jsonName(f)
		if n == "-" {
			continue
		}
		props[n] = g.schema(f.Type)
	}
	return map[string]any{"type": "object", "properties": props}
}
