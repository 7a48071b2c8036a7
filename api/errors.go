package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/labstack/echo/v4"
)

// Error codes of docs/api.md, plus "timeout" (503: the request's deadline passed
// before the ledger answered; it may or may not have been recorded — retry
// with the same Idempotency-Key) and "unavailable" (503: shutting down).
const (
	CodeValidation        = "validation_failed"
	CodeUnauthenticated   = "unauthenticated"
	CodeForbidden         = "forbidden"
	CodeNotFound          = "not_found"
	CodeInvalidTransition = "invalid_transition"
	CodeConflict          = "conflict"
	CodeTooLarge          = "payload_too_large"
	CodeRuleViolation     = "rule_violation"
	CodeInternal          = "internal"
	CodeTimeout           = "timeout"
	CodeUnavailable       = "unavailable"
	CodeMethodNotAllowed  = "method_not_allowed"
	CodeNotAcceptable     = "not_acceptable"
)

// ErrorBody is every error answer: {"error": {...}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong. Fields is present for validation
// errors; Details carries a rule violation's extras (e.g. "missing" and
// "unexpected" label lists for a pickup whose scan does not match).
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Details map[string]any    `json:"details,omitempty"`
	// Missing and Unexpected repeat Details' label lists at the top level
	// for a pickup/handover scan mismatch (docs/api.md, "Errors").
	Missing    any `json:"missing,omitempty"`
	Unexpected any `json:"unexpected,omitempty"`
}

// apiError is a transport-level problem found by this package (bad query
// parameter, body too large, wrong Accept header).
type apiError struct {
	status int
	code   string
	msg    string
	fields map[string]string
}

func (e *apiError) Error() string { return e.msg }

// badRequest is a 400 validation_failed naming one field.
func badRequest(field, reason string, args ...any) error {
	r := fmt.Sprintf(reason, args...)
	return &apiError{status: http.StatusBadRequest, code: CodeValidation,
		msg: "invalid " + field + ": " + r, fields: map[string]string{field: r}}
}

// statusOf maps an error to its status and body. It is the single place
// where errors become HTTP answers.
func statusOf(err error) (int, ErrorDetail) {
	var ae *apiError
	var ve *ledger.ValidationError
	var re *ledger.RuleError
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae.status, ErrorDetail{Code: ae.code, Message: ae.msg, Fields: ae.fields}
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, ErrorDetail{Code: CodeTooLarge,
			Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	case errors.As(err, &ve):
		return http.StatusBadRequest, ErrorDetail{Code: CodeValidation, Message: ve.Error(), Fields: ve.Fields}
	case errors.As(err, &re):
		d := ErrorDetail{Code: CodeRuleViolation, Message: re.Message, Details: re.Details}
		if _, ok := re.Details["missing"]; ok {
			d.Missing = stringList(re.Details["missing"])
			d.Unexpected = stringList(re.Details["unexpected"])
		}
		return http.StatusUnprocessableEntity, d
	case errors.Is(err, ledger.ErrRuleViolation):
		return http.StatusUnprocessableEntity, ErrorDetail{Code: CodeRuleViolation, Message: err.Error()}
	case errors.Is(err, ledger.ErrUnauthenticated):
		return http.StatusUnauthorized, ErrorDetail{Code: CodeUnauthenticated,
			Message: "a valid bearer token is required (Authorization: Bearer <token>)"}
	case errors.Is(err, ledger.ErrForbidden):
		return http.StatusForbidden, ErrorDetail{Code: CodeForbidden, Message: err.Error()}
	case errors.Is(err, ledger.ErrNotFound):
		return http.StatusNotFound, ErrorDetail{Code: CodeNotFound, Message: err.Error()}
	case errors.Is(err, chain.ErrRange):
		return http.StatusNotFound, ErrorDetail{Code: CodeNotFound, Message: err.Error()}
	case errors.Is(err, ledger.ErrInvalidTransition):
		return http.StatusConflict, ErrorDetail{Code: CodeInvalidTransition, Message: err.Error()}
	case errors.Is(err, ledger.ErrConflict):
		return http.StatusConflict, ErrorDetail{Code: CodeConflict, Message: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeTimeout,
			Message: "the request took too long; it may or may not have been recorded: retry with the same Idempotency-Key"}
	case errors.Is(err, chain.ErrClosed):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeUnavailable, Message: "the server is shutting down"}
	case errors.As(err, &he):
		return echoError(he)
	}
	return http.StatusInternalServerError, ErrorDetail{Code: CodeInternal, Message: "internal error"}
}

// echoError maps Echo's own errors (unknown route, wrong method).
func echoError(he *echo.HTTPError) (int, ErrorDetail) {
	switch he.Code {
	case http.StatusNotFound:
		return he.Code, ErrorDetail{Code: CodeNotFound, Message: "no such route"}
	case http.StatusMethodNotAllowed:
		return he.Code, ErrorDetail{Code: CodeMethodNotAllowed, Message: "method not allowed on this route"}
	case http.StatusRequestEntityTooLarge:
		return he.Code, ErrorDetail{Code: CodeTooLarge, Message: "request body is larger than 1 MiB"}
	case http.StatusUnauthorized:
		return he.Code, ErrorDetail{Code: CodeUnauthenticated, Message: "a valid bearer token is required"}
	case http.StatusServiceUnavailable:
		return he.Code, ErrorDetail{Code: CodeTimeout, Message: "the request took too long"}
	}
	if he.Code >= 400 && he.Code < 500 {
		return he.Code, ErrorDetail{Code: CodeValidation, Message: http.StatusText(he.Code)}
	}
	return http.StatusInternalServerError, ErrorDetail{Code: CodeInternal, Message: "internal error"}
}

func stringList(v any) []string {
	switch l := v.(type) {
	case []string:
		if l != nil {
			return l
		}
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// errorHandler is the server's only HTTPErrorHandler. Internal errors are
// logged with the request id and answered without detail.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := statusOf(err)
	c.Set(ctxErrCode, body.Code)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	} else {
		s.log.Debug("request refused", "path", c.Request().URL.Path, "code", body.Code, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if err := c.JSON(status, ErrorBody{Error: body}); err != nil {
		s.log.Warn("writing error answer", "err", slog.Any("err", err))
	}
}
