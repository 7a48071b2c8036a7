package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// planBody is a registered-class plan for the party with credit code n,
// listing codes for generation and transfer, each forecast t tonnes.
func planBody(year, n int, class string, t float64, codes ...string) map[string]any {
	var a3, a7 []map[string]any
	for _, c := range codes {
		a3 = append(a3, map[string]any{"facility_code": "TA001", "facility_name": "维修车间", "stage": "保养", "code": c,
			"harmful_components": "矿物油", "form": "liquid", "forecast_t": t})
		a7 = append(a7, map[string]any{"transfer_type": "省内转移", "code": c, "harmful_components": "矿物油", "form": "liquid",
			"forecast_t": t, "method": "D10", "receiver_type": ledger.ReceiverTypes[0], "receiver_name": "郑州环境处置中心",
			"license_number": "豫环许可危废字41010001"})
	}
	return map[string]any{"year": year, "sections": map[string]any{
		"a1": map[string]any{"unit_name": "顺达汽修", "registered_address": "郑州市管城区", "site_address": "郑州市管城区",
			"division_code": "410104", "industry_category": "汽车修理与维护", "industry_code": "8111", "site_lon": 113.68,
			"site_lat": 34.75, "credit_code": credit(n), "management_class": class, "legal_representative": "赵一",
			"legal_phone": "13800000001", "technical_lead": "钱二", "technical_lead_phone": "13800000002",
			"has_eia": false, "has_discharge_permit": false},
		"a3": a3, "a7": a7}}
}

// A plan over HTTP: filed in versions, refused for another party or with
// a missing field (nothing appended), seen by the inspector and not by
// another generator; a manifest for a code the plan does not list is 422
// naming the plan.
func TestPlansOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	path := "/api/v1/parties/" + d.gen.id + "/plans"
	var p1, p2 ledger.Plan
	ts.must(http.StatusCreated, "POST", path, d.gen.token, planBody(2026, 1, "registered", 1, "900-041-49"), &p1)
	assert.Equal(t, 1, p1.Version)
	ts.must(http.StatusCreated, "POST", path, d.gen.token, planBody(2026, 1, "registered", 2, "900-041-49"), &p2)
	assert.Equal(t, 2, p2.Version)

	before := ts.size()
	a := ts.do("POST", "/api/v1/parties/"+d.gen2.id+"/plans", d.gen.token, planBody(2026, 2, "registered", 1, "900-041-49"))
	assert.Equal(t, http.StatusForbidden, a.status, "a plan for (or amending) another party: %s", a)
	bad := planBody(2026, 1, "registered", 1, "900-041-49")
	delete(bad["sections"].(map[string]any)["a3"].([]map[string]any)[0], "forecast_t")
	a = ts.do("POST", path, d.gen.token, bad)
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	assert.Contains(t, string(a.body), "sections.a3[0].forecast_t")
	bad = planBody(2026, 1, "registered", 1, "900-041-49")
	bad["sections"].(map[string]any)["a3"].([]map[string]any)[0]["forecast_t"] = "1.5"
	a = ts.do("POST", path, d.gen.token, bad)
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	assert.Contains(t, string(a.body), "must be a number")
	assert.Equal(t, before, ts.size(), "refused plans append nothing")

	var list PlanList
	ts.must(http.StatusOK, "GET", path+"?year=2026", d.insp.token, nil, &list)
	require.Len(t, list.Items, 2, "the inspector sees every version")
	assert.Equal(t, http.StatusNotFound, ts.do("GET", path, d.gen2.token, nil).status)
	assert.Equal(t, http.StatusNotFound, ts.do("GET", "/api/v1/plans/"+p1.ID, d.gen2.token, nil).status)
	ts.must(http.StatusOK, "GET", "/api/v1/plans/"+p1.ID, d.insp.token, nil, nil)

	oil := ts.waste(d.gen, "900-214-08", 10)
	before = ts.size()
	a = ts.do("POST", "/api/v1/manifests", d.gen.token, map[string]any{"receiver": d.recv.id, "carriers": []string{d.car1.id},
		"waste_ids": []string{oil.ID}, "planned_pickup_at": ts.clock.Now().Add(time.Hour).Format(time.RFC3339)})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a)
	assert.Equal(t, "rule_violation", a.errCode())
	assert.Contains(t, string(a.body), p2.ID, "names the plan in force")
	assert.Equal(t, before, ts.size())

	var ci ledger.ClassInfo
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+d.gen.id+"/management-class", d.gen.token, nil, &ci)
	assert.Equal(t, ledger.ClassRegistered, ci.Class)
	var p ledger.Party
	ts.must(http.StatusOK, "PUT", "/api/v1/parties/"+d.gen.id+"/management-class", d.insp.token,
		map[string]any{"class": "key", "reason": "涉重金属"}, &p)
	assert.Equal(t, ledger.ClassKey, p.ManagementClass)
	assert.Equal(t, http.StatusForbidden, ts.do("PUT", "/api/v1/parties/"+d.gen.id+"/management-class", d.gen.token,
		map[string]any{"class": "registered", "reason": "x"}).status)
	var classes ClassList
	ts.must(http.StatusOK, "GET", "/api/v1/management-classes", d.insp.token, nil, &classes)
	assert.NotEmpty(t, classes.Items)
}

// One batch's whole life in the 台账 (JSON, CSV and XLSX), and a
// declaration drafted, exported, refused when bad and filed.
func TestLedgerBookAndDeclarationsOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-041-49", 12.5)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/deliver", d.car1.token, map[string]any{}, nil)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/receive", d.recv.token, map[string]any{"lines": []map[string]any{
		{"waste_id": w.ID, "received_kg": 12.5, "container_count": 2, "accepted": true}}}, nil)
	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+w.ID+"/dispose", d.recv.token, map[string]any{"method": "D10", "quantity_kg": 12.5}, nil)

	// The rows match the batch's events.
	var trace ledger.Trace
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID+"/trace", d.gen.token, nil, &trace)
	type event struct {
		Index      uint64    `json:"index"`
		Type       string    `json:"type"`
		OccurredAt time.Time `json:"occurred_at"`
	}
	at := map[string]event{}
	for _, te := range trace.Events {
		var e event
		require.NoError(t, json.Unmarshal(te.Event, &e))
		at[e.Type] = e
	}
	book := "/api/v1/parties/" + d.gen.id + "/ledger-book?from=2026-01-01&to=2026-12-31"
	var rows BookList
	ts.must(http.StatusOK, "GET", book, d.gen.token, nil, &rows)
	require.Len(t, rows.Items, 4, "generation, storage in, storage out, outsourced")
	byRecord := map[string]ledger.BookRow{}
	for _, r := range rows.Items {
		byRecord[r.Record] = r
		assert.Equal(t, w.ID, r.WasteID)
		assert.Equal(t, w.Label, r.Label)
		assert.Equal(t, "900-041-49", r.Code)
		assert.Equal(t, w.Quantity, r.QuantityKg)
	}
	g := byRecord[ledger.BookGeneration]
	assert.True(t, w.GeneratedAt.Equal(g.Time))
	assert.Equal(t, at[ledger.EvWasteRegistered].Index, g.EventIndex)
	assert.Equal(t, "顺达汽修", g.Person, "a token bound to no person: the party, not a guessed person")
	assert.Empty(t, g.PersonID)
	day := w.GeneratedAt.In(shanghai).Format("20060102")
	assert.Equal(t, "HWCS"+day+"90004149"+w.Label[34:], g.RecordCode)
	in := byRecord[ledger.BookStorageIn]
	assert.Equal(t, g.RecordCode, in.SourceCode)
	assert.True(t, at[ledger.EvWasteRegistered].OccurredAt.Equal(in.Time))
	out := byRecord[ledger.BookStorageOut]
	assert.Equal(t, at[ledger.EvManifestPickedUp].Index, out.EventIndex)
	assert.True(t, at[ledger.EvManifestPickedUp].OccurredAt.Equal(out.Time))
	assert.Equal(t, in.RecordCode, out.SourceCode)
	assert.Equal(t, "李四", out.Carrier, "the driver who scanned the labels")
	assert.Equal(t, "郑州环境处置中心", out.Destination)
	ws := byRecord[ledger.BookOutsourced]
	assert.Equal(t, at[ledger.EvWasteDisposed].Index, ws.EventIndex)
	assert.Equal(t, "D10", ws.Method)
	assert.True(t, strings.HasPrefix(ws.RecordCode, "HWWWCZ"))
	assert.Equal(t, out.RecordCode, ws.SourceCode)
	assert.Equal(t, "豫环许可危废字41010001", ws.LicenseNumber)
	assert.Equal(t, http.StatusNotFound, ts.do("GET", book, d.gen2.token, nil).status, "another party's 台账")
	ts.must(http.StatusOK, "GET", book, d.insp.token, nil, nil)

	a := ts.do("GET", book+"&record=generation", d.gen.token, nil, "Accept", "text/csv")
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	recs, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, ledger.Headings(ledger.BookColumns[ledger.BookGeneration]), recs[0])
	assert.Equal(t, "产生批次编码", recs[0][1])
	assert.Equal(t, g.RecordCode, recs[1][1])
	assert.Equal(t, "0.0125", recs[1][7], "tonnes")
	assert.Equal(t, http.StatusBadRequest, ts.do("GET", book, d.gen.token, nil, "Accept", "text/csv").status, "CSV names one record")

	a = ts.do("GET", book, d.gen.token, nil, "Accept", httpx.XLSXType)
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	x, err := excelize.OpenReader(bytes.NewReader(a.body))
	require.NoError(t, err)
	require.Len(t, x.GetSheetList(), 5, "one sheet per record type")
	for _, rec := range ledger.BookRecords {
		sheet := ledger.BookTitles[rec].En
		all, err := x.GetRows(sheet)
		require.NoError(t, err, sheet)
		assert.Equal(t, ledger.BookTitles[rec].Zh, all[0][0])
		assert.Equal(t, ledger.Headings(ledger.BookColumns[rec]), all[1], sheet)
		want := 1
		if rec == ledger.BookOwnUse {
			want = 0
		}
		require.Len(t, all, 2+want, sheet)
		if want == 1 {
			assert.Equal(t, byRecord[rec].RecordCode, all[2][1], sheet)
		}
	}

	// Declarations: the month has not ended, so it is refused; so are
	// figures that are not numbers. Nothing is appended.
	month := ts.clock.Now().In(shanghai).Format("2006-01")
	var draft ledger.DeclarationDraft
	ts.must(http.StatusOK, "GET", "/api/v1/parties/"+d.gen.id+"/declarations/draft?period="+month, d.gen.token, nil, &draft)
	require.Len(t, draft.Figures.Rows, 1)
	assert.InDelta(t, 0.0125, *draft.Figures.Rows[0].GeneratedT, 1e-9)
	assert.InDelta(t, 0.0125, *draft.Figures.Rows[0].Outsourced[0].QuantityT, 1e-9)
	post := "/api/v1/parties/" + d.gen.id + "/declarations"
	before := ts.size()
	a = ts.do("POST", post, d.gen.token, map[string]any{"period": month, "figures": draft.Figures})
	assert.Equal(t, http.StatusBadRequest, a.status, "a period not yet over: %s", a)
	assert.Contains(t, string(a.body), `"period"`)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(mustJSONBytes(t, draft.Figures), &raw))
	raw["rows"].([]any)[0].(map[string]any)["generated_t"] = "0.0125"
	a = ts.do("POST", post, d.gen.token, map[string]any{"period": "2026-02", "figures": raw})
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	assert.Contains(t, string(a.body), "figures.rows[0].generated_t")
	a = ts.do("POST", "/api/v1/parties/"+d.gen2.id+"/declarations", d.gen.token, map[string]any{"period": "2026-02", "figures": draft.Figures})
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a)
	assert.Equal(t, before, ts.size())

	a = ts.do("GET", "/api/v1/parties/"+d.gen.id+"/declarations/draft?period="+month, d.gen.token, nil, "Accept", httpx.XLSXType)
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	x, err = excelize.OpenReader(bytes.NewReader(a.body))
	require.NoError(t, err)
	all, err := x.GetRows(draft.Table)
	require.NoError(t, err)
	assert.Equal(t, ledger.Headings(ledger.DeclarationColumns(draft.Kind)), all[1])
	require.Len(t, all, 3)
	assert.Equal(t, "900-041-49", all[2][4])
	assert.Equal(t, "郑州环境处置中心", all[2][14])

	// A past month is filed; the inspector sees who filed and who did not.
	ts.clock.Advance(40 * 24 * time.Hour)
	var dec ledger.Declaration
	ts.must(http.StatusCreated, "POST", post, d.gen.token, map[string]any{"period": month, "figures": draft.Figures, "note": "如实"}, &dec)
	assert.True(t, dec.MatchesLedger)
	var decs DeclarationList
	ts.must(http.StatusOK, "GET", post, d.insp.token, nil, &decs)
	require.Len(t, decs.Items, 1)
	a = ts.do("GET", "/api/v1/declarations/"+dec.ID, d.gen.token, nil, "Accept", "text/csv")
	require.Equal(t, http.StatusOK, a.status)
	assert.Contains(t, string(a.body), "900-041-49")
	var fl FilingList
	ts.must(http.StatusOK, "GET", "/api/v1/filings?year=2026&period="+month, d.insp.token, nil, &fl)
	got := map[string]ledger.FilingStatus{}
	for _, r := range fl.Items {
		got[r.Party] = r
	}
	require.NotNil(t, got[d.gen.id].Declaration)
	assert.Equal(t, dec.ID, got[d.gen.id].Declaration.ID)
	assert.Nil(t, got[d.gen2.id].Declaration, "who did not")
	assert.Equal(t, http.StatusForbidden, ts.do("GET", "/api/v1/filings", d.gen.token, nil).status)
}

func mustJSONBytes(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
