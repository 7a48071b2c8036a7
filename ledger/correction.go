package ledger

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Corrections after pickup (办法 Art 29 ¶3: a wrong manifest corrected
// promptly is not penalised). Any party named on a manifest asks for a
// change of quantities, codes, containers or step times with a reason;
// every other party named on it approves or refuses; once all have
// approved, hwledger applies the change as a manifest.corrected event that
// holds each value before and after. Nothing recorded earlier is edited.

// Correction statuses.
const (
	CorrectionPending = "pending"
	CorrectionApplied = "applied"
	CorrectionRefused = "refused"
)

// CorrectionStatuses lists every correction status.
var CorrectionStatuses = []string{CorrectionPending, CorrectionApplied, CorrectionRefused}

// CorrectionChanges is what a correction changes.
type CorrectionChanges struct {
	Lines []LineChange `json:"lines,omitempty" validate:"max=500,dive"`
	Steps []StepChange `json:"steps,omitempty" validate:"max=100,dive"`
}

// LineChange is the change of one batch on the manifest; nil fields stay.
// Quantity is what was declared, Received what the receiver found (only
// after receipt, for an accepted batch).
type LineChange struct {
	WasteID   string     `json:"waste_id" validate:"required,text=64"`
	Quantity  *Grams     `json:"quantity_kg,omitempty" validate:"omitempty,gt=0,lte=100000"`
	Received  *Grams     `json:"received_kg,omitempty" validate:"omitempty,gt=0,lte=100000"`
	Code      *string    `json:"code,omitempty" validate:"omitnil,text=20"`
	Container *Container `json:"container,omitempty" validate:"omitnil"`
}

// StepChange is the corrected time of the manifest's custody step Index
// (0-based, in Manifest.Custody).
type StepChange struct {
	Index int       `json:"index" validate:"gte=0"`
	At    time.Time `json:"at" validate:"required"`
}

// CorrectionInput requests a correction (POST /manifests/{id}/corrections).
type CorrectionInput struct {
	Changes    CorrectionChanges `json:"changes"`
	Reason     string            `json:"reason" validate:"required,note=500"`
	OccurredAt *time.Time        `json:"occurred_at"`
}

// DecisionInput approves or refuses a correction; a refusal needs a
// reason.
type DecisionInput struct {
	Reason     string     `json:"reason" validate:"note=500"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// CorrectionVote is one party's approval.
type CorrectionVote struct {
	Party string    `json:"party"`
	At    time.Time `json:"at"`
}

// Correction is a request to correct a manifest and what became of it.
type Correction struct {
	ID             string            `json:"id"`
	Manifest       string            `json:"manifest_id"`
	ManifestNumber string            `json:"manifest_number"`
	Status         string            `json:"status"` // one of CorrectionStatuses
	RequestedBy    string            `json:"requested_by"`
	Reason         string            `json:"reason"`
	Changes        CorrectionChanges `json:"changes"`
	// Parties are every party named on the manifest; Awaiting those whose
	// approval is still missing.
	Parties   []string         `json:"parties"`
	Awaiting  []string         `json:"awaiting"`
	Approvals []CorrectionVote `json:"approvals"`
	RefusedBy string           `json:"refused_by,omitempty"`
	// RefusalReason is why it was refused.
	RefusalReason string `json:"refusal_reason,omitempty"`
	// Applied holds each value before and after, once applied.
	Applied     *CorrectionChange `json:"applied,omitempty"`
	RequestedAt time.Time         `json:"requested_at"`
	DecidedAt   *time.Time        `json:"decided_at,omitempty"`
	EventIndex  uint64            `json:"event_index"`
	// AppliedIndex is the index of the manifest.corrected event.
	AppliedIndex uint64 `json:"applied_index,omitempty"`
	Seq          uint64 `json:"seq"`
}

// CorrectionChange is what an applied correction changed.
type CorrectionChange struct {
	Lines []LineCorrected `json:"lines,omitempty"`
	Steps []StepCorrected `json:"steps,omitempty"`
}

// LineCorrected is one batch's values before and after.
type LineCorrected struct {
	WasteID string     `json:"waste_id"`
	Before  LineValues `json:"before"`
	After   LineValues `json:"after"`
}

// LineValues is what a correction may change of a batch on a manifest.
type LineValues struct {
	Quantity  Grams     `json:"quantity_kg"`
	Received  Grams     `json:"received_kg"`
	Code      string    `json:"code"`
	Category  string    `json:"category"`
	Container Container `json:"container"`
}

// StepCorrected is one custody step's time before and after.
type StepCorrected struct {
	Index  int       `json:"index"`
	Kind   string    `json:"kind"`
	Before time.Time `json:"before"`
	After  time.Time `json:"after"`
}

// CorrectionFilter selects corrections (GET /corrections).
type CorrectionFilter struct {
	Status string
	Party  string
}

// RequestCorrection asks to correct manifest id after its pickup. The
// caller must be named on it; the request awaits every other party named.
func (s *Service) RequestCorrection(ctx context.Context, p Principal, id string, in CorrectionInput) (*Correction, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	f := fieldErrors{}
	checkTags(f, &in)
	if len(in.Changes.Lines) == 0 && len(in.Changes.Steps) == 0 {
		f.add("changes", Text{"至少填写一项更正：批次（申报重量、实收重量、代码、容器）或交接时间", "name at least one change: lines (quantity_kg, received_kg, code, container) or steps (index, at)"})
	}
	for i, l := range in.Changes.Lines {
		at := fmt.Sprintf("changes.lines[%d]", i)
		if l.Quantity == nil && l.Received == nil && l.Code == nil && l.Container == nil {
			f.add(at, Text{"至少更正申报重量、实收重量、代码、容器中的一项", "change at least one of quantity_kg, received_kg, code, container"})
		}
		if l.Container != nil {
			if strings.TrimSpace(l.Container.Type) == "" {
				f.add(at+".container.type", Text{"必填（如周转箱、吨桶、铁桶）", "is required (e.g. 周转箱, 吨桶, 铁桶)"})
			}
			if l.Container.Count < 1 || l.Container.Count > 10000 {
				f.add(at+".container.count", Text{"应在 1 到 10000 之间", "must be between 1 and 10000"})
			}
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Correction, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		if !m.OnManifest(p.Party) {
			return nil, ruleErr(Text{"只有联单 %s 上列明的单位可以申请更正", "only a party named on manifest %s may ask to correct it"}, m.Number)
		}
		switch m.Status {
		case ManifestInTransit, ManifestDelivered, ManifestReceived, ManifestClosed:
		case ManifestSubmitted:
			return nil, transitionErr(Text{"在提货前更正联单（请取消后重新填写，或更正批次）", "correct a manifest before pickup (cancel and file it again, or correct the batch)"}, m.Status)
		default:
			return nil, transitionErr(Text{"更正联单", "correct a manifest"}, m.Status)
		}
		if m.PendingCorrection != "" {
			return nil, transitionErr(Text{"在已有更正（" + m.PendingCorrection + "）待同意时再申请更正", "ask for a correction while correction " + m.PendingCorrection + " is pending"}, CorrectionPending)
		}
		changes, err := c.checkChanges(m, in.Changes)
		if err != nil {
			return nil, err
		}
		if err := c.correctionApprovalProblem(m, changes); err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		parties := manifestParties(m)
		var awaiting []string
		for _, x := range parties {
			if x != p.Party {
				awaiting = append(awaiting, x)
			}
		}
		c.p.acting = roleOn(m, p)
		d := CorrectionRequestedData{ID: c.s.newID(), Manifest: m.ID, Number: m.Number, Parties: parties, Awaiting: awaiting,
			Reason: in.Reason, Changes: changes}
		if _, err := c.emit(EvCorrectionRequested, d.ID, occurred, d); err != nil {
			return nil, err
		}
		return loadCorrection(c.tx, d.ID)
	})
}

// manifestParties lists every party named on m once: its consignor,
// carriers and receiver.
func manifestParties(m *Manifest) []string {
	var out []string
	for _, x := range append(append([]string{m.Generator}, m.Carriers...), m.Receiver) {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// checkChanges checks a correction's changes against manifest m as it is
// and returns them as event data (codes normalised, steps by index).
func (c *cmd) checkChanges(m *Manifest, ch CorrectionChanges) (CorrectionChangesData, error) {
	var out CorrectionChangesData
	seen := map[string]bool{}
	var recvLic *License
	if m.Kind != ManifestReturn {
		recv, err := loadParty(c.tx, m.Receiver)
		if err != nil {
			return out, err
		}
		recvLic = recv.License
	}
	for i, l := range ch.Lines {
		at := fmt.Sprintf("changes.lines[%d]", i)
		if !contains(m.WasteIDs, l.WasteID) {
			return out, invalid(at+".waste_id", Text{"批次 %s 不在联单 %s 上", "batch %s is not on manifest %s"}, l.WasteID, m.Number)
		}
		if seen[l.WasteID] {
			return out, invalid(at+".waste_id", Text{"批次 %s 重复列出", "batch %s is listed twice"}, l.WasteID)
		}
		seen[l.WasteID] = true
		w, err := loadWaste(c.tx, l.WasteID)
		if err != nil {
			return out, err
		}
		d := LineChangeData{WasteID: w.ID, Quantity: l.Quantity, Received: l.Received}
		if l.Received != nil {
			line := receiptLine(m, w.ID)
			if line == nil || !line.Accepted {
				return out, invalid(at+".received_kg", Text{"批次 %s 没有可更正的接收记录（未接收或被拒收）", "batch %s has no accepted receipt to correct"}, w.Label)
			}
		}
		if l.Code != nil {
			code, err := c.s.BatchEdition(w).Lookup(*l.Code)
			if err != nil {
				f := fieldErrors{}
				f.put(at+".code", codeProblem(err, *l.Code))
				return out, f.err()
			}
			if code.Medical != w.Medical {
				return out, invalid(at+".code", Text{"更正不能改变批次是否属于医疗废物：%s 与原代码不同", "a correction keeps a batch medical or not: %s differs"}, code.Code)
			}
			if recvLic != nil {
				if prob := licenseProblem(recvLic, code.Code, orNow(m.PickedUpAt, c.now)); prob != (Text{}) {
					return out, ruleErr(Text{"接收单位的%s", "the receiver's %s"}, prob)
				}
			}
			cc := code.Code
			d.Code = &cc
		}
		if l.Container != nil {
			cd := ContainerData{Type: strings.TrimSpace(l.Container.Type), Count: l.Container.Count}
			d.Container = &cd
		}
		out.Lines = append(out.Lines, d)
	}
	steps := map[int]time.Time{}
	for i, st := range ch.Steps {
		at := fmt.Sprintf("changes.steps[%d]", i)
		if st.Index >= len(m.Custody) {
			return out, invalid(at+".index", Text{"联单 %s 有 %d 个交接步骤（0 到 %d）", "manifest %s has %d custody steps (0 to %d)"}, m.Number, len(m.Custody), len(m.Custody)-1)
		}
		if _, dup := steps[st.Index]; dup {
			return out, invalid(at+".index", Text{"步骤 %d 重复列出", "step %d is listed twice"}, st.Index)
		}
		t := st.At.UTC().Truncate(time.Microsecond)
		if t.After(c.now.Add(c.s.rules.MaxFutureOccurrence)) {
			return out, invalid(at+".at", Text{"不能晚于当前时间", "must not be in the future"})
		}
		steps[st.Index] = t
		out.Steps = append(out.Steps, StepChangeData{Index: st.Index, At: t})
	}
	// The steps stay in order: each at or after the one before.
	prev := time.Time{}
	for i, st := range m.Custody {
		t := st.At
		if v, ok := steps[i]; ok {
			t = v
		}
		if t.Before(prev) {
			return out, invalid("changes.steps", Text{"交接步骤须保持先后顺序：步骤 %d（%s）将早于步骤 %d", "the custody steps must stay in order: step %d (%s) would be before step %d"}, i, st.Kind, i-1)
		}
		prev = t
	}
	sort.Slice(out.Steps, func(i, j int) bool { return out.Steps[i].Index < out.Steps[j].Index })
	return out, nil
}

func orNow(t *time.Time, now time.Time) time.Time {
	if t == nil {
		return now
	}
	return *t
}

// receiptLine returns m's receipt line of batch id, or nil.
func receiptLine(m *Manifest, id string) *ReceiptLine {
	for i := range m.Lines {
		if m.Lines[i].WasteID == id {
			return &m.Lines[i]
		}
	}
	return nil
}

// ApproveCorrection records the caller's approval of a pending correction;
// the last approval applies it.
func (s *Service) ApproveCorrection(ctx context.Context, p Principal, id string, in DecisionInput) (*Correction, error) {
	return s.decide(ctx, p, id, in, true)
}

// RefuseCorrection refuses a pending correction, with a reason; nothing
// is changed.
func (s *Service) RefuseCorrection(ctx context.Context, p Principal, id string, in DecisionInput) (*Correction, error) {
	return s.decide(ctx, p, id, in, false)
}

func (s *Service) decide(ctx context.Context, p Principal, id string, in DecisionInput, approve bool) (*Correction, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	f := fieldErrors{}
	checkTags(f, &in)
	if !approve && in.Reason == "" {
		f.add("reason", Text{"请说明拒绝的原因", "say why the correction is refused"})
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Correction, error) {
		k, err := loadCorrection(c.tx, id)
		if err != nil {
			return nil, err
		}
		if !p.SeesAll() && !contains(k.Parties, p.Party) {
			return nil, notFound("correction", id)
		}
		if k.Status != CorrectionPending {
			return nil, transitionErr(Text{"同意或拒绝更正", "decide on a correction"}, k.Status)
		}
		if !contains(k.Awaiting, p.Party) {
			if contains(k.Parties, p.Party) {
				return nil, ruleErr(Text{"更正 %s 不需要本单位决定：本单位是申请方或已同意", "correction %s does not await your decision: you asked for it or have approved it"}, k.ID)
			}
			return nil, ruleErr(Text{"只有联单 %s 上列明的单位可以决定其更正", "only a party named on manifest %s decides on its corrections"}, k.ManifestNumber)
		}
		m, err := loadManifest(c.tx, k.Manifest)
		if err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		c.p.acting = roleOn(m, p)
		if !approve {
			if _, err := c.emit(EvCorrectionRefused, k.ID, occurred, CorrectionRefusedData{Manifest: m.ID, Reason: in.Reason}); err != nil {
				return nil, err
			}
			return loadCorrection(c.tx, id)
		}
		if _, err := c.emit(EvCorrectionApproved, k.ID, occurred, CorrectionApprovedData{Manifest: m.ID}); err != nil {
			return nil, err
		}
		if len(k.Awaiting) == 1 { // this was the last approval
			if err := c.applyCorrection(k, m, occurred); err != nil {
				return nil, err
			}
		}
		return loadCorrection(c.tx, id)
	})
}

// applyCorrection appends the manifest.corrected event of approved
// correction k, with each value before and after as m and its batches
// hold them now.
func (c *cmd) applyCorrection(k *Correction, m *Manifest, at time.Time) error {
	d := ManifestCorrectedData{Correction: k.ID, Reason: k.Reason}
	if m.ReceivedAt != nil {
		d.ReceiptYear = m.ReceivedAt.In(workday.Shanghai).Year()
	}
	for _, l := range k.Changes.Lines {
		w, err := loadWaste(c.tx, l.WasteID)
		if err != nil {
			return err
		}
		before := LineValuesData{Quantity: w.Quantity, Code: w.Code, Category: w.Category, Container: ContainerData(w.Container)}
		if line := receiptLine(m, w.ID); line != nil && line.Accepted {
			before.Received = line.Received
		}
		after := before
		if l.Quantity != nil {
			after.Quantity = *l.Quantity
		}
		if l.Received != nil {
			after.Received = *l.Received
		}
		if l.Code != nil {
			code, err := c.s.BatchEdition(w).Lookup(*l.Code)
			if err != nil {
				return err
			}
			after.Code, after.Category = code.Code, code.Category
		}
		if l.Container != nil {
			after.Container = ContainerData(*l.Container)
		}
		d.Lines = append(d.Lines, LineCorrectedData{WasteID: w.ID, Before: before, After: after})
	}
	for _, st := range k.Changes.Steps {
		step := m.Custody[st.Index]
		d.Steps = append(d.Steps, StepCorrectedData{Index: st.Index, Kind: step.Kind, Before: step.At, After: st.At})
	}
	_, err := c.emitAs(systemActor, EvManifestCorrected, m.ID, at, d)
	return err
}

// Correction returns a correction the caller may see (a party named on
// its manifest, inspectors and admins).
func (s *Service) Correction(ctx context.Context, p Principal, id string) (*Correction, error) {
	var out *Correction
	err := s.view(func(r *proj.Snapshot) error {
		k, err := loadCorrection(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && !contains(k.Parties, p.Party) {
			return notFound("correction", id)
		}
		out = k
		return nil
	})
	return out, err
}

// ManifestCorrections lists the corrections of a manifest the caller may
// see, oldest first: pending, applied and refused.
func (s *Service) ManifestCorrections(ctx context.Context, p Principal, id string) ([]*Correction, error) {
	out := []*Correction{}
	err := s.view(func(r *proj.Snapshot) error {
		m, err := loadManifest(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && !m.OnManifest(p.Party) {
			return notFound("manifest", id)
		}
		for _, cid := range m.Corrections {
			k, err := loadCorrection(r, cid)
			if err != nil {
				return err
			}
			out = append(out, k)
		}
		return nil
	})
	return out, err
}

// Corrections lists the corrections the caller may see (inspectors and
// admins: all; others: those of manifests they are on), newest first.
func (s *Service) Corrections(ctx context.Context, p Principal, f CorrectionFilter, pg Page) (List[*Correction], error) {
	if f.Status != "" && !contains(CorrectionStatuses, f.Status) {
		return List[*Correction]{}, invalid("status", Text{"应为以下之一：%s", "must be one of %s"}, strings.Join(CorrectionStatuses, ", "))
	}
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Correction]{Items: []*Correction{}}, nil
		}
		f.Party = p.Party
	}
	var lists []proj.List
	switch {
	case f.Party != "":
		lists = []proj.List{proj.CorrectionsOfParty(f.Party)}
	case f.Status != "":
		lists = []proj.List{proj.CorrectionsInStatus(f.Status)}
	default:
		for _, st := range CorrectionStatuses {
			lists = append(lists, proj.CorrectionsInStatus(st))
		}
	}
	var out List[*Correction]
	err := s.view(func(r *proj.Snapshot) error {
		var err error
		out, err = scanRange(r, lists, nil, nil, pg, func(_ uint64, id string) (*Correction, bool, error) {
			k, err := loadCorrection(r, id)
			if err != nil {
				return nil, false, err
			}
			ok := (p.SeesAll() || contains(k.Parties, p.Party)) && (f.Status == "" || k.Status == f.Status) &&
				(f.Party == "" || contains(k.Parties, f.Party))
			return k, ok, nil
		})
		return err
	})
	return out, err
}
