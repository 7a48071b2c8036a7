package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// sessionCookie holds the random session id (httpx.SessionCookie). Every
// browser gets one, signed in or not (the CSRF token of the sign-in form
// is bound to it). A person's session is the ledger's (kept in the store:
// a restart signs nobody out); a session signed in with a token is kept
// here, in memory.
const sessionCookie = httpx.SessionCookie

// session is one browser signed in with a token. The token never leaves
// the server.
type session struct {
	token string
	seen  time.Time
}

// sessionStore maps session ids to tokens in memory. Sessions end on
// sign-out, after idle time without a request, or when the store is full
// (the least recently used goes first). A restart ends them.
type sessionStore struct {
	mu   sync.Mutex
	m    map[string]*session // guarded by mu
	idle time.Duration
	max  int
	now  func() time.Time
}

func newSessionStore(idle time.Duration, max int, now func() time.Time) *sessionStore {
	return &sessionStore{m: map[string]*session{}, idle: idle, max: max, now: now}
}

// get returns the token of a live session and marks it used.
func (s *sessionStore) get(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[id]
	if !ok {
		return "", false
	}
	now := s.now()
	if now.Sub(ss.seen) > s.idle {
		delete(s.m, id)
		return "", false
	}
	ss.seen = now
	return ss.token, true
}

// put starts a session for token under a fresh id.
func (s *sessionStore) put(token string) string {
	id := randomID()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, ss := range s.m { // drop idle sessions; sign-ins are rare
		if now.Sub(ss.seen) > s.idle {
			delete(s.m, k)
		}
	}
	for len(s.m) >= s.max {
		var oldest string
		var t time.Time
		for k, ss := range s.m {
			if oldest == "" || ss.seen.Before(t) {
				oldest, t = k, ss.seen
			}
		}
		delete(s.m, oldest)
	}
	s.m[id] = &session{token: token, seen: now}
	return id
}

// drop ends a session.
func (s *sessionStore) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// randomID returns 256 random bits, URL-safe.
func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// state is what a request knows about its browser.
type state struct {
	sid      string // session id (cookie), signed in or not
	signedIn bool
	p        ledger.Principal
	party    *ledger.Party
	lang     string
	csrf     string
}

type stateKey struct{}

func withState(ctx context.Context, st *state) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateOf(r *http.Request) *state {
	st, _ := r.Context().Value(stateKey{}).(*state)
	if st == nil {
		st = &state{lang: langZh}
	}
	return st
}

// loadState reads the session and language cookies, issuing a session id
// cookie to a new browser.
func (h *Handler) loadState(w http.ResponseWriter, r *http.Request) *state {
	st := &state{lang: h.language(w, r)}
	if c, err := r.Cookie(sessionCookie); err == nil && len(c.Value) == 43 {
		st.sid = c.Value
	} else {
		st.sid = randomID()
		h.setSessionCookie(w, st.sid)
	}
	st.csrf = h.csrfToken(st.sid)
	if p, err := h.svc.SessionPrincipal(r.Context(), st.sid); err == nil {
		party, err := h.svc.Party(r.Context(), p.Party)
		if err != nil {
			return st
		}
		st.signedIn, st.p, st.party = true, p, party
		return st
	}
	if tok, ok := h.sessions.get(st.sid); ok {
		p, err := h.svc.Authenticate(tok)
		if err != nil { // revoked: sign out
			h.sessions.drop(st.sid)
			return st
		}
		party, err := h.svc.Party(r.Context(), p.Party)
		if err != nil {
			return st
		}
		st.signedIn, st.p, st.party = true, p, party
	}
	return st
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, id string) {
	httpx.SetSessionCookie(w, id, h.opts.Secure)
}
