package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Sessions: a person who signs in gets a session, kept in the store
// (sign-in state, proj.SessionKey) under the SHA-256 of its id, so a
// restart or an upgrade signs nobody out and the store never holds a
// usable id. A session ends on sign-out, after SignInPolicy.SessionIdle
// without a request, when its person is disabled or their password reset,
// and, for the others of that person, when they change their password or
// sign out everywhere.

// session is a stored session.
type session struct {
	Person    string    `json:"person"`
	Party     string    `json:"party"`
	CreatedAt time.Time `json:"created_at"`
	SeenAt    time.Time `json:"seen_at"`
	Address   string    `json:"address,omitempty"`
}

// touchEvery is how stale a session's SeenAt may get before a request
// writes it again: idle time is counted to within this.
const touchEvery = time.Minute

// newSessionID returns 256 random bits, URL-safe (43 characters).
func newSessionID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionHash(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// startSession stores a new session for person of party and returns its
// id; the person's expired sessions go at the same time.
func (c *cmd) startSession(person, party string) (string, error) {
	if _, err := c.endSessions(person, "", func(ss *session) bool { return c.now.Sub(ss.SeenAt) > c.s.signIn.SessionIdle }); err != nil {
		return "", err
	}
	id := newSessionID()
	h := sessionHash(id)
	ss := session{Person: person, Party: party, CreatedAt: c.now, SeenAt: c.now, Address: c.client.Address}
	if err := setJSON(c.tx, proj.SessionKey(h), ss); err != nil {
		return "", err
	}
	return id, c.tx.Set(proj.PersonSessionKey(person, h), nil)
}

// endSessions ends the sessions of person except the one with hash keep,
// only those for which which is true when it is given, and returns how
// many ended.
func (c *cmd) endSessions(person, keep string, which ...func(*session) bool) (int, error) {
	prefix := proj.PersonSessionsPrefix(person)
	var hashes []string
	if err := c.tx.Scan(prefix, func(k, _ []byte) error {
		if h := string(k[len(prefix):]); h != keep {
			hashes = append(hashes, h)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hashes {
		if len(which) > 0 {
			var ss session
			ok, err := getJSON(c.tx, proj.SessionKey(h), &ss)
			if err != nil {
				return n, err
			}
			if ok && !which[0](&ss) {
				continue
			}
		}
		if err := c.tx.Delete(proj.SessionKey(h)); err != nil {
			return n, err
		}
		if err := c.tx.Delete(proj.PersonSessionKey(person, h)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// SessionPrincipal resolves a session id (the cookie) to its principal,
// or ErrUnauthenticated when there is no such live session. A principal
// whose password is a one-time password has MustChangePassword set. It
// records the use, so that the session stays alive.
func (s *Service) SessionPrincipal(ctx context.Context, id string) (Principal, error) {
	if len(id) != 43 {
		return Principal{}, ErrUnauthenticated
	}
	h := sessionHash(id)
	now := s.Now()
	var pr Principal
	var seen time.Time
	err := s.view(func(r *proj.Snapshot) error {
		var ss session
		ok, err := getJSON(r, proj.SessionKey(h), &ss)
		if err != nil {
			return err
		}
		if !ok || now.Sub(ss.SeenAt) > s.signIn.SessionIdle {
			return ErrUnauthenticated
		}
		person, err := loadPersonRecord(r, ss.Person)
		if err != nil || person.Status != PersonActive {
			return ErrUnauthenticated
		}
		party, err := loadParty(r, ss.Party)
		if err != nil {
			return ErrUnauthenticated
		}
		a, _, err := loadAccount(r, ss.Person)
		if err != nil {
			return err
		}
		pr = personPrincipal(party, person)
		pr.Session, pr.MustChangePassword = h, a != nil && a.MustChange
		pr.MustEnrolTOTP = needsTOTP(person.Role) && (a == nil || a.TOTPSecret == "")
		seen = ss.SeenAt
		return nil
	})
	if err != nil {
		return Principal{}, err
	}
	if now.Sub(seen) >= touchEvery {
		// A session that cannot be touched (a read-only ledger) stays
		// valid for this request; it ends when idle as usual.
		if err := s.touchSession(ctx, h); err != nil {
			s.lg.Warn("session use not recorded", "err", err)
		}
	}
	return pr, nil
}

// touchSession records that session h was used now.
func (s *Service) touchSession(ctx context.Context, h string) error {
	_, err := exec(WithIdempotency(ctx, "", ""), s, Principal{}, func(c *cmd) (struct{}, error) {
		var ss session
		ok, err := getJSON(c.tx, proj.SessionKey(h), &ss)
		if err != nil || !ok { // ended meanwhile: the next request finds out
			return struct{}{}, err
		}
		ss.SeenAt = c.now
		return struct{}{}, setJSON(c.tx, proj.SessionKey(h), ss)
	})
	return err
}

// SignOut ends the session p signed in with; everywhere, every session of
// p's person.
func (s *Service) SignOut(ctx context.Context, p Principal, everywhere bool) error {
	if p.Person == nil || p.Session == "" {
		return nil
	}
	p.MustChangePassword, p.MustEnrolTOTP = false, false // signing out is always allowed
	_, err := exec(WithIdempotency(ctx, "", ""), s, p, func(c *cmd) (struct{}, error) {
		kind := SecSignOut
		if everywhere {
			kind = SecSignOutEverywhere
			if _, err := c.endSessions(p.Person.ID, ""); err != nil {
				return struct{}{}, err
			}
		} else {
			if err := c.tx.Delete(proj.SessionKey(p.Session)); err != nil {
				return struct{}{}, err
			}
			if err := c.tx.Delete(proj.PersonSessionKey(p.Person.ID, p.Session)); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, c.securityLog(SecurityEntry{Kind: kind, Person: p.Person.ID, Party: p.Party})
	})
	return err
}
