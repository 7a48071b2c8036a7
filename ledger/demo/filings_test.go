package demo

import (
	"context"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo district has classes (two set by the inspector), plans (a few
// missing, a few exceeded), a year of 台账 and declarations filed and
// missing.
func TestSeedFilings(t *testing.T) {
	sd := seededLedger(t)
	require.NoError(t, sd.err)
	ctx := context.Background()
	insp := ledger.Principal{Roles: []ledger.Role{ledger.RoleInspector}}
	for _, tk := range sd.tokens {
		if tk.Role == string(ledger.RoleInspector) {
			insp.Party = tk.PartyID
		}
	}
	classes, err := sd.s.Classes(ctx, insp)
	require.NoError(t, err)
	count := map[string]int{}
	overridden := 0
	for _, c := range classes {
		count[c.Class]++
		if c.Override != nil {
			overridden++
		}
	}
	assert.Equal(t, 2, overridden)
	assert.Positive(t, count[ledger.ClassKey])
	assert.Positive(t, count[ledger.ClassRegistered])

	year := testNow.Year() - 1
	rows, err := sd.s.Filings(ctx, insp, ledger.FilingsQuery{Year: year, Period: "2025"})
	require.NoError(t, err)
	plans, decls := 0, 0
	for _, r := range rows {
		if r.Plan != nil {
			plans++
		}
		ds, err := sd.s.Declarations(ctx, insp, r.Party, "")
		require.NoError(t, err)
		decls += len(ds)
	}
	assert.Greater(t, plans, len(rows)/2, "most generators filed a plan for %d", year)
	assert.Less(t, plans, len(rows), "a few did not")
	assert.Positive(t, decls, "the key and simplified units declared their months and quarters")

	for _, kind := range []string{ledger.AlertPlanMissing, ledger.AlertPlanExceeded, ledger.AlertDeclarationOverdue} {
		l, err := sd.s.Alerts(ctx, insp, ledger.AlertFilter{Kind: kind}, ledger.Page{Limit: 10})
		require.NoError(t, err)
		assert.NotEmpty(t, l.Items, kind)
	}

	g := rows[0].Party
	n := 0
	require.NoError(t, sd.s.LedgerBook(ctx, insp, g, ledger.BookQuery{From: testNow.AddDate(-1, 0, 0), To: testNow}, func(ledger.BookRow) error {
		n++
		return nil
	}))
	assert.Positive(t, n, "a year of 台账")
}
