package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
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

// MaxFieldErrors is the most fields one validation error names: a body
// with thousands of bad lines is answered with the first MaxFieldErrors
// of them and the number of the others, not with an answer larger than
// the request.
const MaxFieldErrors = 50

// ValidationError says which input fields are wrong and why (400). Fields
// names at most MaxFieldErrors fields, the first in path order
// ("lines[2]" before "lines[10]"); More counts the other fields found
// wrong.
type ValidationError struct {
	Fields map[string]string
	More   int
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return pathLess(keys[i], keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	msg := "validation failed: " + strings.Join(parts, "; ")
	if e.More > 0 {
		msg += fmt.Sprintf(" (and %d more fields; the first %d are listed)", e.More, len(keys))
	}
	return msg
}

// newValidationError is the error for fields, keeping the first
// MaxFieldErrors in path order and counting the rest.
func newValidationError(fields map[string]string) *ValidationError {
	if len(fields) <= MaxFieldErrors {
		return &ValidationError{Fields: fields}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return pathLess(keys[i], keys[j]) })
	kept := make(map[string]string, MaxFieldErrors)
	for _, k := range keys[:MaxFieldErrors] {
		kept[k] = fields[k]
	}
	return &ValidationError{Fields: kept, More: len(fields) - MaxFieldErrors}
}

// pathLess orders field paths as a reader does: runs of digits compare
// as numbers, so lines[2] comes before lines[10].
func pathLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

// digitRun is the length of the run of ASCII digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// invalid returns a validation error for one field.
func invalid(field, reason string, args ...any) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: fmt.Sprintf(reason, args...)}}
}

// fieldErrors collects validation failures; err() is nil when none.
type fieldErrors map[string]string

// MaxReason is the longest reason a field error gives, and the longest
// field name, in bytes: a reason that quotes the input (an unknown role, a
// bad code) is cut there.
const MaxReason = 300

func (f fieldErrors) add(field, reason string, args ...any) {
	if _, seen := f[field]; !seen {
		f[field] = Clip(fmt.Sprintf(reason, args...), MaxReason)
	}
}

// Clip cuts s to at most n bytes at a character boundary, marking the cut
// with "…".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return newValidationError(f)
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
