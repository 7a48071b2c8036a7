package web

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
)

// label is one HJ 1276-2022 label: the batch, its catalogue entry and the
// generating unit with its contact.
type label struct {
	W        *ledger.Waste
	Code     catalog.Code
	Category catalog.Category
	Unit     *ledger.Party
	// Size is the label's side in millimetres (labelSize), Copies how many
	// labels each container carries.
	Size, Copies int
}

// labelSize is the side in millimetres of the label for a container of
// volume litres, and how many labels it carries (HJ 1276-2022): up to
// 50 L (or undeclared) 100 × 100, up to 450 L 150 × 150, larger 200 × 200
// on two sides.
func labelSize(volume float64) (side, copies int) {
	switch {
	case volume <= 50:
		return 100, 1
	case volume <= 450:
		return 150, 1
	default:
		return 200, 2
	}
}

// maxContainerLabels bounds the labels printed for one batch: a batch of
// more containers (bags by the hundred) prints this many and says so.
const maxContainerLabels = 100

// labelCopy is one printed label: container N of Of (from 1), on side
// Side of Sides.
type labelCopy struct{ N, Of, Side, Sides int }

// Each lists the labels the batch prints: one per container, each
// container with its Copies sides, container by container.
func (l label) Each() []labelCopy {
	n := min(max(l.W.Container.Count, 1), maxContainerLabels)
	out := make([]labelCopy, 0, n*l.Copies)
	for c := 1; c <= n; c++ {
		for s := 1; s <= l.Copies; s++ {
			out = append(out, labelCopy{N: c, Of: max(l.W.Container.Count, 1), Side: s, Sides: l.Copies})
		}
	}
	return out
}

// Cut reports whether the batch has more containers than it prints labels
// for.
func (l label) Cut() bool { return l.W.Container.Count > maxContainerLabels }

type labelsData struct {
	Labels []label
	Sheet  bool
	Error  string // why there is nothing to print
}

// loadLabel gathers what a label prints; a batch the party may not see is
// ErrNotFound.
func (h *Handler) loadLabel(r *http.Request, st *state, id string) (label, error) {
	x, err := h.svc.Waste(r.Context(), st.p, id)
	if err != nil {
		return label{}, err
	}
	l := label{W: x}
	l.Size, l.Copies = labelSize(x.Container.VolumeL)
	e := h.svc.BatchEdition(x)
	l.Code, _ = e.Lookup(x.Code)
	l.Category, _ = e.Category(x.Category)
	if l.Unit, err = h.svc.Party(r.Context(), x.Generator); err != nil {
		return label{}, err
	}
	return l, nil
}

// labelPage shows one printable label.
func (h *Handler) labelPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	l, err := h.loadLabel(r, st, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "labels", "label.title", labelsData{Labels: []label{l}})
}

// maxSheet bounds the labels on one sheet.
const maxSheet = 200

// labelSheet prints the labels of the batches named by ?id=…&id=….
func (h *Handler) labelSheet(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	ids := r.URL.Query()["id"]
	if len(ids) == 0 { // the inventory's form sent with no batch ticked
		h.render(w, r, http.StatusBadRequest, "labels", "label.sheet", labelsData{Sheet: true, Error: translate(st.lang, "err.nobatch")})
		return
	}
	if len(ids) > maxSheet {
		ids = ids[:maxSheet]
	}
	d := labelsData{Sheet: true}
	for _, id := range ids {
		l, err := h.loadLabel(r, st, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Labels = append(d.Labels, l)
	}
	h.render(w, r, http.StatusOK, "labels", "label.sheet", d)
}

// labelQR serves the QR code of a batch's 37-character label ID as SVG.
func (h *Handler) labelQR(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	x, err := h.svc.Waste(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	svg, err := qrSVG(x.Label)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write([]byte(svg))
}
