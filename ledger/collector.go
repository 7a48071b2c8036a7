package ledger

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Collectors (收集单位, 办法 Art 31(2)): a party with role collector and a
// collection licence receives small generators' batches like a receiver,
// and must pass them on within 90 working days (collection_overdue). It
// may consolidate batches it received into a new batch with its own label
// (its credit code and the collection date), which it then ships as the
// consignor of the onward manifest. The new batch records its sources and
// each source the batch it went into, so traces follow the waste both
// ways.

// ConsolidateInput consolidates received batches into a new one (POST
// /wastes/consolidate). Name, main components and hazards default to the
// catalogue's; occurred_at is the collection date the label carries.
type ConsolidateInput struct {
	SourceIDs      []string   `json:"source_ids" validate:"min=1,max=1000,unique,dive,text=64"`
	Code           string     `json:"code" validate:"text=20"`
	Name           string     `json:"name" validate:"text=500"`
	MainComponents string     `json:"main_components" validate:"text=500"`
	Form           string     `json:"form" validate:"form,text=20"`
	Hazards        []string   `json:"hazards" validate:"dive,text=10"`
	Quantity       Grams      `json:"quantity_kg" validate:"gt=0,lte=100000"`
	Container      Container  `json:"container"`
	Storage        string     `json:"storage" validate:"text=200"`
	OccurredAt     *time.Time `json:"occurred_at"`
}

// Consolidate makes a new batch of the calling collector out of batches it
// received and holds, all of the new code's category and all medical or
// none. The sources become consolidated; the new batch is stored at the
// collector, on the earliest of its sources' collection deadlines.
func (s *Service) Consolidate(ctx context.Context, p Principal, in ConsolidateInput) (*Waste, error) {
	if !p.Has(RoleCollector) {
		return nil, fmt.Errorf("%w: only a collector consolidates batches", ErrForbidden)
	}
	f := fieldErrors{}
	checkTags(f, &in)
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Waste, error) {
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		reg := WasteInput{Code: in.Code, Name: in.Name, MainComponents: in.MainComponents, Form: in.Form, Hazards: in.Hazards,
			Quantity: in.Quantity, Container: in.Container, GeneratedAt: occurred, Storage: in.Storage}
		code, err := s.validateWaste(&reg, s.cat.At(occurred))
		if err != nil {
			return nil, err
		}
		if code.ByIdentification {
			return nil, invalid("code", Text{"合并批次不能使用鉴别代码 %s：请使用来源批次所属的名录代码", "a consolidated batch takes a listed code, not %s"}, code.Code)
		}
		me, err := loadParty(c.tx, p.Party)
		if err != nil {
			return nil, err
		}
		if !me.Collects() {
			return nil, ruleErr(Text{"%s 没有收集经营许可证", "%s holds no collection licence"}, me.Name)
		}
		var due time.Time
		for i, id := range in.SourceIDs {
			w, err := loadWaste(c.tx, id)
			if err != nil || w.Status != WasteReceived || w.Receiver != p.Party || w.CollectionDue == nil {
				return nil, ruleErr(Text{"批次 %s 不是本单位收集、仍在本单位的批次", "batch %s is not a batch you collected and hold"}, id)
			}
			if w.Category != code.Category {
				return nil, invalid(fmt.Sprintf("source_ids[%d]", i), Text{"批次 %s 属于 %s，不能与 %s 合并：合并只在同一类别内", "batch %s is %s: only batches of %s are consolidated together"}, w.Label, w.Category, code.Category)
			}
			if w.Medical != code.Medical {
				return nil, invalid(fmt.Sprintf("source_ids[%d]", i), Text{"批次 %s 与 %s 是否属于医疗废物不同", "batch %s and %s differ in being medical waste"}, w.Label, code.Code)
			}
			if w.LastOccurredAt.After(occurred) {
				return nil, invalid("occurred_at", Text{"不能早于批次 %s 的上一步时间", "must not be earlier than batch %s's previous event"}, w.Label)
			}
			if due.IsZero() || w.CollectionDue.Before(due) {
				due = *w.CollectionDue
			}
		}
		gen, err := c.summary(p.Party)
		if err != nil {
			return nil, err
		}
		day := occurred.In(workday.Shanghai).Format("20060102")
		digits := strings.ReplaceAll(code.Code, "-", "")
		serial, err := proj.LabelCount(c.tx, gen.ID, digits, day)
		if err != nil {
			return nil, err
		}
		label, err := ident.MakeLabel(gen.CreditCode, code.Code, occurred, serial+1)
		if err != nil {
			return nil, ruleErr(Text{"%[2]s 的 %[1]s 已无可用标签：同一代码每天最多 999 个批次", "no label left for %s on %s: at most 999 batches per code and day"}, code.Code, day)
		}
		id, err := proj.BatchID(c.tx.Size(), c.s.newID())
		if err != nil {
			return nil, err
		}
		d := WasteConsolidatedData{Sources: in.SourceIDs, Batch: WasteRegisteredData{ID: id, Label: label, Generator: gen.ID,
			GeneratorName: gen.Name, Street: gen.Street, Code: code.Code, Category: code.Category, CatalogEdition: code.Edition,
			Name: reg.Name, MainComponents: reg.MainComponents, Form: reg.Form, Hazards: reg.Hazards, Quantity: reg.Quantity,
			Container: ContainerData(reg.Container), GeneratedAt: occurred, Storage: reg.Storage, Status: WasteStored,
			Medical: code.Medical, StorageDeadline: due, StorageWarnAt: due, Seq: c.tx.Size(), RegisteredAt: c.now,
			LastOccurredAt: occurred}}
		if _, err := c.emit(EvWasteConsolidated, id, occurred, d); err != nil {
			return nil, err
		}
		manifests := []string{}
		for _, src := range in.SourceIDs {
			if err := c.stopClocks(EvWasteConsolidated, SubjectWaste, src, occurred); err != nil {
				return nil, err
			}
			w, err := loadWaste(c.tx, src)
			if err != nil {
				return nil, err
			}
			if !contains(manifests, w.ManifestID) {
				manifests = append(manifests, w.ManifestID)
			}
		}
		for _, m := range manifests {
			if err := c.closeIfDone(m, occurred); err != nil {
				return nil, err
			}
		}
		if !deferredAlerts(ctx) && !due.After(c.now) {
			if _, err := c.fire(AlertCollectionOverdue, id); err != nil {
				return nil, err
			}
		}
		return loadWaste(c.tx, id)
	})
}

// batchData returns the registration of the batch whose seq is seq: the
// data of its waste.registered event, or the new batch of its
// waste.consolidated event.
func batchData(s proj.Store, seq uint64) (WasteRegisteredData, error) {
	e, err := s.Event(seq)
	if err != nil {
		return WasteRegisteredData{}, err
	}
	// Events read back from the store carry their data only: a
	// consolidation's data is the only one that opens with its batch.
	if e.Type == EvWasteConsolidated || bytes.HasPrefix(e.Data, []byte(`{"batch":`)) {
		var d WasteConsolidatedData
		err := data(e, &d)
		return d.Batch, err
	}
	var d WasteRegisteredData
	err = data(e, &d)
	return d, err
}
