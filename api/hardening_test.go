package api

import (
	"net/http"
	"testing"

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
