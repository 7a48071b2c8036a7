package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

func init() {
	register("restore", "rebuild a server data dir from a mirror (--from-mirror DIR --data NEWDIR, with --key FILE or --new-origin NAME)", cmdRestore)
}

const restoreHelp = `usage: hwledger restore --from-mirror DIR --data NEWDIR (--key FILE | --new-origin NAME)

Rebuilds a server data directory from a mirror's copy (hwledger mirror --data DIR,
stopped): the events up to the mirror's checkpoint, byte for byte, and the state
by replaying them. NEWDIR must be empty or absent. The mirror is verified first
and only read; a mirror left by a crash is read through a recovered copy.

A mirror never holds the primary's signing key, so say how the restored ledger
signs its checkpoints:
  --key FILE         the primary's key (its DIR/ledger.key, from a safe place): the
                     restored ledger continues the same log, under the same origin.
                     Its witnesses accept it only if they cosigned nothing beyond
                     the mirror's checkpoint.
  --new-origin NAME  a new key and origin: a new log that starts with the old one's
                     events. Give its key (NEWDIR/ledger.pub) to verifiers and
                     witnesses afresh.

The mirror's checkpoint is kept in NEWDIR/restored.checkpoint: with --key,
hwledger verify --data NEWDIR --checkpoint NEWDIR/restored.checkpoint proves the
restored log is the primary's up to it.

`

// restoredCheckpointFile holds, in a restored data dir, the mirror's
// checkpoint that the restored log was rebuilt up to.
const restoredCheckpointFile = "restored.checkpoint"

// restoreChunk is how many events one import command copies.
const restoreChunk = 256

type restoreOptions struct {
	mirror, dir, keyFile, newOrigin string
}

func cmdRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o restoreOptions
	fs.StringVar(&o.mirror, "from-mirror", "", "the mirror's data directory (the mirror stopped)")
	fs.StringVar(&o.dir, "data", "", "the new server data directory (empty or absent)")
	fs.StringVar(&o.keyFile, "key", "", "the primary's checkpoint key file (its ledger.key): continue the same log")
	fs.StringVar(&o.newOrigin, "new-origin", "", "start a new log with a new key and this origin")
	fs.Usage = func() {
		fmt.Fprint(stderr, restoreHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "restore: unexpected arguments %q\n", fs.Args())
		return 2
	case o.mirror == "" || o.dir == "":
		fmt.Fprintln(stderr, "restore: --from-mirror DIR and --data NEWDIR are required; -h for help")
		return 2
	case (o.keyFile == "") == (o.newOrigin == ""):
		fmt.Fprintln(stderr, "restore: give exactly one of --key FILE (the primary's ledger.key: the same log) "+
			"and --new-origin NAME (a new log): a mirror does not hold the primary's signing key")
		return 2
	}
	if err := runRestore(context.Background(), o, stdout); err != nil {
		fmt.Fprintf(stderr, "restore: %v\n", err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// restored is what runRestore copied.
type restored struct {
	size, stored uint64
	root         []byte
	checkpoint   []byte // the mirror's
	origin       string // the restored log's
	sameLog      bool
}

// runRestore copies the mirror's events up to its checkpoint into a new
// ledger in o.dir, replaying them into its state, then verifies o.dir.
// On failure it leaves o.dir empty.
func runRestore(ctx context.Context, o restoreOptions, stdout io.Writer) (err error) {
	if entries, err := os.ReadDir(o.dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: --data %s is not empty", errUsage, o.dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if !hasLedger(o.mirror) {
		return fmt.Errorf("%w: --from-mirror %s holds no ledger", errUsage, o.mirror)
	}
	var skey []byte
	if o.keyFile != "" {
		if skey, err = os.ReadFile(o.keyFile); err != nil {
			return fmt.Errorf("%w: --key: %v", errUsage, err)
		}
	}
	defer func() {
		if err != nil {
			clearDir(o.dir)
		}
	}()
	var r restored
	copied, err := readCrashed(o.mirror, func(dir string) error {
		var err error
		r, err = restoreFrom(ctx, dir, o, skey)
		return err
	})
	if err != nil {
		return err
	}
	if copied {
		fmt.Fprintln(stdout, "(the mirror was not stopped cleanly: a recovered copy of it was read; it was not changed)")
	}
	if err := os.WriteFile(filepath.Join(o.dir, restoredCheckpointFile), r.checkpoint, 0o644); err != nil {
		return err
	}
	// The new data dir must verify: chain, signature and state.
	var trusted []byte
	if r.sameLog {
		trusted = r.checkpoint
	}
	if err := verifyDir(o.dir, trusted, nil, io.Discard); err != nil {
		return fmt.Errorf("the restored ledger does not verify: %w", err)
	}
	fmt.Fprintf(stdout, "restored %d events into %s: root %x, the state replayed from them; it verifies\n", r.size, o.dir, r.root)
	if r.stored > r.size {
		fmt.Fprintf(stdout, "(the mirror also held %d events of a checkpoint it had not finished copying: not restored)\n", r.stored-r.size)
	}
	if r.sameLog {
		fmt.Fprintf(stdout, "the same log %q, signed with the primary's key; its checkpoint of %d events is the mirror's, kept in %s\n",
			r.origin, r.size, filepath.Join(o.dir, restoredCheckpointFile))
	} else {
		fmt.Fprintf(stdout, "a new log %q with a new key (%s): give it to verifiers and witnesses\n",
			r.origin, filepath.Join(o.dir, "ledger.pub"))
	}
	fmt.Fprintf(stdout, "start it with: hwledger serve --data %s\n", o.dir)
	return nil
}

// restoreFrom copies the mirror in dir (opened read-only) into o.dir.
func restoreFrom(ctx context.Context, dir string, o restoreOptions, skey []byte) (restored, error) {
	var r restored
	src, err := openExisting(dir, true)
	if err != nil {
		return r, err
	}
	defer src.Close()
	if !src.Follower() {
		return r, fmt.Errorf("%w: %s is a ledger of its own, not a mirror (it has no %s)", errUsage, o.mirror, chain.FollowKeyFile)
	}
	if _, err := src.Log().Verify(chain.VerifyOptions{}); err != nil {
		return r, fmt.Errorf("the mirror does not verify: %w", err)
	}
	size, root, cp := src.Log().Head()
	if cp == nil {
		return r, fmt.Errorf("the mirror %s holds no checkpoint yet: nothing to restore", o.mirror)
	}
	if o.newOrigin == src.Log().Origin() {
		return r, fmt.Errorf("%w: --new-origin %q is the mirrored log's origin: a new log needs a name of its own", errUsage, o.newOrigin)
	}
	r = restored{size: size, stored: src.Log().Size(), root: root, checkpoint: cp}
	if skey != nil {
		k, err := chain.SaveKey(o.dir, string(skey))
		if err != nil {
			return r, fmt.Errorf("%w: --key %s: %v", errUsage, o.keyFile, err)
		}
		if want := src.Log().Key().VerifierKey; k.VerifierKey != want {
			return r, fmt.Errorf("%w: --key %s is the key %s, the mirror follows %s", errUsage, o.keyFile, k.VerifierKey, want)
		}
		r.sameLog = true
	}
	dst, err := ledger.Open(ledger.Config{Dir: o.dir, Origin: o.newOrigin})
	if err != nil {
		return r, err
	}
	r.origin = dst.Log().Origin()
	// A few imports in flight: the writer applies one chunk while it
	// syncs the one before.
	var buf [][]byte
	var inflight []func() error
	flush := func() error {
		inflight = append(inflight, dst.StartImport(ctx, buf, nil))
		buf = nil
		if len(inflight) < 3 {
			return nil
		}
		err := inflight[0]()
		inflight = inflight[1:]
		return err
	}
	if size > 0 {
		err = src.Log().Events(0, int(size), func(_ uint64, b []byte) error {
			if buf = append(buf, bytes.Clone(b)); len(buf) == restoreChunk {
				return flush()
			}
			return nil
		})
		if err == nil && len(buf) > 0 {
			err = flush()
		}
	}
	for _, wait := range inflight {
		if werr := wait(); err == nil {
			err = werr
		}
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return r, fmt.Errorf("copy the mirror's events: %w", err)
	}
	return r, nil
}

// clearDir removes what dir holds (a failed restore's partial ledger),
// keeping dir.
func clearDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
