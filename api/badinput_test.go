package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestBadInput sends malformed and invalid requests and checks the status,
// the error code, the named field, and that nothing was appended.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), m)

	waste := func(mod func(map[string]any)) map[string]any {
		b := ts.wasteBody("900-214-08", 10)
		mod(b)
		return b
	}
	party := func(mod func(map[string]any)) map[string]any {
		b := partyBody(50, "新单位", "generator")
		mod(b)
		return b
	}
	future := ts.clock.Now().Add(time.Hour).Format(time.RFC3339)
	big := `{"code":"900-214-08","storage":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, field               string
	}{
		{"malformed JSON", "POST", "/api/v1/wastes", d.gen.token, `{"code": "900-214-08",`, 400, CodeValidation, "body"},
		{"syntax error", "POST", "/api/v1/wastes", d.gen.token, `{"code" "x"}`, 400, CodeValidation, "body"},
		{"empty body", "POST", "/api/v1/wastes", d.gen.token, ``, 400, CodeValidation, "body"},
		{"array body", "POST", "/api/v1/wastes", d.gen.token, `[1,2]`, 400, CodeValidation, "body"},
		{"null body", "POST", "/api/v1/wastes", d.gen.token, `null`, 400, CodeValidation, "body"},
		{"two objects", "POST", "/api/v1/wastes", d.gen.token, `{"code":"900-214-08"} {}`, 400, CodeValidation, "body"},
		{"unknown field", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["colour"] = "red" }), 400, CodeValidation, "colour"},
		{"nested unknown field", "POST", "/api/v1/wastes", d.gen.token,
			waste(func(b map[string]any) { b["container"] = map[string]any{"type": "桶", "count": 1, "lid": true} }), 400, CodeValidation, "container.lid"},
		{"wrong type string for number", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["quantity_kg"] = "ten" }), 400, CodeValidation, "quantity_kg"},
		{"wrong type number for string", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["code"] = 900 }), 400, CodeValidation, "code"},
		{"wrong type nested", "POST", "/api/v1/wastes", d.gen.token,
			waste(func(b map[string]any) { b["container"] = map[string]any{"type": "桶", "count": "two"} }), 400, CodeValidation, "container.count"},
		{"bad time", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["generated_at"] = "yesterday" }), 400, CodeValidation, "generated_at"},
		{"too many decimals", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["quantity_kg"] = 1.2345 }), 400, CodeValidation, "quantity_kg"},
		{"negative quantity", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["quantity_kg"] = -5 }), 400, CodeValidation, "quantity_kg"},
		{"zero quantity", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["quantity_kg"] = 0 }), 400, CodeValidation, "quantity_kg"},
		{"absurd quantity", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["quantity_kg"] = 1e12 }), 400, CodeValidation, "quantity_kg"},
		{"missing code", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { delete(b, "code") }), 400, CodeValidation, "code"},
		{"unknown waste code", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["code"] = "999-999-99" }), 400, CodeValidation, "code"},
		{"malformed waste code", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["code"] = "HW08X" }), 400, CodeValidation, "code"},
		{"bad form", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["form"] = "plasma" }), 400, CodeValidation, "form"},
		{"generated in the future", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["generated_at"] = future }), 400, CodeValidation, "generated_at"},
		{"occurred in the future", "POST", "/api/v1/wastes", d.gen.token, waste(func(b map[string]any) { b["occurred_at"] = future }), 400, CodeValidation, "occurred_at"},
		{"oversized body", "POST", "/api/v1/wastes", d.gen.token, big, 413, CodeTooLarge, ""},
		{"bad credit code", "POST", "/api/v1/parties", ts.admin, party(func(b map[string]any) { b["credit_code"] = "91410104MA00000501" }), 400, CodeValidation, "credit_code"},
		{"credit code with I", "POST", "/api/v1/parties", ts.admin, party(func(b map[string]any) { b["credit_code"] = "91410104MAI000050X" }), 400, CodeValidation, "credit_code"},
		{"unknown role", "POST", "/api/v1/parties", ts.admin, party(func(b map[string]any) { b["roles"] = []string{"pirate"} }), 400, CodeValidation, "roles"},
		{"latitude out of range", "POST", "/api/v1/parties", ts.admin,
			party(func(b map[string]any) { b["location"] = map[string]any{"lat": 95, "lon": 113} }), 400, CodeValidation, "location.lat"},
		{"transporter without permit", "POST", "/api/v1/parties", ts.admin, party(func(b map[string]any) { b["roles"] = []string{"transporter"} }), 400, CodeValidation, "transport_permit"},
		{"position out of range", "POST", "/api/v1/manifests/" + m.ID + "/positions", d.car1.token,
			map[string]any{"points": []any{map[string]any{"lat": 34.7, "lon": 200, "at": ts.clock.Now().Format(time.RFC3339)}}}, 400, CodeValidation, "points[0].lon"},
		{"position in the future", "POST", "/api/v1/manifests/" + m.ID + "/positions", d.car1.token,
			map[string]any{"points": []any{map[string]any{"lat": 34.7, "lon": 113.7, "at": future}}}, 400, CodeValidation, "points[0].at"},
		{"position wrong type", "POST", "/api/v1/manifests/" + m.ID + "/positions", d.car1.token,
			map[string]any{"points": []any{map[string]any{"lat": "north", "lon": 113.7}}}, 400, CodeValidation, "points[0].lat"},
		{"idempotency key too long", "POST", "/api/v1/wastes", d.gen.token, ts.wasteBody("900-214-08", 1), 400, CodeValidation, HeaderIdempotencyKey},
		{"bad limit", "GET", "/api/v1/wastes?limit=501", d.gen.token, nil, 400, CodeValidation, "limit"},
		{"bad status filter", "GET", "/api/v1/wastes?status=lost", d.gen.token, nil, 400, CodeValidation, "status"},
		{"bad bool filter", "GET", "/api/v1/wastes?medical=maybe", d.gen.token, nil, 400, CodeValidation, "medical"},
		{"bad from", "GET", "/api/v1/wastes?from=last-week", d.gen.token, nil, 400, CodeValidation, "from"},
		{"bad proof index", "GET", "/api/v1/ledger/proof/inclusion?index=x&size=1", "", nil, 400, CodeValidation, "index"},
		{"proof beyond the ledger", "GET", "/api/v1/ledger/proof/inclusion?index=0&size=999999", "", nil, 404, CodeNotFound, ""},
		{"bad clock advance", "POST", "/api/v1/admin/clock", ts.admin, map[string]any{"advance": "soon"}, 400, CodeValidation, "advance"},
		{"unknown route", "GET", "/api/v1/nothing", d.gen.token, nil, 404, CodeNotFound, ""},
		{"missing body", "POST", "/api/v1/wastes", d.gen.token, nil, 400, CodeValidation, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ts.size()
			var hdr []string
			if c.field == HeaderIdempotencyKey {
				hdr = []string{HeaderIdempotencyKey, strings.Repeat("k", MaxIdempotencyKey+1)}
			}
			a := ts.do(c.method, c.path, c.token, c.body, hdr...)
			assert.Equal(t, c.status, a.status, "%s", a)
			assert.Equal(t, c.code, a.errCode(), "%s", a)
			if c.field != "" {
				var e ErrorBody
				a.decode(t, &e)
				assert.Contains(t, e.Error.Fields, c.field, "%s", a)
			}
			assert.Equal(t, before, ts.size(), "a refused request appended")
		})
	}
}

// TestPickupLabelMismatch: 422 with the missing and unexpected lists.
func TestPickupLabelMismatch(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w1 := ts.waste(d.gen, "900-214-08", 10)
	w2 := ts.waste(d.gen, "900-214-08", 10)
	other := ts.waste(d.gen, "900-041-49", 1)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w1, w2)
	before := ts.size()
	body := scanBody(m)
	body["labels"] = []string{w1.Label, other.Label}
	a := ts.do("POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, body)
	assert.Equal(t, 422, a.status, "%s", a)
	var e ErrorBody
	a.decode(t, &e)
	assert.Equal(t, CodeRuleViolation, e.Error.Code)
	assert.Equal(t, []any{w2.Label}, e.Error.Missing)
	assert.Equal(t, []any{other.Label}, e.Error.Unexpected)
	assert.Equal(t, before, ts.size())
}
