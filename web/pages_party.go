package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

type partyData struct {
	P   *ledger.Party
	Map template.HTML // the party on the district map; empty without a location
	// Admin: the viewer may change the party's region codes; Error and
	// Fields say why a change was refused.
	Admin  bool
	Error  string
	Fields map[string]string
}

// partyPage shows one party to anyone signed in: its roles, street,
// address, contact and permits, and where it is on the district map. The
// trace search and the map's points open it.
func (h *Handler) partyPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	h.showParty(w, r, st, http.StatusOK, partyData{})
}

// showParty renders the party of the request's path with what a refused
// region change sent back.
func (h *Handler) showParty(w http.ResponseWriter, r *http.Request, st *state, status int, d partyData) {
	p, err := h.svc.Party(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.P, d.Admin = p, st.p.Has(ledger.RoleAdmin)
	if p.Location != nil {
		d.Map = districtMap([]*ledger.Party{p}, nil, st.lang)
	}
	h.render(w, r, status, "party", "party.title", d)
}

// setRegion records a party's province and city codes (admins).
func (h *Handler) setRegion(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleAdmin)
	if !ok {
		return
	}
	id := r.PathValue("id")
	_, err := h.svc.SetRegion(r.Context(), st.p, id, ledger.RegionInput{Province: r.PostFormValue("province"), City: r.PostFormValue("city")})
	if err == nil {
		http.Redirect(w, r, "/parties/"+id, http.StatusSeeOther)
		return
	}
	status, key, detail, fields := classify(st.lang, err)
	if status == http.StatusInternalServerError || status == http.StatusUnauthorized || status == http.StatusNotFound {
		h.fail(w, r, err)
		return
	}
	h.showParty(w, r, st, status, partyData{Error: strings.TrimSpace(translate(st.lang, key) + " " + detail), Fields: fields})
}
