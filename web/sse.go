package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// alertEvent is the data of one SSE "alert" event: the notice plus the
// kind's name in the session's language, so the page can show it as is.
type alertEvent struct {
	Type      string        `json:"type"`
	Alert     *ledger.Alert `json:"alert"`
	KindLabel string        `json:"kind_label"`
	Message   string        `json:"message"` // the alert's, in the page's language
	Party     string        `json:"party_name"`
}

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// alertStream is the dashboard's live feed: Server-Sent Events over the
// session (EventSource cannot send a bearer token), one "alert" event per
// raise, resolve or acknowledgement the party may see, run by
// httpx.AlertStream as the API's stream is. The event id is the notice's
// sequence number; a reconnecting browser sends it back as Last-Event-ID
// and receives what it missed.
func (h *Handler) alertStream(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	n, _ := h.partyNames(r.Context())
	err := httpx.AlertStream{Service: h.svc, Principal: st.p, Heartbeat: heartbeat, Done: h.opts.Done,
		Data: func(a ledger.AlertNotice) ([]byte, error) {
			return json.Marshal(alertEvent{Type: a.Type, Alert: a.Alert,
				KindLabel: translate(st.lang, "kind."+a.Alert.Kind), Message: alertMessage(st.lang, a.Alert),
				Party: n.Of(a.Alert.Party)})
		}}.Serve(w, r)
	if err != nil {
		h.fail(w, r, err)
	}
}
