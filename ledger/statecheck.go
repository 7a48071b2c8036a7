package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"golang.org/x/mod/sumdb/note"
)

// The start-up check and the state digest.
//
// A server must not serve a state that the log does not produce (a store
// whose projections were changed while it was stopped). Replaying the log
// proves it but costs a pass of the domain over every event. A clean
// shutdown therefore records a digest of the projections (proj.Digest) in
// DIR/state.digest, as a note signed with the ledger's key that names the
// log it was taken for (origin, size, root) and the projection format.
// The next start compares the projections with it in one pass, without a
// replay. The digest is only written for a state that was itself checked
// at start (or rebuilt from the log) and never after a fault, so it
// certifies only what this process wrote on top of a checked state. A
// start without a digest for exactly the stored log (after a crash, or
// offline commands that appended) replays the log instead. The digest is
// as trustworthy as the log's own signed checkpoint: both are signed with
// DIR/ledger.key.

// stateDigestFile is the file in the data directory holding the digest.
const stateDigestFile = "state.digest"

// stateDigestTitle is the first line of the digest note.
const stateDigestTitle = "hwledger state digest"

// stateDigest is the body of the digest note.
type stateDigest struct {
	Origin string
	Size   uint64
	Root   []byte
	Format int
	Digest []byte
}

func (d stateDigest) text() string {
	return fmt.Sprintf("%s\n%s\n%d\n%s\n%d\n%s\n", stateDigestTitle, d.Origin, d.Size,
		base64.StdEncoding.EncodeToString(d.Root), d.Format, base64.StdEncoding.EncodeToString(d.Digest))
}

func parseStateDigest(text string) (stateDigest, error) {
	l := strings.Split(text, "\n")
	if len(l) != 7 || l[0] != stateDigestTitle || l[6] != "" {
		return stateDigest{}, errors.New("not a state digest")
	}
	var d stateDigest
	var err error
	d.Origin = l[1]
	if d.Size, err = strconv.ParseUint(l[2], 10, 64); err != nil {
		return d, err
	}
	if d.Root, err = base64.StdEncoding.DecodeString(l[3]); err != nil {
		return d, err
	}
	if d.Format, err = strconv.Atoi(l[4]); err != nil {
		return d, err
	}
	d.Digest, err = base64.StdEncoding.DecodeString(l[5])
	return d, err
}

// CheckAtStart verifies what the server is about to serve before it takes
// a write: the whole chain (chain.Log.Verify) and that the stored state is
// what the log produces, by the state digest of the last clean shutdown
// when there is one for exactly this log, else by a replay of the log
// (see above). A fault puts the Service in read-only mode and is returned
// (errors.Is ErrReadOnly); an error that stopped the check is returned as
// it is. On success the integrity watch starts from the verified point.
func (s *Service) CheckAtStart() error {
	d, usable := s.storedDigest()
	var rep chain.Report
	var err error
	if usable {
		if rep, err = s.log.Verify(chain.VerifyOptions{}); err == nil {
			err = s.compareDigest(d)
		}
	} else {
		rep, err = s.Verify(nil)
	}
	if chain.IsFault(err) || errors.Is(err, ErrProjection) {
		s.enterReadOnly(fmt.Errorf("start-up check: %w", err))
		return fmt.Errorf("%w: start-up check: %v", ErrReadOnly, err)
	}
	if err != nil {
		return fmt.Errorf("start-up check: %w", err)
	}
	s.stateChecked.Store(true)
	s.watcher = chain.NewWatcherAt(s.log, rep)
	how := "a replay of the log"
	if usable {
		how = "the state digest of the last clean shutdown"
	}
	s.lg.Info("start-up check passed", "events", rep.Size, "state_checked_by", how)
	return nil
}

// storedDigest reads DIR/state.digest; usable says it was signed with the
// ledger's key for exactly the stored log, in this projection format.
func (s *Service) storedDigest() (stateDigest, bool) {
	if s.dir == "" || s.log.Follower() {
		return stateDigest{}, false
	}
	b, err := os.ReadFile(filepath.Join(s.dir, stateDigestFile))
	if errors.Is(err, os.ErrNotExist) {
		return stateDigest{}, false
	}
	if err != nil {
		s.lg.Warn("state digest unreadable; checking the state by a replay", "err", err)
		return stateDigest{}, false
	}
	n, err := note.Open(b, note.VerifierList(s.log.Key().Verifier))
	if err != nil {
		s.lg.Warn("state digest not signed with the ledger's key; checking the state by a replay", "err", err)
		return stateDigest{}, false
	}
	d, err := parseStateDigest(n.Text)
	if err != nil {
		s.lg.Warn("state digest malformed; checking the state by a replay", "err", err)
		return stateDigest{}, false
	}
	size, root, _ := s.log.Head()
	if d.Origin != s.log.Origin() || d.Size != size || !bytes.Equal(d.Root, root) || d.Format != proj.Format {
		s.lg.Info("the state digest is for another log (the server did not stop cleanly, or offline commands "+
			"appended): checking the state by a replay", "digest_size", d.Size, "log_size", size)
		return stateDigest{}, false
	}
	return d, true
}

// compareDigest compares the stored projections with d.
func (s *Service) compareDigest(d stateDigest) error {
	got, err := proj.Digest(s.log)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, d.Digest) {
		return fmt.Errorf("%w: the stored state is not the one the server recorded when it stopped after event %d "+
			"(its digest differs from %s); `hwledger verify --data` names the first differing key",
			ErrProjection, d.Size, stateDigestFile)
	}
	return nil
}

// recordStateDigest writes DIR/state.digest for the state as Close leaves
// it (chain.Options.BeforeClose): only for a state that was checked or
// rebuilt from the log, and never after a fault.
func (s *Service) recordStateDigest() error {
	if s.dir == "" || !s.stateChecked.Load() || s.readOnly.Load() != nil || s.log.Follower() {
		return nil // a mirror holds no key to sign it: its start replays
	}
	size, root, _ := s.log.Head()
	dg, err := proj.Digest(s.log)
	if err != nil {
		return fmt.Errorf("state digest: %w", err)
	}
	d := stateDigest{Origin: s.log.Origin(), Size: size, Root: root, Format: proj.Format, Digest: dg}
	signed, err := note.Sign(&note.Note{Text: d.text()}, s.log.Key().Signer)
	if err != nil {
		return fmt.Errorf("state digest: %w", err)
	}
	return writeFileAtomic(filepath.Join(s.dir, stateDigestFile), signed)
}

// writeFileAtomic replaces path with b: a synced temporary file renamed
// over it, then the directory synced.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
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
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
