package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/labstack/echo/v4"
)

// Error codes of the error body (internal/httpx/errors.go holds the table
// of codes and statuses).
const (
	CodeValidation        = httpx.CodeValidation
	CodeUnauthenticated   = httpx.CodeUnauthenticated
	CodeForbidden         = httpx.CodeForbidden
	CodeNotFound          = httpx.CodeNotFound
	CodeInvalidTransition = httpx.CodeInvalidTransition
	CodeConflict          = httpx.CodeConflict
	CodeTooLarge          = httpx.CodeTooLarge
	CodeRuleViolation     = httpx.CodeRuleViolation
	CodeTooManyStreams    = httpx.CodeTooManyStreams
	CodeInternal          = httpx.CodeInternal
	CodeTimeout           = httpx.CodeTimeout
	CodeUnavailable       = httpx.CodeUnavailable
	CodeReadOnly          = httpx.CodeReadOnly
	CodeMethodNotAllowed  = httpx.CodeMethodNotAllowed
	CodeNotAcceptable     = httpx.CodeNotAcceptable
	CodeTOTPRequired      = httpx.CodeTOTPRequired
	CodePasswordChange    = httpx.CodePasswordChange
	CodeTOTPEnrolment     = httpx.CodeTOTPEnrolment
	CodeTooManyAttempts   = httpx.CodeTooManyAttempts
)

// ErrorBody is every error answer: {"error": {...}}.
type ErrorBody = httpx.ErrorBody

// ErrorDetail says what went wrong (see httpx.ErrorDetail).
type ErrorDetail = httpx.ErrorDetail

// badRequest is a 400 validation_failed naming one field.
func badRequest(field, reason string, args ...any) error {
	return httpx.BadRequest(field, reason, args...)
}

// statusOf maps an error to its status and body: httpx.Problem, the map
// the web UI uses too, plus Echo's own errors (unknown route, wrong
// method), which only this server produces.
func statusOf(err error) (int, ErrorDetail) {
	status, d := httpx.Problem(err)
	var he *echo.HTTPError
	if status == http.StatusInternalServerError && errors.As(err, &he) {
		return echoError(he)
	}
	return status, d
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
	if body.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(body.RetryAfter))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if err := c.JSON(status, ErrorBody{Error: body}); err != nil {
		s.log.Warn("writing error answer", "err", slog.Any("err", err))
	}
}
