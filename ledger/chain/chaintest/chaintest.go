// Package chaintest holds test helpers for code that uses package chain.
// Only tests import it, so the hwledger binary does not link package
// testing. Package chain's own tests keep a copy in helpers_test.go.
package chaintest

import (
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Open opens a log for a test and registers a cleanup that verifies the
// whole chain and closes it, so every test that uses a log also tests
// tamper evidence. With dir == "" the log is in memory.
func Open(t testing.TB, dir string, opts chain.Options) *chain.Log {
	t.Helper()
	if dir == "" {
		opts.InMemory = true
	}
	opts.Dir = dir
	l, err := chain.Open(opts)
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	t.Cleanup(func() {
		if _, err := l.Verify(chain.VerifyOptions{}); err != nil {
			t.Errorf("ledger does not verify at the end of the test: %v", err)
		}
		if err := l.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	})
	return l
}
