package web

import (
	"html/template"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

type partyData struct {
	P   *ledger.Party
	Map template.HTML // the party on the district map; empty without a location
}

// partyPage shows one party to anyone signed in: its roles, street,
// address, contact and permits, and where it is on the district map. The
// trace search and the map's points open it.
func (h *Handler) partyPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	p, err := h.svc.Party(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := partyData{P: p}
	if p.Location != nil {
		d.Map = districtMap([]*ledger.Party{p}, nil, st.lang)
	}
	h.render(w, r, http.StatusOK, "party", "party.title", d)
}
