package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlertStream: the dashboard's stream runs the API's loop
// (httpx.AlertStream): an alert reaches it as an "alert" event with the
// notice's sequence number as id, Last-Event-ID resumes after a notice,
// a Last-Event-ID that is not a number is 400, and closing Options.Done
// (the server shutting down) ends the stream.
func TestAlertStream(t *testing.T) {
	f := newFixture(t)
	done := make(chan struct{})
	h, err := New(f.svc, Options{Done: done})
	require.NoError(t, err)
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	c := client(t)
	signIn(t, f, c, f.tokens["inspector"])

	type event struct {
		id   uint64
		data alertEvent
	}
	open := func(lastID string) (*http.Response, <-chan event, <-chan struct{}) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, err := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/ui/alerts/stream", nil)
		require.NoError(t, err)
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		res, err := c.Do(req)
		require.NoError(t, err)
		events, ended := make(chan event, 100), make(chan struct{})
		if res.StatusCode != http.StatusOK {
			res.Body.Close()
			close(ended)
			return res, events, ended
		}
		go func() {
			defer close(ended)
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			var ev event
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "id: "):
					ev.id, _ = strconv.ParseUint(line[4:], 10, 64)
				case strings.HasPrefix(line, "data: "):
					_ = json.Unmarshal([]byte(line[6:]), &ev.data)
				case line == "" && ev.id != 0:
					events <- ev
					ev = event{}
				}
			}
		}()
		return res, events, ended
	}
	next := func(ch <-chan event) event {
		t.Helper()
		select {
		case ev := <-ch:
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no alert on the stream")
		}
		return event{}
	}

	res, _, _ := open("x")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)

	res, events, ended := open("")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	clinic, err := f.svc.Authenticate(f.tokens["gen2"])
	require.NoError(t, err)
	_, err = f.svc.RegisterWaste(t.Context(), clinic, ledger.WasteInput{Code: "841-001-01", Form: "solid",
		Quantity: ledger.KgToGrams(3), Container: ledger.Container{Type: "医疗废物周转箱", Count: 1},
		GeneratedAt: f.svc.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	// A year on, the batch has passed its due-soon and overdue marks.
	require.NoError(t, f.svc.AdvanceClock(t.Context(), 8040*time.Hour))
	first := next(events)
	assert.Equal(t, "alert.raised", first.data.Type)
	assert.Equal(t, "紫荆山南路社区卫生服务中心", first.data.Party)
	assert.NotEmpty(t, first.data.KindLabel)

	signIn(t, f, c, f.tokens["inspector"]) // the clock's year ended the session
	res, resumed, _ := open(strconv.FormatUint(first.id, 10))
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Greater(t, next(resumed).id, first.id)

	close(done)
	select {
	case <-ended:
	case <-time.After(3 * time.Second):
		t.Fatal("the stream did not end when Done closed")
	}
}
