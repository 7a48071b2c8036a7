package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// tokenRecord is what is stored for a token: never the token itself.
type tokenRecord struct {
	ID        string    `json:"id"`
	Party     string    `json:"party"`
	Hash      string    `json:"hash"` // sha256 hex of the token
	Person    string    `json:"person,omitempty"`
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked,omitempty"`
	// Bootstrap marks the admin bootstrap token.
	Bootstrap bool `json:"bootstrap,omitempty"`
}

// Token is a token as its party's manager sees it: never the token.
type Token struct {
	ID        string     `json:"id"`
	Party     string     `json:"party"`
	Person    *PersonRef `json:"person,omitempty"`
	Label     string     `json:"label,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Revoked   bool       `json:"revoked"`
}

// TokenInput issues a token (POST /parties/{id}/tokens): for one of the
// party's people (Person, their id) or, without, for a machine; Label
// says what it is for.
type TokenInput struct {
	Person string `json:"person" validate:"text=64"`
	Label  string `json:"label" validate:"text=100"`
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

func applyTokenCreated(s proj.Store, e *chain.Event, d *TokenCreatedData) error {
	t := tokenRecord{ID: d.ID, Party: d.Party, Hash: d.Hash, Person: d.Person, Label: d.Label, CreatedAt: e.RecordedAt,
		Bootstrap: d.Bootstrap}
	if err := setJSON(s, proj.TokenKey(t.Hash), t); err != nil {
		return err
	}
	if err := s.Set(proj.PartyTokenKey(t.Party, t.ID), nil); err != nil {
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

// CreateToken issues a token for party (an admin, or the party's
// manager), bound to one of its people when in.Person is set. The token
// is returned this once; only its SHA-256 is stored.
func (s *Service) CreateToken(ctx context.Context, p Principal, partyID string, in TokenInput) (id, token string, err error) {
	p, err = p.managerOf(partyID)
	if err != nil {
		return "", "", err
	}
	in.Label = strings.TrimSpace(in.Label)
	f := fieldErrors{}
	checkTags(f, &in)
	if err := f.err(); err != nil {
		return "", "", err
	}
	token = NewToken()
	id, err = s.addToken(ctx, p, partyID, token, in)
	return id, token, err
}

func (s *Service) addToken(ctx context.Context, p Principal, partyID, token string, in TokenInput) (string, error) {
	type out struct{ ID string }
	r, err := exec(ctx, s, p, func(c *cmd) (out, error) {
		id, err := c.addToken(partyID, token, in, false)
		return out{id}, err
	})
	return r.ID, err
}

// addToken records a new token for partyID (bootstrap: as the admin
// bootstrap token) and returns its id.
func (c *cmd) addToken(partyID, token string, in TokenInput, bootstrap bool) (string, error) {
	if _, err := loadParty(c.tx, partyID); err != nil {
		return "", err
	}
	var username string
	if in.Person != "" {
		person, err := loadPersonRecord(c.tx, in.Person)
		if err != nil || person.Party != partyID {
			return "", invalid("person", Text{"不是本单位的人员", "is not one of this party's people"})
		}
		if person.Status != PersonActive {
			return "", invalid("person", Text{"%s 已停用", "%s is disabled"}, person.Username)
		}
		username = person.Username
	}
	h := hashToken(token)
	if _, ok, err := c.tx.Get(proj.TokenKey(h)); err != nil || ok {
		return "", fmt.Errorf("%w: token already exists", ErrConflict)
	}
	d := TokenCreatedData{ID: c.s.newID(), Party: partyID, Hash: h, Person: in.Person, Label: in.Label, Bootstrap: bootstrap}
	if _, err := c.emit(EvTokenCreated, d.ID, time.Time{}, d); err != nil {
		return "", err
	}
	return d.ID, c.securityLog(SecurityEntry{Kind: SecTokenCreated, Token: d.ID, Party: partyID, Person: in.Person, Username: username})
}

// revoke records the revocation of token t.
func (c *cmd) revoke(t tokenRecord) error {
	if _, err := c.emit(EvTokenRevoked, t.ID, time.Time{}, TokenRevokedData{Party: t.Party}); err != nil {
		return err
	}
	return c.securityLog(SecurityEntry{Kind: SecTokenRevoked, Token: t.ID, Party: t.Party, Person: t.Person})
}

// RevokeToken revokes a token by id (an admin, or its party's manager).
func (s *Service) RevokeToken(ctx context.Context, p Principal, tokenID string) error {
	_, err := exec(ctx, s, p, func(c *cmd) (struct{}, error) {
		t, err := loadTokenByID(c.tx, tokenID)
		if err != nil {
			return struct{}{}, err
		}
		if !c.p.SeesAll() && c.p.Party != t.Party {
			return struct{}{}, notFound("token", tokenID)
		}
		if c.p, err = c.p.managerOf(t.Party); err != nil {
			return struct{}{}, err
		}
		if t.Revoked {
			return struct{}{}, nil
		}
		return struct{}{}, c.revoke(*t)
	})
	return err
}

func loadTokenByID(s proj.Store, id string) (*tokenRecord, error) {
	h, ok, err := s.Get(proj.TokenIDKey(id))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("token", id)
	}
	var t tokenRecord
	if _, err := getJSON(s, proj.TokenKey(string(h)), &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Tokens lists a party's tokens, newest first (an admin, or the party's
// manager).
func (s *Service) Tokens(ctx context.Context, p Principal, partyID string) ([]Token, error) {
	if _, err := p.managerOf(partyID); err != nil {
		return nil, err
	}
	out := []Token{}
	err := s.view(func(r *proj.Snapshot) error {
		if _, err := loadParty(r, partyID); err != nil {
			return err
		}
		prefix := proj.PartyTokensPrefix(partyID)
		ids, err := idsUnder(r, prefix)
		if err != nil {
			return err
		}
		for _, id := range ids {
			t, err := loadTokenByID(r, id)
			if err != nil {
				return err
			}
			tok := Token{ID: t.ID, Party: t.Party, Label: t.Label, CreatedAt: t.CreatedAt, Revoked: t.Revoked}
			if t.Person != "" {
				person, err := loadPersonRecord(r, t.Person)
				if err != nil {
					return err
				}
				tok.Person = &PersonRef{ID: person.ID, Name: person.Name}
			}
			out = append(out, tok)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, err
}

// Authenticate resolves a bearer token to its principal, or
// ErrUnauthenticated for an unknown or revoked token, or one bound to a
// person who is disabled.
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
		// Only who the party is and its roles: every request reads them,
		// so not the whole record with its licences.
		var p Party
		if ok, err := getJSON(r, proj.PartyKey(t.Party), &partyRoles{&p.ID, &p.Roles}); err != nil || !ok {
			return ErrUnauthenticated
		}
		if t.Person == "" {
			pr = Principal{Party: p.ID, Roles: p.Roles, TokenID: t.ID}
			return nil
		}
		person, err := loadPersonRecord(r, t.Person)
		if err != nil || person.Status != PersonActive {
			return ErrUnauthenticated
		}
		pr = personPrincipal(&p, person)
		pr.TokenID = t.ID
		return nil
	})
	return pr, err
}

// partyRoles decodes the id and roles of a party record.
type partyRoles struct {
	ID    *string `json:"id"`
	Roles *[]Role `json:"roles"`
}

// personPrincipal is person of party acting.
func personPrincipal(party *Party, person *personRecord) Principal {
	return Principal{Party: party.ID, Roles: personRoles(party, person.Role),
		Person: &PersonRef{ID: person.ID, Name: person.Name}, PersonRole: person.Role}
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

// ErrBootstrapRevoked: the token given to Bootstrap was revoked. A
// revoked token is never made valid again.
var ErrBootstrapRevoked = errors.New("this admin bootstrap token was revoked")

// Bootstrap makes sure an admin party exists and that token authenticates
// as it, as the one admin bootstrap token: a token not seen before
// replaces the previous bootstrap token, which is revoked in the same
// command. Calling it again with the same token does nothing; with a
// revoked token it returns ErrBootstrapRevoked and changes nothing. It
// returns the admin party id. The caller chooses a strong token (serve
// requires one).
func (s *Service) Bootstrap(ctx context.Context, token string) (string, error) {
	if p, err := s.Authenticate(token); err == nil {
		return p.Party, nil
	}
	var revoked bool
	if err := s.view(func(r *proj.Snapshot) error {
		var t tokenRecord
		ok, err := getJSON(r, proj.TokenKey(hashToken(token)), &t)
		revoked = ok && t.Revoked
		return err
	}); err != nil {
		return "", err
	}
	if revoked {
		return "", ErrBootstrapRevoked
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
	_, err = exec(ctx, s, bootstrapPrincipal, func(c *cmd) (struct{}, error) {
		var old []tokenRecord
		err := c.tx.Scan(proj.TokenKey(""), func(_, v []byte) error {
			var t tokenRecord
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			if t.Bootstrap && !t.Revoked {
				old = append(old, t)
			}
			return nil
		})
		if err != nil {
			return struct{}{}, err
		}
		for _, t := range old {
			if err := c.revoke(t); err != nil {
				return struct{}{}, err
			}
		}
		_, err = c.addToken(adminID, token, TokenInput{}, true)
		return struct{}{}, err
	})
	return adminID, err
}
