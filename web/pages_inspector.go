package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

type dashboardData struct {
	// Alerts are those asking for attention now (currentAlerts): the Open
	// ones, then the acknowledged ones whose condition still holds.
	Alerts    []*ledger.Alert
	Open      []*ledger.Alert
	Names     names
	InTransit int
	Stored    int
	Overdue   int
	Year      int
	Period    period
	District  ledger.AssessRow
	Map       template.HTML
	Months    template.HTML
	Rates     template.HTML
}

// Filtered: the dashboard's alert list has no filter.
func (dashboardData) Filtered() bool { return false }

// Back is where an acknowledgement made here returns.
func (dashboardData) Back() string { return "/dashboard" }

// dashboard is the inspector's overview: open alerts (live), the district
// map with loads in transit, and this year's assessment charts.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	ctx := r.Context()
	n, err := h.partyNames(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	current, err := h.currentAlerts(ctx, st.p, ledger.AlertFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	open := slices.DeleteFunc(slices.Clone(current), func(a *ledger.Alert) bool { return a.Status != ledger.AlertOpen })
	counts, err := h.svc.WasteCounts(ctx, st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	transit, err := h.svc.Manifests(ctx, st.p, ledger.ManifestFilter{Status: ledger.ManifestInTransit}, ledger.Page{Limit: 500})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.svc.Now()
	per := yearToDate(now)
	d := dashboardData{Alerts: current, Open: open, Names: n, InTransit: len(transit.Items), Year: now.In(shanghai).Year(), Period: per,
		Stored:  counts.ByStatus[ledger.WasteStored], // the tile opens /wastes?status=stored
		Overdue: counts.Overdue}
	var loads []load
	for _, m := range transit.Items {
		full, err := h.svc.Manifest(ctx, st.p, m.ID) // with its track
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if at, ok := loadPosition(full, n); ok {
			l := load{M: full, At: at}
			if g := n.Get(full.Generator); g != nil {
				l.From = g.Location
			}
			if rc := n.Get(full.Receiver); rc != nil {
				l.To = rc.Location
			}
			loads = append(loads, l)
		}
	}
	parties := make([]*ledger.Party, 0, len(n))
	for _, p := range n {
		parties = append(parties, p)
	}
	d.Map = districtMap(parties, loads, st.lang)
	months, err := h.byMonth(ctx, st.p, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Months = monthChart(months, st.lang)
	a, err := h.assess(ctx, st.p, per, ledger.GroupByStreet, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if a.District != nil { // an inspector's or admin's assessment always has it
		d.District = *a.District
	}
	d.Rates = rateChart([]rateBar{
		{"rate.hazardous", d.District.DisposalRate, a.Targets["disposal_rate"]},
		{"rate.medical", d.District.MedicalDisposalRate, a.Targets["medical_disposal_rate"]},
	}, st.lang)
	h.render(w, r, http.StatusOK, "dashboard", "dash.title", d)
}

// ackAlert records an inspector's acknowledgement with a note.
func (h *Handler) ackAlert(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector)
	if !ok {
		return
	}
	if _, err := h.svc.AckAlert(r.Context(), st.p, r.PathValue("id"), ledger.AckInput{Note: r.PostFormValue("note")}); err != nil {
		h.fail(w, r, err)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	if next == "" {
		next = "/dashboard"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type rankingData struct {
	Period  period
	Presets []preset
	Streets *ledger.Assessment // nil for a generator
	Parties *ledger.Assessment
	Own     bool // a generator: the Service answers with its own rows only
	// Sort orders both tables (?sort=, ledger.AssessQuery.Sort): a column's
	// JSON name, "-" first for descending; "" is rank order.
	Sort string
}

// preset is a quick period link on the ranking page.
type preset struct {
	Key         string
	First, Last string
	Year        int
}

// rankingPage ranks streets and parties (考核) over ?from=&to= (default this
// year up to today) with Service.Assessment, rows in ?sort= order (each
// column heading links to its sort). A generator sees its own rows.
func (h *Handler) rankingPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin, ledger.RoleGenerator)
	if !ok {
		return
	}
	now := h.svc.Now()
	per, err := periodOf(r, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := rankingData{Period: per, Own: !st.p.SeesAll(), Sort: r.URL.Query().Get("sort")}
	if !d.Own { // streets are for inspectors and admins
		if d.Streets, err = h.assess(r.Context(), st.p, per, ledger.GroupByStreet, d.Sort); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if d.Parties, err = h.assess(r.Context(), st.p, per, ledger.GroupByParty, d.Sort); err != nil {
		h.fail(w, r, err)
		return
	}
	y := yearToDate(now)
	thisYear := now.In(shanghai).Year()
	d.Presets = []preset{
		{Key: "rank.p.ytd", First: y.First, Last: y.Last, Year: thisYear},
		{Key: "rank.p.year", First: fmt.Sprintf("%d-01-01", thisYear-1), Last: fmt.Sprintf("%d-12-31", thisYear-1), Year: thisYear - 1},
		{Key: "rank.p.12m", First: now.In(shanghai).AddDate(-1, 0, 1).Format(time.DateOnly), Last: y.Last},
	}
	h.render(w, r, http.StatusOK, "ranking", "rank.title", d)
}
