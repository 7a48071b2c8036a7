package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// CorrectionList is one page of corrections.
type CorrectionList = ledger.List[*ledger.Correction]

// Corrections after pickup: any party named on a manifest asks, every
// other party named on it decides (the Service checks who).
func (s *Server) correctionRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/manifests/:id/corrections", handler: s.requestCorrection},
		{method: http.MethodGet, path: "/manifests/:id/corrections", handler: s.manifestCorrections},
		{method: http.MethodGet, path: "/corrections", handler: s.listCorrections},
		{method: http.MethodGet, path: "/corrections/:id", handler: s.getCorrection},
		{method: http.MethodPost, path: "/corrections/:id/approve", handler: s.decideCorrection(true)},
		{method: http.MethodPost, path: "/corrections/:id/refuse", handler: s.decideCorrection(false)},
	}
}

func (s *Server) requestCorrection(c echo.Context) error {
	var in ledger.CorrectionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	k, err := s.svc.RequestCorrection(c.Request().Context(), principal(c), c.Param("id"), in)
	return respondCreated(c, k, err)
}

func (s *Server) manifestCorrections(c echo.Context) error {
	ks, err := s.svc.ManifestCorrections(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, CorrectionList{Items: ks})
}

func (s *Server) listCorrections(c echo.Context) error {
	var f ledger.CorrectionFilter
	var err error
	if f.Status, err = oneOf(c, "status", ledger.CorrectionStatuses...); err != nil {
		return err
	}
	f.Party = c.QueryParam("party")
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Corrections(c.Request().Context(), principal(c), f, pg)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []*ledger.Correction{}
	}
	return ok(c, l)
}

func (s *Server) getCorrection(c echo.Context) error {
	k, err := s.svc.Correction(c.Request().Context(), principal(c), c.Param("id"))
	return respond(c, k, err)
}

// decideCorrection approves (or refuses) a pending correction.
func (s *Server) decideCorrection(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in ledger.DecisionInput
		if err := bind(c, &in); err != nil {
			return err
		}
		decide := s.svc.RefuseCorrection
		if approve {
			decide = s.svc.ApproveCorrection
		}
		k, err := decide(c.Request().Context(), principal(c), c.Param("id"), in)
		if err != nil {
			return err
		}
		return ok(c, k)
	}
}
