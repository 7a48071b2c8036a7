// Package ledgertest holds test helpers for code that uses package ledger:
// a ledger that checks itself when the test ends, and a settable clock.
// Only tests import it, so the hwledger binary does not link package
// testing. Package ledger's own tests keep copies in helpers_test.go (they
// cannot import this package, which imports ledger).
package ledgertest

import (
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// Open opens a Service for a test, in memory unless cfg.Dir is set, and
// registers a cleanup that verifies the whole chain and that the
// projections equal a replay of the log, then closes it.
func Open(t testing.TB, cfg ledger.Config) *ledger.Service {
	t.Helper()
	if cfg.Dir == "" {
		cfg.InMemory = true
	}
	s, err := ledger.Open(cfg)
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	t.Cleanup(func() {
		if _, err := s.Verify(nil); err != nil {
			t.Errorf("ledger does not verify at the end of the test: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	})
	return s
}

// Clock is a settable clock, safe for concurrent use; pass its Now as
// ledger.Config.Clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
