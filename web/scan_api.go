package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// scanRequest is the JSON the scan page sends (the same fields as the
// API's pickup, handover, deliver and positions bodies).
type scanRequest struct {
	Labels       []string            `json:"labels"`
	VehiclePlate string              `json:"vehicle_plate"`
	Driver       string              `json:"driver"`
	Location     *ledger.Location    `json:"location"`
	Points       []ledger.TrackPoint `json:"points"`
	OccurredAt   *time.Time          `json:"occurred_at"`
}

// scanAPI records a carrier's step sent by the scan page, now or later from
// its offline queue. The session authenticates it (ServeHTTP has checked
// the X-CSRF-Token header); the Idempotency-Key makes a resent step a
// replay of the first answer, never a second event.
func (h *Handler) scanAPI(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.signedIn {
		writeAPIError(w, ledger.ErrUnauthenticated)
		return
	}
	if !st.p.Has(ledger.RoleTransporter) {
		writeAPIError(w, fmt.Errorf("%w: only carriers scan", ledger.ErrForbidden))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	var in scanRequest
	if err := json.Unmarshal(body, &in); err != nil {
		writeAPIError(w, httpx.BadRequest("body", "malformed JSON"))
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	ctx := r.Context()
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > 100 {
			writeAPIError(w, httpx.BadRequest("Idempotency-Key", "must be at most 100 characters"))
			return
		}
		sum := sha256.Sum256([]byte("POST /api/v1/manifests/" + id + "/" + action + "\n" + string(body)))
		ctx = ledger.WithIdempotency(ctx, key, hex.EncodeToString(sum[:]))
	}
	custody := ledger.CustodyInput{Labels: in.Labels, VehiclePlate: in.VehiclePlate, Driver: in.Driver,
		Location: in.Location, OccurredAt: in.OccurredAt}
	var m *ledger.Manifest
	switch action {
	case actPickup:
		m, err = h.svc.Pickup(ctx, st.p, id, custody)
	case actHandover:
		m, err = h.svc.Handover(ctx, st.p, id, custody)
	case actDeliver:
		m, err = h.svc.Deliver(ctx, st.p, id, ledger.DeliverInput{Location: in.Location, OccurredAt: in.OccurredAt})
	case "positions":
		m, err = h.svc.Positions(ctx, st.p, id, ledger.PositionsInput{Points: in.Points, OccurredAt: in.OccurredAt})
	default:
		writeAPIError(w, fmt.Errorf("%w: no such step", ledger.ErrNotFound))
		return
	}
	if err != nil {
		if status, _ := httpx.Problem(err); status == http.StatusInternalServerError {
			h.lg.Error("web: scan", "action", action, "err", err)
		}
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": m.ID, "number": m.Number, "status": m.Status, "holder": m.Holder})
}

// writeAPIError answers err as the API does: the status and body of
// httpx.Problem.
func writeAPIError(w http.ResponseWriter, err error) {
	status, d := httpx.Problem(err)
	writeJSON(w, status, httpx.ErrorBody{Error: d})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
