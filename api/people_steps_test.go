package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/manifestpdf/pdftest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPeopleNamedOnEveryStep: when people sign in and act, every place
// that shows a step names them: the trace's events, the 台账 (经办人 of
// each record, in JSON and CSV) and the printable 联单's steps.
func TestPeopleNamedOnEveryStep(t *testing.T) {
	ts := newTestServer(t, withPDFFont(t))
	d := ts.district()
	person := func(party actor, username, name, phone, pw string) (session, ledger.NewPerson) {
		var np ledger.NewPerson
		ts.must(http.StatusCreated, "POST", "/api/v1/parties/"+party.id+"/people", ts.admin,
			map[string]any{"name": name, "phone": phone, "username": username, "role": "operator"}, &np)
		return ts.signIn(username, np.Password, pw), np
	}
	nurse, nurseP := person(d.gen, "wang.hs", "王秀英", "13800000011", "库房王秀英的新密码")
	driver, _ := person(d.car1, "zhao.sj", "赵大勇", "13800000012", "司机赵大勇的新密码")
	weigher, weigherP := person(d.recv, "sun.gb", "孙建华", "13800000013", "过磅员孙建华的密码")

	var w ledger.Waste
	ts.with(nurse, http.StatusCreated, "POST", "/api/v1/wastes", ts.wasteBody("900-041-49", 12.5)).decode(t, &w)
	var m ledger.Manifest
	ts.with(nurse, http.StatusCreated, "POST", "/api/v1/manifests", ts.manifestBody(d.recv, d.car1, nil, &w)).decode(t, &m)
	ts.with(driver, http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", scanBody(&m))
	ts.with(driver, http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/deliver", map[string]any{})
	ts.with(weigher, http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/receive", map[string]any{"lines": []map[string]any{
		{"waste_id": w.ID, "received_kg": 12.5, "container_count": 2, "accepted": true}}})
	ts.with(weigher, http.StatusOK, "POST", "/api/v1/wastes/"+w.ID+"/dispose", map[string]any{"method": "D10", "quantity_kg": 12.5})

	// The trace: each event's actor names the person and the role used.
	var trace ledger.Trace
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID+"/trace", d.insp.token, nil, &trace)
	by := map[string]string{}
	for _, te := range trace.Events {
		var e struct {
			Type  string `json:"type"`
			Actor struct {
				Role   string `json:"role"`
				Person *struct{ ID, Name string }
			} `json:"actor"`
		}
		require.NoError(t, json.Unmarshal(te.Event, &e))
		if e.Actor.Role == string(ledger.RoleSystem) {
			continue // closing a completed manifest is the system's
		}
		require.NotNil(t, e.Actor.Person, "%s names its person", e.Type)
		by[e.Type] = e.Actor.Person.Name + " " + e.Actor.Role
	}
	assert.Equal(t, "王秀英 generator", by[ledger.EvWasteRegistered])
	assert.Equal(t, "王秀英 generator", by[ledger.EvManifestCreated])
	assert.Equal(t, "赵大勇 transporter", by[ledger.EvManifestPickedUp])
	assert.Equal(t, "孙建华 receiver", by[ledger.EvManifestReceived])
	assert.Equal(t, "孙建华 receiver", by[ledger.EvWasteDisposed])

	// The 台账: the person who handled each record.
	book := "/api/v1/parties/" + d.gen.id + "/ledger-book?from=2026-01-01&to=2026-12-31"
	var rows BookList
	ts.must(http.StatusOK, "GET", book, d.gen.token, nil, &rows)
	got := map[string][3]string{}
	for _, r := range rows.Items {
		got[r.Record] = [3]string{r.Person, r.PersonID, r.Carrier}
	}
	assert.Equal(t, map[string][3]string{
		ledger.BookGeneration: {"王秀英", nurseP.Person.ID, ""},
		ledger.BookStorageIn:  {"王秀英", nurseP.Person.ID, "王秀英"},
		ledger.BookStorageOut: {"王秀英", nurseP.Person.ID, "赵大勇"},
		ledger.BookOutsourced: {"孙建华", weigherP.Person.ID, ""},
	}, got)
	a := ts.do("GET", book+"&record=storage_out", d.gen.token, nil, "Accept", "text/csv")
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	recs, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	col := map[string]string{}
	for i, h := range recs[0] {
		col[h] = recs[1][i]
	}
	assert.Equal(t, "王秀英", col["出库部门经办人"], "%v", recs[0])
	assert.Equal(t, "赵大勇", col["运送部门经办人"], "%v", recs[0])

	// The printable 联单: every step with its time, party and person.
	a = ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID+".pdf", d.gen.token, nil, nil)
	text := strings.Join(pdftest.Pages(t, a.body), "\n")
	for _, name := range []string{"王秀英", "赵大勇", "孙建华"} {
		assert.Contains(t, text, name)
	}
}
