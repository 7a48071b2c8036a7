package ledger

import (
	"encoding/json"
	"sync"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// AlertNotice is one alert raise, resolution or acknowledgement, as sent on
// the live stream. Seq is the ledger index of the event (the SSE id).
type AlertNotice struct {
	Seq   uint64 `json:"seq"`
	Type  string `json:"type"` // alert.raised, alert.resolved, alert.acknowledged
	Alert *Alert `json:"alert"`
	// Held marks the alert of read-only mode, which is held by the Service
	// and is no ledger event: Seq is then the index of the last event, so
	// a stream resumed from it misses nothing, and a stream sends the
	// notice although it has sent that Seq before.
	Held bool `json:"-"`
}

// bus fans alert notices out to subscribers after each durable commit.
type bus struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	p  Principal
	ch chan AlertNotice
}

func newBus() *bus { return &bus{subs: map[*subscriber]struct{}{}} }

// Subscribe returns a channel of the alert notices p may see, from now on.
// A slow subscriber loses notices rather than block the writer; it can
// catch up with AlertNoticesSince. cancel must be called when done.
func (s *Service) Subscribe(p Principal) (<-chan AlertNotice, func()) {
	sub := &subscriber{p: p, ch: make(chan AlertNotice, 256)}
	s.bus.mu.Lock()
	s.bus.subs[sub] = struct{}{}
	s.bus.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.bus.mu.Lock()
			delete(s.bus.subs, sub)
			s.bus.mu.Unlock()
		})
	}
}

// afterCommit runs in the writer after each durable commit.
func (s *Service) afterCommit(events []*chain.Event) {
	if s.onCommit != nil {
		s.onCommit(len(events))
	}
	for _, e := range events {
		if d, ok := e.Value.(PartyRegisteredData); ok {
			s.summaries.Store(d.ID, summaryOf(&d))
		}
	}
	var notes []AlertNotice
	for _, e := range events {
		if n, ok := s.notice(e); ok {
			notes = append(notes, n)
		}
	}
	s.bus.publish(notes)
}

// publish sends notes to every subscriber that may see them.
func (b *bus) publish(notes []AlertNotice) {
	if len(notes) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for sub := range b.subs {
		for _, n := range notes {
			if !canSeeAlert(sub.p, n.Alert) {
				continue
			}
			select {
			case sub.ch <- n:
			default:
			}
		}
	}
}

// notice turns an alert event into a notice showing the alert as that
// event left it.
func (s *Service) notice(e *chain.Event) (AlertNotice, bool) {
	switch e.Type {
	case EvAlertRaised:
		var d AlertRaisedData
		if data(e, &d) != nil {
			return AlertNotice{}, false
		}
		a := raisedAlert(e, &d)
		return AlertNotice{Seq: e.Index, Type: e.Type, Alert: &a}, true
	case EvAlertResolved, EvAlertAcked:
		var a *Alert
		_ = s.view(func(r *proj.Snapshot) error {
			var err error
			a, err = loadAlert(r, e.Subject)
			return err
		})
		if a == nil {
			return AlertNotice{}, false
		}
		at := e.OccurredAt
		if e.Type == EvAlertResolved {
			a.Status, a.ResolvedAt = AlertResolved, &at
		} else {
			a.Status, a.AckedAt = AlertAcknowledged, &at
		}
		return AlertNotice{Seq: e.Index, Type: e.Type, Alert: a}, true
	}
	return AlertNotice{}, false
}

func canSeeAlert(p Principal, a *Alert) bool {
	return p.SeesAll() || contains(a.Parties, p.Party)
}

// AlertNoticesSince returns the notices after ledger index seq that p may
// see (at most 1000), for resuming a stream from Last-Event-ID.
func (s *Service) AlertNoticesSince(p Principal, seq uint64) ([]AlertNotice, error) {
	var out []AlertNotice
	err := s.log.Events(seq+1, 0, func(_ uint64, b []byte) error {
		if len(out) >= 1000 {
			return errStop
		}
		var e chain.Event
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		if n, ok := s.notice(&e); ok && canSeeAlert(p, n.Alert) {
			out = append(out, n)
		}
		return nil
	})
	if err == errStop {
		err = nil
	}
	return out, err
}

// OpenAlertCount returns how many alerts are open now (metrics). It reads
// the open-alert index only.
func (s *Service) OpenAlertCount() (int, error) {
	n := 0
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachID(r, proj.AlertsInStatus(AlertOpen), func(string) error {
			n++
			return nil
		})
	})
	return n, err
}
