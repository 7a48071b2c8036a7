package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// The party admin form: an admin registers a party (POST /parties of the
// API) with its roles, address, contact, region codes (省、市 of the
// administrative division code, the district's by default), a carrier's
// transport permit and a receiver's or collector's licence.

type newPartyData struct {
	Form     ledger.PartyInput
	Roles    []ledger.Role // the roles the form offers
	Lic      ledger.License
	Codes    string // the licence's codes as typed
	Methods  string
	Capacity string
	Error    string
	Fields   map[string]string
}

// HasRole reports whether the form asks for role r.
func (d newPartyData) HasRole(r ledger.Role) bool { return slices.Contains(d.Form.Roles, r) }

func (h *Handler) newPartyPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.need(w, r, ledger.RoleAdmin); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "party_new", "pnew.title", newPartyData{Roles: ledger.AllRoles})
}

// fieldsOf splits a list typed with commas, semicolons or spaces.
func fieldsOf(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '，' || c == ';' || c == '、' || c == ' ' })
}

func (h *Handler) newParty(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleAdmin)
	if !ok {
		return
	}
	d := newPartyData{Roles: ledger.AllRoles, Codes: r.PostFormValue("license_codes"), Methods: r.PostFormValue("license_methods"),
		Capacity: r.PostFormValue("license_capacity")}
	in := ledger.PartyInput{Name: r.PostFormValue("name"), CreditCode: r.PostFormValue("credit_code"),
		Street: r.PostFormValue("street"), Address: r.PostFormValue("address"),
		Contact:         ledger.Contact{Name: r.PostFormValue("contact_name"), Phone: r.PostFormValue("contact_phone")},
		TransportPermit: r.PostFormValue("transport_permit"), Province: r.PostFormValue("province"), City: r.PostFormValue("city")}
	for _, role := range r.PostForm["role"] {
		in.Roles = append(in.Roles, ledger.Role(role))
	}
	d.Lic = ledger.License{Kind: r.PostFormValue("license_kind"), Number: r.PostFormValue("license_number"),
		Codes: fieldsOf(d.Codes), Methods: fieldsOf(d.Methods), ValidFrom: r.PostFormValue("license_from"), ValidTo: r.PostFormValue("license_to")}
	d.Form = in
	if strings.TrimSpace(d.Lic.Number) != "" {
		lic := d.Lic
		if d.Capacity != "" {
			c, err := strconv.ParseFloat(strings.TrimSpace(d.Capacity), 64)
			if err != nil {
				d.Fields = map[string]string{"license.capacity_tonnes": translate(st.lang, "err.number")}
				h.render(w, r, http.StatusBadRequest, "party_new", "pnew.title", d)
				return
			}
			lic.CapacityTonnes = c
		}
		in.License = &lic
	}
	p, err := h.svc.RegisterParty(r.Context(), st.p, in)
	if err == nil {
		http.Redirect(w, r, "/parties/"+p.ID, http.StatusSeeOther)
		return
	}
	status, msg, fields := formError(st.lang, err)
	if status == http.StatusInternalServerError || status == http.StatusUnauthorized {
		h.fail(w, r, err)
		return
	}
	d.Error, d.Fields = msg, fields
	h.render(w, r, status, "party_new", "pnew.title", d)
}
