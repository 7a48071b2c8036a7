package web

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
	"golang.org/x/mod/sumdb/note"
)

// tracedEvent is one event of a trace as the page shows it, with the result
// of checking its inclusion proof here, in Go, against the signed
// checkpoint's root.
type tracedEvent struct {
	Index    uint64
	Event    *chain.Event
	LeafHash string
	Data     string // indented JSON of the event's data
	Proof    int    // hashes in the inclusion proof
	Verified bool
	Problem  string
	// AlertKind is the kind of an alert event (alert.raised, .resolved,
	// .acknowledged), so the page names it.
	AlertKind string
}

type traceData struct {
	T            *ledger.Trace
	Events       []tracedEvent
	Checkpoint   chain.Checkpoint
	SignatureOK  bool
	AllVerified  bool
	Names        names
	Query        string
	SignatureErr string
	Witnesses    *witnessView // nil when the server has no witnesses
	// A manifest's batches, and its GPS track drawn on the district map.
	Batches []*ledger.Waste
	Track   template.HTML
	// A batch's lineage: the batches a collector consolidated into it,
	// and the batch it was consolidated into (the caller may see).
	Sources []*ledger.Waste
	Into    *ledger.Waste
	// A search that found no label, manifest or id: the parties whose
	// name holds it (Searched is the text; none found when Parties is empty).
	Searched string
	Parties  []*ledger.Party
}

// witnessView is what the trace page says of the witnesses: the published
// checkpoint's size, how many of the configured witnesses' cosignatures
// on it verify here, and the policy.
type witnessView struct {
	Size       uint64
	Cosigned   int
	Configured int
	Policy     int
	Covered    bool   // every event of the trace is below Size
	Problem    string // the cosignatures could not be checked
}

// traceFind resolves ?q= (a label, a manifest number or an id) to a trace.
func (h *Handler) traceFind(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		h.render(w, r, http.StatusOK, "trace", "trace.title", traceData{})
		return
	}
	ctx := r.Context()
	if len(q) == 37 {
		if x, err := h.svc.WasteByLabel(ctx, st.p, q); err == nil {
			http.Redirect(w, r, "/trace/"+url.PathEscape(x.ID), http.StatusSeeOther)
			return
		}
	}
	if len(q) == 14 && strings.Trim(q, "0123456789") == "" {
		page := ledger.Page{Limit: 500}
		for {
			l, err := h.svc.Manifests(ctx, st.p, ledger.ManifestFilter{}, page)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			for _, m := range l.Items {
				if m.Number == q {
					http.Redirect(w, r, "/trace/"+url.PathEscape(m.ID), http.StatusSeeOther)
					return
				}
			}
			if l.NextCursor == "" || len(l.Items) == 0 {
				break
			}
			page.Cursor = l.NextCursor
		}
	}
	if _, err := h.svc.Waste(ctx, st.p, q); err == nil {
		http.Redirect(w, r, "/trace/"+url.PathEscape(q), http.StatusSeeOther)
		return
	}
	if _, err := h.svc.Manifest(ctx, st.p, q); err == nil {
		http.Redirect(w, r, "/trace/"+url.PathEscape(q), http.StatusSeeOther)
		return
	}
	// A party's name (or part of it): one match opens the party, several
	// are listed, none says so, on the search page.
	n, err := h.partyNames(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := traceData{Query: q, Searched: q}
	low := strings.ToLower(q)
	for _, p := range n {
		if strings.Contains(strings.ToLower(p.Name), low) || p.CreditCode == q {
			d.Parties = append(d.Parties, p)
		}
	}
	if len(d.Parties) == 1 {
		http.Redirect(w, r, "/parties/"+url.PathEscape(d.Parties[0].ID), http.StatusSeeOther)
		return
	}
	slices.SortFunc(d.Parties, func(a, b *ledger.Party) int { return strings.Compare(a.Name, b.Name) })
	h.render(w, r, http.StatusOK, "trace", "trace.title", d)
}

// tracePage shows every event about a batch or manifest, each with its
// inclusion proof verified against the checkpoint, whose signature is
// verified with the ledger's key.
func (h *Handler) tracePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	t, err := h.svc.Trace(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := traceData{T: t, Names: n, Query: r.PathValue("id")}
	cp, err := chain.OpenCheckpoint([]byte(t.Checkpoint), h.svc.Log().Key().Verifier)
	if err != nil {
		d.SignatureErr = err.Error()
	} else {
		d.SignatureOK, d.Checkpoint = true, cp
	}
	d.Events, d.AllVerified = verifyTrace(t, cp, d.SignatureOK)
	if h.opts.Witnesses != nil {
		d.Witnesses = h.witnessView(t)
	}
	if m := t.Manifest; m != nil {
		for _, id := range m.WasteIDs {
			if x, err := h.svc.Waste(r.Context(), st.p, id); err == nil {
				d.Batches = append(d.Batches, x)
			}
		}
		d.Track = trackMap(m, n, st.lang)
	}
	if b := t.Waste; b != nil {
		for _, id := range b.Sources {
			if x, err := h.svc.Waste(r.Context(), st.p, id); err == nil {
				d.Sources = append(d.Sources, x)
			}
		}
		if b.ConsolidatedInto != "" {
			d.Into, _ = h.svc.Waste(r.Context(), st.p, b.ConsolidatedInto)
		}
	}
	h.render(w, r, http.StatusOK, "trace", "trace.title", d)
}

// witnessView checks the cosignatures of the checkpoint the server
// publishes with the configured witnesses' keys.
func (h *Handler) witnessView(t *ledger.Trace) *witnessView {
	c := h.opts.Witnesses
	v := &witnessView{Configured: len(c.Witnesses()), Policy: c.Policy()}
	signed, _, err := c.Checkpoint()
	if err != nil {
		v.Problem = err.Error()
		return v
	}
	keys := make([]note.Verifier, len(c.Witnesses()))
	for i, r := range c.Witnesses() {
		keys[i] = r.Verifier
	}
	text, n, err := witness.Policy{Witnesses: keys, K: v.Policy}.Check(signed, h.svc.Log().Key().Verifier)
	if err != nil && !errors.Is(err, witness.ErrPolicy) {
		v.Problem = err.Error()
		return v
	}
	cp, err := chain.ParseCheckpoint(text)
	if err != nil {
		v.Problem = err.Error()
		return v
	}
	v.Size, v.Cosigned = cp.Size, n
	v.Covered = true
	for _, e := range t.Events {
		v.Covered = v.Covered && e.Index < cp.Size
	}
	return v
}

// verifyTrace checks each event: its leaf hash is SHA-256(0x00 ‖ bytes)
// and its inclusion proof leads to the checkpoint's root.
func verifyTrace(t *ledger.Trace, cp chain.Checkpoint, cpOK bool) ([]tracedEvent, bool) {
	all := cpOK && len(t.Events) > 0
	out := make([]tracedEvent, 0, len(t.Events))
	for _, te := range t.Events {
		e := tracedEvent{Index: te.Index, LeafHash: te.LeafHash, Proof: len(te.InclusionProof)}
		ev, err := chain.Decode(te.Event)
		if err != nil {
			e.Problem = "undecodable event: " + err.Error()
		} else {
			e.Event = ev
			if strings.HasPrefix(ev.Type, "alert.") {
				var k struct {
					Kind string `json:"kind"`
				}
				if json.Unmarshal(ev.Data, &k) == nil {
					e.AlertKind = k.Kind
				}
			}
			var buf bytes.Buffer
			if json.Indent(&buf, ev.Data, "", "  ") == nil {
				e.Data = buf.String()
			}
		}
		leaf := chain.HashLeaf(te.Event)
		switch {
		case e.Problem != "":
		case hex.EncodeToString(leaf) != te.LeafHash:
			e.Problem = "leaf hash does not match the event bytes"
		case !cpOK:
			e.Problem = "checkpoint signature not verified"
		case cp.Size != t.Size:
			e.Problem = "checkpoint size differs from the trace's"
		default:
			if err := chain.VerifyInclusion(te.Index, cp.Size, te.Event, te.InclusionProof, cp.Root); err != nil {
				e.Problem = err.Error()
			} else {
				e.Verified = true
			}
		}
		all = all && e.Verified
		out = append(out, e)
	}
	return out, all
}

// Actor names who recorded an event for people: the party's name and its
// role in the page's language ("郑州顺达汽车维修有限公司（产废单位）"), or
// that the system recorded it by itself. A person's name comes first.
func (v *view) Actor(n names, a chain.Actor) string {
	if a.Party == ledger.SystemParty || a.Role == string(ledger.RoleSystem) {
		return v.T("role.system")
	}
	who := n.Of(a.Party)
	if a.Person != nil && a.Person.Name != "" {
		who = a.Person.Name + " · " + who
	}
	if v.En() {
		return who + " (" + v.T("role."+a.Role) + ")"
	}
	return who + "（" + v.T("role."+a.Role) + "）"
}
