package ledger

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Event types. Each has one apply function, registered by the file that
// owns the type; apply functions read only the event and the projections
// before it, so replaying the log rebuilds every projection exactly.
const (
	EvPartyRegistered  = "party.registered"
	EvLicenseRenewed   = "party.license_renewed"
	EvTokenCreated     = "token.created"
	EvTokenRevoked     = "token.revoked"
	EvWasteRegistered  = "waste.registered"
	EvWasteCorrected   = "waste.corrected"
	EvWasteDisposed    = "waste.disposed"
	EvManifestCreated  = "manifest.created"
	EvManifestPickedUp = "manifest.picked_up"
	EvManifestHandover = "manifest.handed_over"
	EvManifestTrack    = "manifest.positions"
	EvManifestDeliver  = "manifest.delivered"
	EvManifestReceived = "manifest.received"
	EvManifestCancel   = "manifest.cancelled"
	EvManifestClosed   = "manifest.closed"
	EvAlertRaised      = "alert.raised"
	EvAlertResolved    = "alert.resolved"
	EvAlertAcked       = "alert.acknowledged"
)

var appliers = map[string]func(s kv, e *chain.Event) error{}

func onEvent(typ string, fn func(s kv, e *chain.Event) error) { appliers[typ] = fn }

// apply updates the projections for one event and records it in the trace
// index of its subject. A registration needs no trace entry: its index is
// the batch's seq, where every trace of the batch starts.
func apply(s kv, e *chain.Event) error {
	fn, ok := appliers[e.Type]
	if !ok {
		return fmt.Errorf("unknown event type %q", e.Type)
	}
	if e.Subject != "" && e.Type != EvWasteRegistered {
		if err := s.Set(evKey(e.Subject, e.Index), nil); err != nil {
			return err
		}
	}
	return fn(s, e)
}

// data decodes an event's data into v. For an event just appended it
// copies the Go value the data was encoded from instead of decoding it
// again; replay decodes, and verify proves both give the same projections.
func data(e *chain.Event, v any) error {
	if e.Value != nil {
		src, dst := reflect.ValueOf(e.Value), reflect.ValueOf(v).Elem()
		if src.Kind() == reflect.Pointer && !src.IsNil() {
			src = src.Elem()
		}
		if src.Type() == dst.Type() {
			dst.Set(src)
			return nil
		}
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("event %d (%s): %w", e.Index, e.Type, err)
	}
	return nil
}

// traceAlso records that event e is also about subject (e.g. a manifest
// event about each of its batches).
func traceAlso(s kv, subject string, e *chain.Event) error {
	return s.Set(evKey(subject, e.Index), nil)
}
