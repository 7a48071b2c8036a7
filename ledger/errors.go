package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hwledger/hwledger/ledger/catalog"
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
// ("lines[2]" before "lines[10]"), each with the rule it broke in English;
// FieldsZh names the same fields with the rule in Simplified Chinese. More
// counts the other fields found wrong.
type ValidationError struct {
	Fields   map[string]string
	FieldsZh map[string]string
	More     int
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

// MessageZh says in Chinese what Error says: each field with its Chinese
// reason, in path order.
func (e *ValidationError) MessageZh() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return pathLess(keys[i], keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		r := e.FieldsZh[k]
		if r == "" {
			r = e.Fields[k]
		}
		parts[i] = k + "：" + r
	}
	msg := "填写有误：" + strings.Join(parts, "；")
	if e.More > 0 {
		msg += fmt.Sprintf("（另有 %d 项有误，只列出前 %d 项）", e.More, len(keys))
	}
	return msg
}

// newValidationError is the error for fields, keeping the first
// MaxFieldErrors in path order and counting the rest.
func newValidationError(fields map[string]Text) *ValidationError {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return pathLess(keys[i], keys[j]) })
	e := &ValidationError{Fields: map[string]string{}, FieldsZh: map[string]string{}}
	if len(keys) > MaxFieldErrors {
		e.More = len(keys) - MaxFieldErrors
		keys = keys[:MaxFieldErrors]
	}
	for _, k := range keys {
		e.Fields[k], e.FieldsZh[k] = fields[k].En, fields[k].Zh
	}
	return e
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

// invalid returns a validation error for one field: the rule it broke, in
// both languages, formatted with args.
func invalid(field string, reason Text, args ...any) *ValidationError {
	f := fieldErrors{}
	f.add(field, reason, args...)
	return newValidationError(f)
}

// fieldErrors collects validation failures, each in both languages; err()
// is nil when none.
type fieldErrors map[string]Text

// MaxReason is the longest reason a field error gives, and the longest
// field name, in bytes: a reason that quotes the input (an unknown role, a
// bad code) is cut there.
const MaxReason = 300

// add records that field broke the rule reason states (formatted with
// args, the same for both languages), unless the field has a reason
// already.
func (f fieldErrors) add(field string, reason Text, args ...any) {
	f.put(field, reason.format(args...))
}

// put records reason as it is for field, unless the field has a reason
// already.
func (f fieldErrors) put(field string, reason Text) {
	if _, seen := f[field]; !seen {
		f[field] = reason.clip(MaxReason)
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
// Message says which rule, in English; MessageZh in Simplified Chinese.
// Details carry machine-readable extras (e.g. "missing" and "unexpected"
// label lists for a pickup whose scan does not match).
type RuleError struct {
	Message   string
	MessageZh string
	Details   map[string]any
}

func (e *RuleError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrRuleViolation) true.
func (e *RuleError) Is(target error) bool { return target == ErrRuleViolation }

// ruleErr is the refusal t states, formatted with args (the same for both
// languages: a Chinese format names them with %[n]s when the order differs).
func ruleErr(t Text, args ...any) *RuleError {
	m := t.format(args...)
	return &RuleError{Message: m.En, MessageZh: m.Zh}
}

// TransitionError is a step the subject's status does not allow;
// errors.Is(err, ErrInvalidTransition). What is the step, in both
// languages; Status the subject's status.
type TransitionError struct {
	What   Text
	Status string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%v: cannot %s while %s", ErrInvalidTransition, e.What.En, e.Status)
}

// MessageZh says in Chinese what Error says.
func (e *TransitionError) MessageZh() string {
	st := statusZh[e.Status]
	if st == "" {
		st = e.Status
	}
	return fmt.Sprintf("当前状态为“%s”，不能%s", st, e.What.Zh)
}

// statusZh names the statuses of batches, manifests and alerts in Chinese
// (a status has one name wherever it occurs).
var statusZh = map[string]string{
	WasteStored: "贮存中", WasteManifested: "已填联单", WasteInTransit: "运输中", WasteDelivered: "已送达",
	WasteReceived: "已接收", WasteDisposed: "已处置", WasteRejected: "被拒收", WasteConsolidated: "已合并",
	ManifestSubmitted: "待提货", ManifestClosed: "已办结", ManifestCancelled: "已取消",
	AlertOpen: "未处理", AlertResolved: "已解除", AlertAcknowledged: "已确认",
}

// Is makes errors.Is(err, ErrInvalidTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// transitionErr is the error for attempting what while status.
func transitionErr(what Text, status string) error {
	return &TransitionError{What: what, Status: status}
}

// format is t with each language's text formatted with args; an argument
// that is a Text gives each language its own text.
func (t Text) format(args ...any) Text {
	zh, en := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		zh[i], en[i] = a, a
		if x, ok := a.(Text); ok {
			zh[i], en[i] = x.Zh, x.En
		}
	}
	return Text{Zh: fmt.Sprintf(t.Zh, zh...), En: fmt.Sprintf(t.En, en...)}
}

// clip cuts each language's text to at most n bytes (Clip).
func (t Text) clip(n int) Text { return Text{Zh: Clip(t.Zh, n), En: Clip(t.En, n)} }

// notFound wraps ErrNotFound with the kind of thing.
func notFound(kind, id string) error {
	return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
}

// codeProblem is why a waste code given as input was refused (err from
// the catalogue's Lookup), in both languages.
func codeProblem(err error, code string) Text {
	zh := fmt.Sprintf("名录中没有废物代码 %s；经鉴别属于危险废物而名录未列的，用 900-000-xx（xx 为类别）", code)
	if errors.Is(err, catalog.ErrMalformedCode) {
		zh = fmt.Sprintf("废物代码 %q 格式不对：应为 8 位数字 NNN-NNN-NN，如 900-041-49", code)
	}
	return Text{Zh: zh, En: err.Error()}
}

// creditProblem is why a unified social credit code was refused (err from
// ident.ValidateCreditCode), in both languages.
func creditProblem(err error) Text {
	return Text{Zh: "统一社会信用代码无效：应为 18 位，由数字和除 I、O、S、V、Z 以外的大写字母组成，最后一位是校验码",
		En: err.Error()}
}
