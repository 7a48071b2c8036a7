package api

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

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
