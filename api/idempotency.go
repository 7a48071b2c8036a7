package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted (docs/api.md).
const MaxIdempotencyKey = 100

// HeaderIdempotencyKey names the retry header.
const HeaderIdempotencyKey = "Idempotency-Key"

// idempotency reads the body of every state-changing request (so the body
// limit applies before any work) and, when an Idempotency-Key is given,
// attaches it with SHA-256(method ‖ 0 ‖ path ‖ 0 ‖ body) to the request
// context for the Service (ledger.WithIdempotency). The Service scopes keys
// per party, replays the first answer for the same hash, and refuses the
// same key with another hash with ErrConflict (409 conflict).
func (s *Server) idempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
		default:
			return next(c)
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		key := r.Header.Get(HeaderIdempotencyKey)
		if key == "" {
			return next(c)
		}
		if len(key) > MaxIdempotencyKey {
			return badRequest(HeaderIdempotencyKey, "must be at most %d characters", MaxIdempotencyKey)
		}
		c.SetRequest(r.WithContext(ledger.WithIdempotency(r.Context(), key, requestHash(r.Method, r.URL.Path, body))))
		return next(c)
	}
}

// requestHash identifies a request for idempotency: method, path and body.
func requestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
