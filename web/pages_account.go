package web

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

// The pages of a person's own account: the password change (forced after
// a one-time password), the authenticator, signing out everywhere.

// beforePasswordChange are the paths a session with a one-time password
// may use: the password page, signing out, static files.
func beforePasswordChange(path string) bool {
	return path == "/password" || path == "/signout" || len(path) > 8 && path[:8] == "/static/"
}

// beforeTOTPEnrolment are the paths an inspector or admin without an
// authenticator may open: enrolling one on the account page, changing the
// password, signing out.
func beforeTOTPEnrolment(path string) bool {
	return beforePasswordChange(path) || path == "/account" || path == "/account/totp" ||
		path == "/account/totp/confirm" || path == "/account/signout-everywhere"
}

type passwordData struct {
	Forced bool
	Error  string
	Fields map[string]string
}

func (h *Handler) passwordPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "password", "password.title", passwordData{Forced: st.p.MustChangePassword})
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	d := passwordData{Forced: st.p.MustChangePassword}
	in := ledger.PasswordInput{Current: r.PostFormValue("current"), New: r.PostFormValue("new")}
	if in.New != r.PostFormValue("confirm") {
		d.Error, d.Fields = "err.validation_failed", map[string]string{"confirm": translate(st.lang, "password.mismatch")}
		h.render(w, r, http.StatusBadRequest, "password", "password.title", d)
		return
	}
	if _, err := h.svc.ChangePassword(clientContext(r), st.p, in); err != nil {
		status, key, _, fields := classify(st.lang, err)
		if status >= 500 {
			h.fail(w, r, err)
			return
		}
		d.Error, d.Fields = key, fields
		h.render(w, r, status, "password", "password.title", d)
		return
	}
	http.Redirect(w, r, homeOf(st.p), http.StatusSeeOther)
}

// needPerson is need for pages of a person signed in (not a token).
func (h *Handler) needPerson(w http.ResponseWriter, r *http.Request) (*state, bool) {
	st, ok := h.need(w, r)
	if !ok {
		return nil, false
	}
	if st.p.Person == nil || st.p.Session == "" {
		h.renderError(w, r, http.StatusForbidden, "account.token")
		return nil, false
	}
	return st, true
}

type accountData struct {
	Info   *ledger.SessionInfo
	Enrol  *ledger.TOTPEnrolment
	QR     template.URL // data: URL of the enrolment's QR code
	Error  string
	Fields map[string]string
	Done   string // message key after a step
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, accountData{Done: r.URL.Query().Get("done")})
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, d accountData) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	info, err := h.svc.Session(r.Context(), st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Info = info
	if d.Done != "" && d.Done != "totp" {
		d.Done = ""
	}
	h.render(w, r, status, "account", "account.title", d)
}

// startTOTP shows a new secret and its QR code to add to an authenticator
// app, with the form that confirms it.
func (h *Handler) startTOTP(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	en, err := h.svc.StartTOTP(clientContext(r), st.p, st.p.Person.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	svg, err := qrSVG(en.URI)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	qr := template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg)))
	h.renderAccount(w, r, http.StatusOK, accountData{Enrol: en, QR: qr})
}

func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	_, err := h.svc.ConfirmTOTP(clientContext(r), st.p, st.p.Person.ID, ledger.TOTPConfirmInput{Code: r.PostFormValue("code")})
	if err != nil {
		status, key, _, fields := classify(st.lang, err)
		if status >= 500 {
			h.fail(w, r, err)
			return
		}
		h.renderAccount(w, r, status, accountData{Error: key, Fields: fields})
		return
	}
	http.Redirect(w, r, "/account?done=totp", http.StatusSeeOther)
}

// signOutEverywhere ends every session of the person, this one too.
func (h *Handler) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needPerson(w, r)
	if !ok {
		return
	}
	if err := h.svc.SignOut(clientContext(r), st.p, true); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setSessionCookie(w, randomID())
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
