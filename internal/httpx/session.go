package httpx

import (
	"net/http"
	"net/url"
)

// SessionCookie holds a session id: the one POST /api/v1/session answers
// and the web UI's sign-in sets, which both the API and the UI accept.
// It is HttpOnly and SameSite=Strict, Secure when the server is reached
// over HTTPS. The web UI also gives it a random value before sign-in, to
// bind its forms' CSRF tokens to the browser; such a value names no
// session.
const SessionCookie = "hw_sid"

// SetSessionCookie sets the session cookie to id.
func SetSessionCookie(w http.ResponseWriter, id string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode})
}

// SameOrigin reports whether a browser request comes from the server's
// own pages: its Sec-Fetch-Site, when sent, is same-origin or none, and
// its Origin, when sent, names the host the request was sent to. Requests
// from programs send neither and carry no cookie they did not set.
func SameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
