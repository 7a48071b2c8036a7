package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A driver who can take only part of a load says why the rest stays
// behind (docs/api.md, "Partial pickup"): the scanned batches are loaded,
// the others go back to storage and off the manifest. Without a reason a
// missing label still refuses the pickup; a reason with every label
// scanned is a 400 naming left_behind_reason; neither appends anything.
func TestPartialPickupOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w1 := ts.waste(d.gen, "900-214-08", 120.5)
	w2 := ts.waste(d.gen, "900-041-49", 30)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w1, w2)
	ts.clock.Advance(time.Hour)
	path := "/api/v1/manifests/" + m.ID + "/pickup"

	before := ts.size()
	all := scanBody(m)
	all["left_behind_reason"] = "车厢已满"
	a := ts.do("POST", path, d.car1.token, all)
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a)
	assert.Contains(t, string(a.body), "left_behind_reason")
	part := scanBody(m)
	part["labels"] = []string{w1.Label}
	a = ts.do("POST", path, d.car1.token, part)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "a label missing without a reason: %s", a)
	assert.Equal(t, before, ts.size(), "refused pickups append nothing")

	part["left_behind_reason"] = "一桶渗漏，留待更换容器"
	var got ledger.Manifest
	ts.must(http.StatusOK, "POST", path, d.car1.token, part, &got)
	assert.Equal(t, ledger.ManifestInTransit, got.Status)
	assert.Equal(t, []string{w1.ID}, got.WasteIDs)
	assert.Equal(t, []string{w2.ID}, got.LeftBehind)
	assert.Equal(t, "一桶渗漏，留待更换容器", got.LeftBehindReason)
	assert.Equal(t, ledger.Grams(120500), got.Total)
	var w ledger.Waste
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w2.ID, d.gen.token, nil, &w)
	require.Equal(t, ledger.WasteStored, w.Status, "the batch left behind is back in storage")
}
