package web

import (
	"html/template"
	"net/http"
	"strconv"
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
	// Approvals are the cross-province approvals naming the party that the
	// viewer may see; an inspector on a receiver's page registers one
	// (Generators to choose from, Approval what a refused form sent).
	Approvals  []*ledger.Approval
	CanApprove bool
	Generators []*ledger.Party
	Approval   ledger.ApprovalInput
	Codes      string
	Quantity   string
	Names      names
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
	all, err := h.svc.Approvals(r.Context(), st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range all {
		if a.Generator == p.ID || a.Receiver == p.ID {
			d.Approvals = append(d.Approvals, a)
		}
	}
	if d.Names, err = h.partyNames(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.CanApprove = st.p.Has(ledger.RoleInspector) && p.Receives(); d.CanApprove {
		for _, role := range []ledger.Role{ledger.RoleGenerator, ledger.RoleCollector} {
			gs, err := h.svc.Parties(r.Context(), ledger.PartyFilter{Role: role})
			if err != nil {
				h.fail(w, r, err)
				return
			}
			d.Generators = append(d.Generators, gs...)
		}
	}
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
	status, msg, fields := formError(st.lang, err)
	if status == http.StatusInternalServerError || status == http.StatusUnauthorized || status == http.StatusNotFound {
		h.fail(w, r, err)
		return
	}
	h.showParty(w, r, st, status, partyData{Error: msg, Fields: fields})
}

// registerApproval records, from a receiver's page, a province's approval
// of transfers to it (inspectors).
func (h *Handler) registerApproval(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector)
	if !ok {
		return
	}
	id := r.PathValue("id")
	d := partyData{Codes: r.PostFormValue("codes"), Quantity: r.PostFormValue("quantity_t")}
	d.Approval = ledger.ApprovalInput{Number: r.PostFormValue("number"), Authority: r.PostFormValue("authority"),
		Generator: r.PostFormValue("generator"), Receiver: id, Codes: fieldsOf(d.Codes),
		ValidFrom: r.PostFormValue("valid_from"), ValidTo: r.PostFormValue("valid_to")}
	q, err := strconv.ParseFloat(strings.TrimSpace(d.Quantity), 64)
	if err != nil {
		d.Fields = map[string]string{"quantity_t": translate(st.lang, "err.number")}
		h.showParty(w, r, st, http.StatusBadRequest, d)
		return
	}
	in := d.Approval
	in.QuantityT = q
	if _, err = h.svc.RegisterApproval(r.Context(), st.p, in); err == nil {
		http.Redirect(w, r, "/parties/"+id+"#approvals", http.StatusSeeOther)
		return
	}
	status, msg, fields := formError(st.lang, err)
	if status == http.StatusInternalServerError || status == http.StatusUnauthorized {
		h.fail(w, r, err)
		return
	}
	d.Error, d.Fields = msg, fields
	h.showParty(w, r, st, status, d)
}
