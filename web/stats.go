package web

import (
	"context"
	"sort"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// The inspector's figures are computed here from the Service's batch and
// alert lists (the inspector sees all of them):
//
//   - generated: kilograms of batches generated in the period;
//   - disposed: kilograms disposed of those batches (Waste.Disposed);
//   - disposal rate: disposed ÷ (disposed + missed), where missed is the
//     weight of the period's batches not disposed although their clock ran
//     out (still at the generator past the storage limit, or received and
//     not disposed within the disposal limit). Batches still inside their
//     legal time are not yet due and count in neither; with nothing due the
//     rate is shown as "—". The plan's target is 100 %;
//   - medical rate: the same over medical (HW01) batches only;
//   - discrepancies: batches received with a significant discrepancy;
//   - open alerts: alerts now open for the party or street;
//   - score = 100 × disposal rate (1 when nothing is due)
//     − 10 per missed batch − 5 per discrepancy − 2 per open alert,
//     never below 0. Rank 1 is the best score.

// allWastes pages through every batch matching f.
func (h *Handler) allWastes(ctx context.Context, p ledger.Principal, f ledger.WasteFilter) ([]*ledger.Waste, error) {
	var out []*ledger.Waste
	page := ledger.Page{Limit: 500}
	for {
		l, err := h.svc.Wastes(ctx, p, f, page)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" || len(l.Items) == 0 {
			return out, nil
		}
		page.Cursor = l.NextCursor
	}
}

// allAlerts pages through every alert matching f.
func (h *Handler) allAlerts(ctx context.Context, p ledger.Principal, f ledger.AlertFilter) ([]*ledger.Alert, error) {
	var out []*ledger.Alert
	page := ledger.Page{Limit: 500}
	for {
		l, err := h.svc.Alerts(ctx, p, f, page)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" || len(l.Items) == 0 {
			return out, nil
		}
		page.Cursor = l.NextCursor
	}
}

// tally accumulates one group's figures.
type tally struct {
	Key, Name                    string
	Generated, MedicalGenerated  ledger.Grams
	Disposed, MedicalDisposed    ledger.Grams
	Missed, MedicalMissed        ledger.Grams
	MissedBatches, Discrepancies int
	OpenAlerts, Batches          int
	Rate, MedicalRate            float64 // -1: nothing due
	Score                        float64
	Rank                         int
}

// missed reports whether w's clock ran out without disposal at now.
func missed(w *ledger.Waste, now time.Time, rules ledger.Rules) bool {
	switch w.Status {
	case ledger.WasteStored, ledger.WasteManifested, ledger.WasteRejected:
		return !now.Before(w.StorageDeadline)
	case ledger.WasteReceived:
		return w.ReceivedAt != nil && !now.Before(w.ReceivedAt.Add(rules.Disposal))
	}
	return false
}

func (t *tally) add(w *ledger.Waste, now time.Time, rules ledger.Rules) {
	t.Batches++
	t.Generated += w.Quantity
	t.Disposed += w.Disposed
	if w.Medical {
		t.MedicalGenerated += w.Quantity
		t.MedicalDisposed += w.Disposed
	}
	if missed(w, now, rules) {
		t.MissedBatches++
		t.Missed += w.Quantity
		if w.Medical {
			t.MedicalMissed += w.Quantity
		}
	}
	if w.Discrepancy {
		t.Discrepancies++
	}
}

func rate(done, missed ledger.Grams) float64 {
	if done+missed == 0 {
		return -1
	}
	return float64(done) / float64(done+missed)
}

func (t *tally) finish() {
	t.Rate = rate(t.Disposed, t.Missed)
	t.MedicalRate = rate(t.MedicalDisposed, t.MedicalMissed)
	r := t.Rate
	if r < 0 {
		r = 1
	}
	t.Score = max(0, 100*r-10*float64(t.MissedBatches)-5*float64(t.Discrepancies)-2*float64(t.OpenAlerts))
}

// ranking groups batches and open alerts by "party" or "street" and ranks
// the groups by score (then by weight generated).
func ranking(ws []*ledger.Waste, open []*ledger.Alert, n names, by string, now time.Time, rules ledger.Rules) []*tally {
	groups := map[string]*tally{}
	get := func(key, name string) *tally {
		t, ok := groups[key]
		if !ok {
			t = &tally{Key: key, Name: name}
			groups[key] = t
		}
		return t
	}
	for _, w := range ws {
		if by == "street" {
			get(w.Street, w.Street).add(w, now, rules)
		} else {
			get(w.Generator, n.Of(w.Generator)).add(w, now, rules)
		}
	}
	for _, a := range open {
		if by == "street" {
			if a.Street != "" {
				get(a.Street, a.Street).OpenAlerts++
			}
		} else if a.Party != "" && a.Party != ledger.SystemParty {
			get(a.Party, n.Of(a.Party)).OpenAlerts++
		}
	}
	out := make([]*tally, 0, len(groups))
	for _, t := range groups {
		t.finish()
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].Generated != out[j].Generated {
			return out[i].Generated > out[j].Generated
		}
		return out[i].Name < out[j].Name
	})
	for i, t := range out {
		t.Rank = i + 1
	}
	return out
}

// monthly is one month's generated and disposed weight.
type monthly struct {
	Month               time.Time
	Generated, Disposed ledger.Grams
}

// byMonth sums the 12 months of year (Shanghai): weight generated (by
// generated_at) and disposed (by disposed_at).
func byMonth(ws []*ledger.Waste, year int) []monthly {
	out := make([]monthly, 12)
	for i := range out {
		out[i].Month = time.Date(year, time.Month(i+1), 1, 0, 0, 0, 0, shanghai)
	}
	for _, w := range ws {
		if g := w.GeneratedAt.In(shanghai); g.Year() == year {
			out[g.Month()-1].Generated += w.Quantity
		}
		if w.DisposedAt != nil {
			if d := w.DisposedAt.In(shanghai); d.Year() == year {
				out[d.Month()-1].Disposed += w.Disposed
			}
		}
	}
	return out
}

// inYear keeps the batches generated in year (Shanghai).
func inYear(ws []*ledger.Waste, year int) []*ledger.Waste {
	var out []*ledger.Waste
	for _, w := range ws {
		if w.GeneratedAt.In(shanghai).Year() == year {
			out = append(out, w)
		}
	}
	return out
}
