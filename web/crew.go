package web

import (
	"net/http"
	"slices"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

// crewManifests is how many of the party's latest manifests lastCrew
// looks through, and crewEvents how many of their custody steps it reads
// the events of to find the person's own.
const (
	crewManifests = 50
	crewEvents    = 30
)

// lastCrew is the vehicle plate, driver and escort the carrier's scan form
// starts with: those of the party's own custody step on m if it has one;
// else, of the party's custody steps on its latest manifests (at most
// crewManifests), the latest one recorded by the signed-in person, else the
// latest one; else empty.
func (h *Handler) lastCrew(r *http.Request, st *state, m *ledger.Manifest) (plate, driver, escort string, err error) {
	if steps := crewSteps(m, st.p.Party); len(steps) > 0 {
		return steps[0].VehiclePlate, steps[0].Driver, steps[0].Escort, nil
	}
	list, err := h.svc.Manifests(r.Context(), st.p, ledger.ManifestFilter{Party: st.p.Party}, ledger.Page{Limit: crewManifests})
	if err != nil {
		return "", "", "", err
	}
	var steps []ledger.CustodyStep
	for _, x := range list.Items {
		steps = append(steps, crewSteps(x, st.p.Party)...)
	}
	if len(steps) == 0 {
		return "", "", "", nil
	}
	slices.SortStableFunc(steps, func(a, b ledger.CustodyStep) int { return b.At.Compare(a.At) })
	if st.p.Person != nil {
		for _, c := range steps[:min(len(steps), crewEvents)] {
			b, err := h.svc.Log().Event(c.EventIndex)
			if err != nil {
				return "", "", "", err
			}
			e, err := chain.Decode(b)
			if err != nil {
				return "", "", "", err
			}
			if e.Actor.Person != nil && e.Actor.Person.ID == st.p.Person.ID {
				return c.VehiclePlate, c.Driver, c.Escort, nil
			}
		}
	}
	return steps[0].VehiclePlate, steps[0].Driver, steps[0].Escort, nil
}

// crewSteps are party's custody steps with a vehicle on m, latest first.
func crewSteps(m *ledger.Manifest, party string) []ledger.CustodyStep {
	var out []ledger.CustodyStep
	for _, c := range m.Custody {
		if c.Party == party && c.VehiclePlate != "" {
			out = append(out, c)
		}
	}
	slices.Reverse(out) // custody is in order of time
	return out
}
