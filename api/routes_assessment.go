package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// assessmentDoc documents how every figure is computed, in the OpenAPI
// description. It restates the doc comment of ledger.AssessRow; keep the
// two in step.
const assessmentDoc = "Inspectors and admins get every group; any other party gets its own row only. " +
	"Period [from, to), whole days in Asia/Shanghai: `from`/`to` are RFC 3339 or YYYY-MM-DD (a date `to` includes that day); " +
	"default the 12 months up to now. `Accept: text/csv` returns the rows as CSV with a header line (columns named as the " +
	"JSON fields); the JSON answer also carries `district` totals and the plan's `targets`.\n\n" +
	"Figures per group (a party, or a street = all its parties):\n" +
	"- `generated_kg`: declared quantity of the batches generated in the period.\n" +
	"- `medical_generated_kg`: the same for medical waste (HW01).\n" +
	"- `disposed_kg`: declared quantity of those batches that have since been utilised or disposed of.\n" +
	"- `disposal_rate` = disposed_kg / generated_kg (1 when nothing was generated); in [0, 1].\n" +
	"- `medical_disposal_rate`: the same for medical waste; in [0, 1].\n" +
	"- `on_time_rate` = 1 − late / batches, where late counts the batches picked up after their storage limit plus those " +
	"still at the generator past it; in [0, 1].\n" +
	"- `overdue_alerts`: storage, transit, receipt and disposal overdue alerts raised against the party in the period.\n" +
	"- `open_alerts`: alerts against the party open now.\n" +
	"- `discrepancies`: batches of the period received with a significant discrepancy or rejected.\n" +
	"- `avg_days_to_disposal`: mean days from generation to disposal of the disposed batches.\n" +
	"- `score` = 100 × (0.40·disposal_rate + 0.30·on_time_rate + 0.15·(1 − discrepancies/batches) + " +
	"0.15·(1 − min(1, overdue_alerts/batches))), with batches ≥ 1 in the denominators.\n" +
	"- `rank`: 1 is the best score.\n\n" +
	"District totals are shown against the plan's 2025 targets: hazardous waste utilisation/disposal rate 100 %, " +
	"medical waste safe-disposal rate 100 %."

func (s *Server) assessmentRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/assessment", tag: "assessment", summary: "Assessment (考核) per party or per street",
			doc: assessmentDoc,
			query: []param{{name: "from", typ: "date-time"}, {name: "to", typ: "date-time"},
				{name: "group_by", typ: "string", enum: []string{"party", "street"}, doc: "default party"}},
			status: http.StatusOK, answer: ledger.Assessment{}, produces: []string{"application/json", "text/csv"},
			errors: []int{400, 401}, handler: s.assessment},
	}
}

func (s *Server) assessment(c echo.Context) error {
	q := ledger.AssessQuery{GroupBy: "party"}
	g, err := oneOf(c, "group_by", "party", "street")
	if err != nil {
		return err
	}
	if g != "" {
		q.GroupBy = g
	}
	from, err := timeQuery(c, "from", false)
	if err != nil {
		return err
	}
	to, err := timeQuery(c, "to", true)
	if err != nil {
		return err
	}
	q.To = s.svc.Now().UTC()
	if to != nil {
		q.To = to.Add(time.Nanosecond) // [from, to): a date "to" includes its day
	}
	q.From = q.To.AddDate(-1, 0, 0)
	if from != nil {
		q.From = *from
	}
	a, err := s.svc.Assessment(c.Request().Context(), principal(c), q)
	if err != nil {
		return err
	}
	if a.Rows == nil {
		a.Rows = []ledger.AssessRow{}
	}
	if wantsCSV(c.Request().Header.Get(echo.HeaderAccept)) {
		var b bytes.Buffer
		if err := httpx.AssessmentCSV(&b, a.Rows); err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="assessment.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
	}
	return ok(c, a)
}

// wantsCSV reports whether the Accept header prefers text/csv to JSON.
func wantsCSV(accept string) bool {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		typ := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					q = x
				}
			}
		}
		if (typ == "text/csv" || typ == "application/json") && q > bestQ {
			best, bestQ = typ, q
		}
	}
	return best == "text/csv"
}
