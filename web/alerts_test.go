package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The alerts page: a generator sees its own alerts (none of another's);
// an inspector filters by kind, street and party, and an acknowledged
// alert whose batch is still overdue stays listed, as acknowledged.
func TestAlertsPage(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	require.NoError(t, err)
	_, err = f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-041-49", Form: "solid", Quantity: ledger.KgToGrams(2),
		Container: ledger.Container{Type: "桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-400 * 24 * time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	get := func(c *http.Client, path string) string {
		t.Helper()
		res, err := c.Get(f.srv.URL + path)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", path, b)
		return string(b)
	}
	item := `<li class="alert-item k-storage_overdue`

	g := client(t)
	signIn(t, f, g, f.tokens["gen"])
	assert.Equal(t, 1, strings.Count(get(g, "/alerts"), item), "the generator sees its overdue alert")
	assert.Contains(t, get(g, "/wastes"), `id="my-alerts"`)
	g2 := client(t)
	signIn(t, f, g2, f.tokens["gen2"])
	assert.Equal(t, 0, strings.Count(get(g2, "/alerts"), item), "another generator does not")

	in := client(t)
	signIn(t, f, in, f.tokens["inspector"])
	assert.Equal(t, 1, strings.Count(get(in, "/alerts?kind=storage_overdue"), item))
	assert.Equal(t, 0, strings.Count(get(in, "/alerts?kind=discrepancy"), item))
	assert.Equal(t, 1, strings.Count(get(in, "/alerts?street=南关"), item))
	assert.Contains(t, get(in, "/alerts?street=紫荆山南路"), translate(langZh, "alerts.none.filtered"))
	assert.Equal(t, 1, strings.Count(get(in, "/alerts?party="+f.ids["gen"]), item))
	assert.Equal(t, 0, strings.Count(get(in, "/alerts?party="+f.ids["gen2"]), item))

	ip, err := f.svc.Authenticate(f.tokens["inspector"])
	require.NoError(t, err)
	open, err := f.svc.Alerts(ctx, ip, ledger.AlertFilter{Status: ledger.AlertOpen}, ledger.Page{})
	require.NoError(t, err)
	require.Len(t, open.Items, 1)
	_, err = f.svc.AckAlert(ctx, ip, open.Items[0].ID, ledger.AckInput{Note: "已电话通知，限期转移"})
	require.NoError(t, err)
	page := get(in, "/alerts")
	assert.Contains(t, page, `<li class="alert-item k-storage_overdue acked"`, "acknowledged, still overdue: still listed")
	assert.Contains(t, page, "已电话通知，限期转移")
	dash := get(in, "/dashboard")
	assert.Contains(t, dash, `<b id="open-count">0</b>`)
	assert.Contains(t, dash, `<li class="alert-item k-storage_overdue acked"`)
	assert.Contains(t, get(g, "/wastes"), `class="alert-line k-storage_overdue acked"`, "the generator sees it acknowledged too")
}

// An empty inventory says what its filter found.
func TestInventoryEmptySaysWhatTheFilterFound(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	for path, want := range map[string]string{
		"/wastes":                     translate(langZh, "inv.empty.held"),
		"/wastes?status=all":          translate(langZh, "inv.empty"),
		"/wastes?overdue=1":           "没有超期的批次。",
		"/wastes?soon=1":              "没有即将到期的批次。",
		"/wastes?code=900-041-49":     "没有代码为 900-041-49 的批次。",
		"/wastes?status=disposed":     "没有状态为「已处置」的批次。",
		"/manifests?status=delivered": "没有状态为「已送达」的联单。",
	} {
		res, err := c.Get(f.srv.URL + path)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Contains(t, string(b), `<p id="empty-text">`+want+`</p>`, path)
	}
}
