package api

import (
	"net/http"
	"strconv"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// TokenAnswer is POST /parties/{id}/tokens: the token is shown this once.
type TokenAnswer struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// PartyList is one page of parties.
type PartyList = ledger.List[*ledger.Party]

var admin = []ledger.Role{ledger.RoleAdmin}

func (s *Server) partyRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/parties", roles: admin, handler: s.createParty},
		{method: http.MethodGet, path: "/parties", handler: s.listParties},
		{method: http.MethodGet, path: "/parties/:id", handler: s.getParty},
		{method: http.MethodPut, path: "/parties/:id/license", roles: admin, handler: s.renewLicense},
		{method: http.MethodPut, path: "/parties/:id/region", roles: admin, handler: s.setRegion},
		{method: http.MethodPost, path: "/parties/:id/tokens", handler: s.createToken},
		{method: http.MethodDelete, path: "/tokens/:id", handler: s.revokeToken},
	}
}

func (s *Server) createParty(c echo.Context) error {
	var in ledger.PartyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.RegisterParty(c.Request().Context(), principal(c), in)
	return respondCreated(c, p, err)
}

func (s *Server) listParties(c echo.Context) error {
	role, err := oneOf(c, "role", ledger.RoleNames()...)
	if err != nil {
		return err
	}
	pg, err := page(c)
	if err != nil {
		return err
	}
	off := 0
	if pg.Cursor != "" {
		off, err = strconv.Atoi(pg.Cursor)
		if err != nil || off < 0 {
			return badRequest("cursor", "is not a cursor from this server")
		}
	}
	all, err := s.svc.Parties(c.Request().Context(), ledger.PartyFilter{Role: ledger.Role(role),
		Code: c.QueryParam("code"), Street: c.QueryParam("street")})
	if err != nil {
		return err
	}
	out := PartyList{Items: []*ledger.Party{}}
	me := principal(c)
	for i := off; i < len(all) && len(out.Items) < pg.Limit; i++ {
		out.Items = append(out.Items, publicParty(me, all[i]))
	}
	if off+len(out.Items) < len(all) {
		out.NextCursor = strconv.Itoa(off + len(out.Items))
	}
	return ok(c, out)
}

func (s *Server) getParty(c echo.Context) error {
	p, err := s.svc.Party(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, publicParty(principal(c), p))
}

// publicParty hides what only the party itself, inspectors and admins see:
// the quantities a receiver accepted this year and has coming.
func publicParty(me ledger.Principal, p *ledger.Party) *ledger.Party {
	if me.SeesAll() || me.Party == p.ID {
		return p
	}
	cp := *p
	cp.ReceivedThisYear, cp.ReceivedYear, cp.Pending = 0, 0, 0
	return &cp
}

func (s *Server) renewLicense(c echo.Context) error {
	var in ledger.License
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.RenewLicense(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, p, err)
}

func (s *Server) setRegion(c echo.Context) error {
	var in ledger.RegionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.SetRegion(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, p, err)
}

func (s *Server) createToken(c echo.Context) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	var in ledger.TokenInput
	if len(b) > 0 {
		if err := httpx.DecodeStrict(b, &in); err != nil {
			return err
		}
	}
	// The Service replays only the token id for a retried key, not the
	// token (it keeps only its hash), so a replay would hand out a token
	// that does not work: token creation is not idempotent.
	ctx := ledger.WithIdempotency(c.Request().Context(), "", "")
	id, tok, err := s.svc.CreateToken(ledger.WithClient(ctx, s.client(c)), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return created(c, TokenAnswer{ID: id, Token: tok})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.svc.RevokeToken(s.ctx(c), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
