package api

import (
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// ManifestList is one page of manifests.
type ManifestList = ledger.List[*ledger.Manifest]

func (s *Server) manifestRoutes() []route {
	step := func(st httpx.ManifestStep, summary, doc string) route {
		return route{method: http.MethodPost, path: "/manifests/:id/" + st.Name, tag: "manifests",
			roles: []ledger.Role{st.Role}, summary: summary, doc: doc + occurredDoc, body: st.Input,
			status: http.StatusOK, answer: ledger.Manifest{}, errors: []int{400, 401, 403, 404, 409, 422},
			handler: s.manifestStep(st)}
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
		step(httpx.StepPickup, "Pick up (carrier 1 scans every label)",
			"The first carrier. `labels` must equal the manifest's set exactly, else 422 with `missing` and `unexpected` "+
				"lists (in `error` and `error.details`) and nothing recorded. A concurrent pickup that lost is 409."),
		step(httpx.StepHandover, "Hand over to the next carrier",
			"The next carrier on the manifest scans every label, as at pickup."),
		step(httpx.StepPositions, "Add GPS track points",
			"The carrier holding the manifest. `points: [{lat, lon, at}]`, lat in [-90, 90], lon in [-180, 180]."),
		step(httpx.StepDeliver, "Deliver to the receiver", "The carrier holding the manifest."),
		step(httpx.StepReceive, "Confirm receipt",
			"The receiver. One line per batch, all batches. A weight difference beyond the tolerance (default 10 %), any "+
				"container-count difference or any rejection is a significant discrepancy (重大差异) and raises a `discrepancy` alert."),
		step(httpx.StepCancel, "Cancel before pickup",
			"The generator, before pickup; its batches return to `stored`. `reason` is required."),
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

// manifestStep runs one step with httpx.ManifestStep.Run, as the web UI's
// scan page does.
func (s *Server) manifestStep(st httpx.ManifestStep) echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := readBody(c)
		if err != nil {
			return err
		}
		m, err := st.Run(c.Request().Context(), s.svc, principal(c), c.Param("id"),
			c.Request().Header.Get(echo.HeaderContentType), b)
		if err != nil {
			return err
		}
		return ok(c, m)
	}
}
