package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// AlertList is one page of alerts.
type AlertList = ledger.List[*ledger.Alert]

var inspector = []ledger.Role{ledger.RoleInspector}

func (s *Server) alertRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/alerts", handler: s.listAlerts},
		{method: http.MethodPost, path: "/alerts/:id/ack", roles: inspector, handler: s.ackAlert},
		{method: http.MethodGet, path: "/alerts/stream", stream: true, handler: s.alertStream},
	}
}

func (s *Server) listAlerts(c echo.Context) error {
	var f ledger.AlertFilter
	var err error
	if f.Kind, err = oneOf(c, "kind", ledger.AlertKinds...); err != nil {
		return err
	}
	if f.Status, err = oneOf(c, "status", ledger.AlertStatuses...); err != nil {
		return err
	}
	f.Party, f.Street = c.QueryParam("party"), c.QueryParam("street")
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Alerts(c.Request().Context(), principal(c), f, pg)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []*ledger.Alert{}
	}
	return ok(c, l)
}

func (s *Server) ackAlert(c echo.Context) error {
	var in ledger.AckInput
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := s.svc.AckAlert(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, a, err)
}
