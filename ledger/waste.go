package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Forms a batch may take.

// waste is the batch as registered.
func (d *WasteRegisteredData) waste() Waste {
	w := Waste{ID: d.ID, Label: d.Label, Generator: d.Generator, GeneratorName: d.GeneratorName, Street: d.Street,
		Code: d.Code, Category: d.Category, CatalogEdition: d.CatalogEdition, Name: d.Name, MainComponents: d.MainComponents,
		Form: d.Form, Hazards: d.Hazards, Quantity: d.Quantity,
		Container: Container(d.Container), GeneratedAt: d.GeneratedAt, Storage: d.Storage, Status: d.Status,
		Medical: d.Medical, StorageDeadline: d.StorageDeadline, StorageWarnAt: d.StorageWarnAt,
		RegisteredAt: d.RegisteredAt, LastOccurredAt: d.LastOccurredAt, Seq: d.Seq}
	if d.Identification != nil {
		id := Identification(*d.Identification)
		w.Identification = &id
	}
	return w
}

// declared returns the declared fields of w.
func declared(w *Waste) WasteDeclaredData {
	return WasteDeclaredData{w.Name, w.MainComponents, w.Form, w.Hazards, w.Quantity, ContainerData(w.Container), w.Storage}
}

// applyWasteRegistered stores no record: until it first changes
// (updateWaste), the batch is read from its registration event, found
// through the seq its id carries (proj.BatchID).
func applyWasteRegistered(s proj.Store, e *chain.Event, d *WasteRegisteredData) error {
	if d.Seq != e.Index {
		return fmt.Errorf("batch %s registered with seq %d in event %d", d.ID, d.Seq, e.Index)
	}
	if seq, ok := proj.BatchSeq(d.ID); !ok || seq != e.Index {
		return fmt.Errorf("batch %s: its id does not carry its seq %d", d.ID, e.Index)
	}
	w := d.waste()
	if err := proj.UpdateIndex(s, "", nil, wasteIndexKeys(&w)); err != nil {
		return err
	}
	if err := proj.BumpCount(s, w.Status, 1); err != nil {
		return err
	}
	if err := proj.BumpAgg(s, w.GeneratedAt, w.Generator, func(a *proj.DayAgg) {
		a.Batches++
		a.Generated += int64(w.Quantity)
		if w.Medical {
			a.MedicalBatches++
			a.Medical += int64(w.Quantity)
		}
	}); err != nil {
		return err
	}
	if err := proj.BumpMonth(s, w.GeneratedAt, w.Generator, w.Code, func(a *proj.MonthAgg) {
		a.Generated += int64(w.Quantity)
		a.Batches++
	}); err != nil {
		return err
	}
	l, err := ident.ParseLabel(w.Label)
	if err != nil {
		return err
	}
	if err := proj.AddLabel(s, w.Generator, l.CodeDigits, l.Date, l.Serial, w.Seq); err != nil {
		return err
	}
	// A new batch has no alerts yet: its first deadline is the warning
	// (raising it indexes the overdue deadline, see alert.go).
	return proj.PutDeadline(s, w.StorageWarnAt, AlertStorageDueSoon, w.ID, w.Seq)
}

func applyWasteCorrected(s proj.Store, e *chain.Event, d *WasteCorrectedData) error {
	return updateWaste(s, e.Subject, func(w *Waste) error {
		a := d.After
		if a.Quantity != w.Quantity {
			if err := proj.BumpMonth(s, w.GeneratedAt, w.Generator, w.Code, func(m *proj.MonthAgg) {
				m.Generated += int64(a.Quantity - w.Quantity)
			}); err != nil {
				return err
			}
		}
		w.Name, w.Form, w.Hazards, w.Quantity, w.Container, w.Storage = a.Name, a.Form, a.Hazards, a.Quantity, Container(a.Container), a.Storage
		if a.MainComponents != "" {
			w.MainComponents = a.MainComponents
		}
		w.Corrections++
		w.LastOccurredAt = e.OccurredAt
		return nil
	})
}

func applyWasteDisposed(s proj.Store, e *chain.Event, d *WasteDisposedData) error {
	return updateWaste(s, e.Subject, func(w *Waste) error {
		at := e.OccurredAt
		w.Status, w.Method, w.Disposed, w.DisposedAt, w.LastOccurredAt = WasteDisposed, d.Method, d.Quantity, &at, at
		if err := handedMethod(s, w, d.Method); err != nil {
			return err
		}
		if err := countDisposed(s, w, at); err != nil {
			return err
		}
		if w.DisposalDeadline == nil {
			return nil
		}
		return proj.DelDeadline(s, *w.DisposalDeadline, AlertDisposalOverdue, w.ID, w.Seq)
	})
}

// countDisposed adds batch w, disposed of at at, to the day aggregates of
// its generator; a consolidated batch, which is no waste of the collector's
// own, counts as each of its sources disposed of, for their generators.
func countDisposed(s proj.Store, w *Waste, at time.Time) error {
	if len(w.Sources) == 0 {
		return proj.BumpAgg(s, w.GeneratedAt, w.Generator, func(a *proj.DayAgg) {
			a.Disposed += int64(w.Quantity)
			if w.Medical {
				a.MedicalDisposed += int64(w.Quantity)
			}
			a.DisposedBatches++
			a.DisposalSeconds += int64(at.Sub(w.GeneratedAt) / time.Second)
		})
	}
	for _, id := range w.Sources {
		src, err := loadWaste(s, id)
		if err != nil {
			return err
		}
		if err := countDisposed(s, src, at); err != nil {
			return err
		}
	}
	return nil
}

// The storage deadlines of a stored batch come one after the other: the
// index holds the early warning until its alert is raised, then the
// overdue deadline. One entry per batch at a time keeps registration cheap.

// addStorageDeadlines puts a stored batch's next storage deadline into the
// index (a batch back in storage after a cancelled manifest): the warning
// if it has not been raised, else the overdue deadline unless that alert
// is open. Nothing is raised twice.
func addStorageDeadlines(s proj.Store, w *Waste) error {
	if len(w.Sources) > 0 { // a collector's batch: the collection clock
		_, open, err := s.Get(proj.AlertCondKey(AlertCollectionOverdue, w.ID))
		if err != nil || open {
			return err
		}
		return proj.PutDeadline(s, *w.CollectionDue, AlertCollectionOverdue, w.ID, w.Seq)
	}
	_, overdue, err := s.Get(proj.AlertCondKey(AlertStorageOverdue, w.ID))
	if err != nil || overdue {
		return err
	}
	if _, warned, err := s.Get(proj.AlertCondKey(AlertStorageDueSoon, w.ID)); err != nil || !warned {
		if err != nil {
			return err
		}
		return proj.PutDeadline(s, w.StorageWarnAt, AlertStorageDueSoon, w.ID, w.Seq)
	}
	return proj.PutDeadline(s, w.StorageDeadline, AlertStorageOverdue, w.ID, w.Seq)
}

func delStorageDeadlines(s proj.Store, w *Waste) error {
	if err := proj.DelDeadline(s, w.StorageWarnAt, AlertStorageDueSoon, w.ID, w.Seq); err != nil {
		return err
	}
	return proj.DelDeadline(s, w.StorageDeadline, AlertStorageOverdue, w.ID, w.Seq)
}

// RegisterWaste registers a batch for the calling generator and gives it
// its 37-character label.
func (s *Service) RegisterWaste(ctx context.Context, p Principal, in WasteInput) (*Waste, error) {
	p, err := p.actAs(RoleGenerator, "only a generator registers waste")
	if err != nil {
		return nil, err
	}
	code, err := s.validateWaste(&in, s.cat.At(in.GeneratedAt))
	if err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Waste, error) {
		if in.GeneratedAt.After(c.now.Add(s.rules.MaxFutureOccurrence)) {
			return nil, invalid("generated_at", Text{"不能晚于现在", "must not be in the future"})
		}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		gen, err := c.summary(p.Party)
		if err != nil {
			return nil, err
		}
		day := in.GeneratedAt.In(workday.Shanghai).Format("20060102")
		digits := strings.ReplaceAll(code.Code, "-", "")
		serial, err := proj.LabelCount(c.tx, gen.ID, digits, day)
		if err != nil {
			return nil, err
		}
		serial++
		label, err := ident.MakeLabel(gen.CreditCode, code.Code, in.GeneratedAt, serial)
		if err != nil {
			return nil, ruleErr(Text{"%[2]s 的 %[1]s 已无可用标签：同一代码每天最多 999 个批次", "no label left for %s on %s: at most 999 batches per code and day"}, code.Code, day)
		}
		limit, warn := s.rules.Storage, s.rules.StorageWarnBefore
		if code.Medical {
			limit, warn = s.rules.MedicalStorage, s.rules.MedicalWarnBefore
		}
		gat := in.GeneratedAt.UTC().Truncate(time.Microsecond)
		id, err := proj.BatchID(c.tx.Size(), c.s.newID())
		if err != nil {
			return nil, err
		}
		d := WasteRegisteredData{ID: id, Label: label, Generator: gen.ID, GeneratorName: gen.Name, Street: gen.Street,
			Code: code.Code, Category: code.Category, CatalogEdition: code.Edition, Name: in.Name, MainComponents: in.MainComponents,
			Form: in.Form, Hazards: in.Hazards,
			Quantity: in.Quantity, Container: ContainerData(in.Container), GeneratedAt: gat, Storage: in.Storage,
			Status: WasteStored, Medical: code.Medical, StorageDeadline: gat.Add(limit), StorageWarnAt: gat.Add(limit - warn),
			Seq: c.tx.Size(), RegisteredAt: c.now, LastOccurredAt: occurred}
		if in.Identification != nil {
			idd := IdentificationData(*in.Identification)
			d.Identification = &idd
		}
		if _, err := c.emit(EvWasteRegistered, d.ID, occurred, &d); err != nil {
			return nil, err
		}
		w := d.waste()
		if !deferredAlerts(ctx) && (!w.StorageDeadline.After(c.now) || !w.StorageWarnAt.After(c.now)) {
			// Registered late (paper fallback): warn now, not at the next sweep.
			if err := c.sweepSubject(&w); err != nil {
				return nil, err
			}
		}
		return &w, nil
	})
}

// validateWaste checks a registration against edition e of the list and
// fills defaults from it.
func (s *Service) validateWaste(in *WasteInput, e *catalog.Edition) (catalog.Code, error) {
	f := fieldErrors{}
	code, err := e.Lookup(in.Code)
	if err != nil {
		f.put("code", codeProblem(err, in.Code))
	} else if code.ByIdentification && in.Identification == nil {
		f.add("identification", Text{"%s 是经鉴别属于危险废物的代码：必须填写鉴别报告（编号、鉴别机构、出具日期）",
			"is required for %s: waste found hazardous by testing names its identification report " +
				"{report_number, issued_by, issued_at}"}, code.Code)
	}
	in.Name = strings.TrimSpace(in.Name)
	in.MainComponents = strings.TrimSpace(in.MainComponents)
	in.Container.Type = strings.TrimSpace(in.Container.Type)
	in.Storage = strings.TrimSpace(in.Storage)
	if in.Identification != nil {
		in.Identification.ReportNumber = strings.TrimSpace(in.Identification.ReportNumber)
		in.Identification.IssuedBy = strings.TrimSpace(in.Identification.IssuedBy)
	}
	if !wasteTagsHold(in) {
		checkTags(f, in)
	}
	// The list's own name fills what the generator left empty (after the
	// checks: it keeps every rule).
	if in.Name == "" {
		in.Name = code.Name
	}
	if in.MainComponents == "" {
		in.MainComponents = code.Name
	}
	if in.Identification != nil {
		s.checkIdentification(in.Identification, f)
	}
	if len(in.Hazards) == 0 && code.ByIdentification {
		f.add("hazards", Text{"%s 必须填写鉴别确定的危险特性（T、C、I、R、In）", "are required for %s: the characteristics the identification found (T, C, I, R, In)"}, code.Code)
	} else if len(in.Hazards) == 0 {
		in.Hazards = code.Hazards
	} else if hz, err := catalog.ParseHazards(strings.Join(in.Hazards, ",")); err != nil {
		f.add("hazards", Text{"每项应为 T（毒性）、C（腐蚀性）、I（易燃性）、R（反应性）或 In（感染性）", "each must be one of T, C, I, R, In"})
	} else {
		in.Hazards = hz
	}
	if !in.GeneratedAt.IsZero() && in.GeneratedAt.Year() < 2000 {
		f.add("generated_at", Text{"应在 2000 年以后", "must be after 2000"})
	}
	return code, f.err()
}

// checkIdentification checks an identification report's date beyond its
// tags, and truncates it.
func (s *Service) checkIdentification(id *Identification, f fieldErrors) {
	switch {
	case id.IssuedAt.IsZero():
	case id.IssuedAt.After(s.Now().Add(s.rules.MaxFutureOccurrence)):
		f.add("identification.issued_at", Text{"不能晚于现在", "must not be in the future"})
	case id.IssuedAt.Year() < 2000:
		f.add("identification.issued_at", Text{"应在 2000 年以后", "must be after 2000"})
	}
	id.IssuedAt = id.IssuedAt.UTC().Truncate(time.Microsecond)
}

// BatchEdition returns the edition of the list a batch's code was checked
// against (for a batch that records none, or whose edition is not loaded:
// the edition in force when it was generated).
func (s *Service) BatchEdition(w *Waste) *catalog.Edition {
	if e, ok := s.cat.Edition(w.CatalogEdition); ok {
		return e
	}
	return s.cat.At(w.GeneratedAt)
}

// CorrectWaste corrects declared fields of a batch that is still stored;
// the event holds before and after, nothing is edited.
func (s *Service) CorrectWaste(ctx context.Context, p Principal, id string, in WasteCorrection) (*Waste, error) {
	p, err := p.actAs(RoleGenerator, "only the generator corrects its batches")
	if err != nil {
		return nil, err
	}
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Waste, error) {
		w, err := c.visibleWaste(id)
		if err != nil {
			return nil, err
		}
		if w.Generator != p.Party {
			return nil, ruleErr(Text{"只有产生单位可以更正批次", "only the generator of a batch may correct it"})
		}
		if w.Status != WasteStored {
			return nil, transitionErr(Text{"更正批次", "correct a batch"}, w.Status)
		}
		before := declared(w)
		after := before
		if in.Name != nil {
			after.Name = *in.Name
		}
		if in.MainComponents != nil {
			after.MainComponents = *in.MainComponents
		}
		if in.Form != nil {
			after.Form = *in.Form
		}
		if in.Hazards != nil {
			after.Hazards = in.Hazards
		}
		if in.Quantity != nil {
			after.Quantity = *in.Quantity
		}
		if in.Container != nil {
			after.Container = ContainerData(*in.Container)
		}
		if in.Storage != nil {
			after.Storage = *in.Storage
		}
		check := WasteInput{Code: w.Code, Name: after.Name, MainComponents: after.MainComponents, Identification: w.Identification,
			Form: after.Form, Hazards: after.Hazards, Quantity: after.Quantity, Container: Container(after.Container),
			GeneratedAt: w.GeneratedAt, Storage: after.Storage}
		if check.Identification != nil {
			id := *check.Identification
			check.Identification = &id
		}
		if _, err := s.validateWaste(&check, s.BatchEdition(w)); err != nil {
			return nil, err
		}
		after = WasteDeclaredData{check.Name, check.MainComponents, check.Form, check.Hazards, check.Quantity,
			ContainerData(check.Container), check.Storage}
		if strings.TrimSpace(in.Reason) == "" {
			return nil, invalid("reason", Text{"请说明更正原因", "say why the batch is corrected"})
		}
		occurred, err := c.occurred(in.OccurredAt, w.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvWasteCorrected, w.ID, occurred, WasteCorrectedData{Reason: in.Reason, Before: before, After: after}); err != nil {
			return nil, err
		}
		return loadWaste(c.tx, id)
	})
}

// Dispose records utilisation or disposal of a received batch by the
// receiver holding it, with a method its licence allows (medical waste:
// only Y-codes or D10). When every batch of the manifest is disposed of or
// rejected, the manifest closes.
func (s *Service) Dispose(ctx context.Context, p Principal, id string, in DisposeInput) (*Waste, error) {
	p, err := p.actAs(RoleReceiver, "only a receiver disposes of waste")
	if err != nil {
		return nil, err
	}
	f := fieldErrors{}
	checkTags(f, &in)
	m, ok := catalog.MethodByCode(in.Method)
	if !ok {
		f.add("method", Text{"应为利用处置方式代码，如 R9、D10、Y10", "must be a method code such as R9, D10 or Y10"})
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Waste, error) {
		w, err := c.visibleWaste(id)
		if err != nil {
			return nil, err
		}
		if w.Status != WasteReceived {
			return nil, transitionErr(Text{"利用处置", "dispose of a batch"}, w.Status)
		}
		if w.Receiver != p.Party {
			return nil, ruleErr(Text{"只有接收该批次的单位可以利用处置", "only the receiver holding a batch may dispose of it"})
		}
		recv, err := loadParty(c.tx, p.Party)
		if err != nil {
			return nil, err
		}
		if recv.License == nil || !licenseAllowsMethod(recv.License, m.Code) {
			return nil, ruleErr(Text{"经营许可证不允许方式 %s", "the licence does not allow method %s"}, m.Code)
		}
		if !MethodAllowed(recv.License, w, m.Code) {
			return nil, ruleErr(Text{"医疗废物只能用 Y 类方式或 D10 处置，不能用 %s", "medical waste may only be disposed of with Y-codes or D10, not %s"}, m.Code)
		}
		if in.Quantity > w.Received+w.Received/10 {
			return nil, invalid("quantity_kg", Text{"不能比实收的 %s kg 多出 10 %% 以上", "must not exceed the received %s kg by more than 10 %%"}, kgString(w.Received))
		}
		occurred, err := c.occurred(in.OccurredAt, w.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvWasteDisposed, w.ID, occurred, WasteDisposedData{Method: m.Code, Quantity: in.Quantity, Receiver: p.Party}); err != nil {
			return nil, err
		}
		if err := c.stopClocks(EvWasteDisposed, SubjectWaste, w.ID, occurred); err != nil {
			return nil, err
		}
		if err := c.closeIfDone(w.ManifestID, occurred); err != nil {
			return nil, err
		}
		return loadWaste(c.tx, id)
	})
}

func kgString(g Grams) string { b, _ := g.MarshalJSON(); return string(b) }

// visibleWaste loads a batch the caller may see, else ErrNotFound.
func (c *cmd) visibleWaste(id string) (*Waste, error) {
	w, err := loadWaste(c.tx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeWaste(c.p, w) {
		return nil, notFound("waste", id)
	}
	return w, nil
}

func canSeeWaste(p Principal, w *Waste) bool {
	if p.SeesAll() || w.Generator == p.Party {
		return true
	}
	for _, x := range w.Parties {
		if x == p.Party {
			return true
		}
	}
	return false
}

// Waste returns a batch the caller may see.
func (s *Service) Waste(ctx context.Context, p Principal, id string) (*Waste, error) {
	var out *Waste
	err := s.view(func(r *proj.Snapshot) error {
		w, err := loadWaste(r, id)
		if err != nil {
			return err
		}
		if !canSeeWaste(p, w) {
			return notFound("waste", id)
		}
		out = w
		return nil
	})
	return out, err
}

// errNoLabel is the one answer for a label that names no batch the caller
// may see: a label that names no batch at all and one of another party's
// batch are refused alike, so a lookup tells nothing of other parties'
// batches (neither that one exists nor its id).
var errNoLabel = fmt.Errorf("%w: no batch you may see has this label", ErrNotFound)

// WasteByLabel resolves a scanned label to the batch, if the caller may see
// it; otherwise errNoLabel.
func (s *Service) WasteByLabel(ctx context.Context, p Principal, label string) (*Waste, error) {
	var out *Waste
	err := s.view(func(r *proj.Snapshot) error {
		id, ok, err := labelBatch(r, label)
		if err != nil {
			return err
		}
		if !ok {
			return errNoLabel
		}
		w, err := loadWaste(r, id)
		if err != nil {
			return err
		}
		if !canSeeWaste(p, w) {
			return errNoLabel
		}
		out = w
		return nil
	})
	return out, err
}

// labelBatch returns the id of the batch with label (ok false: none).
func labelBatch(r proj.Store, label string) (id string, ok bool, err error) {
	l, err := ident.ParseLabel(strings.TrimSpace(label))
	if err != nil {
		return "", false, nil
	}
	gen, ok, err := r.Get(proj.CreditKey(l.Credit))
	if err != nil || !ok {
		return "", false, err
	}
	seq, ok, err := proj.LabelSeq(r, string(gen), l.CodeDigits, l.Date, l.Serial)
	if err != nil || !ok {
		return "", false, err
	}
	d, err := batchData(r, seq)
	if err != nil {
		return "", false, err
	}
	return d.ID, true, nil
}
