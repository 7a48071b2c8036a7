package ledger

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// IntegrityCheck is the outcome of one check of the chain.
type IntegrityCheck struct {
	// Kind: "watch" (the events appended since the last watch, every 10 s),
	// "full" (the whole chain, hourly) or "on_demand" (the whole chain, asked
	// for by an inspector or admin with VerifyNow).
	Kind    string        `json:"kind"`
	At      time.Time     `json:"at"`     // when it ended
	Events  uint64        `json:"events"` // events verified by then
	OK      bool          `json:"ok"`
	Problem string        `json:"problem,omitempty"` // the fault, when not OK
	Took    time.Duration `json:"took_ns"`
}

// IntegrityStatus holds the latest check of each kind; nil until one ran.
type IntegrityStatus struct {
	Watch    *IntegrityCheck `json:"watch,omitempty"`
	Full     *IntegrityCheck `json:"full,omitempty"`
	OnDemand *IntegrityCheck `json:"on_demand,omitempty"`
}

// OnDemandEvery bounds the cost of VerifyNow: a check younger than this is
// answered again instead of verifying the chain once more.
const OnDemandEvery = time.Minute

// integrityState records the checks; run serialises on-demand checks.
type integrityState struct {
	mu   sync.Mutex
	last IntegrityStatus
	run  sync.Mutex
}

func (st *integrityState) record(c IntegrityCheck) {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch c.Kind {
	case "watch":
		st.last.Watch = &c
	case "full":
		st.last.Full = &c
	default:
		st.last.OnDemand = &c
	}
}

// Integrity returns the latest check of each kind.
func (s *Service) Integrity() IntegrityStatus {
	s.integrity.mu.Lock()
	defer s.integrity.mu.Unlock()
	return s.integrity.last
}

// VerifyNow verifies the whole chain now, as the hourly check does (a fault
// seals the ledger, readonly.go), for an inspector or admin. Its cost is
// bounded: one runs at a time, and a check younger than OnDemandEvery is
// returned as it is.
func (s *Service) VerifyNow(ctx context.Context, p Principal) (IntegrityCheck, error) {
	if !p.SeesAll() {
		return IntegrityCheck{}, fmt.Errorf("%w: verifying the chain is for inspectors and admins", ErrForbidden)
	}
	s.integrity.run.Lock()
	defer s.integrity.run.Unlock()
	if c := s.Integrity().OnDemand; c != nil && s.Now().Sub(c.At) < OnDemandEvery {
		return *c, nil
	}
	if err := ctx.Err(); err != nil {
		return IntegrityCheck{}, err
	}
	return s.checkChain("on_demand", func() (uint64, error) {
		rep, err := s.log.Verify(chain.VerifyOptions{})
		return rep.Size, err
	}), nil
}

// checkChain runs one check of kind and records it; a fault seals the
// ledger.
func (s *Service) checkChain(kind string, check func() (uint64, error)) IntegrityCheck {
	start := time.Now()
	n, err := check()
	c := IntegrityCheck{Kind: kind, At: s.Now(), Events: n, OK: err == nil, Took: time.Since(start)}
	if err != nil {
		c.Problem = err.Error()
		s.integrityFault(checkNames[kind], err)
	}
	s.integrity.record(c)
	return c
}

// checkNames name each kind of check in a fault.
var checkNames = map[string]string{
	"watch":     "the integrity watch of new events",
	"full":      "the hourly verification of the whole chain",
	"on_demand": "the verification of the whole chain asked for by an inspector",
}
