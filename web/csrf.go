package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// csrfToken is the session-bound anti-forgery token: an HMAC of the
// session id under a per-process key. Pages put it in a hidden "csrf"
// field of every form and in a <meta name="csrf-token"> for scripts.
func (h *Handler) csrfToken(sid string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte("csrf\x00" + sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK reports whether a POST carries the session's CSRF token, in the
// X-CSRF-Token header (scripts) or the "csrf" form field, and was not sent
// by another site (Sec-Fetch-Site, where the browser sends it).
func (h *Handler) csrfOK(r *http.Request, st *state) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(st.csrf)) == 1
}
