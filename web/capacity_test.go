package web

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapacityBar(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	rules := ledger.DefaultRules()
	p := &ledger.Party{License: &ledger.License{CapacityTonnes: 10}, ReceivedYear: 2026,
		ReceivedThisYear: ledger.KgToGrams(9000), Pending: ledger.KgToGrams(2000)}
	c := capacityOf(p, now, rules)
	assert.True(t, c.Shown)
	assert.Equal(t, 110, c.Percent)
	assert.Equal(t, "warn", c.Level)
	assert.Equal(t, 75, c.Received) // 9 t of the 12 t limit
	assert.Equal(t, 16, c.Pending)  // 11 t at 91 %
	assert.Equal(t, 83, c.Mark)     // 100 % of capacity
	// Last year's receipts do not count; reaching the limit is "over".
	p.ReceivedYear, p.Pending = 2025, ledger.KgToGrams(12000)
	c = capacityOf(p, now, rules)
	assert.Equal(t, 0.0, c.ReceivedT)
	assert.Equal(t, "over", c.Level)
	assert.False(t, capacityOf(&ledger.Party{}, now, rules).Shown, "no licence, no bar")
}

// A receiver sees on its manifests page what it received this year and
// what filed manifests bring, against its licence.
func TestReceiverSeesCapacity(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	require.NoError(t, err)
	w, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "liquid", Quantity: ledger.KgToGrams(1234.5),
		Container: ledger.Container{Type: "铁桶", Count: 6}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	_, err = f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.ids["carrier"]},
		Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
	require.NoError(t, err)

	c := client(t)
	signIn(t, f, c, f.tokens["receiver"])
	res, err := c.Get(f.srv.URL + "/manifests")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(b), `class="cap-pending">1.235 t</b>`)
	assert.Contains(t, string(b), `<b>5000 t</b>`)
	// A generator's page has no capacity bar.
	g := client(t)
	signIn(t, f, g, f.tokens["gen"])
	res, err = g.Get(f.srv.URL + "/manifests")
	require.NoError(t, err)
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.NotContains(t, string(b), "cap-pending")
}

// The inspector's dashboard counts the district's batches from the
// ledger's totals: held at generators, and past their limit.
func TestDashboardCounts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	require.NoError(t, err)
	for range 3 {
		_, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "solid", Quantity: ledger.KgToGrams(2),
			Container: ledger.Container{Type: "桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-400 * 24 * time.Hour), Storage: "暂存间"})
		require.NoError(t, err)
	}
	_, err = f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "solid", Quantity: ledger.KgToGrams(2),
		Container: ledger.Container{Type: "桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	c := client(t)
	signIn(t, f, c, f.tokens["inspector"])
	res, err := c.Get(f.srv.URL + "/dashboard")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(b), `<a class="kpi" href="/wastes?status=stored" id="stored-kpi"><b>4</b><span>`+translate(langZh, "dash.stored"))
	assert.Contains(t, string(b), `<a class="kpi warn" href="/wastes?overdue=1" id="overdue-kpi"><b>3</b><span>`+translate(langZh, "dash.overdue"),
		"registered a year late: overdue at once")
	// The tile leads to the overdue batches.
	res, err = c.Get(f.srv.URL + "/wastes?overdue=1")
	require.NoError(t, err)
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 3, strings.Count(string(b), `class="card row-over"`), "three overdue batches listed")
	assert.NotContains(t, string(b), `class="card row-ok"`, "the fresh batch is not overdue")
	assert.Contains(t, string(b), `id="overdue-only" checked`)
	// And the stored tile to the four stored ones.
	res, err = c.Get(f.srv.URL + "/wastes?status=stored")
	require.NoError(t, err)
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 4, strings.Count(string(b), `<li class="card row-`), "four stored batches listed")
}
