//go:build !unix

package chain

import "errors"

// ErrLocked: the store is in use by a running hwledger server. Only Unix
// systems detect it before Badger does.
var ErrLocked = errors.New("the store is in use by a running hwledger server (its directory is locked)")

func probeLock(string, bool) error { return nil }

func holdShared(string) (func(), error) { return func() {}, nil }

func isNoData(error) bool { return false }
