package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
)

type manifestListData struct {
	Items      []*ledger.Manifest
	Status     string
	Statuses   []string
	NextCursor string
	Names      names
	Capacity   capacityUse // a receiver's own licence capacity
	// Today is a carrier's work (carrierToday), Now the day it is in;
	// TodayShown: the section is
	// on this page (a carrier's first page without a filter).
	Today      []todayRow
	TodayShown bool
	Now        time.Time
	Me         string // the signed-in party
}

// Later reports whether t falls after the day of d.Now (Asia/Shanghai).
func (d manifestListData) Later(t time.Time) bool {
	n := d.Now.In(shanghai)
	return !t.Before(time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, shanghai))
}

// Step is the scan step the signed-in party takes next on m, or "".
func (d manifestListData) Step(m *ledger.Manifest) string { return scanAction(m, d.Me) }

// todayRow is one manifest of a carrier's day: the step it takes next and
// where it picks the load up (the generator: address, contact, phone).
type todayRow struct {
	M      *ledger.Manifest
	Action string // scanAction: pickup, handover, deliver, or "" (the load goes on to the next carrier)
	From   *ledger.Party
}

// carrierToday is a carrier's work: every manifest it is to pick up
// (待提货: today's, overdue ones and those planned later, so a pickup
// planned just after midnight is not missed) and every one in transit that
// it holds or takes over next, by planned pickup, the earliest first.
func (h *Handler) carrierToday(r *http.Request, st *state, n names) ([]todayRow, error) {
	var out []todayRow
	for _, status := range []string{ledger.ManifestSubmitted, ledger.ManifestInTransit} {
		list, err := allPages(func(pg ledger.Page) (ledger.List[*ledger.Manifest], error) {
			return h.svc.Manifests(r.Context(), st.p, ledger.ManifestFilter{Status: status, Party: st.p.Party}, pg)
		})
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			act := scanAction(m, st.p.Party)
			if act == "" && m.Holder != st.p.Party {
				continue // a later carrier's pickup, or a load with another carrier
			}
			out = append(out, todayRow{M: m, Action: act, From: n.Get(m.Generator)})
		}
	}
	slices.SortStableFunc(out, func(a, b todayRow) int { return a.M.PlannedPickupAt.Compare(b.M.PlannedPickupAt) })
	return out, nil
}

// manifestList shows the manifests the party is on (inspectors: all).
func (h *Handler) manifestList(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := ledger.ManifestFilter{Status: q.Get("status")}
	list, err := h.svc.Manifests(r.Context(), st.p, f, ledger.Page{Limit: 100, Cursor: q.Get("cursor")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := manifestListData{Items: list.Items, Status: f.Status, Statuses: ledger.ManifestStatuses, NextCursor: list.NextCursor, Names: n, Me: st.p.Party}
	if st.p.Has(ledger.RoleTransporter) && !st.p.SeesAll() && f.Status == "" && q.Get("cursor") == "" {
		d.TodayShown, d.Now = true, h.svc.Now()
		if d.Today, err = h.carrierToday(r, st, n); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if st.p.Has(ledger.RoleReceiver) {
		me, err := h.svc.Party(r.Context(), st.p.Party)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Capacity = capacityOf(me, h.svc.Now(), h.svc.Rules())
	}
	h.render(w, r, http.StatusOK, "manifests", "man.title", d)
}

type newManifestData struct {
	// Holder: a receiver filing the return or redirect of batches it
	// refused (Available are those); else a generator filing a transfer
	// of its stored or rejected batches.
	Holder    bool
	Kind      string        // on a holder's form: return or redirect
	ReturnTo  *ledger.Party // the generator of the chosen batches (a return)
	Available []*ledger.Waste
	Chosen    []*ledger.Waste
	ChosenIDs []string
	Codes     []string
	Carriers  []*ledger.Party // transport permit covers every chosen code
	Receivers []*ledger.Party // licence covers every chosen code today
	Carrier1  string
	Carrier2  string
	Receiver  string
	Planned   string
	// Emergency and DG are what the form sent back: the emergency
	// measures, and each chosen batch's dangerous-goods class and UN
	// number by batch id.
	Emergency string
	DG        map[string]ledger.DangerousGoodsInput
	// PaperNo, PaperReason and PaperAt: a back-entry of a paper manifest
	// (补录), its number, why, and when it was filled in.
	PaperNo, PaperReason, PaperAt string
	// ApprovalNo, ApprovalBy and ApprovalTo: the cross-province approval
	// named (its number, authority and expiry).
	ApprovalNo, ApprovalBy, ApprovalTo string
	Error                              string
	Fields                             map[string]string
}

// DGClasses are the classes the form offers (GB 6944).
func (d newManifestData) DGClasses() []string { return ledger.DGClasses }

// DGOf is what the form sent back for batch id.
func (d newManifestData) DGOf(id string) ledger.DangerousGoodsInput { return d.DG[id] }

// newManifestPage: choose batches (GET ?waste=…), then carriers and a
// receiver whose licence fits every chosen code.
func (h *Handler) newManifestPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleCollector, ledger.RoleReceiver)
	if !ok {
		return
	}
	d := newManifestData{Planned: h.svc.Now().Add(time.Hour).In(shanghai).Format(dateTimeLocal), Kind: ledger.ManifestReturn}
	chosen := append(r.URL.Query()["waste"], r.URL.Query()["id"]...)
	if err := h.fillNewManifest(r, st, &d, chosen); err != nil {
		h.fail(w, r, err)
		return
	}
	if r.URL.Query().Has("picked") && len(d.Chosen) == 0 { // a batch form sent with none ticked
		d.Error = translate(st.lang, "err.nobatch")
	}
	h.render(w, r, http.StatusOK, "manifest_new", "mnew.title", d)
}

// fillNewManifest loads the batches, carriers and fitting receivers.
func (h *Handler) fillNewManifest(r *http.Request, st *state, d *newManifestData, chosen []string) error {
	ctx := r.Context()
	d.Holder = !st.p.HasAny(ledger.RoleGenerator, ledger.RoleCollector)
	statuses := []string{ledger.WasteStored, ledger.WasteRejected}
	if d.Holder {
		statuses = []string{ledger.WasteRejected}
	}
	for _, status := range statuses {
		list, err := h.svc.Wastes(ctx, st.p, ledger.WasteFilter{Status: status, Party: st.p.Party}, ledger.Page{Limit: 500})
		if err != nil {
			return err
		}
		for _, x := range list.Items {
			if (d.Holder && x.RejectedBy == st.p.Party) || (!d.Holder && x.Generator == st.p.Party) {
				d.Available = append(d.Available, x)
			}
		}
	}
	for _, x := range d.Available {
		if slices.Contains(chosen, x.ID) {
			d.Chosen = append(d.Chosen, x)
			d.ChosenIDs = append(d.ChosenIDs, x.ID)
			if !slices.Contains(d.Codes, x.Code) {
				d.Codes = append(d.Codes, x.Code)
			}
		}
	}
	carriers, err := h.svc.Parties(ctx, ledger.PartyFilter{Role: ledger.RoleTransporter})
	if err != nil {
		return err
	}
	d.Carriers = transportersFor(carriers, d.Codes)
	if len(d.Codes) == 0 {
		return nil
	}
	// Receivers whose licence covers every chosen code, valid today.
	count := map[string]int{}
	byID := map[string]*ledger.Party{}
	for _, code := range d.Codes {
		for _, role := range []ledger.Role{ledger.RoleReceiver, ledger.RoleCollector} {
			rs, err := h.svc.Parties(ctx, ledger.PartyFilter{Role: role, Code: code})
			if err != nil {
				return err
			}
			for _, p := range rs {
				count[p.ID]++
				byID[p.ID] = p
			}
		}
	}
	for id, c := range count {
		if c == len(d.Codes) && !(d.Holder && id == st.p.Party) { // a redirect goes elsewhere
			d.Receivers = append(d.Receivers, byID[id])
		}
	}
	if d.Holder {
		gen, err := h.svc.Party(ctx, d.Chosen[0].Generator)
		if err != nil {
			return err
		}
		d.ReturnTo = gen
	}
	slices.SortFunc(d.Receivers, func(a, b *ledger.Party) int { return strings.Compare(a.Name, b.Name) })
	d.preselect()
	return nil
}

// transportersFor are the carriers whose transport permit covers every
// one of codes.
func transportersFor(carriers []*ledger.Party, codes []string) []*ledger.Party {
	var out []*ledger.Party
	for _, c := range carriers {
		if !slices.ContainsFunc(codes, func(code string) bool { return !c.Transports(code) }) {
			out = append(out, c)
		}
	}
	return out
}

// preselect chooses the only fitting carrier and the only fitting receiver
// when the person has chosen none.
func (d *newManifestData) preselect() {
	if d.Carrier1 == "" && len(d.Carriers) == 1 {
		d.Carrier1 = d.Carriers[0].ID
	}
	if d.Receiver == "" && len(d.Receivers) == 1 && !d.Holder {
		d.Receiver = d.Receivers[0].ID
	}
}

// newManifest files the manifest and shows it. A receiver's form files a
// return (to the batches' generator) or a redirect (to the receiver
// chosen).
func (h *Handler) newManifest(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleCollector, ledger.RoleReceiver)
	if !ok {
		return
	}
	d := newManifestData{Carrier1: r.PostFormValue("carrier1"), Carrier2: r.PostFormValue("carrier2"),
		Receiver: r.PostFormValue("receiver"), Planned: r.PostFormValue("planned_pickup_at"), Kind: r.PostFormValue("kind")}
	in := ledger.ManifestInput{WasteIDs: r.PostForm["waste"], Receiver: d.Receiver,
		EmergencyMeasures: r.PostFormValue("emergency_measures")}
	d.Emergency, d.DG = in.EmergencyMeasures, map[string]ledger.DangerousGoodsInput{}
	for _, id := range in.WasteIDs {
		l := ledger.DangerousGoodsInput{WasteID: id, DGClass: r.PostFormValue("dg_class." + id), UNNumber: r.PostFormValue("un_number." + id)}
		d.DG[id] = l
		if l.DGClass != "" || l.UNNumber != "" {
			in.DangerousGoods = append(in.DangerousGoods, l)
		}
	}
	if !st.p.HasAny(ledger.RoleGenerator, ledger.RoleCollector) {
		in.Kind = d.Kind
		if d.Kind == ledger.ManifestReturn {
			in.Receiver = r.PostFormValue("return_to")
		}
	}
	for _, c := range []string{d.Carrier1, d.Carrier2} {
		if c != "" {
			in.Carriers = append(in.Carriers, c)
		}
	}
	d.PaperNo, d.PaperReason, d.PaperAt = r.PostFormValue("paper_number"), r.PostFormValue("paper_reason"), r.PostFormValue("paper_at")
	d.ApprovalNo, d.ApprovalBy, d.ApprovalTo = r.PostFormValue("approval_number"), r.PostFormValue("approval_authority"), r.PostFormValue("approval_valid_to")
	if d.ApprovalNo != "" || d.ApprovalBy != "" || d.ApprovalTo != "" {
		in.Approval = &ledger.ApprovalRef{Number: d.ApprovalNo, Authority: d.ApprovalBy, ValidTo: d.ApprovalTo}
	}
	var err error
	if d.PaperNo != "" || d.PaperReason != "" || d.PaperAt != "" {
		in.Paper = &ledger.PaperInput{Number: d.PaperNo, EnteredReason: d.PaperReason}
		if at, perr := time.ParseInLocation(dateTimeLocal, d.PaperAt, shanghai); perr == nil {
			in.OccurredAt = &at
		}
	}
	if in.PlannedPickupAt, err = time.ParseInLocation(dateTimeLocal, d.Planned, shanghai); err != nil {
		d.Fields = map[string]string{"planned_pickup_at": translate(st.lang, "err.datetime")}
	} else if in.Paper != nil && in.OccurredAt == nil && d.PaperAt != "" {
		d.Fields = map[string]string{"occurred_at": translate(st.lang, "err.datetime")}
	} else {
		m, err := h.svc.CreateManifest(r.Context(), st.p, in)
		if err == nil {
			http.Redirect(w, r, "/manifests/"+m.ID, http.StatusSeeOther)
			return
		}
		status, msg, fields := formError(st.lang, err)
		if status == http.StatusInternalServerError || status == http.StatusUnauthorized {
			h.fail(w, r, err)
			return
		}
		d.Error, d.Fields = msg, fields
	}
	if err := h.fillNewManifest(r, st, &d, in.WasteIDs); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusBadRequest, "manifest_new", "mnew.title", d)
}

// manifestLine is one batch of a manifest with the receiver's finding.
type manifestLine struct {
	W       *ledger.Waste
	Receipt *ledger.ReceiptLine
	Methods []catalog.Method // set when the viewer may dispose of it now
}

type manifestData struct {
	M *ledger.Manifest
	// Refused lists the batches the viewer refused on this manifest and
	// still holds: it may file their return or redirect.
	Refused []string
	Lines   []manifestLine
	Names   names
	// Corrections are the manifest's correction requests, oldest first;
	// CanCorrect: the viewer may ask for one now.
	Corrections []*ledger.Correction
	CanCorrect  bool
	CanScan     bool // a carrier's next step is a scan (pickup, handover, deliver)
	CanReceive  bool
	CanCancel   bool
	// A refused cancellation: the reason typed and why it was refused.
	CancelReason, CancelError string
}

// LabelOf is the label of the manifest's batch id ("" if not on it).
func (d manifestData) LabelOf(id string) string {
	for i, x := range d.M.WasteIDs {
		if x == id && i < len(d.M.Labels) {
			return d.M.Labels[i]
		}
	}
	return ""
}

// loadManifestLines loads the batches of m visible to the party.
func (h *Handler) loadManifestLines(r *http.Request, st *state, m *ledger.Manifest) ([]manifestLine, error) {
	var lines []manifestLine
	for _, id := range m.WasteIDs {
		x, err := h.svc.Waste(r.Context(), st.p, id)
		if err != nil {
			return nil, err
		}
		l := manifestLine{W: x}
		for i := range m.Lines {
			if m.Lines[i].WasteID == id {
				l.Receipt = &m.Lines[i]
			}
		}
		if x.Status == ledger.WasteReceived && x.Receiver == st.p.Party {
			l.Methods = disposalMethods(st.party, x)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// manifestPage shows a manifest with its batches, custody history and the
// steps the viewer may take; /manifests/{id}.pdf is its printable 联单.
func (h *Handler) manifestPage(w http.ResponseWriter, r *http.Request) {
	if id, ok := pdfID(r.PathValue("id")); ok {
		h.manifestPDF(w, r, id)
		return
	}
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	h.showManifest(w, r, st, r.PathValue("id"), http.StatusOK, manifestData{})
}

// showManifest renders manifest id for st with status; form carries what
// a refused form sent back (the cancellation's reason and problem).
func (h *Handler) showManifest(w http.ResponseWriter, r *http.Request, st *state, id string, status int, form manifestData) {
	m, err := h.svc.Manifest(r.Context(), st.p, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lines, err := h.loadManifestLines(r, st, m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var refused []string
	for _, l := range lines {
		if l.W.Status == ledger.WasteRejected && l.W.RejectedBy == st.p.Party && l.W.RejectedOn == m.ID {
			refused = append(refused, l.W.ID)
		}
	}
	ks, err := h.svc.ManifestCorrections(r.Context(), st.p, m.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	afterPickup := m.Status != ledger.ManifestSubmitted && m.Status != ledger.ManifestCancelled
	d := manifestData{M: m, Lines: lines, Names: n, Refused: refused, Corrections: ks,
		CanCorrect:   afterPickup && m.OnManifest(st.p.Party) && m.PendingCorrection == "",
		CanScan:      scanAction(m, st.p.Party) != "",
		CanReceive:   m.Status == ledger.ManifestDelivered && m.Receiver == st.p.Party,
		CanCancel:    m.Status == ledger.ManifestSubmitted && m.Generator == st.p.Party,
		CancelReason: form.CancelReason, CancelError: form.CancelError}
	h.render(w, r, status, "manifest", "mdet.title", d)
}

// cancelManifest cancels a manifest before pickup. The form must carry a
// reason and the ticked confirmation (confirm=yes); without them, or when
// the ledger refuses, the manifest page comes back with the message and
// nothing is recorded.
func (h *Handler) cancelManifest(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleCollector, ledger.RoleReceiver)
	if !ok {
		return
	}
	id := r.PathValue("id")
	form := manifestData{CancelReason: strings.TrimSpace(r.PostFormValue("reason"))}
	switch {
	case form.CancelReason == "":
		form.CancelError = translate(st.lang, "mdet.needreason")
	case r.PostFormValue("confirm") != "yes":
		form.CancelError = translate(st.lang, "mdet.needconfirm")
	default:
		_, err := h.svc.Cancel(r.Context(), st.p, id, ledger.CancelInput{Reason: form.CancelReason})
		if err == nil {
			http.Redirect(w, r, "/manifests/"+id, http.StatusSeeOther)
			return
		}
		status, msg, fields := formError(st.lang, err)
		if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity && status != http.StatusConflict {
			h.fail(w, r, err)
			return
		}
		form.CancelError = msg
		for _, msg := range fields {
			form.CancelError += " " + msg
		}
	}
	h.showManifest(w, r, st, id, http.StatusBadRequest, form)
}
