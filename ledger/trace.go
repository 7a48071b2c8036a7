package ledger

import (
	"context"
	"encoding/hex"
	"slices"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Trace returns every ledger event about a batch or manifest, each with its
// inclusion proof against the returned signed checkpoint, so the caller
// can prove the history without trusting the server. A batch's trace
// follows its lineage both ways: it holds the events of the batches a
// collector consolidated into it (and theirs, back to the generators) and
// of the batch it was consolidated into (and on, to its disposal), in log
// order; Lineage lists those batches.
func (s *Service) Trace(ctx context.Context, p Principal, id string) (*Trace, error) {
	size, _, signed := s.log.Head()
	if signed == nil {
		var err error
		if signed, err = s.log.Checkpoint(); err != nil {
			return nil, err
		}
	}
	t := &Trace{Checkpoint: string(signed), Size: size, Events: []TraceEvent{}}
	if w, err := s.Waste(ctx, p, id); err == nil {
		t.Waste = w
	} else if m, err2 := s.Manifest(ctx, p, id); err2 == nil {
		t.Manifest = m
	} else {
		return nil, err
	}
	var indices []uint64
	err := s.view(func(r *proj.Snapshot) error {
		subjects := []string{id}
		if t.Waste != nil {
			indices = append(indices, t.Waste.Seq) // its registration
			lineage, err := lineageOf(r, t.Waste)
			if err != nil {
				return err
			}
			t.Lineage = lineage
			for _, b := range lineage {
				subjects = append(subjects, b.ID)
				indices = append(indices, b.seq)
			}
		}
		for _, sub := range subjects {
			err := proj.EachTrace(r, sub, func(i uint64) error {
				if i < size {
					indices = append(indices, i)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(indices)
	indices = slices.Compact(indices)
	evs, proofs, err := s.log.EventsWithProofs(indices, size)
	if err != nil {
		return nil, err
	}
	for k, i := range indices {
		t.Events = append(t.Events, TraceEvent{Index: i, LeafHash: hex.EncodeToString(chain.HashLeaf(evs[k])), Event: evs[k],
			InclusionProof: proofs[k]})
	}
	return t, nil
}

// Relations of a batch in another's lineage (LineageBatch.Relation).
const (
	// LineageSource: consolidated (directly or further back) into the
	// traced batch.
	LineageSource = "source"
	// LineageConsolidatedInto: the traced batch was consolidated
	// (directly or further on) into it.
	LineageConsolidatedInto = "consolidated_into"
)

// LineageBatch is a batch in the lineage of a traced batch.
type LineageBatch struct {
	ID            string `json:"id"`
	Label         string `json:"label"`
	GeneratorName string `json:"generator_name"`
	Code          string `json:"code"`
	Relation      string `json:"relation"` // LineageSource or LineageConsolidatedInto
	seq           uint64
}

// lineageOf lists the ancestors of w (its sources, theirs...) and its
// descendants (the batch it was consolidated into, that one's...), not
// their other sources.
func lineageOf(r proj.Store, w *Waste) ([]LineageBatch, error) {
	var out []LineageBatch
	seen := map[string]bool{w.ID: true}
	add := func(x *lineageFields, rel string) {
		out = append(out, LineageBatch{ID: x.ID, Label: x.Label, GeneratorName: x.GeneratorName, Code: x.Code, Relation: rel, seq: x.Seq})
	}
	queue := append([]string{}, w.Sources...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		x, err := loadLineage(r, id)
		if err != nil {
			return nil, err
		}
		add(x, LineageSource)
		queue = append(queue, x.Sources...)
	}
	for next := w.ConsolidatedInto; next != "" && !seen[next]; {
		seen[next] = true
		x, err := loadLineage(r, next)
		if err != nil {
			return nil, err
		}
		add(x, LineageConsolidatedInto)
		next = x.ConsolidatedInto
	}
	return out, nil
}

// lineageFields is what a trace needs of a batch in a lineage: a batch
// that is a source or was consolidated has its record (w/<id>) since it
// changed, so these fields are decoded from it alone.
type lineageFields struct {
	ID               string   `json:"id"`
	Label            string   `json:"label"`
	GeneratorName    string   `json:"generator_name"`
	Code             string   `json:"code"`
	Seq              uint64   `json:"seq"`
	Sources          []string `json:"sources"`
	ConsolidatedInto string   `json:"consolidated_into"`
}

// loadLineage reads the lineage fields of batch id.
func loadLineage(r proj.Store, id string) (*lineageFields, error) {
	var x lineageFields
	ok, err := getJSON(r, proj.WasteKey(id), &x)
	if err != nil {
		return nil, err
	}
	if !ok {
		w, err := loadWaste(r, id)
		if err != nil {
			return nil, err
		}
		x = lineageFields{ID: w.ID, Label: w.Label, GeneratorName: w.GeneratorName, Code: w.Code, Seq: w.Seq, Sources: w.Sources,
			ConsolidatedInto: w.ConsolidatedInto}
	}
	return &x, nil
}
