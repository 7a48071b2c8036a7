package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// Corrections after pickup: a party named on the manifest asks for one on
// the correction page; the others approve or refuse it on the manifest
// page; the corrections page lists them (inspectors: all).

// correctRow is one batch's row of the correction form as typed; an empty
// field asks for no change.
type correctRow struct {
	W                        *ledger.Waste
	Receipt                  *ledger.ReceiptLine
	Kg, Received, Code, Cont string
}

type correctData struct {
	M      *ledger.Manifest
	Rows   []correctRow
	Reason string
	Names  names
	Error  string
	Fields map[string]string
}

func (h *Handler) correctData(r *http.Request, st *state) (correctData, error) {
	m, err := h.svc.Manifest(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		return correctData{}, err
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		return correctData{}, err
	}
	d := correctData{M: m, Names: n}
	for _, id := range m.WasteIDs {
		x, err := h.svc.Waste(r.Context(), st.p, id)
		if err != nil {
			return correctData{}, err
		}
		row := correctRow{W: x}
		for i := range m.Lines {
			if m.Lines[i].WasteID == id {
				row.Receipt = &m.Lines[i]
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// correctPage shows the correction form of a manifest.
func (h *Handler) correctPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	d, err := h.correctData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "correct", "corr.title", d)
}

// requestCorrection files the correction typed in the form.
func (h *Handler) requestCorrection(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	d, err := h.correctData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	in := ledger.CorrectionInput{Reason: d.Reason}
	d.Fields = map[string]string{}
	for i := range d.Rows {
		row := &d.Rows[i]
		id := row.W.ID
		row.Kg, row.Received = strings.TrimSpace(r.PostFormValue("kg_"+id)), strings.TrimSpace(r.PostFormValue("received_"+id))
		row.Code, row.Cont = strings.TrimSpace(r.PostFormValue("code_"+id)), strings.TrimSpace(r.PostFormValue("count_"+id))
		l := ledger.LineChange{WasteID: id}
		if row.Kg != "" {
			g, err := parseKg(row.Kg)
			if err != nil {
				d.Fields["kg_"+id] = translate(st.lang, "err.kg")
			}
			l.Quantity = &g
		}
		if row.Received != "" {
			g, err := parseKg(row.Received)
			if err != nil {
				d.Fields["received_"+id] = translate(st.lang, "err.kg")
			}
			l.Received = &g
		}
		if row.Code != "" && row.Code != row.W.Code {
			code := row.Code
			l.Code = &code
		}
		if row.Cont != "" {
			n, err := strconv.Atoi(row.Cont)
			if err != nil {
				d.Fields["count_"+id] = translate(st.lang, "err.count")
			}
			if n != row.W.Container.Count {
				l.Container = &ledger.Container{Type: row.W.Container.Type, Count: n, VolumeL: row.W.Container.VolumeL}
			}
		}
		if l.Quantity != nil || l.Received != nil || l.Code != nil || l.Container != nil {
			in.Changes.Lines = append(in.Changes.Lines, l)
		}
	}
	if len(d.Fields) == 0 {
		_, err := h.svc.RequestCorrection(r.Context(), st.p, d.M.ID, in)
		if err == nil {
			http.Redirect(w, r, "/manifests/"+d.M.ID+"#corrections", http.StatusSeeOther)
			return
		}
		status, msg, fields := formError(st.lang, err)
		if status == http.StatusInternalServerError || status == http.StatusUnauthorized || status == http.StatusNotFound {
			h.fail(w, r, err)
			return
		}
		d.Error, d.Fields = msg, fields
	}
	h.render(w, r, http.StatusBadRequest, "correct", "corr.title", d)
}

// decideCorrection approves or refuses a correction, then shows its
// manifest.
func (h *Handler) decideCorrection(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	in := ledger.DecisionInput{Reason: r.PostFormValue("reason")}
	decide := h.svc.ApproveCorrection
	if r.PathValue("decision") == "refuse" {
		decide = h.svc.RefuseCorrection
	} else if r.PathValue("decision") != "approve" {
		h.renderError(w, r, http.StatusNotFound, "err.not_found")
		return
	}
	k, err := decide(r.Context(), st.p, id, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/manifests/"+k.Manifest+"#corrections", http.StatusSeeOther)
}

type correctionsData struct {
	Items      []*ledger.Correction
	Status     string
	Statuses   []string
	NextCursor string
	Names      names
}

// correctionsPage lists the corrections the party may see, newest first.
func (h *Handler) correctionsPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	l, err := h.svc.Corrections(r.Context(), st.p, ledger.CorrectionFilter{Status: q.Get("status")},
		ledger.Page{Limit: 100, Cursor: q.Get("cursor")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "corrections", "corr.list", correctionsData{Items: l.Items, Status: q.Get("status"),
		Statuses: ledger.CorrectionStatuses, NextCursor: l.NextCursor, Names: n})
}
