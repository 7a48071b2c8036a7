package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/api/apitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	id, event, data string
}

// openStream opens /alerts/stream and returns a channel of events and of
// heartbeat comments.
func openStream(t *testing.T, ts *testServer, token, lastID string) (<-chan sseEvent, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", ts.url+"/api/v1/alerts/stream", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := ts.client.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := make(chan sseEvent, 100)
	beats := make(chan struct{}, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.event != "" {
					events <- ev
				}
				ev = sseEvent{}
			case line == ": heartbeat":
				select {
				case beats <- struct{}{}:
				default:
				}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
		close(events)
	}()
	return events, beats, cancel
}

func next(t *testing.T, ch <-chan sseEvent) StreamNotice {
	t.Helper()
	select {
	case ev := <-ch:
		require.Equal(t, "alert", ev.event)
		doc, err := OpenAPI()
		require.NoError(t, err)
		require.NoError(t, apitest.New(t, doc).Schema("AlertNotice", []byte(ev.data)), "%s", ev.data)
		var n StreamNotice
		require.NoError(t, json.Unmarshal([]byte(ev.data), &n))
		require.Equal(t, ev.id, jsonNumber(n.Seq))
		return n
	case <-time.After(5 * time.Second):
		t.Fatal("no alert on the stream")
	}
	return StreamNotice{}
}

func jsonNumber(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// TestAlertStream: an alert raised by the test clock reaches the inspector's
// stream and the generator's, not another generator's; heartbeats flow;
// Last-Event-ID resumes after the given notice.
func TestAlertStream(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	insp, beats, stopI := openStream(t, ts, d.insp.token, "")
	defer stopI()
	gen, _, stopG := openStream(t, ts, d.gen.token, "")
	defer stopG()
	other, _, stopO := openStream(t, ts, d.gen2.token, "")
	defer stopO()

	var w struct{ ID string }
	body := ts.wasteBody("841-001-01", 3)
	body["form"] = "solid"
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.hosp.token, body, nil)
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", d.gen.token, ts.wasteBody("900-214-08", 3), &w)
	// 1 year − 30 days after generation the generator's batch is due soon.
	ts.must(http.StatusOK, "POST", "/api/v1/admin/clock", ts.admin, map[string]any{"advance": "8040h"}, nil)

	// The hospital's batch passes both its due-soon and overdue marks (its
	// notices come too); the generator's batch gets one raise.
	var first StreamNotice
	for {
		n := next(t, insp)
		if first.Seq == 0 {
			first = n
		}
		if n.Alert.Subject == w.ID {
			assert.Equal(t, "alert.raised", n.Type)
			break
		}
	}
	g := next(t, gen)
	assert.Equal(t, w.ID, g.Alert.Subject)
	select {
	case ev := <-other:
		var n StreamNotice
		_ = json.Unmarshal([]byte(ev.data), &n)
		if n.Alert != nil {
			assert.NotEqual(t, w.ID, n.Alert.Subject, "another generator's alert leaked")
		}
	case <-time.After(300 * time.Millisecond):
	}
	select {
	case <-beats:
	case <-time.After(3 * time.Second):
		t.Fatal("no heartbeat")
	}

	// Resume after the first notice: the rest are replayed, not the first.
	resumed, _, stopR := openStream(t, ts, d.insp.token, jsonNumber(first.Seq))
	defer stopR()
	n := next(t, resumed)
	assert.Greater(t, n.Seq, first.Seq)
}
