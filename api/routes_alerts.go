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
		{method: http.MethodGet, path: "/alerts", tag: "alerts", summary: "List alerts (预警)",
			doc: "Inspectors and admins see all; other parties the alerts about their own batches, manifests and licence.",
			query: append([]param{{name: "kind", typ: "string", enum: ledger.AlertKinds},
				{name: "status", typ: "string", enum: []string{ledger.AlertOpen, ledger.AlertResolved, ledger.AlertAcknowledged}},
				{name: "party", typ: "string", doc: "the party that must act"}, {name: "street", typ: "string"}}, pageParams...),
			status: http.StatusOK, answer: AlertList{}, errors: []int{400, 401}, handler: s.listAlerts},
		{method: http.MethodPost, path: "/alerts/:id/ack", tag: "alerts", roles: inspector,
			summary: "Acknowledge an alert with a note", doc: "Inspector only. Recorded as a ledger event." + occurredDoc,
			body: ledger.AckInput{}, status: http.StatusOK, answer: ledger.Alert{},
			errors: []int{400, 401, 403, 404, 409}, handler: s.ackAlert},
		{method: http.MethodGet, path: "/alerts/stream", tag: "alerts", stream: true,
			summary: "Live alerts (Server-Sent Events)",
			doc: "`text/event-stream`, scoped to the caller. One `event: alert` per raise, resolve or acknowledgement, " +
				"`id:` the notice sequence number, `data:` `{\"seq\", \"type\" (alert.raised|alert.resolved|alert.acknowledged), \"alert\"}`. " +
				"A comment line `: heartbeat` every 15 s. Resume with `Last-Event-ID` (or `?last_event_id=`): notices after that " +
				"sequence number are sent first.",
			query:  []param{{name: "last_event_id", typ: "integer", doc: "resume after this sequence number (as Last-Event-ID)"}},
			status: http.StatusOK, answer: StreamNotice{}, produces: []string{"text/event-stream"},
			errors: []int{400, 401}, handler: s.alertStream},
	}
}

func (s *Server) listAlerts(c echo.Context) error {
	var f ledger.AlertFilter
	var err error
	if f.Kind, err = oneOf(c, "kind", ledger.AlertKinds...); err != nil {
		return err
	}
	if f.Status, err = oneOf(c, "status", ledger.AlertOpen, ledger.AlertResolved, ledger.AlertAcknowledged); err != nil {
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
	if err != nil {
		return err
	}
	return ok(c, a)
}
