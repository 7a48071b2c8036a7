package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// currentAlerts are the alerts matching f (its Status ignored) that ask
// for attention now: every open one, then every acknowledged one whose
// condition still holds (Ongoing), shown as acknowledged; each group newest
// first.
func (h *Handler) currentAlerts(ctx context.Context, p ledger.Principal, f ledger.AlertFilter) ([]*ledger.Alert, error) {
	f.Status = ledger.AlertOpen
	open, err := h.allAlerts(ctx, p, f)
	if err != nil {
		return nil, err
	}
	f.Status = ledger.AlertAcknowledged
	acked, err := h.allAlerts(ctx, p, f)
	if err != nil {
		return nil, err
	}
	acked = slices.DeleteFunc(acked, func(a *ledger.Alert) bool { return !a.Ongoing })
	newest := func(a, b *ledger.Alert) int { return b.RaisedAt.Compare(a.RaisedAt) }
	slices.SortStableFunc(open, newest)
	slices.SortStableFunc(acked, newest)
	return append(open, acked...), nil
}

type alertsData struct {
	Items               []*ledger.Alert
	Names               names
	Kind, Street, Party string
	Kinds               []string
	Streets             []string        // inspectors: the district's streets
	Parties             []*ledger.Party // inspectors: every party, by name
	Open                int             // how many of Items are open (not acknowledged)
	Back                string          // this page with its filters: where an acknowledgement returns
}

// Filtered reports whether any filter is set.
func (d alertsData) Filtered() bool { return d.Kind != "" || d.Street != "" || d.Party != "" }

// alertsPage lists the alerts that ask for attention now (currentAlerts),
// filtered by ?kind=, ?street= and ?party=: a party sees its own, an
// inspector every party's, and may acknowledge an open one.
func (h *Handler) alertsPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := alertsData{Kind: q.Get("kind"), Street: strings.TrimSpace(q.Get("street")), Party: q.Get("party"), Kinds: ledger.AlertKinds,
		Back: r.URL.Path}
	if f := (url.Values{"kind": {d.Kind}, "street": {d.Street}, "party": {d.Party}}); d.Filtered() {
		for k, v := range f {
			if v[0] == "" {
				delete(f, k)
			}
		}
		d.Back += "?" + f.Encode()
	}
	var err error
	if d.Names, err = h.partyNames(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Items, err = h.currentAlerts(r.Context(), st.p, ledger.AlertFilter{Kind: d.Kind, Street: d.Street, Party: d.Party}); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range d.Items {
		if a.Status == ledger.AlertOpen {
			d.Open++
		}
	}
	if st.p.SeesAll() {
		for _, p := range d.Names {
			d.Parties = append(d.Parties, p)
			if p.Street != "" && !slices.Contains(d.Streets, p.Street) {
				d.Streets = append(d.Streets, p.Street)
			}
		}
		slices.SortFunc(d.Parties, func(a, b *ledger.Party) int { return cmp.Compare(a.Name, b.Name) })
		slices.Sort(d.Streets)
	}
	h.render(w, r, http.StatusOK, "alerts", "alerts.title", d)
}
