package web

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// TestFailAnswersAsTheAPI: an error page has the status the API answers
// for the same error (api.TestErrorAnswers holds the same table) and shows
// the translation of its code.
func TestFailAnswersAsTheAPI(t *testing.T) {
	h, err := New(ledgertest.Open(t, ledger.Config{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("%w: waste x", ledger.ErrNotFound), 404, httpx.CodeNotFound},
		{fmt.Errorf("inclusion of 9 in 99: %w", chain.ErrRange), 404, httpx.CodeNotFound},
		{fmt.Errorf("submit: %w", context.DeadlineExceeded), 503, httpx.CodeTimeout},
		{fmt.Errorf("append: %w", chain.ErrClosed), 503, httpx.CodeUnavailable},
		{fmt.Errorf("%w: integrity check failed", ledger.ErrReadOnly), 503, httpx.CodeReadOnly},
		{&ledger.RuleError{Message: "licence expired"}, 422, httpx.CodeRuleViolation},
	} {
		for _, lang := range []string{langZh, langEn} {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/wastes/x", nil)
			h.fail(rec, r.WithContext(withState(r.Context(), &state{lang: lang})), c.err)
			want := translate(lang, "err."+c.code)
			if rec.Code != c.status || !strings.Contains(html.UnescapeString(rec.Body.String()), want) {
				t.Errorf("%v (%s): %d, want %d with %q", c.err, lang, rec.Code, c.status, want)
			}
		}
	}
}

// TestEveryErrorCodeIsTranslated: each code of httpx.Codes has its
// message in both languages.
func TestEveryErrorCodeIsTranslated(t *testing.T) {
	for _, c := range httpx.Codes {
		if m, ok := messages["err."+c]; !ok || m[0] == "" || m[1] == "" {
			t.Errorf("message err.%s missing", c)
		}
	}
}
