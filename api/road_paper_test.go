package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/internal/manifestpdf/pdftest"
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
	ts := newTestServer(t, withPDFFont(t))
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

	blank := paper(" ", w3)
	a = ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/manifests", d.gen.token, blank)
	assert.Contains(t, a.String(), `"paper.number"`)

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
	pdf := ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+onTime.ID+".pdf", d.gen.token, nil, nil)
	text := strings.Join(pdftest.Pages(t, pdf.body), "\n")
	assert.Equal(t, 3, strings.Count(text, "补录（据纸质联单录入）"), "each part of the PDF says 补录")
	assert.Contains(t, text, "豫0001")
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

// wuhan registers a licensed receiver in Hubei (province 42).
func (ts *testServer) wuhan() actor {
	ts.t.Helper()
	rx := partyBody(30, "武汉危废处置中心", "receiver")
	rx["province"], rx["city"], rx["address"] = "42", "01", "武汉市青山区"
	rx["license"] = map[string]any{"number": "鄂环许可危废字42010001", "codes": []string{"HW08"},
		"methods": []string{"D10"}, "capacity_tonnes": 100, "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
	return ts.register(rx)
}

// TestCrossProvince: parties carry province and city codes (the
// district's by default); a manifest to a receiver in another province is
// refused without an approval, with an unknown, expired or mismatched
// one, one not covering a code or the quantity, each with 422 naming
// approval and nothing appended; it is accepted with a covering approval,
// whose quantity then counts what was filed under it.
func TestCrossProvince(t *testing.T) {
	ts := newTestServer(t, withPDFFont(t))
	d := ts.district()
	var gen ledger.Party
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+d.gen.id, d.gen.token, nil, &gen)
	assert.Equal(t, [2]string{"41", "01"}, [2]string{gen.Province, gen.City}, "the district's by default")
	bad := partyBody(31, "错误省份", "generator")
	bad["province"], bad["city"] = "4", "0a"
	a := ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/parties", ts.admin, bad)
	assert.Contains(t, a.String(), `"province"`)
	assert.Contains(t, a.String(), `"city"`)
	wh := ts.wuhan()
	var whP ledger.Party
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+wh.id, d.gen.token, nil, &whP)
	assert.Equal(t, [2]string{"42", "01"}, [2]string{whP.Province, whP.City})

	approval := func(number, validFrom, validTo string, quantityT float64, codes ...string) {
		t.Helper()
		ts.must(http.StatusCreated, "POST", "/api/v1/approvals", d.insp.token, map[string]any{"number": number,
			"authority": "河南省生态环境厅", "generator": d.gen.id, "receiver": wh.id, "codes": codes,
			"quantity_t": quantityT, "valid_from": validFrom, "valid_to": validTo}, nil)
	}
	approval("豫跨〔2026〕1号", "2026-01-01", "2026-12-31", 0.012, "900-214-08")
	approval("豫跨〔2025〕9号", "2025-03-01", "2026-02-28", 5, "HW08") // expired the day before t0
	// Only an inspector registers approvals; no approval within a province
	// or for longer than 12 months.
	ts.refused(http.StatusForbidden, "forbidden", "POST", "/api/v1/approvals", d.gen.token, map[string]any{"number": "X",
		"authority": "河南省生态环境厅", "generator": d.gen.id, "receiver": wh.id, "codes": []string{"HW08"},
		"quantity_t": 1, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/approvals", d.insp.token, map[string]any{"number": "Y",
		"authority": "河南省生态环境厅", "generator": d.gen.id, "receiver": d.recv.id, "codes": []string{"HW08"},
		"quantity_t": 1, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
	a = ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/approvals", d.insp.token, map[string]any{"number": "Z",
		"authority": "河南省生态环境厅", "generator": d.gen.id, "receiver": wh.id, "codes": []string{"HW08"},
		"quantity_t": 1, "valid_from": "2026-01-01", "valid_to": "2027-01-01"})
	assert.Contains(t, a.String(), `"valid_to"`)

	w10, w5, wOther := ts.waste(d.gen, "900-214-08", 10), ts.waste(d.gen, "900-214-08", 5), ts.waste(d.gen, "900-249-08", 1)
	ref := func(number, validTo string) map[string]any {
		return map[string]any{"approval": map[string]any{"number": number, "authority": "河南省生态环境厅", "valid_to": validTo}}
	}
	for _, c := range []struct {
		name string
		body map[string]any
		says string
	}{
		{"no approval", ts.manifestBody(wh, d.car1, nil, w10), "province 42"},
		{"unknown", ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕2号", "2026-12-31"), w10), "no approval"},
		{"expired", ts.manifestBody(wh, d.car1, ref("豫跨〔2025〕9号", "2026-02-28"), w10), "not on 2026-03-02"},
		{"mismatched", ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕1号", "2027-01-31"), w10), "not as given"},
		{"a code not covered", ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕1号", "2026-12-31"), w10, wOther), "does not cover code 900-249-08"},
		{"more than approved", ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕1号", "2026-12-31"), w10, w5), "covers 0.012 t"},
	} {
		a := ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.gen.token, c.body)
		var e struct {
			Error struct {
				Message string         `json:"message"`
				Details map[string]any `json:"details"`
			} `json:"error"`
		}
		a.decode(t, &e)
		assert.Equal(t, "approval", e.Error.Details["field"], c.name)
		assert.Equal(t, "cross_province_approval", e.Error.Details["rule"], c.name)
		assert.Contains(t, e.Error.Message, "approval: ", c.name)
		assert.Contains(t, e.Error.Message, c.says, c.name)
	}

	// A malformed approval is a 400 naming its field.
	for field, body := range map[string]map[string]any{
		"approval.number":    {"approval": map[string]any{"number": " ", "authority": "河南省生态环境厅", "valid_to": "2026-12-31"}},
		"approval.authority": {"approval": map[string]any{"number": "豫跨〔2026〕1号", "valid_to": "2026-12-31"}},
		"approval.valid_to":  {"approval": map[string]any{"number": "豫跨〔2026〕1号", "authority": "河南省生态环境厅", "valid_to": "2026/12/31"}},
	} {
		a := ts.refused(http.StatusBadRequest, "validation_failed", "POST", "/api/v1/manifests", d.gen.token, ts.manifestBody(wh, d.car1, body, w10))
		assert.Contains(t, a.String(), `"`+field+`"`, field)
	}
	var m ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token, ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕1号", "2026-12-31"), w10), &m)
	require.NotNil(t, m.Approval)
	assert.Equal(t, ledger.ApprovalRef{Number: "豫跨〔2026〕1号", Authority: "河南省生态环境厅", ValidTo: "2026-12-31"}, *m.Approval)
	pdf := ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID+".pdf", d.gen.token, nil, nil)
	assert.Contains(t, strings.Join(pdftest.Pages(t, pdf.body), "\n"), "豫跨〔2026〕1号", "the PDF names the approval")
	// 10 kg of 12 used: 5 more do not fit until the first is cancelled.
	second := ts.manifestBody(wh, d.car1, ref("豫跨〔2026〕1号", "2026-12-31"), w5)
	ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests", d.gen.token, second)
	var list ApprovalList
	ts.must(http.StatusOK, "GET", "/api/v1/approvals", d.gen.token, nil, &list)
	require.Len(t, list.Items, 2)
	assert.Equal(t, ledger.KgToGrams(10), list.Items[0].Used)
	assert.Equal(t, []string{m.ID}, list.Items[0].Manifests)
	ts.must(http.StatusOK, "GET", "/api/v1/approvals", d.gen2.token, nil, &list)
	assert.Empty(t, list.Items, "another generator sees none")
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/cancel", d.gen.token, map[string]any{"reason": "改期"}, nil)
	var m2 ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token, second, &m2)
	// A partial pickup leaves a batch behind: it no longer counts.
	wa, wb := ts.waste(d.gen, "900-214-08", 1), ts.waste(d.gen, "900-214-08", 1)
	var m3 ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", d.gen.token,
		ts.manifestBody(wh, d.car2, ref("豫跨〔2026〕1号", "2026-12-31"), wa, wb), &m3)
	ts.must(http.StatusOK, "GET", "/api/v1/approvals", d.insp.token, nil, &list)
	assert.Equal(t, ledger.KgToGrams(7), list.Items[0].Used, "5 kg and 2 kg filed")
	partial := scanBody(&m3)
	partial["labels"], partial["left_behind_reason"] = []string{wa.Label}, "车辆已满"
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m3.ID+"/pickup", d.car2.token, partial, nil)
	ts.must(http.StatusOK, "GET", "/api/v1/approvals", d.insp.token, nil, &list)
	assert.Equal(t, ledger.KgToGrams(6), list.Items[0].Used, "the batch left behind no longer counts")
	// A correction may not take the manifest outside its approval.
	for _, change := range []map[string]any{{"waste_id": wa.ID, "quantity_kg": 10}, {"waste_id": wa.ID, "code": "900-249-08"}} {
		a := ts.refused(http.StatusUnprocessableEntity, "rule_violation", "POST", "/api/v1/manifests/"+m3.ID+"/corrections", d.car2.token,
			map[string]any{"changes": map[string]any{"lines": []any{change}}, "reason": "称重有误"})
		assert.Contains(t, a.String(), `"cross_province_approval"`, "%v", change)
	}
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests/"+m3.ID+"/corrections", d.car2.token,
		map[string]any{"changes": map[string]any{"lines": []any{map[string]any{"waste_id": wa.ID, "quantity_kg": 2}}}, "reason": "称重有误"}, nil)
	// Refused in Wuhan, the drum goes back to its generator on a return,
	// which needs no approval.
	ts.ship(&m2, d.car1, wh, map[string]bool{w5.ID: false})
	var back ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", wh.token, ts.legBody("return", d.gen, d.car1, w5), &back)
	assert.Equal(t, ledger.ManifestReturn, back.Kind)
	assert.Nil(t, back.Approval)
	// Within the province no approval is needed.
	ts.manifest(d.gen, d.recv, []actor{d.car1}, w10)

	// An admin corrects a party's codes: registered in Hubei by mistake,
	// the receiver is in Zhengzhou and needs no approval from then on.
	region := "/api/v1/parties/" + wh.id + "/region"
	ts.refused(http.StatusForbidden, "forbidden", "PUT", region, d.insp.token, map[string]any{"province": "41", "city": "01"})
	a = ts.refused(http.StatusBadRequest, "validation_failed", "PUT", region, ts.admin, map[string]any{"province": "41", "city": "1"})
	assert.Contains(t, a.String(), `"city"`)
	ts.must(http.StatusOK, "PUT", region, ts.admin, map[string]any{"province": "41", "city": "01"}, &whP)
	assert.Equal(t, [2]string{"41", "01"}, [2]string{whP.Province, whP.City})
	ts.manifest(d.gen, wh, []actor{d.car1}, wOther)
}
