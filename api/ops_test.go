package api

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClockRouteNeedsTestClock(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.TestClock = false })
	for _, tok := range []string{"", ts.admin} {
		a := ts.do("POST", "/api/v1/admin/clock", tok, map[string]any{"advance": "1h"})
		assert.Equal(t, http.StatusNotFound, a.status, "%s", a)
		assert.Equal(t, CodeNotFound, a.errCode())
	}
}

func TestClockAdvance(t *testing.T) {
	ts := newTestServer(t)
	var c ClockAnswer
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", ts.admin, map[string]any{"advance": "49h"}, &c)
	assert.Equal(t, t0.Add(49*time.Hour), c.Now)
}

func TestMetricsAndHealth(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	ts.waste(d.gen, "900-214-08", 1)
	ts.do("GET", "/api/v1/wastes/nope", d.gen.token, nil)
	var h map[string]any
	ts.must(http.StatusOK, "GET", "/healthz", "", nil, &h)
	assert.Equal(t, "ok", h["status"])
	ts.must(http.StatusUnauthorized, "GET", "/metrics", "", nil, nil)
	ts.must(http.StatusForbidden, "GET", "/metrics", d.gen.token, nil, nil)
	m := string(ts.must(http.StatusOK, "GET", "/metrics", ts.admin, nil, nil).body)
	assert.Contains(t, m, `hwledger_http_requests_total{method="POST",route="/api/v1/wastes",status="201"} 1`)
	assert.Contains(t, m, `hwledger_http_requests_total{method="GET",route="/api/v1/wastes/:id",status="404"} 1`)
	assert.Contains(t, m, "hwledger_http_request_duration_seconds_bucket")
	assert.Contains(t, m, "hwledger_ledger_size ")
	assert.Contains(t, m, "hwledger_open_alerts 0")
}

func TestAssessmentCSV(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	ts.waste(d.gen, "900-214-08", 10)
	a := ts.do("GET", "/api/v1/assessment?group_by=party", d.insp.token, nil, "Accept", "text/csv")
	require.Equal(t, http.StatusOK, a.status, "%s", a)
	assert.Contains(t, a.header.Get("Content-Type"), "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(a.body))).ReadAll()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rows), 2)
	assert.Equal(t, "group", rows[0][0])
	for _, col := range []string{"generated_kg", "medical_generated_kg", "disposed_kg", "disposal_rate", "medical_disposal_rate",
		"on_time_rate", "overdue_alerts", "open_alerts", "discrepancies", "avg_days_to_disposal", "score", "rank"} {
		assert.Contains(t, rows[0], col)
	}
	var j struct {
		Rows []map[string]any `json:"rows"`
	}
	ts.must(http.StatusOK, "GET", "/api/v1/assessment?group_by=street&from=2025-03-01&to=2026-03-02", d.insp.token, nil, &j)
	assert.NotEmpty(t, j.Rows)
}

// TestShutdownFinishesInFlight: requests in flight when Shutdown starts are
// answered, and every acknowledged registration is in the ledger.
func TestShutdownFinishesInFlight(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", ts.url+"/api/v1/wastes", strings.NewReader(mustJSON(ts.wasteBody("900-214-08", 1))))
				req.Header.Set("Authorization", "Bearer "+d.gen.token)
				resp, err := ts.client.Do(req)
				if err != nil {
					return
				}
				var w struct{ ID string }
				if resp.StatusCode == http.StatusCreated {
					_ = decodeJSON(resp.Body, &w)
					mu.Lock()
					acked = append(acked, w.ID)
					mu.Unlock()
				}
				resp.Body.Close()
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, ts.srv.Shutdown(ctx))
	close(stop)
	wg.Wait()
	require.NotEmpty(t, acked)
	for _, id := range acked {
		_, err := ts.svc.Waste(context.Background(), insp(ts), id)
		require.NoError(t, err, "acknowledged batch %s is missing", id)
	}
}
