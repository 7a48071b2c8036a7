package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/labstack/echo/v4"
)

// TestErrorAnswers: the server's error handler answers each ledger error
// with the status and code of httpx.Problem. The web UI's test
// (web.TestFailAnswersAsTheAPI) holds the same table for its error pages.
func TestErrorAnswers(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("%w: waste x", ledger.ErrNotFound), 404, CodeNotFound},
		{fmt.Errorf("inclusion of 9 in 99: %w", chain.ErrRange), 404, CodeNotFound},
		{fmt.Errorf("submit: %w", context.DeadlineExceeded), 503, CodeTimeout},
		{fmt.Errorf("append: %w", chain.ErrClosed), 503, CodeUnavailable},
		{fmt.Errorf("%w: integrity check failed", ledger.ErrReadOnly), 503, CodeReadOnly},
		{&ledger.RuleError{Message: "licence expired"}, 422, CodeRuleViolation},
		{echo.ErrMethodNotAllowed, 405, CodeMethodNotAllowed},
		{echo.ErrNotFound, 404, CodeNotFound},
	} {
		rec := httptest.NewRecorder()
		ts.srv.errorHandler(c.err, ts.srv.Echo().NewContext(httptest.NewRequest(http.MethodGet, "/api/v1/x", nil), rec))
		var body ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: %v: %s", c.err, err, rec.Body)
		}
		if rec.Code != c.status || body.Error.Code != c.code {
			t.Errorf("%v answers %d %s, want %d %s", c.err, rec.Code, body.Error.Code, c.status, c.code)
		}
	}
}
