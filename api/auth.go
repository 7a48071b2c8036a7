package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

const (
	ctxPrincipal = "hwledger.principal"
	ctxErrCode   = "hwledger.errcode"
)

// bearer extracts the token of "Authorization: Bearer <token>"; "" if absent.
func bearer(c echo.Context) string {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// authenticate resolves the bearer token or, without one, the session
// cookie, and stores the principal. A route that needs no authentication
// still records who asked when valid credentials are given; invalid ones
// on such a route are ignored. A write with a session cookie must come
// from the server's own pages (httpx.SameOrigin), or it is 403: a cookie
// is sent by the browser whoever made the page.
func (s *Server) authenticate(c echo.Context, required bool) error {
	var p ledger.Principal
	var err error
	if tok := bearer(c); tok != "" {
		p, err = s.svc.Authenticate(tok)
	} else if ck, cerr := c.Request().Cookie(httpx.SessionCookie); cerr == nil {
		p, err = s.svc.SessionPrincipal(c.Request().Context(), ck.Value)
		if err == nil && !safeMethod(c.Request().Method) && !httpx.SameOrigin(c.Request()) {
			return fmt.Errorf("%w: a write with a session cookie must come from this server's own pages", ledger.ErrForbidden)
		}
	} else {
		err = ledger.ErrUnauthenticated
	}
	if err != nil {
		if required {
			return err
		}
		return nil
	}
	c.Set(ctxPrincipal, p)
	return nil
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// requireAuth returns middleware enforcing authentication and, when roles
// is not empty, that the principal holds at least one of them (else 403).
// The Service checks scope again: a resource the caller may not see is
// ErrNotFound (404) from the Service, never data.
//
// A session whose password is a one-time password may only call the routes
// marked beforeChange (the session itself and the password change):
// anything else is 403 password_change_required. An inspector's or admin's
// session without an authenticator may only call those and the routes
// marked enrolling: anything else is 403 totp_enrolment_required.
func (s *Server) requireAuth(public, beforeChange, enrolling bool, roles []ledger.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := s.authenticate(c, !public); err != nil {
				return err
			}
			if principal(c).MustChangePassword && !beforeChange && !public {
				return ledger.ErrPasswordChangeRequired
			}
			if principal(c).MustEnrolTOTP && !beforeChange && !enrolling && !public {
				return ledger.ErrTOTPEnrolmentRequired
			}
			if len(roles) > 0 {
				p := principal(c)
				ok := false
				for _, r := range roles {
					ok = ok || p.Has(r)
				}
				if !ok {
					return fmt.Errorf("%w: this needs the role %s", ledger.ErrForbidden, roleList(roles))
				}
			}
			return next(c)
		}
	}
}

// principal returns the authenticated caller (zero Principal if none).
func principal(c echo.Context) ledger.Principal {
	p, _ := c.Get(ctxPrincipal).(ledger.Principal)
	return p
}

func roleList(roles []ledger.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}
