package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// apply updates the projections for one event (its row of eventTypes)
// and records it in the trace index of its subject. A registration (or
// the consolidation that makes a batch) needs no trace entry: its index
// is the batch's seq, where every trace of the batch starts.
func apply(s proj.Store, e *chain.Event) error {
	t, ok := eventTypes[e.Type]
	if !ok {
		return fmt.Errorf("unknown event type %q", e.Type)
	}
	if e.Subject != "" && e.Type != EvWasteRegistered && e.Type != EvWasteConsolidated {
		if err := s.Set(proj.TraceKey(e.Subject, e.Index), nil); err != nil {
			return err
		}
	}
	return t.apply(s, e)
}

// data decodes an event's data into d. For an event just appended it
// copies the Go value the data was encoded from instead of decoding it
// again; replay decodes, and verify proves both give the same projections.
func data[D any](e *chain.Event, d *D) error {
	switch v := e.Value.(type) {
	case D:
		*d = v
		return nil
	case *D:
		if v != nil {
			*d = *v
			return nil
		}
	}
	if err := json.Unmarshal(e.Data, d); err != nil {
		return fmt.Errorf("event %d (%s): %w", e.Index, e.Type, err)
	}
	return nil
}

// traceAlso records that event e is also about subject (e.g. a manifest
// event about each of its batches).
func traceAlso(s proj.Store, subject string, e *chain.Event) error {
	return s.Set(proj.TraceKey(subject, e.Index), nil)
}
