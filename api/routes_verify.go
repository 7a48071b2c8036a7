package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// The public trace of a manifest, for the verification page its printed
// QR code leads to (/verify/manifests/{id}): anyone may read it, so it
// names parties and nothing personal. An event whose bytes hold personal
// data (a driver, a vehicle plate, a GPS track, a person acting) is
// withheld: its leaf hash and inclusion proof are given, not its bytes.

// VerifyAnswer is GET /verify/manifests/{id}.
type VerifyAnswer struct {
	Manifest VerifyManifest `json:"manifest"`
	// Checkpoint is the ledger's signed checkpoint (note text) every
	// inclusion proof leads to.
	Checkpoint string `json:"checkpoint"`
	// LogKey is the note verifier key the checkpoint is signed with, as
	// GET /ledger/key serves it.
	LogKey string        `json:"log_key"`
	Events []VerifyEvent `json:"events"`
}

// VerifyManifest is what the public sees of a manifest: its number, status
// and the names of its parties.
type VerifyManifest struct {
	ID        string       `json:"id"`
	Number    string       `json:"number"`
	Status    string       `json:"status"`
	Generator string       `json:"generator"`
	Carriers  []string     `json:"carriers"`
	Receiver  string       `json:"receiver"`
	Batches   int          `json:"batches"`
	Total     ledger.Grams `json:"total_kg"`
}

// VerifyEvent is one event of the manifest. Event is the exact bytes that
// were hashed (leaf hash = SHA-256(0x00 ‖ bytes)), as a string, unless
// Withheld; Type, OccurredAt and Party are read from them.
type VerifyEvent struct {
	Index          uint64    `json:"index"`
	Type           string    `json:"type"`
	OccurredAt     time.Time `json:"occurred_at"`
	Party          string    `json:"party"` // the acting party's name
	LeafHash       string    `json:"leaf_hash"`
	Event          string    `json:"event,omitempty"`
	Withheld       bool      `json:"withheld"`
	InclusionProof [][]byte  `json:"inclusion_proof"`
}

// publicTypes are the event types whose data holds no personal data; an
// event of one of them is published unless a person is named as its actor.
var publicTypes = map[string]bool{
	ledger.EvManifestCreated:  true,
	ledger.EvManifestDeliver:  true, // the receiver's gate
	ledger.EvManifestReceived: true,
	ledger.EvManifestCancel:   true,
	ledger.EvManifestClosed:   true,
	ledger.EvAlertRaised:      true,
	ledger.EvAlertResolved:    true,
}

func (s *Server) verifyRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/verify/manifests/:id", public: true, handler: s.verifyManifest},
	}
}

func (s *Server) verifyManifest(c echo.Context) error {
	ctx := c.Request().Context()
	tr, err := s.svc.PublicTrace(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	names := map[string]string{ledger.SystemParty: "hwledger"}
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := id
		if p, err := s.svc.Party(ctx, id); err == nil {
			n = p.Name
		}
		names[id] = n
		return n
	}
	m := tr.Manifest
	a := VerifyAnswer{Checkpoint: tr.Checkpoint, LogKey: s.svc.Log().Key().VerifierKey, Events: []VerifyEvent{},
		Manifest: VerifyManifest{ID: m.ID, Number: m.Number, Status: m.Status, Generator: name(m.Generator),
			Carriers: []string{}, Receiver: name(m.Receiver), Batches: len(m.WasteIDs), Total: m.Total}}
	for _, cr := range m.Carriers {
		a.Manifest.Carriers = append(a.Manifest.Carriers, name(cr))
	}
	for _, te := range tr.Events {
		v, party, err := publicEvent(te)
		if err != nil {
			return err
		}
		v.Party = name(party)
		a.Events = append(a.Events, v)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return ok(c, a)
}

// publicEvent is what the public sees of a trace event, and the id of the
// party that acted: its bytes when its type is one of publicTypes and no
// person is named as its actor, else only its hash (withheld).
func publicEvent(te ledger.TraceEvent) (VerifyEvent, string, error) {
	var e struct {
		Type       string                     `json:"type"`
		OccurredAt time.Time                  `json:"occurred_at"`
		Actor      map[string]json.RawMessage `json:"actor"`
	}
	if err := json.Unmarshal(te.Event, &e); err != nil {
		return VerifyEvent{}, "", err
	}
	var party string
	if err := json.Unmarshal(e.Actor["party"], &party); err != nil {
		return VerifyEvent{}, "", err
	}
	_, person := e.Actor["person"]
	v := VerifyEvent{Index: te.Index, Type: e.Type, OccurredAt: e.OccurredAt, LeafHash: te.LeafHash,
		InclusionProof: te.InclusionProof, Withheld: !publicTypes[e.Type] || person}
	if v.InclusionProof == nil {
		v.InclusionProof = [][]byte{}
	}
	if !v.Withheld {
		v.Event = string(te.Event)
	}
	return v, party, nil
}
