package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// tokenRecord is what is stored for a token: never the token itself.
type tokenRecord struct {
	ID      string `json:"id"`
	Party   string `json:"party"`
	Hash    string `json:"hash"` // sha256 hex of the token
	Revoked bool   `json:"revoked,omitempty"`
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// NewToken returns a fresh random bearer token (256 bits, URL-safe).
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "hwl_" + base64.RawURLEncoding.EncodeToString(b)
}

func applyTokenCreated(s proj.Store, _ *chain.Event, d *TokenCreatedData) error {
	t := tokenRecord{ID: d.ID, Party: d.Party, Hash: d.Hash}
	if err := setJSON(s, proj.TokenKey(t.Hash), t); err != nil {
		return err
	}
	return s.Set(proj.TokenIDKey(t.ID), []byte(t.Hash))
}

func applyTokenRevoked(s proj.Store, e *chain.Event, _ *TokenRevokedData) error {
	h, ok, err := s.Get(proj.TokenIDKey(e.Subject))
	if err != nil || !ok {
		return fmt.Errorf("revoke unknown token %s: %v", e.Subject, err)
	}
	var t tokenRecord
	if _, err := getJSON(s, proj.TokenKey(string(h)), &t); err != nil {
		return err
	}
	t.Revoked = true
	return setJSON(s, proj.TokenKey(string(h)), t)
}

// CreateToken issues a token for party (admin only). The token is returned
// this once; only its SHA-256 is stored.
func (s *Service) CreateToken(ctx context.Context, p Principal, partyID string) (id, token string, err error) {
	if !p.Has(RoleAdmin) {
		return "", "", fmt.Errorf("%w: only an admin issues tokens", ErrForbidden)
	}
	token = NewToken()
	id, err = s.addToken(ctx, p, partyID, token)
	return id, token, err
}

func (s *Service) addToken(ctx context.Context, p Principal, partyID, token string) (string, error) {
	type out struct{ ID string }
	r, err := exec(ctx, s, p, func(c *cmd) (out, error) {
		if _, err := loadParty(c.tx, partyID); err != nil {
			return out{}, err
		}
		h := hashToken(token)
		if _, ok, err := c.tx.Get(proj.TokenKey(h)); err != nil || ok {
			return out{}, fmt.Errorf("%w: token already exists", ErrConflict)
		}
		d := TokenCreatedData{ID: c.s.newID(), Party: partyID, Hash: h}
		_, err := c.emit(EvTokenCreated, d.ID, time.Time{}, d)
		return out{d.ID}, err
	})
	return r.ID, err
}

// RevokeToken revokes a token by id (admin only).
func (s *Service) RevokeToken(ctx context.Context, p Principal, tokenID string) error {
	if !p.Has(RoleAdmin) {
		return fmt.Errorf("%w: only an admin revokes tokens", ErrForbidden)
	}
	_, err := exec(ctx, s, p, func(c *cmd) (struct{}, error) {
		h, ok, err := c.tx.Get(proj.TokenIDKey(tokenID))
		if err != nil {
			return struct{}{}, err
		}
		if !ok {
			return struct{}{}, notFound("token", tokenID)
		}
		var t tokenRecord
		if _, err := getJSON(c.tx, proj.TokenKey(string(h)), &t); err != nil {
			return struct{}{}, err
		}
		if t.Revoked {
			return struct{}{}, nil
		}
		_, err = c.emit(EvTokenRevoked, tokenID, time.Time{}, TokenRevokedData{Party: t.Party})
		return struct{}{}, err
	})
	return err
}

// Authenticate resolves a bearer token to its principal, or
// ErrUnauthenticated for an unknown or revoked token.
func (s *Service) Authenticate(token string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrUnauthenticated
	}
	var pr Principal
	err := s.view(func(r *proj.Snapshot) error {
		var t tokenRecord
		ok, err := getJSON(r, proj.TokenKey(hashToken(token)), &t)
		if err != nil {
			return err
		}
		if !ok || t.Revoked {
			return ErrUnauthenticated
		}
		p, err := loadParty(r, t.Party)
		if err != nil {
			return ErrUnauthenticated
		}
		pr = Principal{Party: p.ID, Roles: p.Roles, TokenID: t.ID}
		return nil
	})
	return pr, err
}

// bootstrapPrincipal acts for hwledger itself when setting up a data dir.
var bootstrapPrincipal = Principal{Party: SystemParty, Roles: []Role{RoleAdmin}}

// AdminParty is the registration of the district's operator, created with
// the first admin token.
var AdminParty = PartyInput{
	Name:       "管城回族区生态环境分局（系统管理员）",
	CreditCode: "11410104MB1234567" + "X", // check character fixed up in Bootstrap
	Roles:      []Role{RoleAdmin, RoleInspector},
	Street:     "北下街",
	Address:    "郑州市管城回族区",
	Contact:    Contact{Name: "系统管理员", Phone: "0371-00000000"},
}

// Bootstrap makes sure an admin party exists and that token authenticates
// as it. It is idempotent: calling it again with the same token does
// nothing. It returns the admin party id.
func (s *Service) Bootstrap(ctx context.Context, token string) (string, error) {
	if p, err := s.Authenticate(token); err == nil {
		return p.Party, nil
	}
	in := AdminParty
	cc, err := ident.CompleteCreditCode(in.CreditCode[:17])
	if err != nil {
		return "", err
	}
	in.CreditCode = cc
	var adminID string
	err = s.view(func(r *proj.Snapshot) error {
		id, ok, err := r.Get(proj.CreditKey(cc))
		if ok {
			adminID = string(id)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if adminID == "" {
		p, err := s.RegisterParty(ctx, bootstrapPrincipal, in)
		if err != nil {
			return "", err
		}
		adminID = p.ID
	}
	_, err = s.addToken(ctx, bootstrapPrincipal, adminID, token)
	return adminID, err
}
