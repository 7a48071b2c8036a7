package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// scanAPI records a carrier's step (pickup, handover, positions, deliver)
// sent by the scan page, now or later from its offline queue. The session
// authenticates it (ServeHTTP has checked the X-CSRF-Token header). The
// rest is the API's POST /api/v1/manifests/{id}/{step}: the same strict
// decoding and the same Run (httpx.ManifestStep), the same answers (the
// manifest, or the API's error body) and the same Idempotency-Key hash over
// the API's path, so a step sent here and resent through the API, or the
// other way round, is replayed, never recorded twice.
func (h *Handler) scanAPI(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if !st.signedIn {
		writeAPIError(w, ledger.ErrUnauthenticated)
		return
	}
	id := r.PathValue("id")
	step, ok := carrierStep(r.PathValue("action"))
	if !ok {
		writeAPIError(w, fmt.Errorf("%w: no such step", ledger.ErrNotFound))
		return
	}
	if !st.p.HasAny(step.Roles...) {
		writeAPIError(w, fmt.Errorf("%w: only carriers scan", ledger.ErrForbidden))
		return
	}
	body, err := httpx.ReadBody(w, r)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	ctx, err := httpx.WithIdempotency(r.Context(), r.Header, http.MethodPost, step.Path(id), body)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	m, err := step.Run(ctx, h.svc, st.p, id, r.Header.Get("Content-Type"), body)
	if err != nil {
		if status, _ := httpx.Problem(err); status == http.StatusInternalServerError {
			h.lg.Error("web: scan", "step", step.Name, "err", err)
		}
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// carrierStep finds a step of httpx.CarrierSteps by name.
func carrierStep(name string) (httpx.ManifestStep, bool) {
	for _, s := range httpx.CarrierSteps {
		if s.Name == name {
			return s, true
		}
	}
	return httpx.ManifestStep{}, false
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
