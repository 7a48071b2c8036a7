package web

import (
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// scanAction is the next custody step party may take on m, or "".
func scanAction(m *ledger.Manifest, party string) string {
	switch m.Status {
	case ledger.ManifestSubmitted:
		if len(m.Carriers) > 0 && m.Carriers[0] == party {
			return httpx.StepPickup.Name
		}
	case ledger.ManifestInTransit:
		if m.Holder == party && m.CarrierIndex == len(m.Carriers)-1 {
			return httpx.StepDeliver.Name // only the last carrier delivers
		}
		if next := m.CarrierIndex + 1; next < len(m.Carriers) && m.Carriers[next] == party {
			return httpx.StepHandover.Name
		}
	}
	return ""
}

type scanData struct {
	M      *ledger.Manifest
	Lines  []manifestLine
	Names  names
	Action string
	// The vehicle, driver and escort (押运员) the form starts with: the
	// party's own on this manifest, else those of its latest custody step
	// on any manifest (lastCrew).
	Plate, Driver, Escort string
	// Next is the carrier the holder hands the load over to when it is not
	// the last ("" otherwise): it is offered no delivery.
	Next *ledger.Party
	// Receiver is where the load is delivered (the deliver step names it).
	Receiver *ledger.Party
}

// scanPage is the carrier's phone page: read the labels with the camera or
// type them, then pick up, take over or deliver; works offline.
func (h *Handler) scanPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleTransporter)
	if !ok {
		return
	}
	m, err := h.svc.Manifest(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lines, err := h.loadManifestLines(r, st, m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := scanData{M: m, Lines: lines, Names: n, Action: scanAction(m, st.p.Party), Receiver: n.Get(m.Receiver)}
	if next := m.CarrierIndex + 1; m.Status == ledger.ManifestInTransit && m.Holder == st.p.Party && next < len(m.Carriers) {
		d.Next = n.Get(m.Carriers[next])
	}
	if d.Plate, d.Driver, d.Escort, err = h.lastCrew(r, st, m); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "scan", "scan.title", d)
}
