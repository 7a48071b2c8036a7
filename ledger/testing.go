package ledger

import (
	"sync"
	"testing"
	"time"
)

// TestClock is a settable clock for tests.
type TestClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewTestClock starts a clock at t.
func NewTestClock(t time.Time) *TestClock { return &TestClock{t: t} }

// Now returns the clock's time.
func (c *TestClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *TestClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// OpenTest opens an in-memory Service for a test (cfg.InMemory is forced)
// and registers a cleanup that verifies the whole chain and that the
// projections equal a replay of the log, then closes it.
func OpenTest(t testing.TB, cfg Config) *Service {
	t.Helper()
	if cfg.Dir == "" {
		cfg.InMemory = true
	}
	s, err := Open(cfg)
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
