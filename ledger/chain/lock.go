//go:build unix

package chain

import (
	"errors"
	"os"
	"syscall"
)

// ErrLocked: the store is in use by a running server. Badger holds an
// exclusive lock on its directory while a store is open for writing (and a
// shared one while it is open read-only).
var ErrLocked = errors.New("the store is in use by a running hwledger server (its directory is locked)")

// probeLock reports ErrLocked when the store directory is locked in a way
// that conflicts with opening it (shared for read-only, exclusive for
// writing), so callers get that plain answer instead of Badger's message.
// It takes the lock Badger takes and releases it at once; any other
// problem is left for Badger to report.
func probeLock(storeDir string, readOnly bool) error {
	f, err := os.Open(storeDir)
	if err != nil {
		return nil
	}
	defer f.Close()
	how := syscall.LOCK_EX | syscall.LOCK_NB
	if readOnly {
		how = syscall.LOCK_SH | syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return ErrLocked
		}
		return nil
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// holdShared takes a shared lock on the store directory (a server cannot
// open it for writing meanwhile) until release is called.
func holdShared(storeDir string) (release func(), err error) {
	f, err := os.Open(storeDir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}

// isNoData reports lseek's answer for "no data past this offset".
func isNoData(err error) bool { return errors.Is(err, syscall.ENXIO) }
