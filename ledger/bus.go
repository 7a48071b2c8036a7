package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
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

// ErrTooManyStreams: a live alert stream was refused because the caller's
// token, or the server, has as many open as it allows (429
// too_many_streams). Returned wrapped with which limit.
var ErrTooManyStreams = errors.New("too many alert streams")

// Default stream limits (Config.MaxStreams, Config.MaxStreamsPerToken).
const (
	DefaultMaxStreams         = 256
	DefaultMaxStreamsPerToken = 4
)

// bus fans alert notices out to subscribers after each durable commit.
type bus struct {
	mu       sync.Mutex
	subs     map[*subscriber]struct{}
	perToken map[string]int // open subscriptions by streamKey
	max      int            // in all
	maxToken int            // per streamKey
}

type subscriber struct {
	p  Principal
	ch chan AlertNotice
}

func newBus(max, maxToken int) *bus {
	if max <= 0 {
		max = DefaultMaxStreams
	}
	if maxToken <= 0 {
		maxToken = DefaultMaxStreamsPerToken
	}
	return &bus{subs: map[*subscriber]struct{}{}, perToken: map[string]int{}, max: max, maxToken: maxToken}
}

// streamKey is what the per-token limit counts: the token, or for a
// principal without one, its party.
func streamKey(p Principal) string {
	if p.TokenID != "" {
		return "token:" + p.TokenID
	}
	return "party:" + p.Party
}

// Subscribe returns a channel of the alert notices p may see, from now on.
// A slow subscriber loses notices rather than block the writer; it can
// catch up with AlertNoticesSince. cancel must be called when done. At
// most Config.MaxStreams subscriptions are open at once, and at most
// Config.MaxStreamsPerToken per token; beyond either, ErrTooManyStreams.
func (s *Service) Subscribe(p Principal) (<-chan AlertNotice, func(), error) {
	key := streamKey(p)
	s.bus.mu.Lock()
	switch {
	case s.bus.perToken[key] >= s.bus.maxToken:
		s.bus.mu.Unlock()
		return nil, nil, fmt.Errorf("%w: this token has %d open, the most it may", ErrTooManyStreams, s.bus.maxToken)
	case len(s.bus.subs) >= s.bus.max:
		s.bus.mu.Unlock()
		return nil, nil, fmt.Errorf("%w: the server has %d open, the most it serves", ErrTooManyStreams, s.bus.max)
	}
	sub := &subscriber{p: p, ch: make(chan AlertNotice, 256)}
	s.bus.subs[sub] = struct{}{}
	s.bus.perToken[key]++
	s.bus.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.bus.mu.Lock()
			delete(s.bus.subs, sub)
			if s.bus.perToken[key]--; s.bus.perToken[key] <= 0 {
				delete(s.bus.perToken, key)
			}
			s.bus.mu.Unlock()
		})
	}, nil
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
	var n AlertNotice
	var ok bool
	_ = s.view(func(r *proj.Snapshot) error {
		n, ok = noticeIn(r, e)
		return nil
	})
	return n, ok
}

// noticeIn is notice reading the alert from r.
func noticeIn(r proj.Store, e *chain.Event) (AlertNotice, bool) {
	switch e.Type {
	case EvAlertRaised:
		var d AlertRaisedData
		if data(e, &d) != nil {
			return AlertNotice{}, false
		}
		a := raisedAlert(e, &d)
		return AlertNotice{Seq: e.Index, Type: e.Type, Alert: &a}, true
	case EvAlertResolved, EvAlertAcked:
		a, err := loadAlert(r, e.Subject)
		if err != nil {
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

// MaxBacklog is the most notices a resumed stream is sent of what it
// missed; a client that missed more reloads the alert list.
const MaxBacklog = 1000

// AlertNoticesSince returns the notices after ledger index seq that p may
// see (at most MaxBacklog, the oldest first), for resuming a stream from
// Last-Event-ID. It reads the alert notice index of p's scope from seq on:
// its cost is what it returns, not the size of the log.
func (s *Service) AlertNoticesSince(p Principal, seq uint64) ([]AlertNotice, error) {
	var out []AlertNotice
	party := p.Party
	if p.SeesAll() {
		party = ""
	}
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachNoticeAfter(r, party, seq, func(index uint64, _ string) error {
			if len(out) >= MaxBacklog {
				return errStop
			}
			b, err := s.log.Event(index)
			if err != nil {
				return err
			}
			var e chain.Event
			if err := json.Unmarshal(b, &e); err != nil {
				return err
			}
			e.Index = index
			if n, ok := noticeIn(r, &e); ok && canSeeAlert(p, n.Alert) {
				out = append(out, n)
			}
			return nil
		})
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
