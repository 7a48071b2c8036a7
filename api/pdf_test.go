package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/internal/manifestpdf/pdftest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// withPDFFont gives the server the font serve prints with.
func withPDFFont(t testing.TB) func(*Config) {
	f, err := manifestpdf.LoadFont("")
	require.NoError(t, err, "make deps installs the font")
	return func(c *Config) { c.PDFFont = f }
}

// TestManifestPDFOverHTTP: every party on the manifest gets its PDF, whose
// QR code leads to the verification page on the host asked; a party not
// on it gets 404, nobody signed in 401, a server with no font 503.
func TestManifestPDFOverHTTP(t *testing.T) {
	ts := newTestServer(t, withPDFFont(t))
	d := ts.district()
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, ts.waste(d.gen, "900-214-08", 10), ts.waste(d.gen, "900-249-08", 5))
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	for _, who := range []actor{d.gen, d.car1, d.recv, d.insp} {
		a := ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID+".pdf", who.token, nil, nil)
		assert.Equal(t, "application/pdf", a.header.Get("Content-Type"))
		text := strings.Join(pdftest.Pages(t, a.body), "\n")
		assert.Contains(t, text, m.Number)
		assert.Contains(t, text, "豫A12345")
		assert.Equal(t, ts.url+"/verify/manifests/"+m.ID, pdftest.QR(t, a.body, 1))
	}
	assert.Equal(t, "not_found", ts.must(http.StatusNotFound, "GET", "/api/v1/manifests/"+m.ID+".pdf", d.gen2.token, nil, nil).errCode())
	assert.Equal(t, "unauthenticated", ts.must(http.StatusUnauthorized, "GET", "/api/v1/manifests/"+m.ID+".pdf", "", nil, nil).errCode())
	// The JSON of the same manifest is still served by the route it shares.
	var got ledger.Manifest
	ts.must(http.StatusOK, "GET", "/api/v1/manifests/"+m.ID, d.gen.token, nil, &got)
	assert.Equal(t, m.Number, got.Number)

	bare := newTestServer(t)
	bd := bare.district()
	bm := bare.manifest(bd.gen, bd.recv, []actor{bd.car1}, bare.waste(bd.gen, "900-214-08", 10))
	assert.Equal(t, "unavailable", bare.must(http.StatusServiceUnavailable, "GET", "/api/v1/manifests/"+bm.ID+".pdf", bd.gen.token, nil, nil).errCode())
}

// TestVerifyManifestPublic: the public trace needs no token, names parties
// and nothing personal, publishes the bytes of the events without personal
// data, and every proof leads to the checkpoint's root.
func TestVerifyManifestPublic(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	m := ts.manifest(d.gen, d.recv, []actor{d.car1}, ts.waste(d.gen, "900-214-08", 10))
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/pickup", d.car1.token, scanBody(m), nil)
	ts.must(http.StatusOK, "POST", "/api/v1/manifests/"+m.ID+"/deliver", d.car1.token,
		map[string]any{"location": map[string]any{"lat": 34.75, "lon": 113.68}}, nil)

	var a VerifyAnswer
	raw := ts.must(http.StatusOK, "GET", "/api/v1/verify/manifests/"+m.ID, "", nil, &a).body
	for _, secret := range []string{"13800000000", "张三", "李四", "豫A12345"} {
		assert.NotContains(t, string(raw), secret, "personal data in the public trace")
	}
	assert.Equal(t, "顺达汽修", a.Manifest.Generator)
	assert.Equal(t, []string{"豫通危运"}, a.Manifest.Carriers)
	assert.Equal(t, "郑州环境处置中心", a.Manifest.Receiver)

	v, err := note.NewVerifier(a.LogKey)
	require.NoError(t, err)
	origin, _, _ := strings.Cut(a.Checkpoint, "\n")
	cp, _, _, err := log.ParseCheckpoint([]byte(a.Checkpoint), origin, v)
	require.NoError(t, err, "the checkpoint is signed with the key served beside it")
	var types []string
	published := 0
	for _, e := range a.Events {
		types = append(types, e.Type)
		leaf, err := hex.DecodeString(e.LeafHash)
		require.NoError(t, err)
		if !e.Withheld {
			published++
			sum := sha256.Sum256(append([]byte{0}, e.Event...))
			assert.Equal(t, leaf, sum[:], "leaf hash of event %d", e.Index)
		}
		assert.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, e.Index, cp.Size, leaf, e.InclusionProof, cp.Hash), "event %d", e.Index)
	}
	assert.Subset(t, types, []string{ledger.EvManifestCreated, ledger.EvManifestPickedUp, ledger.EvManifestDeliver})
	for _, e := range a.Events {
		assert.Equal(t, e.Type == ledger.EvManifestPickedUp, e.Withheld, "%s withheld", e.Type)
	}
	assert.Positive(t, published)

	ts.must(http.StatusNotFound, "GET", "/api/v1/verify/manifests/"+m.WasteIDs[0], "", nil, nil)
	ts.must(http.StatusNotFound, "GET", "/api/v1/verify/manifests/no-such-manifest", "", nil, nil)
}

// TestPublicEventWithholdsPeople: an event of a public type is withheld
// when a person is named as its actor; without one its bytes are given.
func TestPublicEventWithholdsPeople(t *testing.T) {
	byMachine := `{"index":3,"type":"manifest.created","occurred_at":"2026-03-02T00:59:00Z","actor":{"party":"p1","role":"generator"},"data":{}}`
	byPerson := `{"index":4,"type":"manifest.created","occurred_at":"2026-03-02T00:59:00Z","actor":{"party":"p1","role":"generator","person":{"id":"u1","name":"王建国"}},"data":{}}`
	pickup := `{"index":5,"type":"manifest.picked_up","occurred_at":"2026-03-02T00:59:00Z","actor":{"party":"p2","role":"transporter"},"data":{"driver":"李四"}}`
	for _, c := range []struct {
		event    string
		withheld bool
	}{{byMachine, false}, {byPerson, true}, {pickup, true}} {
		v, party, err := publicEvent(ledger.TraceEvent{Index: 1, Event: []byte(c.event)})
		require.NoError(t, err)
		assert.Equal(t, c.withheld, v.Withheld, c.event)
		assert.NotEmpty(t, party)
		if c.withheld {
			assert.Empty(t, v.Event)
		} else {
			assert.Equal(t, c.event, v.Event)
		}
		assert.NotNil(t, v.InclusionProof)
	}
}
