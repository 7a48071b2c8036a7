package api

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func codesOf(l CodeList) []string {
	out := []string{}
	for _, k := range l.Items {
		out = append(out, k.Code)
	}
	return out
}

func TestCatalogCodes(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	search := func(query string) CodeList {
		t.Helper()
		var l CodeList
		ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes?"+query, d.gen.token, nil, &l)
		return l
	}
	assert.Len(t, search("").Items, 467)
	assert.Len(t, search("limit=20").Items, 20)

	l := search("q=" + url.QueryEscape("液压油"))
	require.Equal(t, []string{"900-218-08"}, codesOf(l))
	k := l.Items[0]
	assert.Equal(t, "HW08", k.Category)
	assert.Equal(t, "废矿物油与含矿物油废物", k.CategoryName)
	assert.Equal(t, "非特定行业", k.Industry)
	assert.Equal(t, "2021", k.Edition)
	assert.Equal(t, "T,I", k.HazardText)
	assert.Equal(t, catalog.HazardTerms{Has: []string{"T"}, MayHave: []string{"I"}}, k.HazardTerms)
	assert.Equal(t, []string{"T", "I"}, k.Hazards)
	assert.Empty(t, k.Exemptions)

	// The JSON field names of the contract.
	raw := ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes?q=900-041-49", d.gen.token, nil, nil).body
	for _, f := range []string{`"hazards":"T/In"`, `"industry":"非特定行业"`, `"edition":"2021"`, `"exemptions":[{"item":24,`,
		`"hazard_terms":{"one_or_more_of":["T","In"]}`, `"stages":["all"]`, `"condition":"未分类收集。"`} {
		assert.Contains(t, string(raw), f)
	}

	assert.Equal(t, []string{"900-218-08"}, codesOf(search("q=90021808")))
	assert.Equal(t, []string{"900-218-08"}, codesOf(search("q=900218")))
	assert.Equal(t, []string{"900-214-08"}, codesOf(search("q="+url.QueryEscape("维修 机油"))))
	assert.Equal(t, []string{"231-001-16", "231-002-16", "231-007-29"}, codesOf(search("industry="+url.QueryEscape("印刷"))))
	assert.Equal(t, []string{"900-218-08"}, codesOf(search("category=hw08&q="+url.QueryEscape("液压"))))
	assert.Empty(t, search("category=HW01&q="+url.QueryEscape("液压")).Items)
	l = search("q=900-000-49")
	require.Equal(t, []string{"900-000-49"}, codesOf(l))
	assert.True(t, l.Items[0].ByIdentification)
	l = search("q=841-001-01")
	require.Len(t, l.Items, 1)
	assert.Equal(t, []int{2, 2, 2, 2, 3, 3}, exemptionItems(l.Items[0].Exemptions))

	for _, bad := range []struct{ query, field string }{
		{"category=HW41", "category"}, {"category=08", "category"}, {"edition=1999", "edition"}, {"limit=0", "limit"},
	} {
		a := ts.do("GET", "/api/v1/catalog/codes?"+bad.query, d.gen.token, nil)
		require.Equal(t, http.StatusBadRequest, a.status, bad.query)
		var e ErrorBody
		a.decode(t, &e)
		assert.Equal(t, CodeValidation, e.Error.Code)
		assert.Contains(t, e.Error.Fields, bad.field, bad.query)
	}
	assert.Equal(t, http.StatusUnauthorized, ts.do("GET", "/api/v1/catalog/codes?q=HW08", "", nil).status)
}

func exemptionItems(xs []catalog.Exemption) []int {
	out := []int{}
	for _, x := range xs {
		out = append(out, x.Item)
	}
	return out
}

func TestCatalogExemptionsAndEditions(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	var l ExemptionList
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/exemptions", d.insp.token, nil, &l)
	assert.Equal(t, "2021", l.Edition)
	require.Len(t, l.Items, 57)
	assert.Equal(t, 1, l.Items[0].Item)
	assert.Equal(t, 32, l.Items[56].Item)
	assert.Equal(t, []string{"900-200-08", "900-006-09"}, l.Items[18].Codes)

	var eds EditionList
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/editions", d.gen.token, nil, &eds)
	assert.Equal(t, EditionList{InForce: "2021", Items: []catalog.EditionInfo{{Edition: "2021", InForce: "2021-01-01",
		Source: "国家危险废物名录（2021年版）附表，生态环境部令第15号", Codes: 467, Exemptions: 57, ExemptionsFrom: "2021"}}}, eds)
	a := ts.do("GET", "/api/v1/catalog/exemptions?edition=2025", d.gen.token, nil)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Contains(t, a.String(), "unknown edition 2025: the editions are 2021")
}

// TestCatalogLaterEdition serves a catalogue with a later edition loaded
// from a file: it becomes the default on the day it comes into force.
func TestCatalogLaterEdition(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hw-catalog-next.csv")
	require.NoError(t, os.WriteFile(p, []byte("# edition: 2026\n# in_force: 2026-03-04\n"+
		"category,category_name,industry,code,description,hazards\n"+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,液压设备维护、更换和拆解过程中产生的废液压油,\"T,I\"\n"+
		"HW48,有色金属采选和冶炼废物,常用有色金属冶炼,321-035-48,锡冶炼过程中产生的废渣,T\n"), 0o600))
	cat, err := catalog.LoadFile(p)
	require.NoError(t, err)
	ts := newTestServerLedger(t, ledger.Config{Catalog: cat})
	d := ts.district()

	var eds EditionList
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/editions", d.gen.token, nil, &eds)
	assert.Equal(t, "2021", eds.InForce, "the test clock starts on 2026-03-02")
	require.Len(t, eds.Items, 2)
	assert.Equal(t, catalog.EditionInfo{Edition: "2026", InForce: "2026-03-04", Source: p, Codes: 2, Exemptions: 57, ExemptionsFrom: "2021"}, eds.Items[1])
	var l CodeList
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes?q=321-035", d.gen.token, nil, &l)
	assert.Empty(t, l.Items)
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes?q=321-035&edition=2026", d.gen.token, nil, &l)
	assert.Equal(t, []string{"321-035-48"}, codesOf(l))

	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", ts.admin, map[string]any{"advance": "48h"}, nil)
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/editions", d.gen.token, nil, &eds)
	assert.Equal(t, "2026", eds.InForce)
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes", d.gen.token, nil, &l)
	assert.Equal(t, []string{"321-035-48", "900-218-08"}, codesOf(l))
	assert.Equal(t, "2026", l.Items[0].Edition)
	ts.must(http.StatusOK, "GET", "/api/v1/catalog/codes?edition=2021", d.gen.token, nil, &l)
	assert.Len(t, l.Items, 467)
}

// fieldsOf returns the fields a validation error names.
func fieldsOf(t *testing.T, a answer) map[string]string {
	t.Helper()
	require.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	var e ErrorBody
	a.decode(t, &e)
	assert.Equal(t, CodeValidation, e.Error.Code)
	return e.Error.Fields
}

func TestRegisterIdentifiedWaste(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	report := map[string]any{"report_number": "豫检鉴字(2026)第017号", "issued_by": "河南省固体废物鉴别中心",
		"issued_at": ts.clock.Now().Add(-30 * 24 * time.Hour).Format(time.RFC3339)}

	refused := []struct {
		name   string
		change func(b map[string]any)
		field  string
	}{
		{"no identification", func(b map[string]any) {}, "identification"},
		{"no report number", func(b map[string]any) {
			b["identification"] = map[string]any{"issued_by": report["issued_by"], "issued_at": report["issued_at"]}
		}, "identification.report_number"},
		{"blank issuer", func(b map[string]any) {
			b["identification"] = map[string]any{"report_number": "x", "issued_by": " ", "issued_at": report["issued_at"]}
		}, "identification.issued_by"},
		{"report from the future", func(b map[string]any) {
			b["identification"] = map[string]any{"report_number": "x", "issued_by": "y",
				"issued_at": ts.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)}
		}, "identification.issued_at"},
		{"no hazards", func(b map[string]any) { b["identification"] = report; delete(b, "hazards") }, "hazards"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			b := ts.wasteBody("900-000-49", 5)
			b["hazards"] = []string{"T"}
			tt.change(b)
			before := ts.size()
			f := fieldsOf(t, ts.do("POST", "/api/v1/wastes", d.gen.token, b))
			assert.Contains(t, f, tt.field)
			assert.Equal(t, before, ts.size(), "a refused registration appends nothing")
		})
	}
	a := ts.do("POST", "/api/v1/wastes", d.gen.token, ts.wasteBody("900-000-49", 5))
	assert.Contains(t, fieldsOf(t, a)["identification"], "is required for 900-000-49")

	b := ts.wasteBody("900-000-49", 5)
	b["hazards"] = []string{"T", "C"}
	b["identification"] = report
	var w ledger.Waste
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, b, &w)
	assert.Equal(t, "900-000-49", w.Code)
	assert.Equal(t, "HW49", w.Category)
	assert.Equal(t, "2021", w.CatalogEdition)
	assert.Equal(t, "经鉴别具有危险特性的废物（其他废物）", w.Name)
	assert.Equal(t, w.Name, w.MainComponents)
	assert.Equal(t, []string{"T", "C"}, w.Hazards)
	require.NotNil(t, w.Identification)
	assert.Equal(t, "豫检鉴字(2026)第017号", w.Identification.ReportNumber)
	assert.Equal(t, "河南省固体废物鉴别中心", w.Identification.IssuedBy)
	assert.Equal(t, report["issued_at"], w.Identification.IssuedAt.Format(time.RFC3339))

	var again ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, d.gen.token, nil, &again)
	assert.Equal(t, w, again)

	// A listed code may name a report too (the 2025 rule places identified
	// waste under a listed code where one fits); it needs none.
	b = ts.wasteBody("900-218-08", 20)
	b["identification"] = report
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, b, &w)
	assert.NotNil(t, w.Identification)
	assert.Nil(t, ts.waste(d.gen, "900-218-08", 20).Identification)
}

func TestRegisterMainComponents(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-218-08", 20)
	assert.Equal(t, "液压设备维护、更换和拆解过程中产生的废液压油", w.MainComponents, "default: the catalogue's description")
	assert.Equal(t, "2021", w.CatalogEdition)
	assert.Equal(t, []string{"T", "I"}, w.Hazards)

	b := ts.wasteBody("900-218-08", 20)
	b["main_components"] = "  矿物基液压油、水、金属磨屑 "
	var x ledger.Waste
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, b, &x)
	assert.Equal(t, "矿物基液压油、水、金属磨屑", x.MainComponents)

	b["main_components"] = strings.Repeat("油", 501)
	before := ts.size()
	assert.Contains(t, fieldsOf(t, ts.do("POST", "/api/v1/wastes", d.gen.token, b)), "main_components")
	assert.Equal(t, before, ts.size())

	// The generator may correct it while the batch is stored.
	ts.must(http.StatusOK, "POST", "/api/v1/wastes/"+x.ID+"/correct", d.gen.token,
		map[string]any{"main_components": "矿物基液压油", "reason": "化验结果"}, &x)
	assert.Equal(t, "矿物基液压油", x.MainComponents)
}

// TestBatchRecordsItsEdition: with a later edition loaded, a batch records
// the edition in force when it was generated.
func TestBatchRecordsItsEdition(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hw-catalog-next.csv")
	require.NoError(t, os.WriteFile(p, []byte("# edition: 2026\n# in_force: 2026-03-01\n"+
		"category,category_name,industry,code,description,hazards\n"+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,液压设备维护、更换和拆解过程中产生的废液压油,\"T,I\"\n"+
		"HW48,有色金属采选和冶炼废物,常用有色金属冶炼,321-035-48,锡冶炼过程中产生的废渣,T\n"), 0o600))
	cat, err := catalog.LoadFile(p)
	require.NoError(t, err)
	ts := newTestServerLedger(t, ledger.Config{Catalog: cat})
	d := ts.district()

	// Generated on 2026-03-02 (China time): the 2026 edition.
	w := ts.waste(d.gen, "321-035-48", 100)
	assert.Equal(t, "2026", w.CatalogEdition)
	assert.Equal(t, "锡冶炼过程中产生的废渣", w.Name)
	w = ts.waste(d.gen, "900-218-08", 10)
	assert.Equal(t, "2026", w.CatalogEdition)

	// Generated on 2026-02-27, under the 2021 edition: a 2021 code is
	// accepted and records 2021; a code new in 2026 is not in it.
	early := ts.wasteBody("900-214-08", 10)
	early["generated_at"] = time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC).Format(time.RFC3339)
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, early, &w)
	assert.Equal(t, "2021", w.CatalogEdition)
	early["code"] = "321-035-48"
	before := ts.size()
	f := fieldsOf(t, ts.do("POST", "/api/v1/wastes", d.gen.token, early))
	assert.Contains(t, f["code"], "not in the catalogue (edition 2021)")
	assert.Equal(t, before, ts.size())

	// And a code the 2026 edition dropped is refused for a batch of today.
	f = fieldsOf(t, ts.do("POST", "/api/v1/wastes", d.gen.token, ts.wasteBody("900-214-08", 10)))
	assert.Contains(t, f["code"], "not in the catalogue (edition 2026)")
}
