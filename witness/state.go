package witness

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
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
//	lock                  held (flock) while a witness runs on the directory
//	logs/<log id>.state   the latest checkpoint cosigned for one log, as the
//	                      log signed it (see stateFile)
//	evidence/<log id>-<hash>.txt
//	                      a refused checkpoint that the log did sign: a fork
//	                      or a rollback, with the reason and the checkpoint
//	                      it conflicts with; one file per distinct request
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

// A stateFile holds one log's latest cosigned checkpoint durably with one
// data sync per update. The file has two fixed slots, written in turn;
// each slot is
//
//	be64 seq ‖ be32 n ‖ SHA-256(seq ‖ n ‖ note) ‖ note (n bytes)
//
// An update overwrites the older slot with seq+1 and syncs its data
// (fdatasync: the file's size and blocks never change after creation). On
// open the valid slot with the larger seq wins, so a write torn by a crash
// leaves the previous checkpoint, which is all the witness had answered.
type stateFile struct {
	f   *os.File
	seq uint64
}

const (
	slotHeader = 8 + 4 + sha256.Size
	slotSize   = slotHeader + maxRequestBytes
)

// openState opens (creating it, zero-filled and synced, if missing) the
// state file of origin and returns it with the stored note (nil if none).
func openState(dir, origin string) (*stateFile, []byte, error) {
	path := filepath.Join(dir, logsDir, logID(origin)+".state")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := writeFileAtomic(path, make([]byte, 2*slotSize), 0o600); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	st := &stateFile{f: f}
	var best []byte
	for slot := range int64(2) {
		buf := make([]byte, slotSize)
		if _, err := f.ReadAt(buf, slot*slotSize); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		seq, note, ok := decodeSlot(buf)
		if ok && seq > st.seq {
			st.seq, best = seq, note
		}
	}
	return st, best, nil
}

func decodeSlot(b []byte) (seq uint64, note []byte, ok bool) {
	seq = binary.BigEndian.Uint64(b)
	n := binary.BigEndian.Uint32(b[8:])
	if seq == 0 || int(n) > len(b)-slotHeader {
		return 0, nil, false
	}
	note = b[slotHeader : slotHeader+int(n)]
	if sum := slotSum(b[:12], note); !bytes.Equal(sum[:], b[12:slotHeader]) {
		return 0, nil, false
	}
	return seq, note, true
}

func slotSum(head, note []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(head)
	h.Write(note)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// write durably replaces the stored checkpoint.
func (s *stateFile) write(note []byte) error {
	if len(note) > maxRequestBytes {
		return fmt.Errorf("checkpoint of %d bytes is larger than a state slot", len(note))
	}
	seq := s.seq + 1
	b := make([]byte, slotHeader+len(note))
	binary.BigEndian.PutUint64(b, seq)
	binary.BigEndian.PutUint32(b[8:], uint32(len(note)))
	copy(b[slotHeader:], note)
	sum := slotSum(b[:12], note)
	copy(b[12:], sum[:])
	if _, err := s.f.WriteAt(b, int64(seq%2)*slotSize); err != nil {
		return err
	}
	if err := syscall.Fdatasync(int(s.f.Fd())); err != nil {
		return err
	}
	s.seq = seq
	return nil
}

func (s *stateFile) close() error { return s.f.Close() }

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
