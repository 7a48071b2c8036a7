package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// TestBadTextIsRefused: every text field has a length limit and refuses
// control characters, bidirectional overrides, U+FFFD and invalid UTF-8;
// a quantity sent as a string is refused. Each attack is a 400 naming the
// field and the rule, and appends nothing.
func TestBadTextIsRefused(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	with := func(b map[string]any, k string, v any) map[string]any { b[k] = v; return b }
	lic := func() map[string]any {
		return map[string]any{"number": "X-2", "codes": []string{"HW08"}, "methods": []string{"D10"}, "capacity_tonnes": 5,
			"valid_from": "2026-01-01", "valid_to": "2030-12-31"}
	}
	line := func(k string, v any) map[string]any {
		l := map[string]any{"waste_id": w.ID, "received_kg": 10, "container_count": 2, "accepted": true}
		l[k] = v
		return map[string]any{"lines": []any{l}}
	}
	wastes, parties := "/api/v1/wastes", "/api/v1/parties"
	man := "/api/v1/manifests/" + m.ID
	cases := []struct {
		name, method, path, token string
		body                      any
		field, rule               string
	}{
		{"a 1,000,000-character container type", "POST", wastes, d.gen.token,
			with(ts.wasteBody("900-214-08", 1), "container", map[string]any{"type": strings.Repeat("x", 1_000_000), "count": 1}),
			"container.type", "must be at most 100 characters (has 1000000)"},
		{"a party name with a newline", "POST", parties, d.admin.token,
			with(partyBody(70, "顺达\n东大街", "generator"), "street", "南关"), "name", "must not hold a control character (U+000A, character 3)"},
		{"a street with NUL", "POST", parties, d.admin.token, with(partyBody(71, "某单位", "generator"), "street", "南关\x00"),
			"street", "must not hold a control character (U+0000, character 3)"},
		{"a long address", "POST", parties, d.admin.token, with(partyBody(72, "某单位", "generator"), "address", strings.Repeat("路", 501)),
			"address", "must be at most 500 characters (has 501)"},
		{"a contact with a bidi override", "POST", parties, d.admin.token,
			with(partyBody(73, "某单位", "generator"), "contact", map[string]any{"name": "张\u202e三", "phone": "1"}),
			"contact.name", "must not hold a bidirectional formatting character (U+202E, character 2)"},
		{"a licence number with an isolate", "PUT", parties + "/" + d.recv.id + "/license", d.admin.token,
			with(lic(), "number", "X\u2066-2"), "license.number", "must not hold a bidirectional formatting character (U+2066, character 2)"},
		{"a storage place with a tab", "POST", wastes, d.gen.token, with(ts.wasteBody("900-214-08", 1), "storage", "暂存\t间"),
			"storage", "must not hold a control character (U+0009, character 3)"},
		{"a correction reason of 501 characters", "POST", wastes + "/" + w.ID + "/correct", d.gen.token,
			map[string]any{"reason": strings.Repeat("因", 501)}, "reason", "must be at most 500 characters (has 501)"},
		{"a long vehicle plate", "POST", man + "/pickup", d.car1.token, with(scanBody(m), "vehicle_plate", strings.Repeat("豫", 21)),
			"vehicle_plate", "must be at most 20 characters (has 21)"},
		{"a driver with an override", "POST", man + "/pickup", d.car1.token, with(scanBody(m), "driver", "李\u202d四"),
			"driver", "must not hold a bidirectional formatting character (U+202D, character 2)"},
		{"a lone surrogate in a plate", "POST", man + "/handover", d.car2.token,
			`{"labels":["` + w.Label + `"],"vehicle_plate":"豫A\ud800","driver":"李四"}`,
			"vehicle_plate", "must not hold the replacement character, left by invalid UTF-8 or a lone surrogate (U+FFFD, character 3)"},
		{"a receipt note with an escape", "POST", man + "/receive", d.recv.token, line("note", "ok\x1b[31m"),
			"lines[0].note", "must not hold a control character (U+001B, character 3)"},
		{"a long receipt note", "POST", man + "/receive", d.recv.token, line("note", strings.Repeat("n", 1001)),
			"lines[0].note", "must be at most 1000 characters (has 1001)"},
		{"a received quantity as a string", "POST", man + "/receive", d.recv.token, line("received_kg", "10"),
			"lines[0].received_kg", "must be a JSON number of kilograms, not a string"},
		{"a quantity as a string", "POST", wastes, d.gen.token, with(ts.wasteBody("900-214-08", 1), "quantity_kg", "1"),
			"quantity_kg", "must be a JSON number of kilograms, not a string"},
		{"a disposal quantity as a string", "POST", wastes + "/" + w.ID + "/dispose", d.recv.token,
			map[string]any{"method": "D10", "quantity_kg": "1"}, "quantity_kg", "must be a JSON number of kilograms, not a string"},
		{"a cancel reason in invalid UTF-8", "POST", man + "/cancel", d.gen.token, "{\"reason\":\"\xff\xfe\"}",
			"body", "must be valid UTF-8 (an invalid byte at offset 11)"},
		{"a cancel reason with DEL", "POST", man + "/cancel", d.gen.token, map[string]any{"reason": "x\x7f"},
			"reason", "must not hold a control character (U+007F, character 2)"},
		{"an unknown waste id of 65 characters", "POST", "/api/v1/manifests", d.gen.token,
			map[string]any{"waste_ids": []string{strings.Repeat("0", 65)}, "carriers": []string{d.car1.id}, "receiver": d.recv.id,
				"planned_pickup_at": ts.clock.Now().Add(time.Hour).Format(time.RFC3339)},
			"waste_ids[0]", "must be at most 64 characters (has 65)"},
	}
	size := ts.size()
	for _, c := range cases {
		a := ts.do(c.method, c.path, c.token, c.body)
		var e ErrorBody
		a.decode(t, &e)
		if assert.Equal(t, http.StatusBadRequest, a.status, "%s: %.300s", c.name, a.body) {
			assert.Equal(t, c.rule, e.Error.Fields[c.field], "%s: %v", c.name, e.Error.Fields)
		}
		assert.Less(t, len(a.body), 3000, "%s: the answer does not echo the input", c.name)
	}
	assert.Equal(t, size, ts.size(), "nothing appended")

	// Line breaks are free text's: an acknowledgement note may hold them.
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", d.admin.token, map[string]any{"advance": "8040h"}, nil)
	var alerts AlertList
	ts.must(http.StatusOK, "GET", "/api/v1/alerts?status=open", d.insp.token, nil, &alerts)
	require.NotEmpty(t, alerts.Items)
	ts.must(http.StatusOK, "POST", "/api/v1/alerts/"+alerts.Items[0].ID+"/ack", d.insp.token,
		map[string]any{"note": "已电话通知。\r\n明日复查"}, nil)
}

// TestOpenAPIMaxLengthIsTheTags: the document states each text field's
// limit as maxLength, exactly what its text or note tag says (for a list,
// of its items); a field whose schema is an enumeration is bounded by its
// values.
func TestOpenAPIMaxLengthIsTheTags(t *testing.T) {
	doc := loadOpenAPI(t)
	for name, l := range ledger.TextLimits() {
		typ, prop, _ := strings.Cut(name, ".")
		s, ok := doc.Components.Schemas[typ]
		require.True(t, ok, "%s: no schema %s", name, typ)
		p, ok := s.Value.Properties[prop]
		require.True(t, ok, "%s: schema %s has no property %s", name, typ, prop)
		v := p.Value
		if v.Type.Is("array") {
			v = v.Items.Value
		}
		if len(v.AllOf) == 1 && v.MaxLength == nil { // {allOf: [$ref], description}
			v = v.AllOf[0].Value
		}
		if len(v.Enum) > 0 {
			for _, e := range v.Enum {
				assert.LessOrEqual(t, utf8.RuneCountInString(e.(string)), l.Max, "%s: enum value %q", name, e)
			}
			continue
		}
		if assert.NotNil(t, v.MaxLength, "%s: no maxLength", name) {
			assert.Equal(t, uint64(l.Max), *v.MaxLength, "%s: maxLength", name)
		}
	}
}

// TestTrackIsDedupedAndPaged: duplicate GPS points were accepted and every
// GET returned the whole track (56 KB grew to 551 KB). A point in a slot
// the track holds is dropped, a request of duplicates appends nothing, a
// manifest answers with its latest 100 points, and the track is paged.
func TestTrackIsDedupedAndPaged(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	w := ts.waste(d.gen, "900-214-08", 10)
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, w)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", d.admin.token, map[string]any{"advance": "3h"}, nil)
	end := ts.svc.Now().Truncate(10 * time.Second)
	track := func(lat float64, shift time.Duration) map[string]any {
		pts := make([]map[string]any, 1000)
		for i := range pts {
			at := end.Add(shift - time.Duration(999-i)*10*time.Second)
			pts[i] = map[string]any{"lat": lat, "lon": 113.68, "at": at.Format(time.RFC3339Nano)}
		}
		return map[string]any{"points": pts}
	}
	path := "/api/v1/manifests/" + m.ID
	var got ledger.Manifest
	ts.must(http.StatusOK, "POST", path+"/positions", d.car1.token, track(34.75, 0), &got)
	assert.Equal(t, 1000, got.TrackPoints)

	size := ts.size()
	for _, body := range []map[string]any{track(34.75, 0), track(34.90, 0), track(34.75, 4*time.Second)} {
		ts.must(http.StatusOK, "POST", path+"/positions", d.car1.token, body, &got)
		assert.Equal(t, 1000, got.TrackPoints, "duplicates are dropped")
	}
	assert.Equal(t, size, ts.size(), "a request of duplicates appends nothing")

	a := ts.must(http.StatusOK, "GET", path, d.gen.token, nil, &got)
	assert.Len(t, got.Track, ledger.TrackWindow)
	assert.Less(t, len(a.body), 20_000, "the manifest answer is bounded")
	var all []ledger.TrackPoint
	cursor := ""
	for {
		var pg ledger.TrackPage
		q := path + "/track?limit=300"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		ts.must(http.StatusOK, "GET", q, d.recv.token, nil, &pg)
		all = append(all, pg.Items...)
		if pg.NextCursor == "" {
			break
		}
		cursor = pg.NextCursor
	}
	require.Len(t, all, 1000)
	assert.Equal(t, got.Track, all[900:], "the window is the track's latest points")
	assert.Equal(t, http.StatusNotFound, ts.do("GET", path+"/track", d.gen2.token, nil).status)
	assert.Equal(t, http.StatusBadRequest, ts.do("GET", path+"/track?limit=2001", d.gen.token, nil).status)
	assert.Equal(t, size, ts.size(), "reads append nothing")
}

// TestAlertStreamsAreCapped: 200 concurrent streams from one token were
// accepted. A token may hold 4 (by default) and the server a configured
// number; one more is 429 too_many_streams, and a closed stream makes room.
func TestAlertStreamsAreCapped(t *testing.T) {
	ts := newTestServerLedger(t, ledger.Config{MaxStreams: 6})
	d := ts.district()
	size := ts.size()
	var cancels []func()
	for range ledger.DefaultMaxStreamsPerToken {
		_, _, cancel := openStream(t, ts, d.gen.token, "")
		cancels = append(cancels, cancel)
	}
	a := ts.do("GET", "/api/v1/alerts/stream", d.gen.token, nil)
	assert.Equal(t, http.StatusTooManyRequests, a.status, "%s", a)
	assert.Equal(t, CodeTooManyStreams, a.errCode())
	cancels[0]()
	require.Eventually(t, func() bool {
		cancel, status := tryStream(t, ts, d.gen.token)
		if status == http.StatusOK {
			cancels[0] = cancel
		}
		return status == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond, "a closed stream makes room")

	// The server's limit, 6: two more from other tokens, then none.
	for _, tok := range []string{d.insp.token, d.hosp.token} {
		_, _, cancel := openStream(t, ts, tok, "")
		cancels = append(cancels, cancel)
	}
	a = ts.do("GET", "/api/v1/alerts/stream", d.recv.token, nil)
	assert.Equal(t, http.StatusTooManyRequests, a.status, "%s", a)
	assert.Contains(t, string(a.body), "the server has 6 open")
	for _, c := range cancels {
		c()
	}
	assert.Equal(t, size, ts.size(), "nothing appended")
}

// tryStream opens a stream and answers its status; an open one is left
// open for cancel to close.
func tryStream(t *testing.T, ts *testServer, token string) (cancel func(), status int) {
	ctx, stop := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", ts.url+"/api/v1/alerts/stream", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := ts.client.Do(req)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK {
		require.NoError(t, drain(resp))
		stop()
		return nil, resp.StatusCode
	}
	return func() { stop(); resp.Body.Close() }, resp.StatusCode
}
