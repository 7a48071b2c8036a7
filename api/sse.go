package api

import (
	"encoding/json"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// StreamNotice is the data of one SSE `alert` event.
type StreamNotice struct {
	Seq   uint64        `json:"seq"`
	Type  string        `json:"type"`
	Alert *ledger.Alert `json:"alert"`
}

// alertStream serves GET /alerts/stream with httpx.AlertStream, the loop
// the web UI's stream runs too. It ends when the client goes away or the
// server shuts down.
func (s *Server) alertStream(c echo.Context) error {
	return httpx.AlertStream{Service: s.svc, Principal: principal(c), Heartbeat: s.cfg.Heartbeat, Done: s.done,
		Data: func(n ledger.AlertNotice) ([]byte, error) {
			return json.Marshal(StreamNotice{Seq: n.Seq, Type: n.Type, Alert: n.Alert})
		}}.Serve(c.Response(), c.Request())
}
