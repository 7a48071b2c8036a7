package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// homeOf is the landing page of a principal: the page of its first role in
// the order inspector, admin, receiver or collector (the loads coming in),
// transporter, generator.
func homeOf(p ledger.Principal) string {
	switch {
	case p.SeesAll():
		return "/dashboard"
	case p.Has(ledger.RoleReceiver), p.Has(ledger.RoleCollector), p.Has(ledger.RoleTransporter):
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

// signInData is the sign-in page: a username and password form (with the
// authenticator's code once asked for), and a token form for machines and
// the admin token.
type signInData struct {
	Next     string
	Username string
	NeedTOTP bool
	// Error is a message key; Detail, a message from the ledger (a lockout
	// says how long).
	Error  string
	Detail string
	Fields map[string]string
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "signin", "signin.title", signInData{Next: safeNext(r.URL.Query().Get("next"))})
}

// signIn signs in with a username (or mobile number) and password, or with
// a token, and starts a new session under a fresh id (the id known before
// sign-in is not reused). A one-time password leads to the password page.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	next := safeNext(r.PostFormValue("next"))
	if tok := strings.TrimSpace(r.PostFormValue("token")); tok != "" {
		h.signInToken(w, r, tok, next)
		return
	}
	in := ledger.SignInInput{Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		TOTP: r.PostFormValue("totp")}
	si, err := h.svc.SignIn(clientContext(r), in)
	if err != nil {
		d := signInData{Next: next, Username: strings.TrimSpace(in.Username), NeedTOTP: in.TOTP != ""}
		status, key, detail, fields := classify(st.lang, err)
		var se *ledger.SignInError
		var tm *ledger.TooManyAttemptsError
		switch {
		case errors.As(err, &se):
			d.Error, d.NeedTOTP = "signin.bad_password", d.NeedTOTP || se.Code == ledger.CodeTOTPRequired
			if se.Code == ledger.CodeTOTPRequired {
				d.Error = "signin.need_totp"
			} else if se.Fields["totp"] != "" {
				d.Error = "signin.bad_totp"
			}
		case errors.As(err, &tm):
			d.Error, d.Detail = key, tm.Error()
			if st.lang == langZh {
				d.Detail = tm.MessageZh()
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(tm.RetryAfter.Seconds())+1))
		case status < 500:
			d.Error, d.Detail, d.Fields = key, detail, fields
		default:
			h.fail(w, r, err)
			return
		}
		h.render(w, r, status, "signin", "signin.title", d)
		return
	}
	h.sessions.drop(st.sid)
	httpx.SetSessionCookie(w, si.SessionID, h.opts.Secure)
	switch {
	case si.MustChangePassword:
		next = "/password"
	case si.TOTPSuggested:
		next = "/account"
	case next == "":
		next = homeOf(ledger.Principal{Roles: si.Roles})
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signInToken signs in with a bearer token (machines, the admin token):
// such a session is kept in memory, as the token it stands for.
func (h *Handler) signInToken(w http.ResponseWriter, r *http.Request, tok, next string) {
	st := stateOf(r)
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
	st := stateOf(r)
	if st.p.Session != "" {
		if err := h.svc.SignOut(clientContext(r), st.p, false); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.sessions.drop(st.sid)
	h.setSessionCookie(w, randomID())
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// clientContext is the request's context with its client, for the
// security log and the per-address sign-in limit.
func clientContext(r *http.Request) context.Context {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return ledger.WithClient(r.Context(), ledger.Client{Address: host, UserAgent: r.UserAgent()})
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
