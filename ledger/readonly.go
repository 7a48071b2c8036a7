package ledger

import (
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Read-only mode. When the integrity watch (RunBackground) or the start-up
// check (CheckAtStart) finds a fault, the Service seals its log
// (chain.Log.Seal): every write, including one already queued, answers
// ErrReadOnly with the reason, and nothing more is appended until an
// operator restores a good store and starts the server again.
//
// The integrity alert of such a fault is not a ledger event. The chain is
// known to be broken: an event appended to it would stand on the broken
// chain, and would break the promise that nothing is appended after the
// fault. The Service holds the alert instead: ReadOnly reports it (the
// API's /healthz, every refused write, the web UI's banner), it is sent to
// alert subscribers (the live streams) as an open integrity alert, and it
// is logged at error level. It is kept in memory only: the next start finds
// the fault again, since the start-up check reads everything the watch
// reads (the whole chain, and the state against the log).

// ReadOnlyState says why and since when the Service refuses writes.
type ReadOnlyState struct {
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	// Alert is the integrity alert of the fault (held here, not in the
	// ledger); inspectors and admins see it first in the alert list.
	Alert *Alert `json:"alert"`
}

// ReadOnlyAlertID is the id of the integrity alert of read-only mode.
const ReadOnlyAlertID = "read-only"

// Err is the error every refused write answers: ErrReadOnly with the
// reason.
func (st ReadOnlyState) Err() error {
	return fmt.Errorf("%w: the ledger's integrity check failed (%s); nothing is recorded until an "+
		"operator restores a good store", ErrReadOnly, st.Reason)
}

// ReadOnly reports whether the Service refuses writes, and why.
func (s *Service) ReadOnly() (ReadOnlyState, bool) {
	st := s.readOnly.Load()
	if st == nil {
		return ReadOnlyState{}, false
	}
	return *st, true
}

// enterReadOnly seals the log for fault and raises the integrity alert
// outside the chain. Only the first fault is kept. When it returns,
// nothing more can be appended.
func (s *Service) enterReadOnly(fault error) {
	if !s.faulted.CompareAndSwap(false, true) {
		return
	}
	st := &ReadOnlyState{Reason: fault.Error(), Since: s.Now()}
	// Seal first: it returns once the batch in flight is on disk, so the
	// size that /healthz and the alert report is final when they see it.
	s.log.Seal(st.Err())
	seq := s.log.Size()
	if seq > 0 {
		seq-- // not an event: a stream resumed from it misses nothing
	}
	kind, _ := alertKind(AlertIntegrity)
	msg := kind.message(alertFacts{detail: Text{
		"台账已转为只读，恢复完好的存储之前不再记录任何操作：" + st.Reason,
		"the ledger is read-only; nothing is recorded until a good store is restored: " + st.Reason}})
	st.Alert = &Alert{ID: ReadOnlyAlertID, Kind: AlertIntegrity, Status: AlertOpen, Subject: SubjectLedger,
		SubjectType: SubjectLedger, Party: SystemParty, Parties: []string{}, Message: msg.Zh, MessageEn: msg.En,
		RaisedAt: st.Since, EventIndex: seq, Seq: seq}
	s.readOnly.Store(st)
	s.lg.Error("LEDGER INTEGRITY FAULT: the ledger is read-only until an operator restores a good store",
		"fault", st.Reason, "ledger_size", s.log.Size())
	s.bus.publish([]AlertNotice{{Seq: st.Alert.Seq, Type: EvAlertRaised, Alert: st.Alert, Held: true}})
}

// withReadOnlyAlert puts the read-only integrity alert first on the first
// page of an alert list that p may see and filter f admits.
func (s *Service) withReadOnlyAlert(p Principal, f AlertFilter, pg Page, items []*Alert) []*Alert {
	st := s.readOnly.Load()
	if st == nil || pg.Cursor != "" || !canSeeAlert(p, st.Alert) ||
		(f.Kind != "" && f.Kind != AlertIntegrity) || (f.Status != "" && f.Status != AlertOpen) ||
		f.Street != "" || (f.Party != "" && f.Party != SystemParty) {
		return items
	}
	return append([]*Alert{st.Alert}, items...)
}

// faultOf words a failed check for ReadOnlyState.Reason.
func faultOf(what string, err error) error {
	if chain.IsFault(err) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s could not be completed: %w", what, err)
}
