package web

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

// The people page: a party's manager (or an admin, for the admin's own
// party) lists, adds, disables and resets the party's people, and issues
// and revokes its API tokens (for one of its people, or for a machine).
// A one-time password or a new token is shown once, on the page that
// follows the step.

type peopleData struct {
	People []*ledger.Person
	// New is the person just added or reset, with their one-time password.
	New    *ledger.NewPerson
	Error  string
	Fields map[string]string
	Form   ledger.PersonInput
	Roles  []string // the roles the form offers
	// Tokens are the party's API tokens, newest first; NewToken is the
	// one just issued, shown this once.
	Tokens   []ledger.Token
	NewToken string
}

// needManager is need for a manager (a person) or an admin.
func (h *Handler) needManager(w http.ResponseWriter, r *http.Request) (*state, bool) {
	st, ok := h.need(w, r)
	if !ok {
		return nil, false
	}
	if !st.p.Has(ledger.RoleAdmin) && st.p.PersonRole != ledger.PersonManager {
		h.renderError(w, r, http.StatusForbidden, "err.forbidden")
		return nil, false
	}
	return st, true
}

func (h *Handler) renderPeople(w http.ResponseWriter, r *http.Request, st *state, status int, d peopleData) {
	people, err := h.svc.People(r.Context(), st.p, st.p.Party)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.People = people
	if d.Tokens, err = h.svc.Tokens(r.Context(), st.p, st.p.Party); err != nil {
		h.fail(w, r, err)
		return
	}
	d.Roles = []string{string(ledger.PersonOperator), string(ledger.PersonManager)}
	if st.p.Has(ledger.RoleAdmin) {
		d.Roles = append(d.Roles, string(ledger.PersonInspector), string(ledger.PersonAdmin))
	}
	h.render(w, r, status, "people", "people.title", d)
}

func (h *Handler) peoplePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needManager(w, r)
	if !ok {
		return
	}
	h.renderPeople(w, r, st, http.StatusOK, peopleData{})
}

func (h *Handler) addPerson(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needManager(w, r)
	if !ok {
		return
	}
	in := ledger.PersonInput{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
		Username: r.PostFormValue("username"), Role: ledger.PersonRole(r.PostFormValue("role"))}
	np, err := h.svc.AddPerson(clientContext(r), st.p, st.p.Party, in)
	if err != nil {
		h.peopleRefused(w, r, st, err, peopleData{Form: in})
		return
	}
	h.renderPeople(w, r, st, http.StatusCreated, peopleData{New: np})
}

func (h *Handler) personAction(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needManager(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var np *ledger.NewPerson
	var err error
	switch r.PathValue("action") {
	case "disable":
		_, err = h.svc.DisablePerson(clientContext(r), st.p, id)
	case "reset":
		np, err = h.svc.ResetPassword(clientContext(r), st.p, id)
	case "remove-totp":
		_, err = h.svc.RemoveTOTP(clientContext(r), st.p, id)
	default:
		h.renderError(w, r, http.StatusNotFound, "err.not_found")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if np != nil {
		h.renderPeople(w, r, st, http.StatusOK, peopleData{New: np})
		return
	}
	http.Redirect(w, r, "/people", http.StatusSeeOther)
}

// addToken issues an API token for the party: for one of its people (the
// token acts as them and stops when they are disabled) or, without a
// person, for a machine.
func (h *Handler) addToken(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needManager(w, r)
	if !ok {
		return
	}
	in := ledger.TokenInput{Person: r.PostFormValue("person"), Label: r.PostFormValue("label")}
	_, tok, err := h.svc.CreateToken(clientContext(r), st.p, st.p.Party, in)
	if err != nil {
		h.peopleRefused(w, r, st, err, peopleData{})
		return
	}
	h.renderPeople(w, r, st, http.StatusCreated, peopleData{NewToken: tok})
}

// peopleRefused shows the people page again with the ledger's reason for
// refusing a form (d holds what to show filled in); a server fault goes to
// the error page.
func (h *Handler) peopleRefused(w http.ResponseWriter, r *http.Request, st *state, err error, d peopleData) {
	status, key, _, fields := classify(st.lang, err)
	if status >= 500 {
		h.fail(w, r, err)
		return
	}
	d.Error, d.Fields = key, fields
	h.renderPeople(w, r, st, status, d)
}

// revokeToken revokes one of the party's API tokens.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	st, ok := h.needManager(w, r)
	if !ok {
		return
	}
	if err := h.svc.RevokeToken(clientContext(r), st.p, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people#tokens", http.StatusSeeOther)
}
