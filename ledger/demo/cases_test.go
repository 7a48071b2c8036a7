package demo

import (
	"context"
	"testing"

	"github.com/hwledger/hwledger/ledger"
)

// allManifests lists every manifest the admin sees.
func allManifests(t *testing.T, s *ledger.Service, p ledger.Principal) []*ledger.Manifest {
	t.Helper()
	return every(t, func(pg ledger.Page) (ledger.List[*ledger.Manifest], error) {
		return s.Manifests(context.Background(), p, ledger.ManifestFilter{}, pg)
	})
}

// partyNamed finds a seeded party by name.
func partyNamed(t *testing.T, s *ledger.Service, name string) *ledger.Party {
	t.Helper()
	ps, err := s.Parties(context.Background(), ledger.PartyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no party %s", name)
	return nil
}

// The demo shows the ways transfers go wrong (cases.go): a collector's
// consolidated batches, a return and a redirect, corrections in every
// status, paper entries in time and late, and a cross-province transfer
// under its approval.
func TestSeedCases(t *testing.T) {
	sd := seededLedger(t)
	ctx := context.Background()
	s, admin := sd.s, sd.admin
	col := partyNamed(t, s, collectorName)
	if !col.Collects() {
		t.Fatalf("%s does not hold a collection licence: %+v", col.Name, col.License)
	}
	remote := partyNamed(t, s, remoteName)
	if remote.Province != "42" || remote.City != "01" {
		t.Errorf("%s in %s/%s, want 42/01", remote.Name, remote.Province, remote.City)
	}

	// Consolidated batches at the collector: their sources point back,
	// three shipped on to the disposal centre, the latest still stored.
	centre := partyNamed(t, s, "郑州康源医疗废物集中处置有限公司")
	var stored, shipped int
	for _, w := range wastes(t, s, admin, ledger.WasteFilter{}) {
		if w.Generator != col.ID {
			continue
		}
		if len(w.Sources) == 0 {
			t.Errorf("collector batch %s has no sources", w.Label)
		}
		for _, id := range w.Sources {
			src, err := s.Waste(ctx, admin, id)
			if err != nil {
				t.Fatal(err)
			}
			if src.Status != ledger.WasteConsolidated || src.ConsolidatedInto != w.ID || src.Receiver != col.ID {
				t.Errorf("source %s of %s: %s into %q at %s", src.Label, w.Label, src.Status, src.ConsolidatedInto, src.Receiver)
			}
		}
		switch {
		case w.Status == ledger.WasteStored:
			stored++
		case w.Status == ledger.WasteDisposed && w.Receiver == centre.ID:
			shipped++
		default:
			t.Errorf("collector batch %s is %s at %s", w.Label, w.Status, w.Receiver)
		}
	}
	if stored == 0 || shipped == 0 {
		t.Errorf("collector batches: %d stored, %d shipped on and disposed; want some of each", stored, shipped)
	}

	// Returns, redirects, paper entries, the cross-province transfer.
	var returns, redirects, paper, remoteIDs []string
	for _, m := range allManifests(t, s, admin) {
		switch {
		case m.Kind == ledger.ManifestReturn:
			returns = append(returns, m.ID)
		case m.Kind == ledger.ManifestRedirect:
			redirects = append(redirects, m.ID)
			if len(m.RejectedOn) != 1 || (m.Status != ledger.ManifestClosed && m.Status != ledger.ManifestReceived) {
				t.Errorf("redirect %s: %s, rejected on %v", m.Number, m.Status, m.RejectedOn)
			}
		}
		if m.Paper != nil {
			paper = append(paper, m.ID)
		}
		if m.Receiver == remote.ID {
			remoteIDs = append(remoteIDs, m.ID)
			if m.Approval == nil {
				t.Errorf("cross-province manifest %s without approval", m.Number)
			}
		}
	}
	if len(returns) < 2 || len(redirects) != 1 || len(paper) != 2 || len(remoteIDs) != 2 {
		t.Errorf("%d returns, %d redirects, %d paper entries, %d to Wuhan; want at least 2, 1, 2, 2",
			len(returns), len(redirects), len(paper), len(remoteIDs))
	}
	as, err := s.Approvals(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Receiver != remote.ID || len(as[0].Manifests) != 2 || as[0].Used <= 0 {
		t.Errorf("approvals: %+v", as)
	}

	// paper_late for the late entry only.
	late := 0
	l, err := s.Alerts(ctx, admin, ledger.AlertFilter{Kind: ledger.AlertPaperLate}, ledger.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range l.Items {
		late++
		if a.Status != ledger.AlertOpen {
			t.Errorf("paper_late %s is %s", a.ID, a.Status)
		}
	}
	if late != 1 {
		t.Errorf("%d paper_late alerts, want 1", late)
	}

	// A correction in each status.
	for _, st := range ledger.CorrectionStatuses {
		cs, err := s.Corrections(ctx, admin, ledger.CorrectionFilter{Status: st}, ledger.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Items) != 1 {
			t.Errorf("%d %s corrections, want 1", len(cs.Items), st)
		}
	}
}
