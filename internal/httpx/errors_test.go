package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

// TestProblem holds the table of errors.go: each error, wrapped as the
// ledger wraps it, answers one status and code.
func TestProblem(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{&ledger.ValidationError{Fields: map[string]string{"code": "unknown"}}, 400, CodeValidation},
		{BadRequest("limit", "must be an integer from 1 to 500"), 400, CodeValidation},
		{fmt.Errorf("token: %w", ledger.ErrUnauthenticated), 401, CodeUnauthenticated},
		{fmt.Errorf("%w: carriers only", ledger.ErrForbidden), 403, CodeForbidden},
		{fmt.Errorf("%w: waste x", ledger.ErrNotFound), 404, CodeNotFound},
		{fmt.Errorf("event 99: %w", chain.ErrRange), 404, CodeNotFound},
		{fmt.Errorf("%w: cannot deliver while submitted", ledger.ErrInvalidTransition), 409, CodeInvalidTransition},
		{fmt.Errorf("%w: key reused", ledger.ErrConflict), 409, CodeConflict},
		{&http.MaxBytesError{Limit: 1 << 20}, 413, CodeTooLarge},
		{&ledger.RuleError{Message: "licence expired"}, 422, CodeRuleViolation},
		{fmt.Errorf("%w: bare", ledger.ErrRuleViolation), 422, CodeRuleViolation},
		{fmt.Errorf("submit: %w", context.DeadlineExceeded), 503, CodeTimeout},
		{fmt.Errorf("append: %w", chain.ErrClosed), 503, CodeUnavailable},
		{fmt.Errorf("%w: projection digest differs at checkpoint 12", ledger.ErrReadOnly), 503, CodeReadOnly},
		{errors.New("disk on fire"), 500, CodeInternal},
	} {
		status, d := Problem(c.err)
		if status != c.status || d.Code != c.code {
			t.Errorf("Problem(%v) = %d %s, want %d %s", c.err, status, d.Code, c.status, c.code)
		}
		if status == 500 && d.Message != "internal error" {
			t.Errorf("an internal error discloses %q", d.Message)
		}
	}
}

// TestScanMismatchLists: a pickup whose labels do not match answers the
// missing and unexpected lists at the top level too, never null.
func TestScanMismatchLists(t *testing.T) {
	_, d := Problem(&ledger.RuleError{Message: "labels do not match",
		Details: map[string]any{"missing": []string{"A"}, "unexpected": []string(nil)}})
	if fmt.Sprint(d.Missing) != "[A]" || d.Unexpected == nil || len(d.Unexpected.([]string)) != 0 {
		t.Fatalf("missing %#v, unexpected %#v", d.Missing, d.Unexpected)
	}
}

func TestCodesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c] || c == "" {
			t.Errorf("code %q listed twice or empty", c)
		}
		seen[c] = true
	}
	if len(Codes) != 19 {
		t.Errorf("%d codes, want the 19 of the table", len(Codes))
	}
}
