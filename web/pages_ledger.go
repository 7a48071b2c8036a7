package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

type ledgerData struct {
	Size       uint64
	Root       string
	Checkpoint string
	Key        string
	Origin     string
	// Result of "check against my saved checkpoint".
	Checked bool
	OK      bool
	Saved   chain.Checkpoint
	Message string
	// The server's own checks of the chain: the latest of each kind, and
	// whether this viewer may ask for one (inspectors and admins).
	Integrity ledger.IntegrityStatus
	CanVerify bool
	// Verified is the answer to the one-click server check, when asked.
	Verified *ledger.IntegrityCheck
}

// ledgerPage shows the current signed checkpoint, its download, the
// verifier key and the form to check a saved checkpoint.
func (h *Handler) ledgerPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	d, err := h.ledgerData(st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "ledger", "ledger.title", d)
}

// verifyNow runs the server's verification of the whole chain (inspectors
// and admins; at most one a minute, ledger.OnDemandEvery) and shows its
// result on the ledger page.
func (h *Handler) verifyNow(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	c, err := h.svc.VerifyNow(r.Context(), st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.ledgerData(st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Verified = &c
	status := http.StatusOK
	if !c.OK {
		status = http.StatusConflict
	}
	h.render(w, r, status, "ledger", "ledger.title", d)
}

func (h *Handler) ledgerData(p ledger.Principal) (ledgerData, error) {
	l := h.svc.Log()
	size, root, signed := l.Head()
	if signed == nil {
		var err error
		if signed, err = l.Checkpoint(); err != nil {
			return ledgerData{}, err
		}
	}
	return ledgerData{Size: size, Root: base64.StdEncoding.EncodeToString(root), Checkpoint: string(signed),
		Key: l.Key().VerifierKey, Origin: l.Origin(), Integrity: h.svc.Integrity(), CanVerify: p.SeesAll()}, nil
}

// checkpointDownload serves the current signed checkpoint as a file to keep.
func (h *Handler) checkpointDownload(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	d, err := h.ledgerData(st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	size, signed := d.Size, []byte(d.Checkpoint)
	if h.opts.Witnesses != nil {
		// The published checkpoint, with the witnesses' cosignatures: the
		// one worth keeping (verify --checkpoint FILE --witness ...).
		if signed, _, err = h.opts.Witnesses.Checkpoint(); err != nil {
			h.fail(w, r, err)
			return
		}
		text, _, _ := bytes.Cut(signed, []byte("\n\n"))
		if cp, err := chain.ParseCheckpoint(string(text) + "\n"); err == nil {
			size = cp.Size
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="hwledger-checkpoint-%d.txt"`, size))
	_, _ = w.Write(signed)
}

// checkpointCheck verifies that the ledger today is an append-only
// extension of a checkpoint the inspector saved earlier (uploaded as a file
// or pasted): the saved checkpoint's signature must verify with this
// ledger's key, and an RFC 6962 consistency proof must lead from its root to
// the current root. A saved checkpoint larger than the ledger, or with
// another root at the same size, means the ledger was truncated or rewritten.
func (h *Handler) checkpointCheck(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	d, err := h.ledgerData(st.p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	saved := []byte(r.PostFormValue("checkpoint"))
	if f, _, err := r.FormFile("file"); err == nil {
		saved, err = io.ReadAll(io.LimitReader(f, 64<<10))
		f.Close()
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	saved = bytes.ReplaceAll(saved, []byte("\r\n"), []byte("\n"))
	if len(bytes.TrimSpace(saved)) == 0 { // the page again, with the message by the form
		d.Checked, d.Message = true, translate(st.lang, "ledger.nofile")
		h.render(w, r, http.StatusUnprocessableEntity, "ledger", "ledger.title", d)
		return
	}
	d.Checked = true
	d.Saved, d.OK, d.Message = h.checkConsistency(saved, st.lang)
	status := http.StatusOK
	if !d.OK {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "ledger", "ledger.title", d)
}

// checkConsistency compares a saved signed checkpoint with the current log.
func (h *Handler) checkConsistency(saved []byte, lang string) (chain.Checkpoint, bool, string) {
	l := h.svc.Log()
	cp, err := chain.OpenCheckpoint(saved, l.Key().Verifier)
	if err != nil {
		return cp, false, translate(lang, "ledger.badsig") + " (" + err.Error() + ")"
	}
	if cp.Origin != l.Origin() {
		return cp, false, translatef(lang, "ledger.origin", cp.Origin, l.Origin())
	}
	size, root, _ := l.Head()
	switch {
	case cp.Size > size:
		return cp, false, translatef(lang, "ledger.shorter", size, cp.Size)
	case cp.Size == size:
		if !bytes.Equal(cp.Root, root) {
			return cp, false, translate(lang, "ledger.forked")
		}
		return cp, true, translate(lang, "ledger.same")
	case cp.Size == 0:
		return cp, true, translate(lang, "ledger.empty")
	}
	p, err := l.ConsistencyProof(cp.Size, size)
	if err != nil {
		return cp, false, err.Error()
	}
	if err := chain.VerifyConsistency(cp.Size, size, p, cp.Root, root); err != nil {
		return cp, false, translate(lang, "ledger.forked") + " (" + strings.TrimSpace(err.Error()) + ")"
	}
	return cp, true, translatef(lang, "ledger.extends", cp.Size, size, len(p))
}
