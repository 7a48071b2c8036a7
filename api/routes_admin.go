package api

import (
	"net/http"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// ClockRequest is POST /admin/clock.
type ClockRequest struct {
	// Advance is a Go duration ("49h", "30m"), positive, at most 10 years.
	Advance string `json:"advance" validate:"required"`
}

// ClockAnswer is the service clock after the advance and sweep.
type ClockAnswer struct {
	Now time.Time `json:"now"`
}

func (s *Server) adminRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/admin/clock", roles: admin, enabled: func() bool { return s.cfg.TestClock }, handler: s.advanceClock},
	}
}

func (s *Server) advanceClock(c echo.Context) error {
	var in ClockRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := ledger.ValidateInput(&in); err != nil {
		return err
	}
	d, err := time.ParseDuration(in.Advance)
	if err != nil || d <= 0 || d > 10*365*24*time.Hour {
		return badRequest("advance", "must be a positive duration such as \"49h\" or \"30m\", at most 10 years")
	}
	if err := s.svc.AdvanceClock(c.Request().Context(), d); err != nil {
		return err
	}
	return ok(c, ClockAnswer{Now: s.svc.Now().UTC()})
}
