package api

import (
	"context"
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// PersonList is a party's people.
type PersonList struct {
	Items []*ledger.Person `json:"items"`
}

// TokenList is a party's tokens.
type TokenList struct {
	Items []ledger.Token `json:"items"`
}

// People and their tokens: the Service decides who may (an admin, or a
// manager of the party), so the routes name no roles.
func (s *Server) peopleRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/parties/:id/people", handler: s.addPerson},
		{method: http.MethodGet, path: "/parties/:id/people", handler: s.listPeople},
		{method: http.MethodGet, path: "/people/:id", handler: s.getPerson},
		{method: http.MethodPost, path: "/people/:id/disable", handler: s.disablePerson},
		{method: http.MethodPost, path: "/people/:id/reset-password", handler: s.resetPassword},
		{method: http.MethodPost, path: "/people/:id/totp", enrolling: true, handler: s.startTOTP},
		{method: http.MethodPost, path: "/people/:id/totp/confirm", enrolling: true, handler: s.confirmTOTP},
		{method: http.MethodDelete, path: "/people/:id/totp", handler: s.removeTOTP},
		{method: http.MethodGet, path: "/parties/:id/tokens", handler: s.listTokens},
	}
}

func (s *Server) addPerson(c echo.Context) error {
	var in ledger.PersonInput
	if err := bind(c, &in); err != nil {
		return err
	}
	np, err := s.svc.AddPerson(s.ctx(c), principal(c), c.Param("id"), in)
	return respondCreated(c, np, err)
}

func (s *Server) listPeople(c echo.Context) error {
	l, err := s.svc.People(s.ctx(c), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, PersonList{Items: l})
}

func (s *Server) getPerson(c echo.Context) error {
	p, err := s.svc.Person(s.ctx(c), principal(c), c.Param("id"))
	return respond(c, p, err)
}

// emptyBody refuses a body other than nothing or {}.
func emptyBody(c echo.Context) error {
	b, err := readBody(c)
	if err != nil || len(b) == 0 {
		return err
	}
	var in struct{}
	return httpx.DecodeStrict(b, &in)
}

func (s *Server) disablePerson(c echo.Context) error {
	if err := emptyBody(c); err != nil {
		return err
	}
	p, err := s.svc.DisablePerson(s.ctx(c), principal(c), c.Param("id"))
	return respond(c, p, err)
}

func (s *Server) resetPassword(c echo.Context) error {
	if err := emptyBody(c); err != nil {
		return err
	}
	np, err := s.svc.ResetPassword(s.ctx(c), principal(c), c.Param("id"))
	return respond(c, np, err)
}

func (s *Server) startTOTP(c echo.Context) error {
	if err := emptyBody(c); err != nil {
		return err
	}
	en, err := s.svc.StartTOTP(s.ctx(c), principal(c), c.Param("id"))
	return respond(c, en, err)
}

func (s *Server) confirmTOTP(c echo.Context) error {
	var in ledger.TOTPConfirmInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.ConfirmTOTP(s.ctx(c), principal(c), c.Param("id"), in)
	return respond(c, p, err)
}

func (s *Server) removeTOTP(c echo.Context) error {
	p, err := s.svc.RemoveTOTP(s.ctx(c), principal(c), c.Param("id"))
	return respond(c, p, err)
}

func (s *Server) listTokens(c echo.Context) error {
	l, err := s.svc.Tokens(s.ctx(c), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, TokenList{Items: l})
}

// ctx is the request's context with its client (address, user agent) for
// the security log.
func (s *Server) ctx(c echo.Context) context.Context {
	return ledger.WithClient(c.Request().Context(), s.client(c))
}

// client is who sent the request.
func (s *Server) client(c echo.Context) ledger.Client {
	r := c.Request()
	return ledger.Client{Address: clientAddress(r), UserAgent: r.UserAgent()}
}
