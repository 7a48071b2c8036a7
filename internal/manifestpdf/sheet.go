package manifestpdf

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// Sheet is everything one 联单 prints, read from the ledger.
type Sheet struct {
	Manifest  *ledger.Manifest
	Generator *ledger.Party
	Carriers  []*ledger.Party // in the order of Manifest.Carriers
	Receiver  *ledger.Party
	Lines     []Line
	// Steps are the manifest's events in ledger order, GPS fixes and
	// alerts left out (TrackPoints counts the fixes).
	Steps       []Step
	TrackPoints int
	// EmergencyMeasures are the generator's emergency measures, when given.
	EmergencyMeasures string
	// Paper is set when the manifest was entered from a paper one (补录).
	Paper *Paper
	// VerifyURL is the absolute URL of the public verification page, the
	// QR code's text.
	VerifyURL string
	// Printed is when the sheet was read (Asia/Shanghai on the page).
	Printed time.Time
}

// Paper is the paper manifest a manifest was entered from.
type Paper struct {
	Number string
	Reason string
}

// Line is one batch of the manifest.
type Line struct {
	Waste    *ledger.Waste
	Receipt  *ledger.ReceiptLine // the receiver's finding, once received
	DGClass  string              // dangerous-goods class, when declared
	UNNumber string              // UN number, when declared
}

// Step is one event of the manifest.
type Step struct {
	Index  uint64
	At     time.Time // when it happened (occurred_at)
	Type   string    // the event type
	Party  string    // the acting party's name
	Person string    // the person who acted, when the event names one
	Detail string    // vehicle and driver, reason, findings
}

// Load reads the manifest id as p may see it (ledger.ErrNotFound
// otherwise), with its parties, batches and events. verifyURL is the
// absolute URL of /verify/manifests/{id} as the reader reaches it.
func Load(ctx context.Context, svc *ledger.Service, p ledger.Principal, id, verifyURL string) (*Sheet, error) {
	tr, err := svc.Trace(ctx, p, id)
	if err != nil {
		return nil, err
	}
	m := tr.Manifest
	if m == nil { // a batch id: a manifest is what is printed
		return nil, ledger.ErrNotFound
	}
	s := &Sheet{Manifest: m, VerifyURL: verifyURL, Printed: svc.Now(), EmergencyMeasures: m.EmergencyMeasures}
	if m.Paper != nil {
		s.Paper = &Paper{Number: m.Paper.Number, Reason: m.Paper.EnteredReason}
	}
	names := map[string]string{ledger.SystemParty: "系统"}
	party := func(id string) (*ledger.Party, error) {
		x, err := svc.Party(ctx, id)
		if err != nil {
			return nil, err
		}
		names[id] = x.Name
		return x, nil
	}
	if s.Generator, err = party(m.Generator); err != nil {
		return nil, err
	}
	for _, c := range m.Carriers {
		x, err := party(c)
		if err != nil {
			return nil, err
		}
		s.Carriers = append(s.Carriers, x)
	}
	if s.Receiver, err = party(m.Receiver); err != nil {
		return nil, err
	}
	for _, wid := range m.WasteIDs {
		w, err := svc.Waste(ctx, p, wid)
		if err != nil {
			return nil, err
		}
		g := m.DangerousGoodsOf(wid)
		l := Line{Waste: w, DGClass: g.DGClass, UNNumber: g.UNNumber}
		for i := range m.Lines {
			if m.Lines[i].WasteID == wid {
				l.Receipt = &m.Lines[i]
			}
		}
		s.Lines = append(s.Lines, l)
	}
	for _, te := range tr.Events {
		st, points, err := step(te.Index, te.Event)
		if err != nil {
			return nil, err
		}
		s.TrackPoints += points
		if st == nil {
			continue
		}
		if _, ok := names[st.Party]; !ok {
			if _, err := party(st.Party); err != nil {
				names[st.Party] = st.Party
			}
		}
		st.Party = names[st.Party]
		s.Steps = append(s.Steps, *st)
	}
	return s, nil
}

// event is the part of a logged event a step prints.
type event struct {
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	Actor      struct {
		Party  string `json:"party"`
		Person *struct {
			Name string `json:"name"`
		} `json:"person"`
	} `json:"actor"`
	Data json.RawMessage `json:"data"`
}

// step reads one event: a step (its Party still the party id), or nil
// for GPS fixes (counted) and alerts.
func step(index uint64, b []byte) (*Step, int, error) {
	var e event
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, 0, err
	}
	switch e.Type {
	case ledger.EvManifestTrack:
		var d ledger.ManifestPositionsData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return nil, 0, err
		}
		return nil, len(d.Points), nil
	case ledger.EvAlertRaised, ledger.EvAlertResolved, ledger.EvAlertAcked:
		return nil, 0, nil
	}
	st := &Step{Index: index, At: e.OccurredAt, Type: e.Type, Party: e.Actor.Party}
	if e.Actor.Person != nil {
		st.Person = e.Actor.Person.Name
	}
	detail, err := stepDetail(e.Type, e.Data)
	if err != nil {
		return nil, 0, err
	}
	st.Detail = detail
	return st, 0, nil
}
