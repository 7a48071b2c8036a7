package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// rankingCSV downloads one ranking (?by=street|party, ?from=&to=, ?sort=)
// for people: the ranking table's columns with their headings in the
// page's language and its figures as the page writes them (rates in %,
// weights in kg), in the page's order, through httpx.CSVWriter (the
// spreadsheet formula guard). UTF-8 with a byte-order mark, so spreadsheet
// programs read the Chinese. The machine-shaped CSV, English column names
// and raw numbers, is the API's GET /api/v1/assessment (Accept: text/csv).
func (h *Handler) rankingCSV(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin, ledger.RoleGenerator)
	if !ok {
		return
	}
	per, err := periodOf(r, h.svc.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	by := ledger.GroupByParty
	if r.URL.Query().Get("by") == ledger.GroupByStreet {
		by = ledger.GroupByStreet
	}
	a, err := h.assess(r.Context(), st.p, per, by, r.URL.Query().Get("sort"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ascii := fmt.Sprintf("hwledger-ranking-%s-%s_%s.csv", by, per.First, per.Last)
	name := fmt.Sprintf("%s-%s-%s_%s.csv", translate(st.lang, "rank.file"), translate(st.lang, "rank.col."+by), per.First, per.Last)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name)))
	_, _ = w.Write([]byte("\ufeff"))
	if err := writeRankingCSV(w, st.lang, by, a.Rows); err != nil {
		h.lg.Error("web: ranking CSV", "err", err)
	}
}

// writeRankingCSV writes rows as the ranking table shows them: a heading
// line of rankColumns' headings in lang, then one line a row.
func writeRankingCSV(w io.Writer, lang, by string, rows []ledger.AssessRow) error {
	cw := httpx.NewCSVWriter(w)
	head := make([]string, len(rankColumns))
	for i, c := range rankColumns {
		if c.Msg == "group" {
			head[i] = translate(lang, "rank.col."+by)
		} else {
			head[i] = translate(lang, c.Msg)
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, x := range rows {
		if err := cw.Write(rankCells(x)); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// rankCells are row x's cells in rankColumns' order, written as the
// ranking table writes them.
func rankCells(x ledger.AssessRow) []string {
	cells := make([]string, len(rankColumns))
	for i, c := range rankColumns {
		switch c.Key {
		case "rank":
			cells[i] = strconv.Itoa(x.Rank)
		case "name":
			cells[i] = x.Name
		case "score":
			cells[i] = num(x.Score)
		case "disposal_rate":
			cells[i] = pctOf(x.DisposalRate)
		case "medical_disposal_rate":
			cells[i] = pctOf(x.MedicalDisposalRate)
		case "on_time_rate":
			cells[i] = pctOf(x.OnTimeRate)
		case "overdue_alerts":
			cells[i] = strconv.FormatInt(x.OverdueAlerts, 10)
		case "open_alerts":
			cells[i] = strconv.FormatInt(x.OpenAlerts, 10)
		case "discrepancies":
			cells[i] = strconv.FormatInt(x.Discrepancies, 10)
		case "avg_days_to_disposal":
			cells[i] = num(x.AvgDaysToDisposal)
		case "generated_kg":
			cells[i] = kgString(x.GeneratedKg)
		case "due_kg":
			cells[i] = kgString(x.DueKg)
		default:
			panic("rankCells: no cell for column " + c.Key)
		}
	}
	return cells
}
