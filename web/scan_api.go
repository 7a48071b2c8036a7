package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

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

// apiError is the error body, as in docs/api.md.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Details map[string]any    `json:"details,omitempty"`
}

// scanAPI records a carrier's step sent by the scan page, now or later from
// its offline queue. The session authenticates it (ServeHTTP has checked
// the X-CSRF-Token header); the Idempotency-Key makes a resent step a
// replay of the first answer, never a second event.
func (h *Handler) scanAPI(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.signedIn {
		writeAPIError(w, http.StatusUnauthorized, apiError{Code: "unauthenticated", Message: "sign in again"})
		return
	}
	if !st.p.Has(ledger.RoleTransporter) {
		writeAPIError(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "only carriers scan"})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeAPIError(w, http.StatusRequestEntityTooLarge, apiError{Code: "payload_too_large", Message: "body over 1 MiB"})
		return
	}
	var in scanRequest
	if err := json.Unmarshal(body, &in); err != nil {
		writeAPIError(w, http.StatusBadRequest, apiError{Code: "validation_failed", Message: "malformed JSON"})
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	ctx := r.Context()
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > 100 {
			writeAPIError(w, http.StatusBadRequest, apiError{Code: "validation_failed", Message: "Idempotency-Key over 100 characters"})
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
		writeAPIError(w, http.StatusNotFound, apiError{Code: "not_found", Message: "no such step"})
		return
	}
	if err != nil {
		status, e := apiErrorOf(err)
		if status == http.StatusInternalServerError {
			h.lg.Error("web: scan", "action", action, "err", err)
		}
		writeAPIError(w, status, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": m.ID, "number": m.Number, "status": m.Status, "holder": m.Holder})
}

// apiErrorOf maps a Service error to the API's status and error body.
func apiErrorOf(err error) (int, apiError) {
	status, _, _, fields := classify(err)
	codes := map[int]string{400: "validation_failed", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
		409: "invalid_transition", 422: "rule_violation", 500: "internal"}
	e := apiError{Code: codes[status], Message: err.Error(), Fields: fields}
	if errors.Is(err, ledger.ErrConflict) {
		e.Code = "conflict"
	}
	var re *ledger.RuleError
	if errors.As(err, &re) {
		e.Details = re.Details
	}
	if status == http.StatusInternalServerError {
		e.Message = "internal error"
	}
	return status, e
}

func writeAPIError(w http.ResponseWriter, status int, e apiError) {
	writeJSON(w, status, map[string]apiError{"error": e})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
