package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Files of a data directory besides the ledger itself (which keeps Badger
// in DIR/store and its checkpoint key in DIR/ledger.key).
const adminTokenFile = "admin.token"

// hasLedger reports whether dir holds a ledger store.
func hasLedger(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "store"))
	return err == nil
}

// errNoLedger: the data directory holds no ledger store.
var errNoLedger = errors.New("no ledger")

// openExisting opens the ledger in dir, refusing to create one.
func openExisting(dir string, readOnly bool) (*ledger.Service, error) {
	if !hasLedger(dir) {
		return nil, fmt.Errorf("%w in %s (start `hwledger serve --data %s` once to create it)", errNoLedger, dir, dir)
	}
	return ledger.Open(ledger.Config{Dir: dir, ReadOnly: readOnly})
}

// readCrashed runs read(dir), which opens dir read-only. When the store
// was left by a crash (chain.ErrNeedsRecovery: Badger opens it read-only
// only after a recovery that writes), it copies the data directory to a
// temporary directory, lets Badger recover the copy, and runs read on the
// copy instead, then removes it: dir itself is never changed. It reports
// whether the copy was read.
func readCrashed(dir string, read func(dir string) error) (copied bool, err error) {
	err = read(dir)
	if !errors.Is(err, chain.ErrNeedsRecovery) {
		return false, err
	}
	tmp, err := os.MkdirTemp("", "hwledger-recovered-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	if err := chain.CopyRecovered(dir, tmp); err != nil {
		return false, fmt.Errorf("%w (copying it to %s to recover the copy: %v)", chain.ErrNeedsRecovery, tmp, err)
	}
	return true, read(tmp)
}

// adminPrincipal acts as the ledger's admin party for offline commands
// (token create/revoke): the first party holding the admin role.
func adminPrincipal(ctx context.Context, svc *ledger.Service) (ledger.Principal, error) {
	ps, err := svc.Parties(ctx, ledger.PartyFilter{Role: ledger.RoleAdmin})
	if err != nil {
		return ledger.Principal{}, err
	}
	if len(ps) == 0 {
		return ledger.Principal{}, errors.New("the ledger has no admin party yet: run `hwledger serve` once")
	}
	return ledger.Principal{Party: ps[0].ID, Roles: []ledger.Role{ledger.RoleAdmin}}, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}
