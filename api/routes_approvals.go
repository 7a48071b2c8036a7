package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// ApprovalList is the approvals the caller may see.
type ApprovalList = ledger.List[*ledger.Approval]

// Cross-province approvals: an inspector registers them; the generator
// and the receiver they name, inspectors and admins read them.
func (s *Server) approvalRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/approvals", roles: inspector, handler: s.registerApproval},
		{method: http.MethodGet, path: "/approvals", handler: s.listApprovals},
	}
}

func (s *Server) registerApproval(c echo.Context) error {
	var in ledger.ApprovalInput
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := s.svc.RegisterApproval(c.Request().Context(), principal(c), in)
	return respondCreated(c, a, err)
}

func (s *Server) listApprovals(c echo.Context) error {
	as, err := s.svc.Approvals(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return ok(c, ApprovalList{Items: as})
}
