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

// adminToken returns the admin bootstrap token: HWLEDGER_ADMIN_TOKEN if
// set, else the one in DIR/admin.token, else a fresh one written there
// (mode 0600). created says whether the file was written now.
func adminToken(dir string) (tok, source string, created bool, err error) {
	if t := os.Getenv("HWLEDGER_ADMIN_TOKEN"); t != "" {
		return t, "the HWLEDGER_ADMIN_TOKEN environment variable", false, nil
	}
	path := filepath.Join(dir, adminTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		t := string(trimSpace(b))
		if t == "" {
			return "", "", false, fmt.Errorf("%s is empty", path)
		}
		return t, path, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", false, err
	}
	t := ledger.NewToken()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", false, err
	}
	if _, err := f.WriteString(t + "\n"); err != nil {
		f.Close()
		return "", "", false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", "", false, err
	}
	return t, path, true, f.Close()
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
