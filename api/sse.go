package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// StreamNotice is the data of one SSE `alert` event.
type StreamNotice struct {
	Seq   uint64        `json:"seq"`
	Type  string        `json:"type"`
	Alert *ledger.Alert `json:"alert"`
}

// alertStream serves GET /alerts/stream. It subscribes before replaying
// what the client missed (Last-Event-ID), so no notice falls in between,
// and skips any notice with a sequence number already sent. It ends when
// the client goes away or the server shuts down.
func (s *Server) alertStream(c echo.Context) error {
	var last uint64
	lastID := c.Request().Header.Get("Last-Event-ID")
	if lastID == "" {
		lastID = c.QueryParam("last_event_id")
	}
	if lastID != "" {
		n, err := strconv.ParseUint(lastID, 10, 64)
		if err != nil {
			return badRequest("Last-Event-ID", "must be a sequence number sent by this stream")
		}
		last = n
	}
	p := principal(c)
	ch, cancel := s.svc.Subscribe(p)
	defer cancel()
	var backlog []ledger.AlertNotice
	if lastID != "" {
		var err error
		if backlog, err = s.svc.AlertNoticesSince(p, last); err != nil {
			return err
		}
	}

	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	w.Flush()

	have := lastID != "" // last is meaningful: skip notices up to it
	send := func(n ledger.AlertNotice) error {
		if have && n.Seq <= last {
			return nil
		}
		b, err := json.Marshal(StreamNotice{Seq: n.Seq, Type: n.Type, Alert: n.Alert})
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: alert\ndata: %s\n\n", n.Seq, b); err != nil {
			return err
		}
		w.Flush()
		last, have = n.Seq, true
		return nil
	}
	for _, n := range backlog {
		if err := send(n); err != nil {
			return nil
		}
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.done:
			return nil
		case n, open := <-ch:
			if !open {
				return nil
			}
			if err := send(n); err != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}
