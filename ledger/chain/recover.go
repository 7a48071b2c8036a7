package chain

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// ErrNeedsRecovery: the store was not closed cleanly (the server crashed or
// was killed). Badger recovers such a store by replaying and truncating its
// write-ahead log, which it does only when it may write; a read-only open
// refuses. [CopyRecovered] makes a recovered copy that can be opened
// read-only, leaving the store itself untouched.
var ErrNeedsRecovery = errors.New("the store was not closed cleanly (a crash or kill) and needs recovery, which a read-only open does not do")

// needsRecovery reports whether err is Badger refusing a read-only open of
// a store that was not closed cleanly. Badger formats its causes into the
// message rather than wrapping them, so the message is all there is.
func needsRecovery(err error) bool {
	return err != nil && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error())
}

// CopyRecovered copies the data directory dir (its store and checkpoint
// key, or a follower's pinned key) into dst, an empty directory, and lets
// Badger recover the copy as a restart would: what was committed (acknowledged) is kept, a commit the
// crash interrupted is dropped. dir is only read, under a shared lock, so a
// server cannot start on it meanwhile; holes in Badger's preallocated files
// stay holes in the copy. Open dst with ReadOnly afterwards.
func CopyRecovered(dir, dst string) error {
	src := filepath.Join(dir, "store")
	release, err := holdShared(src)
	if err != nil {
		return err
	}
	defer release()
	if err := os.MkdirAll(filepath.Join(dst, "store"), 0o700); err != nil {
		return err
	}
	for _, name := range []string{signerKeyFile, verifierKeyFile, FollowKeyFile} {
		if err := copyFile(filepath.Join(dir, name), filepath.Join(dst, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == "LOCK" {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, "store", e.Name())); err != nil {
			return err
		}
	}
	bo := storeOptions(Options{Dir: dst, Logger: slog.New(slog.DiscardHandler)}).WithCompactL0OnClose(false).WithNumCompactors(0)
	db, err := badger.Open(bo)
	if err != nil {
		return fmt.Errorf("recover a copy of the store: %w", err)
	}
	return db.Close()
}

// copyFile copies src to dst with src's mode, skipping holes.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if err := copySparse(out, in, fi.Size()); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

// Whence values of lseek(2) that find data and holes (Linux, the BSDs,
// macOS and Solaris agree on them).
const (
	seekData = 3
	seekHole = 4
)

// copySparse copies the size bytes of in to out, writing only the data
// regions lseek reports (a filesystem without SEEK_DATA gets a plain copy).
func copySparse(out, in *os.File, size int64) error {
	if err := out.Truncate(size); err != nil {
		return err
	}
	for off := int64(0); off < size; {
		data, err := in.Seek(off, seekData)
		if err != nil {
			if off == 0 && !isNoData(err) { // no SEEK_DATA here: copy it all
				if _, err := in.Seek(0, io.SeekStart); err != nil {
					return err
				}
				_, err = io.Copy(out, in)
				return err
			}
			return nil // only a hole is left
		}
		hole, err := in.Seek(data, seekHole)
		if err != nil {
			return err
		}
		if _, err := in.Seek(data, io.SeekStart); err != nil {
			return err
		}
		if _, err := out.Seek(data, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.CopyN(out, in, hole-data); err != nil {
			return err
		}
		off = hole
	}
	return nil
}
