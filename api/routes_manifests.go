package api

import (
	"context"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// ManifestList is one page of manifests.
type ManifestList = ledger.List[*ledger.Manifest]

var transporter = []ledger.Role{ledger.RoleTransporter}

func (s *Server) manifestRoutes() []route {
	step := func(path, summary, doc string, roles []ledger.Role, body any, h echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: path, tag: "manifests", roles: roles, summary: summary,
			doc: doc + occurredDoc, body: body, status: http.StatusOK, answer: ledger.Manifest{},
			errors: []int{400, 401, 403, 404, 409, 422}, handler: h}
	}
	return []route{
		{method: http.MethodPost, path: "/manifests", tag: "manifests", roles: generator,
			summary: "File a transfer manifest (电子转移联单)",
			doc: "Generator only. Answer 201 with `id` and the 14-digit `number` (year, province, city, serial). " +
				"422 when a batch is not the generator's, not `stored`/`rejected`, or on another open manifest; when the " +
				"receiver's licence does not cover every code, is not valid on `planned_pickup_at`, or would pass 120 % of its " +
				"annual capacity; when a carrier has no transport permit." + occurredDoc,
			body: ledger.ManifestInput{}, status: http.StatusCreated, answer: ledger.Manifest{},
			errors: []int{400, 401, 403, 409, 422}, handler: s.createManifest},
		{method: http.MethodGet, path: "/manifests", tag: "manifests", summary: "List manifests in the caller's scope",
			doc: "Generators see their own, carriers those they are on, receivers those addressed to them, inspectors and admins all.",
			query: append([]param{{name: "status", typ: "string", enum: []string{ledger.ManifestSubmitted, ledger.ManifestInTransit,
				ledger.ManifestDelivered, ledger.ManifestReceived, ledger.ManifestClosed, ledger.ManifestCancelled}},
				{name: "party", typ: "string", doc: "a party on the manifest"}}, pageParams...),
			status: http.StatusOK, answer: ManifestList{}, errors: []int{400, 401}, handler: s.listManifests},
		{method: http.MethodGet, path: "/manifests/:id", tag: "manifests", summary: "Get a manifest with lines, custody history and track",
			status: http.StatusOK, answer: ledger.Manifest{}, errors: []int{401, 404}, handler: s.getManifest},
		{method: http.MethodGet, path: "/manifests/:id/trace", tag: "manifests", summary: "Every ledger event about a manifest, with inclusion proofs",
			doc:    "Same shape as GET /wastes/{id}/trace with `manifest` instead of `waste`.",
			status: http.StatusOK, answer: ledger.Trace{}, errors: []int{401, 404}, handler: s.traceHandler},
		step("/manifests/:id/pickup", "Pick up (carrier 1 scans every label)",
			"The first carrier. `labels` must equal the manifest's set exactly, else 422 with `missing` and `unexpected` "+
				"lists (in `error` and `error.details`) and nothing recorded. A concurrent pickup that lost is 409.",
			transporter, ledger.CustodyInput{}, s.custody((*ledger.Service).Pickup)),
		step("/manifests/:id/handover", "Hand over to the next carrier",
			"The next carrier on the manifest scans every label, as at pickup.",
			transporter, ledger.CustodyInput{}, s.custody((*ledger.Service).Handover)),
		step("/manifests/:id/positions", "Add GPS track points",
			"The carrier holding the manifest. `points: [{lat, lon, at}]`, lat in [-90, 90], lon in [-180, 180].",
			transporter, ledger.PositionsInput{}, s.positions),
		step("/manifests/:id/deliver", "Deliver to the receiver", "The carrier holding the manifest.",
			transporter, ledger.DeliverInput{}, s.deliver),
		step("/manifests/:id/receive", "Confirm receipt",
			"The receiver. One line per batch, all batches. A weight difference beyond the tolerance (default 10 %), any "+
				"container-count difference or any rejection is a significant discrepancy (重大差异) and raises a `discrepancy` alert.",
			receiver, ledger.ReceiveInput{}, s.receive),
		step("/manifests/:id/cancel", "Cancel before pickup",
			"The generator, before pickup; its batches return to `stored`. `reason` is required.",
			generator, ledger.CancelInput{}, s.cancel),
	}
}

func (s *Server) createManifest(c echo.Context) error {
	var in ledger.ManifestInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.CreateManifest(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return created(c, m)
}

func (s *Server) listManifests(c echo.Context) error {
	var f ledger.ManifestFilter
	var err error
	if f.Status, err = oneOf(c, "status", ledger.ManifestSubmitted, ledger.ManifestInTransit, ledger.ManifestDelivered,
		ledger.ManifestReceived, ledger.ManifestClosed, ledger.ManifestCancelled); err != nil {
		return err
	}
	f.Party = c.QueryParam("party")
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Manifests(c.Request().Context(), principal(c), f, pg)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []*ledger.Manifest{}
	}
	return ok(c, l)
}

func (s *Server) getManifest(c echo.Context) error {
	m, err := s.svc.Manifest(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, m)
}

type custodyFunc func(*ledger.Service, context.Context, ledger.Principal, string, ledger.CustodyInput) (*ledger.Manifest, error)

func (s *Server) custody(fn custodyFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in ledger.CustodyInput
		if err := bind(c, &in); err != nil {
			return err
		}
		m, err := fn(s.svc, c.Request().Context(), principal(c), c.Param("id"), in)
		if err != nil {
			return err
		}
		return ok(c, m)
	}
}

func (s *Server) positions(c echo.Context) error {
	var in ledger.PositionsInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Positions(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) deliver(c echo.Context) error {
	var in ledger.DeliverInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Deliver(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) receive(c echo.Context) error {
	var in ledger.ReceiveInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Receive(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, m)
}

func (s *Server) cancel(c echo.Context) error {
	var in ledger.CancelInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Cancel(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, m)
}
