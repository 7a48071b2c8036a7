package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
)

// TestEnumeratedParameters: each enumerated query parameter and body field
// accepts exactly the ledger's list, and a value outside it is a 400 that
// names the field and lists the ledger's values.
func TestEnumeratedParameters(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	for _, c := range []struct {
		path, field string
		list        []string
	}{
		{"/api/v1/manifests?status=", "status", ledger.ManifestStatuses},
		{"/api/v1/wastes?status=", "status", ledger.WasteStatuses},
		{"/api/v1/alerts?status=", "status", ledger.AlertStatuses},
		{"/api/v1/alerts?kind=", "kind", ledger.AlertKinds},
		{"/api/v1/assessment?group_by=", "group_by", ledger.AssessGroupings},
		{"/api/v1/parties?role=", "role", ledger.RoleNames()},
	} {
		for _, v := range c.list {
			a := ts.do("GET", c.path+v, d.insp.token, nil)
			assert.Equal(t, http.StatusOK, a.status, "%s%s: %s", c.path, v, a)
		}
		var e ErrorBody
		a := ts.do("GET", c.path+"bogus", d.insp.token, nil)
		a.decode(t, &e)
		assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
		assert.Equal(t, "must be one of "+strings.Join(c.list, ", "), e.Error.Fields[c.field], c.path)
	}
	body := ts.wasteBody("900-214-08", 1)
	for _, form := range ledger.WasteForms {
		body["form"] = form
		ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, body, nil)
	}
	body["form"] = "plasma"
	var e ErrorBody
	a := ts.do("POST", "/api/v1/wastes", d.gen.token, body)
	a.decode(t, &e)
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	assert.Equal(t, "must be one of "+strings.Join(ledger.WasteForms, ", "), e.Error.Fields["form"])
}

// TestOpenAPIInlineEnums: the enumerations the document states inline
// (not as a component, which TestOpenAPIEnums checks) are the ledger's.
func TestOpenAPIInlineEnums(t *testing.T) {
	doc := loadOpenAPI(t)
	strs := func(vs []any) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = v.(string)
		}
		return out
	}
	custody := doc.Components.Schemas["CustodyStep"].Value.Properties["kind"].Value
	assert.Equal(t, ledger.CustodyKinds, strs(custody.Enum), "CustodyStep.kind")
	answer := doc.Components.Schemas["Assessment"].Value.Properties["group_by"].Value
	assert.Equal(t, ledger.AssessGroupings, strs(answer.Enum), "Assessment.group_by")
	param := doc.Paths.Find("/api/v1/assessment").Get.Parameters.GetByInAndName("query", "group_by")
	if assert.NotNil(t, param, "GET /assessment has no group_by parameter") {
		assert.Equal(t, ledger.AssessGroupings, strs(param.Schema.Value.Enum), "GET /assessment ?group_by")
	}
}
