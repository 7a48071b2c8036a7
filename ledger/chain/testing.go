package chain

import (
	"testing"
)

// OpenTest opens a log for a test and registers a cleanup that verifies the
// whole chain and closes it, so every test that uses a ledger also tests
// tamper evidence. With dir == "" the log is in memory.
func OpenTest(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	if dir == "" {
		opts.InMemory = true
	}
	opts.Dir = dir
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	t.Cleanup(func() {
		if _, err := l.Verify(VerifyOptions{}); err != nil {
			t.Errorf("ledger does not verify at the end of the test: %v", err)
		}
		if err := l.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	})
	return l
}
