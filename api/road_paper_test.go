package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end tests of what a manifest declares for the road (docs/api.md,
// "Manifests on the road"): dangerous-goods lines, emergency measures and
// the vehicle permit; paper back-entry; cross-province transfers.

// manifestBody is the body of a transfer of ws from the harness's
// generator to rx over carrier, with extra fields.
func (ts *testServer) manifestBody(rx, carrier actor, extra map[string]any, ws ...*ledger.Waste) map[string]any {
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	body := map[string]any{"waste_ids": ids, "carriers": []string{carrier.id}, "receiver": rx.id,
		"planned_pickup_at": ts.clock.Now().Add(time.Hour).Format(time.RFC3339)}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// TestManifestDangerousGoods: a manifest records each line's
// dangerous-goods class and UN number and the emergency measures, the
// pickup the vehicle permit; a bad class or UN number, a line for a batch
// not on the manifest or half a declaration is refused naming the field,
// nothing appended.
func TestManifestDangerousGoods(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w1, w2 := ts.waste(d.gen, "900-214-08", 10), ts.waste(d.gen, "900-249-08", 5)
	other := ts.waste(d.gen, "900-214-08", 3)
	for _, c := range []struct {
		line  map[string]any
		field string
	}{
		{map[string]any{"waste_id": w1.ID, "dg_class": "10", "un_number": "UN1270"}, "dangerous_goods[0].dg_class"},
		{map[string]any{"waste_id": w1.ID, "dg_class": "3", "un_number": "UN127"}, "dangerous_goods[0].un_number"},
		{map[string]any{"waste_id": w1.ID, "dg_class": "3", "un_number": "1270"}, "dangerous_goods[0].un_number"},
		{map[string]any{"waste_id": w1.ID, "dg_class": "3"}, "dangerous_goods[0].un_number"},
		{map[string]any{"waste_id": w1.ID, "un_number": "UN1270"}, "dangerous_goods[0].dg_class"},
		{map[string]any{"waste_id": other.ID, "dg_class": "3", "un_number": "UN1270"}, "dangerous_goods[0].waste_id"},
	} {
		body := ts.manifestBody(d.recv, d.car1, map[string]any{"dangerous_goods": []any{c.line}}, w1, w2)
		a := ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/manifests", d.gen.token, body)
		var e struct {
			Error struct {
				Fields   map[string]string `json:"fields"`
				FieldsZh map[string]string `json:"fields_zh"`
			} `json:"error"`
		}
		a.decode(t, &e)
		assert.Contains(t, e.Error.Fields, c.field, "%v: %s", c.line, a)
		assert.Contains(t, e.Error.FieldsZh, c.field)
	}

	body := ts.manifestBody(d.recv, d.car1, map[string]any{
		"emergency_measures": "泄漏时用沙土围堵，禁止明火。\n应急电话 0371-12345678",
		"dangerous_goods":    []any{map[string]any{"waste_id": w1.ID, "dg_class": "3", "un_number": "un 1270"}},
	}, w1, w2)
	var m ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token, body, &m)
	assert.Equal(t, "泄漏时用沙土围堵，禁止明火。\n应急电话 0371-12345678", m.EmergencyMeasures)
	assert.Equal(t, []ledger.DangerousGoods{{WasteID: w1.ID, DGClass: "3", UNNumber: "UN1270"}}, m.DangerousGoods)

	scan := scanBody(&m)
	scan["vehicle_permit"] = "豫交运管许可郑字410104000123号"
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scan, &m)
	require.Len(t, m.Custody, 1)
	assert.Equal(t, "豫交运管许可郑字410104000123号", m.Custody[0].VehiclePermit)
}

// paperAlerts lists the paper_late alerts an inspector sees.
func (ts *testServer) paperAlerts(d *district) []*ledger.Alert {
	ts.t.Helper()
	var list ledger.List[*ledger.Alert]
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?kind=paper_late", d.insp.token, nil, &list)
	return list.Items
}

// TestPaperBackEntry: manifests entered from paper keep the paper's times;
// a pickup entered on the 10th working day after it happened raises
// nothing, one entered on the 11th raises paper_late; a paper number
// entered again is refused with 422 naming paper.number, nothing appended;
// paper without occurred_at is 400.
func TestPaperBackEntry(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w1, w2, w3 := ts.waste(d.gen, "900-214-08", 10), ts.waste(d.gen, "900-249-08", 5), ts.waste(d.gen, "900-214-08", 4)
	filled := ts.clock.Now().Add(time.Hour).UTC()
	picked := filled.Add(time.Hour)
	due := workday.Default().AddWorkdays(picked, 10)
	require.Equal(t, 10, workday.Default().WorkdaysBetween(picked, due.Add(-time.Minute)), "the minute before is the 10th working day")
	require.Equal(t, 11, workday.Default().WorkdaysBetween(picked, due), "due is the 11th working day")

	paper := func(number string, ws ...*ledger.Waste) map[string]any {
		return ts.manifestBody(d.recv, d.car1, map[string]any{"occurred_at": filled.Format(time.RFC3339),
			"planned_pickup_at": picked.Format(time.RFC3339),
			"paper":             map[string]any{"number": number, "entered_reason": "系统停机，使用纸质联单"}}, ws...)
	}
	noTime := paper("P-0", w3)
	delete(noTime, "occurred_at")
	a := ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/manifests", d.gen.token, noTime)
	assert.Contains(t, a.String(), `"occurred_at"`)

	ts.advance(due.Add(-time.Minute).Sub(ts.clock.Now()))
	var onTime, late ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token, paper("豫0001", w1), &onTime)
	require.NotNil(t, onTime.Paper)
	assert.Equal(t, ledger.Paper{Number: "豫0001", EnteredReason: "系统停机，使用纸质联单"}, *onTime.Paper)
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token, paper("豫0002", w2), &late)

	a = ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.gen.token, paper("豫0001", w3))
	var e struct {
		Error struct {
			MessageZh string         `json:"message_zh"`
			Details   map[string]any `json:"details"`
		} `json:"error"`
	}
	a.decode(t, &e)
	assert.Equal(t, "paper.number", e.Error.Details["field"], "%s", a)
	assert.Equal(t, "paper_number_unique", e.Error.Details["rule"])
	assert.Contains(t, e.Error.MessageZh, "豫0001")

	pickup := func(m *ledger.Manifest) *ledger.Manifest {
		body := scanBody(m)
		body["occurred_at"] = picked.Format(time.RFC3339)
		var out ledger.Manifest
		ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, body, &out)
		return &out
	}
	got := pickup(&onTime)
	assert.True(t, got.Custody[0].At.Equal(picked), "the pickup keeps the paper's time")
	assert.Empty(t, ts.paperAlerts(d), "entered on the 10th working day: on time")

	ts.advance(time.Minute)
	pickup(&late)
	alerts := ts.paperAlerts(d)
	require.Len(t, alerts, 1, "entered on the 11th working day: late")
	assert.Equal(t, late.ID, alerts[0].Subject)
	assert.Equal(t, d.gen.id, alerts[0].Party)
	assert.Contains(t, alerts[0].Message, "豫0002")
	require.NotNil(t, alerts[0].DueAt)
	assert.True(t, alerts[0].DueAt.Equal(due))
}
