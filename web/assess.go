package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// The UI computes no rate or score of its own: every assessment figure
// (考核) on the dashboard, the ranking page, its CSV and the generator's
// inventory comes from (*ledger.Service).Assessment, the same call that
// answers GET /api/v1/assessment. The formulas are documented on
// ledger.AssessRow and in the README's "Assessment (考核)" section; the pages
// quote them (messages rank.f.*).

// allPages pages through a list to its end, 500 items a page.
func allPages[T any](list func(ledger.Page) (ledger.List[T], error)) ([]T, error) {
	var out []T
	page := ledger.Page{Limit: 500}
	for {
		l, err := list(page)
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
	return allPages(func(pg ledger.Page) (ledger.List[*ledger.Alert], error) { return h.svc.Alerts(ctx, p, f, pg) })
}

// period is an assessment period as the pages show it: whole days in
// Asia/Shanghai, First and Last inclusive. Query is its [From, To).
type period struct {
	First, Last string // YYYY-MM-DD, as in the date inputs
	From, To    time.Time
}

// yearToDate is the default period: 1 January of this year (Shanghai) up to now.
func yearToDate(now time.Time) period {
	n := now.In(shanghai)
	from := time.Date(n.Year(), 1, 1, 0, 0, 0, 0, shanghai)
	to := now
	if !to.After(from) { // the very first instant of the year
		to = from.Add(time.Second)
	}
	return period{First: from.Format(time.DateOnly), Last: n.Format(time.DateOnly), From: from, To: to}
}

// periodOf reads ?from=&to= (YYYY-MM-DD, both days included, as the API's
// date form); a missing one keeps the default's.
func periodOf(r *http.Request, now time.Time) (period, error) {
	p := yearToDate(now)
	fields, zh := map[string]string{}, map[string]string{}
	q := r.URL.Query()
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
		if err != nil {
			fields["from"], zh["from"] = "must be a date YYYY-MM-DD", "应为日期（年-月-日）"
		} else {
			p.First, p.From = v, d
		}
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
		if err != nil {
			fields["to"], zh["to"] = "must be a date YYYY-MM-DD", "应为日期（年-月-日）"
		} else {
			p.Last, p.To = v, d.AddDate(0, 0, 1) // [from, to): the "to" day is included
		}
	}
	if len(fields) > 0 {
		return p, &ledger.ValidationError{Fields: fields, FieldsZh: zh}
	}
	return p, nil
}

// assess asks the Service for the assessment of p grouped by by, its rows
// in the order sort names (ledger.AssessQuery.Sort; "" is rank order).
func (h *Handler) assess(ctx context.Context, who ledger.Principal, p period, by, sort string) (*ledger.Assessment, error) {
	return h.svc.Assessment(ctx, who, ledger.AssessQuery{From: p.From, To: p.To, GroupBy: by, Sort: sort})
}

// monthly is one month's district totals from the assessment of that month.
type monthly struct {
	Month               time.Time
	Generated, Disposed ledger.Grams
}

// byMonth reads the district's totals of each month of now's year
// (Shanghai) up to now (Service.DistrictMonths), so the chart's bars add
// up to the year's district figures.
func (h *Handler) byMonth(ctx context.Context, who ledger.Principal, now time.Time) ([]monthly, error) {
	ms, err := h.svc.DistrictMonths(ctx, who, now.In(shanghai).Year())
	if err != nil {
		return nil, err
	}
	out := make([]monthly, len(ms))
	for i, m := range ms {
		out[i] = monthly{Month: m.Month, Generated: m.GeneratedKg, Disposed: m.DisposedKg}
	}
	return out, nil
}

// Figures are shown as the API writes them (JSON numbers), rates also in %.

// num writes a figure as the API's JSON does.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// pctOf writes a rate in [0, 1] as a percentage with up to 2 decimals (the
// Service rounds rates to 4 places).
func pctOf(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return fmt.Sprintf("%s %%", s)
}

func init() {
	funcs["num"] = num
	funcs["pctOf"] = pctOf
}
