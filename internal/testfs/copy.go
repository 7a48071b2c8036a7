// Package testfs holds file helpers shared by tests.
package testfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// CopyDir copies the directory tree src (a test ledger under testdata/) to
// a fresh temporary directory and returns it, so a test may open and change
// the copy freely. It fails the test if src cannot be read.
func CopyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatalf("copy %s (run `make testdata`?): %v", src, err)
	}
	return dst
}
