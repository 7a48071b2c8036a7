package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// WasteList is one page of batches.
type WasteList = ledger.List[*ledger.Waste]

var (
	generator = []ledger.Role{ledger.RoleGenerator}
	receiver  = []ledger.Role{ledger.RoleReceiver}
	collector = []ledger.Role{ledger.RoleCollector}
)

func (s *Server) wasteRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/wastes", roles: generator, handler: s.registerWaste},
		{method: http.MethodGet, path: "/wastes", handler: s.listWastes},
		{method: http.MethodGet, path: "/wastes/counts", roles: seesEvents, handler: s.wasteCounts},
		{method: http.MethodGet, path: "/wastes/:id", handler: s.getWaste},
		{method: http.MethodGet, path: "/labels/:label", handler: s.getLabel},
		{method: http.MethodGet, path: "/wastes/:id/trace", handler: s.traceHandler},
		{method: http.MethodPost, path: "/wastes/:id/correct", roles: generator, handler: s.correctWaste},
		{method: http.MethodPost, path: "/wastes/:id/dispose", roles: receiver, handler: s.dispose},
		{method: http.MethodPost, path: "/wastes/consolidate", roles: collector, handler: s.consolidate},
	}
}

func (s *Server) registerWaste(c echo.Context) error {
	var in ledger.WasteInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.RegisterWaste(c.Request().Context(), principal(c), in)
	return respondCreated(c, w, err)
}

func (s *Server) listWastes(c echo.Context) error {
	var f ledger.WasteFilter
	var err error
	if f.Status, err = oneOf(c, "status", ledger.WasteStatuses...); err != nil {
		return err
	}
	f.Code, f.Category, f.Party, f.Street = c.QueryParam("code"), c.QueryParam("category"), c.QueryParam("party"), c.QueryParam("street")
	if f.Medical, err = boolQuery(c, "medical"); err != nil {
		return err
	}
	if f.Overdue, err = boolQuery(c, "overdue"); err != nil {
		return err
	}
	if f.From, err = timeQuery(c, "from", false); err != nil {
		return err
	}
	if f.To, err = timeQuery(c, "to", true); err != nil {
		return err
	}
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Wastes(c.Request().Context(), principal(c), f, pg)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []*ledger.Waste{}
	}
	return ok(c, l)
}

func (s *Server) wasteCounts(c echo.Context) error {
	n, err := s.svc.WasteCounts(c.Request().Context(), principal(c))
	return respond(c, n, err)
}

func (s *Server) getWaste(c echo.Context) error {
	w, err := s.svc.Waste(c.Request().Context(), principal(c), c.Param("id"))
	return respond(c, w, err)
}

func (s *Server) getLabel(c echo.Context) error {
	w, err := s.svc.WasteByLabel(c.Request().Context(), principal(c), c.Param("label"))
	return respond(c, w, err)
}

// traceHandler serves GET /wastes/{id}/trace and GET /manifests/{id}/trace.
func (s *Server) traceHandler(c echo.Context) error {
	t, err := s.svc.Trace(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	if t.Events == nil {
		t.Events = []ledger.TraceEvent{}
	}
	return ok(c, t)
}

func (s *Server) correctWaste(c echo.Context) error {
	var in ledger.WasteCorrection
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.CorrectWaste(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, w, err)
}

func (s *Server) consolidate(c echo.Context) error {
	var in ledger.ConsolidateInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.Consolidate(c.Request().Context(), principal(c), in)
	return respondCreated(c, w, err)
}

func (s *Server) dispose(c echo.Context) error {
	var in ledger.DisposeInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.Dispose(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, w, err)
}
