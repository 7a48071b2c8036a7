package httpx

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// AlertStream is one Server-Sent Events stream of the alert notices a
// principal may see: the API's GET /api/v1/alerts/stream (bearer token)
// and the web UI's GET /ui/alerts/stream (session) are both one.
type AlertStream struct {
	Service   *ledger.Service
	Principal ledger.Principal
	// Heartbeat is the interval of ": heartbeat" comments, which keep
	// proxies from closing an idle stream. Default 15 s.
	Heartbeat time.Duration
	// Done, when closed, ends the stream (the server shuts down); nil
	// never closes.
	Done <-chan struct{}
	// Data is the JSON of one notice's "data:" line.
	Data func(ledger.AlertNotice) ([]byte, error)
}

// LastEventID reads where a reconnecting client left off: the
// Last-Event-ID header (what EventSource sends back) or, for clients that
// cannot set headers, ?last_event_id=. ok is false when neither is given;
// anything but a sequence number is a 400.
func LastEventID(r *http.Request) (seq uint64, ok bool, err error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, BadRequest("Last-Event-ID", "must be a sequence number sent by this stream")
	}
	return n, true, nil
}

// Serve streams until the client goes away, Done closes or the Service
// drops the subscription. One "alert" event per notice, its id the
// notice's sequence number. It subscribes before replaying what a
// reconnecting client missed (LastEventID), so no notice falls in between,
// and skips any notice with a sequence number already sent (but a held
// one, ledger.AlertNotice.Held). An error
// returned before the stream starts (a bad Last-Event-ID, a failed replay)
// is for the caller to answer; once the stream has started it returns nil.
func (s AlertStream) Serve(w http.ResponseWriter, r *http.Request) error {
	last, have, err := LastEventID(r)
	if err != nil {
		return err
	}
	ch, cancel, err := s.Service.Subscribe(s.Principal)
	if err != nil {
		return err
	}
	defer cancel()
	var backlog []ledger.AlertNotice
	if have {
		if backlog, err = s.Service.AlertNoticesSince(s.Principal, last); err != nil {
			return err
		}
	}

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	if rc.Flush() != nil {
		return nil
	}
	send := func(n ledger.AlertNotice) error {
		if have && n.Seq <= last && !n.Held {
			return nil
		}
		b, err := s.Data(n)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: alert\ndata: %s\n\n", n.Seq, b); err != nil {
			return err
		}
		last, have = n.Seq, true
		return rc.Flush()
	}
	for _, n := range backlog {
		if send(n) != nil {
			return nil
		}
	}
	beat := s.Heartbeat
	if beat <= 0 {
		beat = 15 * time.Second
	}
	tick := time.NewTicker(beat)
	defer tick.Stop()
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.Done:
			return nil
		case n, open := <-ch:
			if !open || send(n) != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}
