package ledger

import (
	"fmt"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// applyWasteConsolidated stores the new batch at the collector, on its
// collection deadline, and marks each source consolidated into it. The
// new batch is not new waste: it adds nothing to the day aggregates (its
// sources' generators counted it when they registered it). The sources'
// generators may see the new batch.
func applyWasteConsolidated(s proj.Store, e *chain.Event, d *WasteConsolidatedData) error {
	b := &d.Batch
	if b.Seq != e.Index {
		return fmt.Errorf("batch %s consolidated with seq %d in event %d", b.ID, b.Seq, e.Index)
	}
	if seq, ok := proj.BatchSeq(b.ID); !ok || seq != e.Index {
		return fmt.Errorf("batch %s: its id does not carry its seq %d", b.ID, e.Index)
	}
	w := b.waste()
	w.Sources = d.Sources
	due := w.StorageDeadline
	w.CollectionDue = &due
	for _, id := range d.Sources {
		var gen string
		err := updateWaste(s, id, func(src *Waste) error {
			gen = src.Generator
			if src.CollectionDue != nil {
				if err := proj.DelDeadline(s, *src.CollectionDue, AlertCollectionOverdue, src.ID, src.Seq); err != nil {
					return err
				}
			}
			src.Status, src.ConsolidatedInto, src.LastOccurredAt = WasteConsolidated, w.ID, e.OccurredAt
			return s.Delete(proj.OpenManifestKey(src.ID))
		})
		if err != nil {
			return err
		}
		if err := traceAlso(s, id, e); err != nil {
			return err
		}
		if !contains(w.Parties, gen) && gen != w.Generator {
			w.Parties = append(w.Parties, gen)
		}
	}
	if err := setJSON(s, proj.WasteKey(w.ID), &w); err != nil {
		return err
	}
	if err := proj.UpdateIndex(s, "", nil, wasteIndexKeys(&w)); err != nil {
		return err
	}
	if err := proj.BumpCount(s, w.Status, 1); err != nil {
		return err
	}
	l, err := ident.ParseLabel(w.Label)
	if err != nil {
		return err
	}
	if err := proj.AddLabel(s, w.Generator, l.CodeDigits, l.Date, l.Serial, w.Seq); err != nil {
		return err
	}
	return proj.PutDeadline(s, due, AlertCollectionOverdue, w.ID, w.Seq)
}
