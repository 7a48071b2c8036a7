package api

import (
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/labstack/echo/v4"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted (docs/api.md).
const MaxIdempotencyKey = httpx.MaxIdempotencyKey

// HeaderIdempotencyKey names the retry header.
const HeaderIdempotencyKey = httpx.HeaderIdempotencyKey

// idempotency reads the body of every state-changing request (so the body
// limit applies before any work) and, when an Idempotency-Key is given,
// attaches it with httpx.RequestHash(method, path, body) to the request
// context (httpx.WithIdempotency, which the web UI's scan steps use too).
// The Service scopes keys per party, replays the first answer for the same
// hash, and refuses the same key with another hash with ErrConflict (409
// conflict).
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
		ctx, err := httpx.WithIdempotency(r.Context(), r.Header, r.Method, r.URL.Path, body)
		if err != nil {
			return err
		}
		if ctx != r.Context() {
			c.SetRequest(r.WithContext(ctx))
		}
		return next(c)
	}
}
