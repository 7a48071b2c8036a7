package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// A collector's page: consolidate batches it received into one batch of
// its own, under its label, and then ship it on (the manifest form).

type consolidateData struct {
	Held    []*ledger.Waste // batches it received and holds
	Chosen  []string
	Code    string
	Form    string
	Forms   []string
	Kg      string
	CType   string
	CCount  string
	Storage string
	Names   names
	Error   string
	Fields  map[string]string
}

// consolidateForm loads the batches the collector holds.
func (h *Handler) consolidateForm(r *http.Request, st *state, d *consolidateData) error {
	list, err := h.svc.Wastes(r.Context(), st.p, ledger.WasteFilter{Status: ledger.WasteReceived, Party: st.p.Party}, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	for _, x := range list.Items {
		if x.Receiver == st.p.Party {
			d.Held = append(d.Held, x)
		}
	}
	d.Forms = ledger.WasteForms
	d.Names, err = h.partyNames(r.Context())
	return err
}

// consolidatePage shows the consolidation form.
func (h *Handler) consolidatePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleCollector)
	if !ok {
		return
	}
	d := consolidateData{Form: ledger.FormSolid, CCount: "1"}
	if err := h.consolidateForm(r, st, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "consolidate", "cons.title", d)
}

// consolidate makes the new batch and shows it (its label to print).
func (h *Handler) consolidate(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleCollector)
	if !ok {
		return
	}
	d := consolidateData{Chosen: r.PostForm["source"], Code: strings.TrimSpace(r.PostFormValue("code")), Form: r.PostFormValue("form"),
		Kg: r.PostFormValue("quantity_kg"), CType: strings.TrimSpace(r.PostFormValue("container_type")),
		CCount: r.PostFormValue("container_count"), Storage: strings.TrimSpace(r.PostFormValue("storage"))}
	if err := h.consolidateForm(r, st, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	in := ledger.ConsolidateInput{SourceIDs: d.Chosen, Code: d.Code, Form: d.Form, Storage: d.Storage,
		Container: ledger.Container{Type: d.CType}}
	d.Fields = map[string]string{}
	var err error
	if in.Quantity, err = parseKg(d.Kg); err != nil {
		d.Fields["quantity_kg"] = translate(st.lang, "err.kg")
	}
	if in.Container.Count, err = strconv.Atoi(strings.TrimSpace(d.CCount)); err != nil {
		d.Fields["container.count"] = translate(st.lang, "err.count")
	}
	if len(d.Fields) == 0 {
		x, err := h.svc.Consolidate(r.Context(), st.p, in)
		if err == nil {
			http.Redirect(w, r, "/wastes/"+x.ID, http.StatusSeeOther)
			return
		}
		status, msg, fields := formError(st.lang, err)
		if status == http.StatusInternalServerError || status == http.StatusUnauthorized {
			h.fail(w, r, err)
			return
		}
		d.Error, d.Fields = msg, fields
	}
	h.render(w, r, http.StatusBadRequest, "consolidate", "cons.title", d)
}

// chosen reports whether batch id is ticked on the form.
func (d consolidateData) IsChosen(id string) bool { return slices.Contains(d.Chosen, id) }
