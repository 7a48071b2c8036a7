package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
)

// disposalMethods are the methods receiver's licence allows for w
// (ledger.MethodAllowed: medical waste only the Y-codes and D10
// incineration, unless taken as HW03 or HW49 waste).
func disposalMethods(receiver *ledger.Party, w *ledger.Waste) []catalog.Method {
	if receiver == nil || receiver.License == nil {
		return nil
	}
	var out []catalog.Method
	for _, code := range receiver.License.Methods {
		m, ok := catalog.MethodByCode(code)
		if !ok || !ledger.MethodAllowed(receiver.License, w, code) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// receiptForm is one batch's row of the receipt form as typed.
type receiptForm struct {
	W                 *ledger.Waste
	Kg, Count, Note   string
	Accepted          bool
	KgError, CntError string
}

type receiveData struct {
	M      *ledger.Manifest
	Rows   []receiptForm
	Names  names
	Error  string
	Fields map[string]string
	// PaperAt is the time on the paper a receipt of a manifest entered
	// from paper was sent with.
	PaperAt string
}

// receivePage shows the receipt form, prefilled with what was declared.
func (h *Handler) receivePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleReceiver, ledger.RoleCollector, ledger.RoleGenerator) // a generator receives a return
	if !ok {
		return
	}
	d, err := h.receiveData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range d.Rows {
		x := d.Rows[i].W
		d.Rows[i].Kg, d.Rows[i].Count, d.Rows[i].Accepted = kgString(x.Quantity), strconv.Itoa(x.Container.Count), true
	}
	h.render(w, r, http.StatusOK, "receive", "recv.title", d)
}

func (h *Handler) receiveData(r *http.Request, st *state) (receiveData, error) {
	m, err := h.svc.Manifest(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		return receiveData{}, err
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		return receiveData{}, err
	}
	d := receiveData{M: m, Names: n}
	for _, id := range m.WasteIDs {
		x, err := h.svc.Waste(r.Context(), st.p, id)
		if err != nil {
			return receiveData{}, err
		}
		d.Rows = append(d.Rows, receiptForm{W: x})
	}
	return d, nil
}

// receive records the receipt of every batch; a difference beyond the
// tolerance or a rejection raises a discrepancy alert (Service rule).
func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleReceiver, ledger.RoleCollector, ledger.RoleGenerator)
	if !ok {
		return
	}
	d, err := h.receiveData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in ledger.ReceiveInput
	bad := false
	for i := range d.Rows {
		row := &d.Rows[i]
		id := row.W.ID
		row.Kg, row.Count = r.PostFormValue("kg_"+id), r.PostFormValue("count_"+id)
		row.Note, row.Accepted = strings.TrimSpace(r.PostFormValue("note_"+id)), r.PostFormValue("accept_"+id) != "no"
		line := ledger.ReceiveLine{WasteID: id, Note: row.Note, Accepted: &row.Accepted}
		if line.Received, err = parseKg(row.Kg); err != nil {
			row.KgError, bad = translate(st.lang, "err.kg"), true
		}
		if line.ContainerCount, err = strconv.Atoi(strings.TrimSpace(row.Count)); err != nil {
			row.CntError, bad = translate(st.lang, "err.count"), true
		}
		in.Lines = append(in.Lines, line)
	}
	if d.PaperAt = r.PostFormValue("paper_at"); d.PaperAt != "" && d.M.Paper != nil {
		if at, err := time.ParseInLocation(dateTimeLocal, d.PaperAt, shanghai); err != nil {
			d.Fields, bad = map[string]string{"occurred_at": translate(st.lang, "err.datetime")}, true
		} else {
			in.OccurredAt = &at
		}
	}
	if !bad {
		_, err := h.svc.Receive(r.Context(), st.p, d.M.ID, in)
		if err == nil {
			http.Redirect(w, r, "/manifests/"+d.M.ID, http.StatusSeeOther)
			return
		}
		status, msg, fields := formError(st.lang, err)
		if status == http.StatusInternalServerError || status == http.StatusUnauthorized || status == http.StatusNotFound {
			h.fail(w, r, err)
			return
		}
		d.Error, d.Fields = msg, fields
	}
	h.render(w, r, http.StatusBadRequest, "receive", "recv.title", d)
}

// dispose records utilisation or disposal of a received batch, then returns
// to where the form was (the manifest or the batch page).
func (h *Handler) dispose(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleReceiver)
	if !ok {
		return
	}
	id := r.PathValue("id")
	g, err := parseKg(r.PostFormValue("quantity_kg"))
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "error", "err.title", errorData{Key: "err.kg"})
		return
	}
	x, err := h.svc.Dispose(r.Context(), st.p, id, ledger.DisposeInput{Method: r.PostFormValue("method"), Quantity: g})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/wastes/" + x.ID
	if r.PostFormValue("back") == "manifest" && x.ManifestID != "" {
		back = "/manifests/" + x.ManifestID
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
