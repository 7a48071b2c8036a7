package api

import (
	"fmt"
	"strings"

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

// authenticate resolves the bearer token, if any, and stores the principal.
// A route that needs no authentication still records who asked when a
// valid token is given; an invalid token on such a route is ignored.
func (s *Server) authenticate(c echo.Context, required bool) error {
	tok := bearer(c)
	if tok == "" {
		if required {
			return ledger.ErrUnauthenticated
		}
		return nil
	}
	p, err := s.svc.Authenticate(tok)
	if err != nil {
		if required {
			return err
		}
		return nil
	}
	c.Set(ctxPrincipal, p)
	return nil
}

// requireAuth returns middleware enforcing authentication and, when roles
// is not empty, that the principal holds at least one of them (else 403).
// The Service checks scope again: a resource the caller may not see is
// ErrNotFound (404) from the Service, never data.
func (s *Server) requireAuth(public bool, roles []ledger.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := s.authenticate(c, !public); err != nil {
				return err
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
