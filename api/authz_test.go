package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The roles of the matrix: who asks. "own" parties are on the resource
// (generator of the batch, its carrier, its receiver); "other" parties have
// the same role but nothing to do with it.
var matrixRoles = []string{"anon", "admin", "insp", "gen", "gen2", "car1", "car2", "recv", "medRx"}

type matrixCase struct {
	method, path string
	body         any
	// want: the status each role must get (built with all).
	want map[string]int
}

func all(status int, except map[string]int) map[string]int {
	m := map[string]int{}
	for _, r := range matrixRoles {
		m[r] = status
	}
	for k, v := range except {
		m[k] = v
	}
	return m
}

// TestAuthorizationMatrix sends every route as every role, about a batch and
// a manifest that belong to gen, carried by car1, addressed to recv, and
// checks the status. Refused writes must not append; refused reads must not
// show anything of the resource.
func TestAuthorizationMatrix(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	tok := map[string]string{"anon": "", "admin": d.admin.token, "insp": d.insp.token, "gen": d.gen.token,
		"gen2": d.gen2.token, "car1": d.car1.token, "car2": d.car2.token, "recv": d.recv.token, "medRx": d.medRx.token}
	w := ts.waste(d.gen, "900-214-08", 10)
	spare := ts.waste(d.gen, "900-214-08", 5) // stored, on no manifest
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	// An alert to acknowledge: a discrepancy needs a receipt, so use the test
	// clock to make spare's storage come due (1 year − 30 days).
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", d.admin.token, map[string]any{"advance": "8040h"}, nil)
	var alerts AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?status=open", d.insp.token, nil, &alerts)
	require.NotEmpty(t, alerts.Items, "an alert to acknowledge")
	alertID := alerts.Items[0].ID
	var tokAns TokenAnswer
	ts.must(http.StatusCreated, "POST", "/api/v1/parties/"+d.gen2.id+"/tokens", d.admin.token, nil, &tokAns)

	seesW := map[string]int{"anon": 401, "gen2": 404, "car2": 404, "medRx": 404}
	authed := map[string]int{"anon": 401}
	adminOnly := all(403, map[string]int{"anon": 401, "admin": 0})
	onlyRole := func(ok ...string) map[string]int {
		m := all(403, map[string]int{"anon": 401})
		for _, r := range ok {
			m[r] = 0
		}
		return m
	}
	lic := map[string]any{"number": "X-2", "codes": []string{"HW08"}, "methods": []string{"D10"}, "capacity_tonnes": 5,
		"valid_from": "2026-01-01", "valid_to": "2030-12-31"}
	scan := scanBody(m)
	cases := []matrixCase{
		{method: "GET", path: "/api/v1/parties", want: all(200, authed)},
		{method: "GET", path: "/api/v1/parties/" + d.gen.id, want: all(200, authed)},
		{method: "GET", path: "/api/v1/parties?role=receiver&code=900-214-08", want: all(200, authed)},
		{method: "GET", path: "/api/v1/catalog/codes?q=HW08", want: all(200, authed)},
		{method: "GET", path: "/api/v1/catalog/methods", want: all(200, authed)},
		{method: "GET", path: "/api/v1/wastes/" + w.ID, want: all(200, seesW)},
		{method: "GET", path: "/api/v1/labels/" + w.Label, want: all(200, seesW)},
		{method: "GET", path: "/api/v1/wastes/" + w.ID + "/trace", want: all(200, seesW)},
		{method: "GET", path: "/api/v1/wastes/" + spare.ID, want: all(404, map[string]int{"anon": 401, "gen": 200, "insp": 200, "admin": 200})},
		{method: "GET", path: "/api/v1/manifests/" + m.ID, want: all(200, seesW)},
		{method: "GET", path: "/api/v1/manifests/" + m.ID + "/trace", want: all(200, seesW)},
		{method: "GET", path: "/api/v1/wastes", want: all(200, authed)},
		{method: "GET", path: "/api/v1/wastes/counts", want: all(403, map[string]int{"anon": 401, "admin": 200, "insp": 200})},
		{method: "GET", path: "/api/v1/manifests", want: all(200, authed)},
		{method: "GET", path: "/api/v1/alerts", want: all(200, authed)},
		// Every party sees its own assessment (docs/api.md: "any other party: its own row").
		{method: "GET", path: "/api/v1/assessment?group_by=party", want: all(200, map[string]int{"anon": 401})},
		{method: "GET", path: "/api/v1/ledger/events", want: all(403, map[string]int{"anon": 401, "admin": 200, "insp": 200})},
		{method: "GET", path: "/api/v1/ledger/checkpoint", want: all(200, nil)},
		{method: "GET", path: "/api/v1/ledger/key", want: all(200, nil)},
		{method: "GET", path: "/api/v1/ledger/proof/inclusion?index=0&size=2", want: all(200, nil)},
		{method: "GET", path: "/api/v1/ledger/proof/consistency?from=1&to=2", want: all(200, nil)},
		{method: "GET", path: "/api/v1/openapi.json", want: all(200, nil)},
		{method: "GET", path: "/healthz", want: all(200, nil)},
		{method: "GET", path: "/metrics", want: all(403, map[string]int{"anon": 401, "admin": 200, "insp": 200})},

		// Writes: 0 marks the role that may do it (covered by the lifecycle
		// test; not sent here so the fixture stays put).
		{method: "POST", path: "/api/v1/parties", body: partyBody(99, "新单位", "generator"), want: adminOnly},
		{method: "PUT", path: "/api/v1/parties/" + d.recv.id + "/license", body: lic, want: adminOnly},
		{method: "POST", path: "/api/v1/parties/" + d.gen.id + "/tokens", want: adminOnly},
		// Another party's token is not found; its own party's machine token manages nothing.
		{method: "DELETE", path: "/api/v1/tokens/" + tokAns.ID, want: all(404, map[string]int{"anon": 401, "admin": 0, "insp": 403, "gen2": 403})},
		{method: "POST", path: "/api/v1/wastes", body: ts.wasteBody("900-214-08", 1), want: onlyRole("gen", "gen2")},
		{method: "POST", path: "/api/v1/wastes/" + spare.ID + "/correct", body: map[string]any{"reason": "typo", "storage": "B"},
			want: merge(onlyRole("gen"), map[string]int{"gen2": 404})},
		{method: "POST", path: "/api/v1/manifests", body: map[string]any{"waste_ids": []string{spare.ID}, "carriers": []string{d.car1.id},
			"receiver": d.recv.id, "planned_pickup_at": ts.clock.Now().Add(1e12).Format("2006-01-02T15:04:05Z07:00")},
			want: merge(onlyRole("gen"), map[string]int{"gen2": 422})},
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/pickup", body: scan, want: merge(onlyRole("car1"), map[string]int{"car2": 404})},
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/handover", body: scan, want: merge(onlyRole(), map[string]int{"car1": 409, "car2": 404})},
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/positions", body: map[string]any{"points": []any{map[string]any{"lat": 34.7, "lon": 113.7, "at": ts.clock.Now().Format(time.RFC3339)}}},
			want: merge(onlyRole(), map[string]int{"car1": 409, "car2": 404})},
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/deliver", body: map[string]any{}, want: merge(onlyRole(), map[string]int{"car1": 409, "car2": 404})},
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/receive", body: map[string]any{"lines": []any{map[string]any{"waste_id": w.ID, "received_kg": 10, "container_count": 2, "accepted": true}}},
			// A generator receives only a return of its own batches.
			want: merge(onlyRole(), map[string]int{"recv": 409, "medRx": 404, "gen": 422, "gen2": 404})},
		// A receiver cancels only a return or redirect it filed.
		{method: "POST", path: "/api/v1/manifests/" + m.ID + "/cancel", body: map[string]any{"reason": "x"},
			want: merge(onlyRole("gen"), map[string]int{"gen2": 404, "recv": 422, "medRx": 404})},
		{method: "POST", path: "/api/v1/wastes/" + w.ID + "/dispose", body: map[string]any{"method": "D10", "quantity_kg": 1},
			want: merge(onlyRole(), map[string]int{"recv": 409, "medRx": 404})},
		{method: "POST", path: "/api/v1/alerts/" + alertID + "/ack", body: map[string]any{"note": "seen"}, want: onlyRole("insp", "admin")},
		{method: "POST", path: "/api/v1/admin/clock", body: map[string]any{"advance": "1m"}, want: adminOnly},
	}
	for _, c := range cases {
		for _, role := range matrixRoles {
			want := c.want[role]
			if want == 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s %s as %s", c.method, c.path, role), func(t *testing.T) {
				before := ts.size()
				a := ts.do(c.method, c.path, tok[role], c.body)
				assert.Equal(t, want, a.status, "%s", a)
				if a.status >= 400 {
					assert.Equal(t, before, ts.size(), "a refused request appended")
					assert.NotContains(t, string(a.body), w.Label, "refusal leaks the label")
					assert.Contains(t, []string{CodeUnauthenticated, CodeForbidden, CodeNotFound, CodeInvalidTransition, CodeRuleViolation},
						a.errCode(), "%s", a)
				}
			})
		}
	}

	// Lists never show another party's batch or manifest.
	for _, role := range []string{"gen2", "car2", "medRx"} {
		for _, path := range []string{"/api/v1/wastes", "/api/v1/manifests", "/api/v1/alerts", "/api/v1/wastes?party=" + d.gen.id,
			"/api/v1/manifests?party=" + d.gen.id} {
			a := ts.must(http.StatusOK, "GET", path, tok[role], nil, nil)
			assert.NotContains(t, string(a.body), w.ID, "%s as %s", path, role)
			assert.NotContains(t, string(a.body), m.ID, "%s as %s", path, role)
			assert.False(t, strings.Contains(string(a.body), spare.ID), "%s as %s", path, role)
		}
	}
	// A party's public view hides what a receiver took in this year and
	// has coming on open manifests.
	var p ledger.Party
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+d.recv.id, d.gen.token, nil, &p)
	assert.Zero(t, p.ReceivedThisYear)
	assert.Zero(t, p.Pending)

	// The district counts agree with the list an inspector sees.
	var counts ledger.WasteCounts
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/counts", d.insp.token, nil, &counts)
	var list WasteList
	ts.must(http.StatusOK, "GET", "/api/v1/wastes?limit=500", d.insp.token, nil, &list)
	byStatus := map[string]int{}
	for _, x := range list.Items {
		byStatus[x.Status]++
	}
	for st, n := range counts.ByStatus {
		assert.Equal(t, byStatus[st], n, "status %s", st)
	}
	assert.Equal(t, 1, counts.ByStatus[ledger.WasteManifested], "w")
}

func merge(a, b map[string]int) map[string]int {
	for k, v := range b {
		a[k] = v
	}
	return a
}
