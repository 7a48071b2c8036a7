package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai even where the system has no zoneinfo

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// BasePath prefixes every API route.
const BasePath = httpx.BasePath

// route is one entry of the route table: what Echo registers, with the
// middleware register adds. api/openapi.yaml documents each route; the tests
// hold the two together (same routes, roles and public routes).
type route struct {
	method string
	path   string // Echo syntax under BasePath: "/wastes/:id"
	public bool   // no token needed
	// beforeChange: a session must change its one-time password before
	// anything else, but may call this route first.
	beforeChange bool
	// enrolling: an inspector or admin without an authenticator must
	// enrol one before anything else, but may call this route (and the
	// beforeChange ones) first.
	enrolling bool
	roles     []ledger.Role // any of these; empty: any authenticated party
	stream    bool          // long-lived (SSE): no request deadline
	enabled   func() bool   // nil: always; else false answers 404
	handler   echo.HandlerFunc
}

// routes assembles the whole table.
func (s *Server) routes() []route {
	var t []route
	t = append(t, s.partyRoutes()...)
	t = append(t, s.peopleRoutes()...)
	t = append(t, s.sessionRoutes()...)
	t = append(t, s.catalogRoutes()...)
	t = append(t, s.wasteRoutes()...)
	t = append(t, s.manifestRoutes()...)
	t = append(t, s.correctionRoutes()...)
	t = append(t, s.approvalRoutes()...)
	t = append(t, s.alertRoutes()...)
	t = append(t, s.assessmentRoutes()...)
	t = append(t, s.filingRoutes()...)
	t = append(t, s.ledgerRoutes()...)
	t = append(t, s.tlogRoutes()...)
	t = append(t, s.webhookRoutes()...)
	t = append(t, s.verifyRoutes()...)
	t = append(t, s.adminRoutes()...)
	return t
}

// page reads ?limit= and ?cursor=.
func page(c echo.Context) (ledger.Page, error) {
	p := ledger.Page{Limit: 50, Cursor: c.QueryParam("cursor")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return p, badRequest("limit", "must be an integer from 1 to 500")
		}
		p.Limit = n
	}
	if len(p.Cursor) > 512 {
		return p, badRequest("cursor", "is not a cursor from this server")
	}
	return p, nil
}

// boolQuery reads an optional true/false parameter.
func boolQuery(c echo.Context, name string) (*bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest(name, "must be true or false")
	}
	return &b, nil
}

// timeQuery reads an optional RFC 3339 time or a date YYYY-MM-DD (start of
// that day, Asia/Shanghai; with end set, the last instant of that day).
func timeQuery(c echo.Context, name string, end bool) (*time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		t = t.UTC()
		return &t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
	if err != nil {
		return nil, badRequest(name, "must be an RFC 3339 time or a date YYYY-MM-DD")
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	d = d.UTC()
	return &d, nil
}

// uintQuery reads a required unsigned integer parameter.
func uintQuery(c echo.Context, name string) (uint64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, badRequest(name, "is required")
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, badRequest(name, "must be a non-negative integer")
	}
	return n, nil
}

// oneOf checks an optional enumerated parameter.
func oneOf(c echo.Context, name string, allowed ...string) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badRequest(name, "must be one of %s", strings.Join(allowed, ", "))
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// created answers 201 with v.
func created(c echo.Context, v any) error { return c.JSON(http.StatusCreated, v) }

// ok answers 200 with v.
func ok(c echo.Context, v any) error { return c.JSON(http.StatusOK, v) }

// respond answers err, or 200 with v: the end of a handler that reads.
func respond(c echo.Context, v any, err error) error {
	if err != nil {
		return err
	}
	return ok(c, v)
}

// respondCreated answers err, or 201 with v: the end of a handler that
// creates.
func respondCreated(c echo.Context, v any, err error) error {
	if err != nil {
		return err
	}
	return created(c, v)
}
