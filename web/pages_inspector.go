package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

type dashboardData struct {
	Open       []*ledger.Alert
	Names      names
	InTransit  int
	Stored     int
	Overdue    int
	Year       int
	Map        template.HTML
	Months     template.HTML
	Rates      template.HTML
	Generated  ledger.Grams
	Disposed   ledger.Grams
	AlertKinds []string
}

// dashboard is the inspector's overview: open alerts (live), the district
// map with loads in transit, and this year's charts.
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
	open, err := h.allAlerts(ctx, st.p, ledger.AlertFilter{Status: ledger.AlertOpen})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ws, err := h.allWastes(ctx, st.p, ledger.WasteFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	transit, err := h.svc.Manifests(ctx, st.p, ledger.ManifestFilter{Status: ledger.ManifestInTransit}, ledger.Page{Limit: 500})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now, rules := h.svc.Now(), h.svc.Rules()
	year := now.In(shanghai).Year()
	d := dashboardData{Open: open, Names: n, InTransit: len(transit.Items), Year: year}
	for _, x := range ws {
		switch x.Status {
		case ledger.WasteStored, ledger.WasteManifested, ledger.WasteRejected:
			d.Stored++
		}
		if missed(x, now, rules) {
			d.Overdue++
		}
	}
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
	d.Months = monthChart(byMonth(ws, year), st.lang)
	var haz, med tally
	for _, x := range inYear(ws, year) {
		if x.Medical {
			med.add(x, now, rules)
		} else {
			haz.add(x, now, rules)
		}
	}
	haz.finish()
	med.finish()
	d.Generated, d.Disposed = haz.Generated+med.Generated, haz.Disposed+med.Disposed
	d.Rates = rateChart([]rateBar{{"rate.hazardous", haz.Rate}, {"rate.medical", med.Rate}}, st.lang)
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
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

type rankingData struct {
	Year     int
	Streets  []*tally
	Parties  []*tally
	Years    []int
	Generate ledger.Grams
}

// rankingRows computes both rankings for ?year= (default this year).
func (h *Handler) rankingRows(r *http.Request, st *state) (int, []*tally, []*tally, error) {
	ctx := r.Context()
	year := h.svc.Now().In(shanghai).Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y > 2000 && y < 3000 {
		year = y
	}
	n, err := h.partyNames(ctx)
	if err != nil {
		return 0, nil, nil, err
	}
	ws, err := h.allWastes(ctx, st.p, ledger.WasteFilter{})
	if err != nil {
		return 0, nil, nil, err
	}
	open, err := h.allAlerts(ctx, st.p, ledger.AlertFilter{Status: ledger.AlertOpen})
	if err != nil {
		return 0, nil, nil, err
	}
	ws = inYear(ws, year)
	now, rules := h.svc.Now(), h.svc.Rules()
	return year, ranking(ws, open, n, "street", now, rules), ranking(ws, open, n, "party", now, rules), nil
}

// rankingPage ranks streets and parties (考核).
func (h *Handler) rankingPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	year, streets, parties, err := h.rankingRows(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.svc.Now().In(shanghai).Year()
	h.render(w, r, http.StatusOK, "ranking", "rank.title", rankingData{Year: year, Streets: streets, Parties: parties,
		Years: []int{now, now - 1, now - 2}})
}

// rankingCSV downloads one ranking (?by=street|party) as CSV (UTF-8 with a
// byte-order mark, so spreadsheet programs read the Chinese names).
func (h *Handler) rankingCSV(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	year, streets, parties, err := h.rankingRows(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	by, rows := "party", parties
	if r.URL.Query().Get("by") == "street" {
		by, rows = "street", streets
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="hwledger-ranking-%s-%d.csv"`, by, year))
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"rank", by, "batches", "generated_kg", "medical_generated_kg", "disposed_kg",
		"disposal_rate", "medical_disposal_rate", "missed_batches", "discrepancies", "open_alerts", "score"})
	rateText := func(f float64) string {
		if f < 0 {
			return ""
		}
		return strconv.FormatFloat(f, 'f', 4, 64)
	}
	for _, t := range rows {
		_ = cw.Write([]string{strconv.Itoa(t.Rank), csvSafe(t.Name), strconv.Itoa(t.Batches), kgString(t.Generated),
			kgString(t.MedicalGenerated), kgString(t.Disposed), rateText(t.Rate), rateText(t.MedicalRate),
			strconv.Itoa(t.MissedBatches), strconv.Itoa(t.Discrepancies), strconv.Itoa(t.OpenAlerts),
			strconv.FormatFloat(t.Score, 'f', 1, 64)})
	}
	cw.Flush()
}

// csvSafe stops a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
