package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// alertEvent is the data of one SSE "alert" event: the notice plus the
// kind's name in the session's language, so the page can show it as is.
type alertEvent struct {
	Type      string        `json:"type"`
	Alert     *ledger.Alert `json:"alert"`
	KindLabel string        `json:"kind_label"`
	Party     string        `json:"party_name"`
}

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// alertStream is the dashboard's live feed: Server-Sent Events over the
// session (EventSource cannot send a bearer token), one "alert" event per
// raise, resolve or acknowledgement the party may see. The event id is the
// notice's sequence number; a reconnecting browser sends it back as
// Last-Event-ID and receives what it missed.
func (h *Handler) alertStream(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, cancel := h.svc.Subscribe(st.p)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	n, _ := h.partyNames(r.Context())
	send := func(a ledger.AlertNotice) error {
		b, err := json.Marshal(alertEvent{Type: a.Type, Alert: a.Alert,
			KindLabel: translate(st.lang, "kind."+a.Alert.Kind), Party: n.Of(a.Alert.Party)})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "id: %d\nevent: alert\ndata: %s\n\n", a.Seq, b)
		return err
	}
	var last uint64
	if id, err := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64); err == nil {
		missedNotices, err := h.svc.AlertNoticesSince(st.p, id)
		if err == nil {
			for _, a := range missedNotices {
				if send(a) != nil {
					return
				}
				last = a.Seq
			}
		}
	}
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	fl.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case a, ok := <-ch:
			if !ok {
				return
			}
			if a.Seq <= last && last != 0 {
				continue // already sent from the backlog
			}
			if send(a) != nil {
				return
			}
			fl.Flush()
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
