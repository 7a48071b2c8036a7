package witness

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Layout of a witness's data directory (besides the key files):
//
//	lock                      held (flock) while a witness runs on the directory
//	logs/<log id>.checkpoint  the latest checkpoint cosigned for one log, as the
//	                          log signed it; replaced atomically (write, fsync,
//	                          rename, fsync the directory) before the cosignature
//	                          is answered
//	evidence/<log id>-<hash>.txt
//	                          a refused checkpoint that the log did sign: a fork
//	                          or a rollback, with the reason and the checkpoint
//	                          it conflicts with; one file per distinct request
//
// <log id> is the hex SHA-256 of the origin line; <hash> the first 16 hex
// digits of the SHA-256 of the request body.
const (
	lockFile    = "lock"
	logsDir     = "logs"
	evidenceDir = "evidence"
)

// logID names a log's files.
func logID(origin string) string {
	h := sha256.Sum256([]byte(origin))
	return hex.EncodeToString(h[:])
}

func statePath(dir, origin string) string {
	return filepath.Join(dir, logsDir, logID(origin)+".checkpoint")
}

// lockDir takes an exclusive lock on dir, so two witnesses never share one
// state (the check-then-persist of add-checkpoint must be atomic).
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("witness data directory %s is in use by another witness: %w", dir, err)
	}
	return f, nil
}

// readState returns the stored checkpoint note of origin, nil if none.
func readState(dir, origin string) ([]byte, error) {
	b, err := os.ReadFile(statePath(dir, origin))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// writeState durably replaces the stored checkpoint of origin.
func writeState(dir, origin string, signed []byte) error {
	return writeFileAtomic(statePath(dir, origin), signed, 0o644)
}

// Evidence is a refused checkpoint kept on disk.
type Evidence struct {
	Origin string
	Reason string
	// Latest is the checkpoint the witness had cosigned, which the refused
	// one contradicts.
	Latest []byte
	// Request is the refused add-checkpoint body, signed by the log.
	Request []byte
}

// keepEvidence writes e to dir/evidence, once per distinct request body.
func keepEvidence(dir string, at time.Time, e Evidence) (string, error) {
	h := sha256.Sum256(e.Request)
	path := filepath.Join(dir, evidenceDir, logID(e.Origin)[:16]+"-"+hex.EncodeToString(h[:8])+".txt")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	body := fmt.Sprintf("hwledger witness evidence\ntime: %s\norigin: %s\nreason: %s\n\n"+
		"--- the latest checkpoint this witness cosigned ---\n%s\n--- the refused add-checkpoint request ---\n%s",
		at.UTC().Format(time.RFC3339), e.Origin, e.Reason, e.Latest, e.Request)
	return path, writeFileAtomic(path, []byte(body), 0o644)
}

// writeFileAtomic writes b to path so that after a crash path holds either
// its old content or b: a temporary file in the same directory is written
// and synced, renamed over path, and the directory is synced.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing left to remove
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
