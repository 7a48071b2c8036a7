package web

import (
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/internal/manifestpdf"
)

// The printable 联单 and the public page its QR code leads to.

// verifyURL is the absolute URL of the verification page of manifest id
// on the host the request reached.
func (h *Handler) verifyURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil || h.opts.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/verify/manifests/" + id
}

// manifestPDF serves /manifests/{id}.pdf: the 联单 as the signed-in party
// may see it (package manifestpdf).
func (h *Handler) manifestPDF(w http.ResponseWriter, r *http.Request, id string) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	if h.opts.PDFFont == nil {
		h.renderError(w, r, http.StatusServiceUnavailable, "err.nopdf")
		return
	}
	sheet, err := manifestpdf.Load(r.Context(), h.svc, st.p, id, h.verifyURL(r, id))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pdf, err := manifestpdf.Render(sheet, h.opts.PDFFont)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="manifest-`+sheet.Manifest.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}

// pdfID reports whether a /manifests/{id} path names the PDF
// (/manifests/{id}.pdf), and the manifest's id.
func pdfID(v string) (string, bool) {
	id, ok := strings.CutSuffix(v, ".pdf")
	return id, ok && id != ""
}

type verifyData struct {
	ID string
	// Words are the names verify.js shows, in the page's language.
	Words map[string]string
}

// verifyWords are the message keys verify.js needs.
var verifyWords = []string{
	"ver.loading", "ver.notfound", "ver.failed", "ver.ok", "ver.bad", "ver.withheld", "ver.leafok", "ver.leafbad",
	"ver.sigok", "ver.sigbad", "ver.sigunknown", "ver.allok", "ver.somebad", "ver.size", "ver.root", "ver.origin",
	"ver.key", "ver.generator", "ver.carriers", "ver.receiver", "ver.batches", "ver.status", "ver.number",
	"ms.submitted", "ms.in_transit", "ms.delivered", "ms.received", "ms.closed", "ms.cancelled",
	"ev.manifest.created", "ev.manifest.picked_up", "ev.manifest.handed_over", "ev.manifest.positions",
	"ev.manifest.delivered", "ev.manifest.received", "ev.manifest.cancelled", "ev.manifest.closed",
	"ev.alert.raised", "ev.alert.resolved", "ev.alert.acknowledged",
}

// verifyPage is the public verification page: no sign-in; verify.js
// fetches the public trace (GET /api/v1/verify/manifests/{id}) and checks
// every proof in the browser.
func (h *Handler) verifyPage(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	d := verifyData{ID: r.PathValue("id"), Words: map[string]string{}}
	for _, k := range verifyWords {
		d.Words[k] = translate(st.lang, k)
	}
	h.render(w, r, http.StatusOK, "verify", "ver.title", d)
}
