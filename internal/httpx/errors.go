package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Error codes of the error body (docs/api.md, "Errors"), each answered
// with one status:
//
//	400 validation_failed   malformed JSON, missing or invalid fields (named in "fields")
//	401 unauthenticated     no token, unknown or revoked token; a sign-in with a wrong
//	                        username, password or authenticator code
//	401 totp_required       a sign-in with the right password needs the authenticator's code
//	403 forbidden           the party may not do this
//	403 password_change_required  the session's password is a one-time password: change it first
//	403 totp_enrolment_required   an inspector's or admin's session without an authenticator: enrol one first
//	404 not_found           no such resource, or one the caller may not see
//	405 method_not_allowed  the route exists, the method does not
//	406 not_acceptable      no answer in a content type the Accept header allows
//	409 invalid_transition  the subject's status does not allow the step
//	409 conflict            an Idempotency-Key reused with another request; a concurrent step won
//	413 payload_too_large   body over 1 MiB
//	422 rule_violation      a domain rule refuses it
//	429 too_many_attempts   too many failed sign-ins: the account is locked, or the address
//	                        limited; retry_after says for how many seconds
//	429 too_many_streams    the token, or the server, has as many alert streams open as it allows
//	500 internal            nothing internal is disclosed
//	503 timeout             the deadline passed before the ledger answered; it may or may
//	                        not have been recorded: retry with the same Idempotency-Key
//	503 unavailable         the server is shutting down
//	503 read_only           the server refuses writes because its integrity check failed
const (
	CodeValidation        = "validation_failed"
	CodeUnauthenticated   = "unauthenticated"
	CodeForbidden         = "forbidden"
	CodeNotFound          = "not_found"
	CodeMethodNotAllowed  = "method_not_allowed"
	CodeNotAcceptable     = "not_acceptable"
	CodeInvalidTransition = "invalid_transition"
	CodeConflict          = "conflict"
	CodeTooLarge          = "payload_too_large"
	CodeRuleViolation     = "rule_violation"
	CodeTooManyStreams    = "too_many_streams"
	CodeInternal          = "internal"
	CodeTimeout           = "timeout"
	CodeUnavailable       = "unavailable"
	CodeReadOnly          = "read_only"
	CodeTOTPRequired      = "totp_required"
	CodePasswordChange    = "password_change_required"
	CodeTOTPEnrolment     = "totp_enrolment_required"
	CodeTooManyAttempts   = "too_many_attempts"
)

// Codes lists every error code, in the order of the table above.
var Codes = []string{CodeValidation, CodeUnauthenticated, CodeTOTPRequired, CodeForbidden, CodePasswordChange, CodeTOTPEnrolment,
	CodeNotFound, CodeMethodNotAllowed, CodeNotAcceptable, CodeInvalidTransition, CodeConflict, CodeTooLarge,
	CodeRuleViolation, CodeTooManyAttempts, CodeTooManyStreams, CodeInternal, CodeTimeout, CodeUnavailable, CodeReadOnly}

// ErrorBody is every error answer: {"error": {...}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong. Fields is present for validation
// errors; Details carries a rule violation's extras (e.g. "missing" and
// "unexpected" label lists for a pickup whose scan does not match).
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// MessageZh says what Message says in Simplified Chinese, for a
	// validation error, a rule violation and a refused transition.
	MessageZh string            `json:"message_zh,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	// FieldsZh gives the reason of each field of Fields in Chinese.
	FieldsZh map[string]string `json:"fields_zh,omitempty"`
	// FieldsOmitted counts the fields found wrong beyond those Fields
	// names (at most ledger.MaxFieldErrors).
	FieldsOmitted int            `json:"fields_omitted,omitempty"`
	Details       map[string]any `json:"details,omitempty"`
	// Missing and Unexpected repeat Details' label lists at the top level
	// for a pickup/handover scan mismatch (docs/api.md, "Errors").
	Missing    any `json:"missing,omitempty"`
	Unexpected any `json:"unexpected,omitempty"`
	// RetryAfter is, for too_many_attempts, the seconds to wait (also sent
	// as the Retry-After header).
	RetryAfter int `json:"retry_after,omitempty"`
}

// Error is a transport-level problem found before the Service is asked (a
// bad query parameter, a malformed body, a wrong Accept header). Problem
// answers it with its own status and code.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string { return e.Message }

// BadRequest is a 400 validation_failed naming one field and the rule it
// breaks. A field name or reason longer than 300 bytes (an unknown field
// of a hostile body) is cut there with "…".
func BadRequest(field, reason string, args ...any) error {
	r := ledger.Clip(fmt.Sprintf(reason, args...), ledger.MaxReason)
	field = ledger.Clip(field, ledger.MaxReason)
	return &Error{Status: http.StatusBadRequest, Code: CodeValidation,
		Message: "invalid " + field + ": " + r, Fields: map[string]string{field: r}}
}

// Problem maps err to its status and error detail. It is the one place
// where errors become HTTP answers; an error it does not know is 500
// internal, with no detail disclosed.
func Problem(err error) (int, ErrorDetail) {
	var he *Error
	var ve *ledger.ValidationError
	var re *ledger.RuleError
	var te *ledger.TransitionError
	var mbe *http.MaxBytesError
	var se *ledger.SignInError
	var tm *ledger.TooManyAttemptsError
	switch {
	case errors.As(err, &se):
		return http.StatusUnauthorized, ErrorDetail{Code: se.Code, Message: se.Message, MessageZh: se.MessageZh,
			Fields: se.Fields, FieldsZh: se.FieldsZh}
	case errors.As(err, &tm):
		return http.StatusTooManyRequests, ErrorDetail{Code: CodeTooManyAttempts, Message: tm.Error(), MessageZh: tm.MessageZh(),
			RetryAfter: int((tm.RetryAfter + time.Second - 1) / time.Second)}
	case errors.Is(err, ledger.ErrPasswordChangeRequired):
		return http.StatusForbidden, ErrorDetail{Code: CodePasswordChange, Message: err.Error(), MessageZh: "请先修改初始密码（POST /api/v1/session/password）"}
	case errors.Is(err, ledger.ErrTOTPEnrolmentRequired):
		return http.StatusForbidden, ErrorDetail{Code: CodeTOTPEnrolment, Message: err.Error(),
			MessageZh: "监管和管理人员须先绑定身份验证器（POST /api/v1/people/{id}/totp，再确认）"}
	case errors.As(err, &he):
		return he.Status, ErrorDetail{Code: he.Code, Message: he.Message, Fields: he.Fields}
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, ErrorDetail{Code: CodeTooLarge,
			Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	case errors.As(err, &ve):
		return http.StatusBadRequest, ErrorDetail{Code: CodeValidation, Message: ve.Error(), MessageZh: ve.MessageZh(),
			Fields: ve.Fields, FieldsZh: ve.FieldsZh, FieldsOmitted: ve.More}
	case errors.As(err, &re):
		d := ErrorDetail{Code: CodeRuleViolation, Message: re.Message, MessageZh: re.MessageZh, Details: re.Details}
		if _, ok := re.Details["missing"]; ok {
			d.Missing = stringList(re.Details["missing"])
			d.Unexpected = stringList(re.Details["unexpected"])
		}
		return http.StatusUnprocessableEntity, d
	case errors.Is(err, ledger.ErrRuleViolation):
		return http.StatusUnprocessableEntity, ErrorDetail{Code: CodeRuleViolation, Message: err.Error()}
	case errors.Is(err, ledger.ErrUnauthenticated):
		return http.StatusUnauthorized, ErrorDetail{Code: CodeUnauthenticated,
			Message: "sign in (POST /api/v1/session) or send a valid bearer token (Authorization: Bearer <token>)"}
	case errors.Is(err, ledger.ErrForbidden):
		return http.StatusForbidden, ErrorDetail{Code: CodeForbidden, Message: err.Error()}
	case errors.Is(err, ledger.ErrNotFound), errors.Is(err, chain.ErrRange):
		return http.StatusNotFound, ErrorDetail{Code: CodeNotFound, Message: err.Error()}
	case errors.As(err, &te):
		return http.StatusConflict, ErrorDetail{Code: CodeInvalidTransition, Message: err.Error(), MessageZh: te.MessageZh()}
	case errors.Is(err, ledger.ErrInvalidTransition):
		return http.StatusConflict, ErrorDetail{Code: CodeInvalidTransition, Message: err.Error()}
	case errors.Is(err, ledger.ErrConflict):
		return http.StatusConflict, ErrorDetail{Code: CodeConflict, Message: err.Error()}
	case errors.Is(err, ledger.ErrTooManyStreams):
		return http.StatusTooManyRequests, ErrorDetail{Code: CodeTooManyStreams, Message: err.Error()}
	case errors.Is(err, ledger.ErrReadOnly):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeReadOnly, Message: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeTimeout,
			Message: "the request took too long; it may or may not have been recorded: retry with the same Idempotency-Key"}
	case errors.Is(err, chain.ErrClosed):
		return http.StatusServiceUnavailable, ErrorDetail{Code: CodeUnavailable, Message: "the server is shutting down"}
	}
	return http.StatusInternalServerError, ErrorDetail{Code: CodeInternal, Message: "internal error"}
}

// stringList turns a rule violation's label list into []string, never nil.
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
