package api

import (
	"net/http"
	"strconv"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// ManifestList is one page of manifests.
type ManifestList = ledger.List[*ledger.Manifest]

// consignors file manifests: generators their batches, collectors the
// batches they consolidated, receivers and collectors the return or
// redirect of batches they refused.
var consignors = []ledger.Role{ledger.RoleGenerator, ledger.RoleReceiver, ledger.RoleCollector}

func (s *Server) manifestRoutes() []route {
	step := func(st httpx.ManifestStep) route {
		return route{method: http.MethodPost, path: "/manifests/:id/" + st.Name, roles: st.Roles,
			handler: s.manifestStep(st)}
	}
	return []route{
		{method: http.MethodPost, path: "/manifests", roles: consignors, handler: s.createManifest},
		{method: http.MethodGet, path: "/manifests", handler: s.listManifests},
		{method: http.MethodGet, path: "/manifests/:id", handler: s.getManifest},
		{method: http.MethodGet, path: "/manifests/:id.pdf", handler: s.manifestPDF},
		{method: http.MethodGet, path: "/manifests/:id/trace", handler: s.traceHandler},
		{method: http.MethodGet, path: "/manifests/:id/track", handler: s.getTrack},
		step(httpx.StepPickup),
		step(httpx.StepHandover),
		step(httpx.StepPositions),
		step(httpx.StepDeliver),
		step(httpx.StepReceive),
		step(httpx.StepCancel),
	}
}

func (s *Server) createManifest(c echo.Context) error {
	var in ledger.ManifestInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := s.svc.CreateManifest(c.Request().Context(), principal(c), in)
	return respondCreated(c, m, err)
}

func (s *Server) listManifests(c echo.Context) error {
	var f ledger.ManifestFilter
	var err error
	if f.Status, err = oneOf(c, "status", ledger.ManifestStatuses...); err != nil {
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
	return respond(c, m, err)
}

// manifestPDF answers the printable 联单 (package manifestpdf). Its QR
// code leads to the verification page on the host the request reached.
func (s *Server) manifestPDF(c echo.Context) error {
	if s.cfg.PDFFont == nil {
		return &httpx.Error{Status: http.StatusServiceUnavailable, Code: httpx.CodeUnavailable,
			Message: "printing is not set up: this server has no CJK font for PDFs (serve --pdf-font)"}
	}
	id := c.Param("id")
	scheme := c.Scheme()
	if s.cfg.Secure {
		scheme = "https"
	}
	sheet, err := manifestpdf.Load(c.Request().Context(), s.svc, principal(c), id, scheme+"://"+c.Request().Host+"/verify/manifests/"+id)
	if err != nil {
		return err
	}
	pdf, err := manifestpdf.Render(sheet, s.cfg.PDFFont)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `inline; filename="manifest-`+sheet.Manifest.Number+`.pdf"`)
	h.Set(echo.HeaderCacheControl, "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// getTrack serves one page of a manifest's GPS track: ?limit= (default
// 500, at most 2000) points from ?cursor=.
func (s *Server) getTrack(c echo.Context) error {
	pg := ledger.Page{Cursor: c.QueryParam("cursor")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ledger.MaxTrackPage {
			return badRequest("limit", "must be an integer from 1 to %d", ledger.MaxTrackPage)
		}
		pg.Limit = n
	}
	l, err := s.svc.Track(c.Request().Context(), principal(c), c.Param("id"), pg)
	return respond(c, l, err)
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
