package api

import (
	"bytes"
	"net/http"
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
	if exportFormat(c.Request().Header.Get(echo.HeaderAccept), "csv") == "csv" {
		var b bytes.Buffer
		if err := httpx.AssessmentCSV(&b, a.Rows); err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="assessment.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
	}
	return ok(c, a)
}
