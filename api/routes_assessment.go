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

func (s *Server) assessmentRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/assessment", handler: s.assessment},
	}
}

func (s *Server) assessment(c echo.Context) error {
	q := ledger.AssessQuery{GroupBy: ledger.GroupByParty}
	g, err := oneOf(c, "group_by", ledger.AssessGroupings...)
	if err != nil {
		return err
	}
	if g != "" {
		q.GroupBy = g
	}
	q.Sort = c.QueryParam("sort") // checked by the Service
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
