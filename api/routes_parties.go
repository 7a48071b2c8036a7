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
	roles := make([]string, len(ledger.AllRoles))
	for i, r := range ledger.AllRoles {
		roles[i] = string(r)
	}
	return []route{
		{method: http.MethodPost, path: "/parties", tag: "parties", roles: admin,
			summary: "Register a party",
			doc: "Admin only. `credit_code` must be a valid 统一社会信用代码 (GB 32100-2015, check character verified). " +
				"`transport_permit` is required for a transporter, `license` for a receiver.",
			body: ledger.PartyInput{}, status: http.StatusCreated, answer: ledger.Party{},
			errors: []int{400, 401, 403, 409}, handler: s.createParty},
		{method: http.MethodGet, path: "/parties", tag: "parties",
			summary: "List parties",
			doc: "Any authenticated party. With `role=receiver&code=X`: receivers whose licence covers X and is valid today. " +
				"Parties other than the caller show public fields only (no received quantities).",
			query: append([]param{{name: "role", typ: "string", enum: roles, doc: "holds this role"},
				{name: "code", typ: "string", doc: "waste code or category a receiver's licence covers today"},
				{name: "street", typ: "string", doc: "street sub-district"}}, pageParams...),
			status: http.StatusOK, answer: PartyList{}, errors: []int{400, 401}, handler: s.listParties},
		{method: http.MethodGet, path: "/parties/:id", tag: "parties",
			summary: "Get a party", doc: "Any authenticated party; public fields unless it is the caller or the caller is an inspector or admin.",
			status: http.StatusOK, answer: ledger.Party{}, errors: []int{401, 404}, handler: s.getParty},
		{method: http.MethodPut, path: "/parties/:id/license", tag: "parties", roles: admin,
			summary: "Record a receiver's new licence", doc: "Admin only. The previous licence moves to `license_history`.",
			body: ledger.License{}, status: http.StatusOK, answer: ledger.Party{},
			errors: []int{400, 401, 403, 404, 422}, handler: s.renewLicense},
		{method: http.MethodPost, path: "/parties/:id/tokens", tag: "tokens", roles: admin,
			summary: "Issue a bearer token for a party",
			doc: "Admin only. No body (or `{}`). The token is shown this once; only its SHA-256 is stored. " +
				"Idempotency-Key is ignored here: a replay could not show the token again.",
			status: http.StatusCreated, answer: TokenAnswer{}, errors: []int{401, 403, 404}, handler: s.createToken},
		{method: http.MethodDelete, path: "/tokens/:id", tag: "tokens", roles: admin,
			summary: "Revoke a token", doc: "Admin only. Revoking a revoked token succeeds again.",
			status: http.StatusNoContent, errors: []int{401, 403, 404}, handler: s.revokeToken},
	}
}

func (s *Server) createParty(c echo.Context) error {
	var in ledger.PartyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.RegisterParty(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return created(c, p)
}

func (s *Server) listParties(c echo.Context) error {
	role, err := oneOf(c, "role", "generator", "transporter", "receiver", "inspector", "admin")
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
	if err != nil {
		return err
	}
	return ok(c, p)
}

// tokenRequest is the optional body of POST /parties/{id}/tokens.
type tokenRequest struct{}

func (s *Server) createToken(c echo.Context) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	if len(b) > 0 {
		var in tokenRequest
		if err := httpx.DecodeStrict(b, &in); err != nil {
			return err
		}
	}
	// The Service replays only the token id for a retried key, not the
	// token (it keeps only its hash), so a replay would hand out a token
	// that does not work: token creation is not idempotent.
	ctx := ledger.WithIdempotency(c.Request().Context(), "", "")
	id, tok, err := s.svc.CreateToken(ctx, principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return created(c, TokenAnswer{ID: id, Token: tok})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.svc.RevokeToken(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
