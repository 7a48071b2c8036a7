package httpx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

// HeaderIdempotencyKey names the retry header.
const HeaderIdempotencyKey = "Idempotency-Key"

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 100

// RequestHash identifies a request for idempotency:
// hex SHA-256(method ‖ 0 ‖ path ‖ 0 ‖ body). path is the API's route path
// (/api/v1/...), also for a web UI request that runs the same step, so a
// step sent by either and retried through the other is one request.
func RequestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// WithIdempotency attaches the request's Idempotency-Key, if it has one,
// and RequestHash(method, path, body) to ctx for the Service
// (ledger.WithIdempotency). The Service scopes keys per party, replays the
// first answer for the same hash, and refuses the same key with another
// hash with ErrConflict (409 conflict). A key over MaxIdempotencyKey
// characters is a 400.
func WithIdempotency(ctx context.Context, h http.Header, method, path string, body []byte) (context.Context, error) {
	key := h.Get(HeaderIdempotencyKey)
	if key == "" {
		return ctx, nil
	}
	if len(key) > MaxIdempotencyKey {
		return ctx, BadRequest(HeaderIdempotencyKey, "must be at most %d characters", MaxIdempotencyKey)
	}
	return ledger.WithIdempotency(ctx, key, RequestHash(method, path, body)), nil
}
