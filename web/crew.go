package web

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

// crewManifests is how many of the party's latest manifests lastCrew
// looks through.
const crewManifests = 50

// lastCrew is the vehicle plate, driver and escort the carrier's scan form
// starts with: those of the party's own custody step on m, else of its
// latest custody step on its other manifests (newest first, the latest
// crewManifests), else empty.
func (h *Handler) lastCrew(r *http.Request, st *state, m *ledger.Manifest) (plate, driver, escort string, err error) {
	if c, ok := latestStep(m, st.p.Party); ok {
		return c.VehiclePlate, c.Driver, c.Escort, nil
	}
	list, err := h.svc.Manifests(r.Context(), st.p, ledger.ManifestFilter{Party: st.p.Party}, ledger.Page{Limit: crewManifests})
	if err != nil {
		return "", "", "", err
	}
	var best ledger.CustodyStep
	for _, x := range list.Items {
		if c, ok := latestStep(x, st.p.Party); ok && c.At.After(best.At) {
			best = c
		}
	}
	return best.VehiclePlate, best.Driver, best.Escort, nil
}

// latestStep is party's latest custody step with a vehicle on m.
func latestStep(m *ledger.Manifest, party string) (ledger.CustodyStep, bool) {
	var last ledger.CustodyStep
	found := false
	for _, c := range m.Custody {
		if c.Party == party && c.VehiclePlate != "" && (!found || !c.At.Before(last.At)) {
			last, found = c, true
		}
	}
	return last, found
}
