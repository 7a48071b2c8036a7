package api

import (
	"net"
	"net/http"
	"strconv"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// Sign-in: POST /session answers a session cookie (httpx.SessionCookie)
// that the web UI and the API both accept; bearer tokens stay for
// machines.
func (s *Server) sessionRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/session", public: true, handler: s.signIn},
		{method: http.MethodGet, path: "/session", beforeChange: true, handler: s.getSession},
		{method: http.MethodDelete, path: "/session", beforeChange: true, handler: s.signOut},
		{method: http.MethodPost, path: "/session/password", beforeChange: true, handler: s.changePassword},
		{method: http.MethodGet, path: "/security-log", roles: seesEvents, handler: s.securityLog},
	}
}

// clientAddress is the address the request came from (the peer of the
// connection: a proxy in front of the server is one address).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) signIn(c echo.Context) error {
	var in ledger.SignInInput
	if err := bind(c, &in); err != nil {
		return err
	}
	si, err := s.svc.SignIn(s.ctx(c), in)
	if err != nil {
		return err
	}
	httpx.SetSessionCookie(c.Response(), si.SessionID, s.cfg.Secure)
	return ok(c, si.SessionInfo)
}

func (s *Server) getSession(c echo.Context) error {
	info, err := s.svc.Session(s.ctx(c), principal(c))
	return respond(c, info, err)
}

func (s *Server) signOut(c echo.Context) error {
	everywhere, err := boolQuery(c, "everywhere")
	if err != nil {
		return err
	}
	if err := s.svc.SignOut(s.ctx(c), principal(c), everywhere != nil && *everywhere); err != nil {
		return err
	}
	httpx.ClearSessionCookie(c.Response(), s.cfg.Secure)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) changePassword(c echo.Context) error {
	var in ledger.PasswordInput
	if err := bind(c, &in); err != nil {
		return err
	}
	info, err := s.svc.ChangePassword(s.ctx(c), principal(c), in)
	return respond(c, info, err)
}

// securityLog answers entries from ?from= (an entry number, default 0),
// at most ?limit= (default 1000, at most 10000), as NDJSON.
func (s *Server) securityLog(c echo.Context) error {
	from := uint64(0)
	if v := c.QueryParam("from"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return badRequest("from", "must be a non-negative integer: the first entry number")
		}
		from = n
	}
	limit := 1000
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return badRequest("limit", "must be an integer from 1 to 10000")
		}
		limit = n
	}
	var out []byte
	err := s.svc.SecurityLog(s.ctx(c), principal(c), from, limit, func(e []byte) error {
		out = append(append(out, e...), '\n')
		return nil
	})
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/x-ndjson", out)
}
