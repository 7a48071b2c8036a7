package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file replay the attacks of a security review (one per
// finding) and show each refused, with nothing appended to the ledger.

// TestLabelLookupIsNoOracle: GET /labels/{label} answers another party's
// batch exactly as it answers a label that names no batch, so a lookup
// tells neither that a competitor's batch exists nor its id.
func TestLabelLookupIsNoOracle(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	l, err := ident.ParseLabel(w.Label)
	require.NoError(t, err)
	// The next serial of the same generator, code and day: a well-formed
	// label no batch has (yet).
	absent, err := ident.MakeLabel(l.Credit, w.Code, w.GeneratedAt, l.Serial+1)
	require.NoError(t, err)

	size := ts.size()
	other := ts.do("GET", "/api/v1/labels/"+w.Label, d.gen2.token, nil)
	none := ts.do("GET", "/api/v1/labels/"+absent, d.gen2.token, nil)
	garbage := ts.do("GET", "/api/v1/labels/not-a-label", d.gen2.token, nil)
	assert.Equal(t, http.StatusNotFound, other.status, "%s", other)
	assert.Equal(t, none.status, other.status)
	assert.Equal(t, string(none.body), string(other.body), "another party's batch and no batch answer alike")
	assert.Equal(t, string(none.body), string(garbage.body), "a malformed label answers alike")
	assert.NotContains(t, string(other.body), w.ID, "the batch id leaks")
	assert.Equal(t, size, ts.size(), "a lookup appends nothing")

	// Its own generator, a carrier on its manifest and an inspector find it.
	var got struct{ ID string }
	ts.must(http.StatusOK, "GET", "/api/v1/labels/"+w.Label, d.gen.token, nil, &got)
	assert.Equal(t, w.ID, got.ID)
	ts.must(http.StatusOK, "GET", "/api/v1/labels/"+w.Label, d.insp.token, nil, &got)
}

// TestAssessmentShowsAPartyOnlyItself: a generator that asks for its
// street's totals, or reads the district's, could subtract its own row and
// learn its neighbours' figures. It gets its own row only, grouped by
// party, and no district totals, in JSON and in CSV.
func TestAssessmentShowsAPartyOnlyItself(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	ts.waste(d.gen, "900-214-08", 10)
	ts.waste(d.hosp, "900-214-08", 7) // gen's neighbour on 南关
	size := ts.size()

	var all ledger.Assessment
	ts.must(http.StatusOK, "GET", "/api/v1/assessment?group_by=party", d.insp.token, nil, &all)
	require.NotNil(t, all.District, "an inspector sees the district totals")
	var mine ledger.AssessRow
	for _, r := range all.Rows {
		if r.Group == d.gen.id {
			mine = r
		}
	}
	require.Equal(t, d.gen.id, mine.Group)
	var byStreet ledger.Assessment
	ts.must(http.StatusOK, "GET", "/api/v1/assessment?group_by=street", d.insp.token, nil, &byStreet)
	assert.Len(t, byStreet.Rows, 2, "an inspector sees every street")

	for _, by := range []string{"street", "party", ""} {
		path := "/api/v1/assessment"
		if by != "" {
			path += "?group_by=" + by
		}
		a := ts.must(http.StatusOK, "GET", path, d.gen.token, nil, nil)
		var got ledger.Assessment
		a.decode(t, &got)
		assert.NotContains(t, string(a.body), `"district"`, "group_by=%s: district totals", by)
		assert.Nil(t, got.District)
		assert.Equal(t, "party", got.GroupBy, "group_by=%s", by)
		require.Len(t, got.Rows, 1, "group_by=%s: %s", by, a)
		assert.Equal(t, mine, got.Rows[0], "group_by=%s: its own row, as the inspector sees it", by)

		c := ts.do("GET", path, d.gen.token, nil, "Accept", "text/csv")
		require.Equal(t, http.StatusOK, c.status)
		recs, err := csv.NewReader(bytes.NewReader(c.body)).ReadAll()
		require.NoError(t, err)
		require.Len(t, recs, 2, "group_by=%s: a header and its own row:\n%s", by, c.body)
		assert.Equal(t, d.gen.id, recs[1][0])
	}
	// A carrier generates nothing: no row at all.
	var car ledger.Assessment
	ts.must(http.StatusOK, "GET", "/api/v1/assessment?group_by=street", d.car1.token, nil, &car)
	assert.Empty(t, car.Rows)
	assert.Nil(t, car.District)
	assert.Equal(t, size, ts.size(), "nothing appended")
}

// TestFieldErrorsAreCapped: a receipt of 12,000 bad lines (an 840 KB body)
// answered with every field error was a 4.7 MB answer. The answer names
// the first 50 fields in path order and counts the others.
func TestFieldErrorsAreCapped(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	var body strings.Builder
	body.WriteString(`{"lines":[`)
	const lines = 12000
	for i := range lines {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`{"waste_id":"","received_kg":-1,"container_count":-1,"note":"xxxx"}`)
	}
	body.WriteString(`]}`)
	require.Greater(t, body.Len(), 800_000)
	size := ts.size()
	a := ts.do("POST", "/api/v1/manifests/"+m.ID+"/receive", d.recv.token, body.String())
	require.Equal(t, http.StatusBadRequest, a.status, "%.300s", a.body)
	assert.Less(t, len(a.body), 20_000, "the error answer is small")
	var e ErrorBody
	a.decode(t, &e)
	assert.Equal(t, CodeValidation, e.Error.Code)
	assert.Len(t, e.Error.Fields, ledger.MaxFieldErrors)
	assert.Equal(t, 4*lines-ledger.MaxFieldErrors, e.Error.FieldsOmitted) // waste_id, received_kg, container_count, accepted
	for f := range e.Error.Fields {
		n, err := strconv.Atoi(f[len("lines["):strings.IndexByte(f, ']')])
		require.NoError(t, err, f)
		assert.Less(t, n, 13, "%s is not among the first lines", f)
	}
	assert.Contains(t, e.Error.Fields, "lines[9].waste_id", "path order: lines[9] before lines[10]")
	assert.Contains(t, e.Error.Message, "more fields")
	assert.Equal(t, size, ts.size(), "nothing appended")
}

// TestErrorsDoNotEchoLongInput: a field name or reason quoting a long input
// is cut, so the answer is not as large as the request.
func TestErrorsDoNotEchoLongInput(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	long := strings.Repeat("角", 100_000)
	size := ts.size()
	for _, body := range []string{
		`{"` + long + `":1}`, // an unknown field
		mustJSON(map[string]any{"name": "x", "credit_code": credit(60), "roles": []string{long, long + "2"}}),
	} {
		a := ts.do("POST", "/api/v1/parties", d.admin.token, body)
		require.Equal(t, http.StatusBadRequest, a.status)
		assert.Less(t, len(a.body), 2_000, "%.400s", a.body)
	}
	assert.Equal(t, size, ts.size(), "nothing appended")
}
