package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// homeOf is the landing page of a principal: the page of its first role in
// the order inspector, admin, receiver, transporter, generator.
func homeOf(p ledger.Principal) string {
	switch {
	case p.SeesAll():
		return "/dashboard"
	case p.Has(ledger.RoleReceiver), p.Has(ledger.RoleTransporter):
		return "/manifests"
	case p.Has(ledger.RoleGenerator):
		return "/wastes"
	}
	return "/ledger"
}

// home sends a signed-in browser to its role's page, others to sign-in.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.signedIn {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, homeOf(st.p), http.StatusSeeOther)
}

type signInData struct {
	Next  string
	Error string
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "signin", "signin.title", signInData{Next: safeNext(r.URL.Query().Get("next"))})
}

// signIn checks the token and starts a new session under a fresh id (the
// old id, known before sign-in, is not reused).
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	tok := strings.TrimSpace(r.PostFormValue("token"))
	next := safeNext(r.PostFormValue("next"))
	p, err := h.svc.Authenticate(tok)
	if err != nil {
		h.render(w, r, http.StatusUnauthorized, "signin", "signin.title", signInData{Next: next, Error: "signin.bad"})
		return
	}
	h.sessions.drop(st.sid)
	sid := h.sessions.put(tok)
	h.setSessionCookie(w, sid)
	if next == "" {
		next = homeOf(p)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends the session and gives the browser a fresh session id.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	h.sessions.drop(stateOf(r).sid)
	h.setSessionCookie(w, randomID())
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// safeNext keeps only same-site absolute paths, so sign-in cannot be used
// to redirect elsewhere.
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return s
}

// need returns the request state when the browser is signed in with one of
// roles (any role when none are given). Otherwise it answers: a GET is sent
// to sign-in, anything else gets 401; a wrong role gets 403.
func (h *Handler) need(w http.ResponseWriter, r *http.Request, roles ...ledger.Role) (*state, bool) {
	st := stateOf(r)
	if !st.signedIn {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		} else {
			h.renderError(w, r, http.StatusUnauthorized, "err.unauthenticated")
		}
		return nil, false
	}
	if len(roles) == 0 {
		return st, true
	}
	for _, role := range roles {
		if st.p.Has(role) {
			return st, true
		}
	}
	h.renderError(w, r, http.StatusForbidden, "err.forbidden")
	return nil, false
}
