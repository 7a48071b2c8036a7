package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors. The API and the web UI answer each with one status and
// error code (internal/httpx/errors.go).
var (
	// ErrNotFound: no such resource, or one the caller may not see (404).
	ErrNotFound = errors.New("not found")
	// ErrUnauthenticated: no, unknown or revoked token (401).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: the caller's role may not do this (403).
	ErrForbidden = errors.New("forbidden")
	// ErrInvalidTransition: the subject's status does not allow the step (409).
	ErrInvalidTransition = errors.New("invalid transition")
	// ErrConflict: an idempotency key reused with another body (409).
	ErrConflict = errors.New("conflict")
	// ErrRuleViolation: a domain rule refuses the command (422). Returned
	// wrapped in *RuleError, which carries details.
	ErrRuleViolation = errors.New("rule violation")
	// ErrReadOnly: the server refuses writes because its integrity check
	// failed (503 read_only). Returned wrapped with the reason.
	ErrReadOnly = errors.New("read only")
)

// ValidationError says which input fields are wrong and why (400).
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "validation failed: " + strings.Join(parts, "; ")
}

// invalid returns a validation error for one field.
func invalid(field, reason string, args ...any) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: fmt.Sprintf(reason, args...)}}
}

// fieldErrors collects validation failures; err() is nil when none.
type fieldErrors map[string]string

func (f fieldErrors) add(field, reason string, args ...any) {
	if _, seen := f[field]; !seen {
		f[field] = fmt.Sprintf(reason, args...)
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// RuleError is a refusal by a domain rule; errors.Is(err, ErrRuleViolation).
// Details carry machine-readable extras (e.g. "missing" and "unexpected"
// label lists for a pickup whose scan does not match).
type RuleError struct {
	Message string
	Details map[string]any
}

func (e *RuleError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrRuleViolation) true.
func (e *RuleError) Is(target error) bool { return target == ErrRuleViolation }

func ruleErr(format string, args ...any) *RuleError {
	return &RuleError{Message: fmt.Sprintf(format, args...)}
}

// transitionErr wraps ErrInvalidTransition with what was attempted.
func transitionErr(what, status string) error {
	return fmt.Errorf("%w: cannot %s while %s", ErrInvalidTransition, what, status)
}

// notFound wraps ErrNotFound with the kind of thing.
func notFound(kind, id string) error {
	return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
}
