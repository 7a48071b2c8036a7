package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
)

func init() {
	register("verify", "prove the ledger unaltered: hashes, links, Merkle root, signature, state = replay "+
		"(exit 0 holds, 1 fault, 2 usage, 3 store in use by a running server, 4 unreadable)", cmdVerify)
}

// Exit codes of verify.
const (
	verifyOK         = 0 // everything holds
	verifyFault      = 1 // a fault in the ledger (the log or the stored state)
	verifyUsage      = 2 // the command line is wrong
	verifyLocked     = 3 // the store is in use by a running server
	verifyUnreadable = 4 // the ledger cannot be read for another reason
)

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: hwledger verify --data DIR | --url URL [--token TOKEN] [--checkpoint FILE] [--witness VKEY ... [--witness-policy K]]\n\n"+
			"Exit codes: 0 the ledger holds; 1 a fault in the ledger (named on stdout after FAIL:);\n"+
			"2 usage; 3 the data dir is in use by a running server (stop it, or verify it with --url);\n"+
			"4 the ledger cannot be read for another reason.\n"+
			"A data dir left by a crash is verified through a recovered copy in a temporary directory\n"+
			"(TMPDIR); the data dir itself is only read.\n\n")
		fs.PrintDefaults()
	}
	dir := fs.String("data", "", "data directory to verify (only read, never changed)")
	url := fs.String("url", "", "base URL of a running server to verify over HTTP")
	token := fs.String("token", os.Getenv("HWLEDGER_TOKEN"), "bearer token for --url (inspector or admin; or HWLEDGER_TOKEN)")
	cpFile := fs.String("checkpoint", "", "a signed checkpoint saved earlier: the ledger must extend it")
	var wf verifyWitnessFlags
	wf.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		return verifyUsage
	}
	policy, err := wf.policy()
	if err == nil && policy != nil && *dir != "" && *cpFile == "" {
		err = fmt.Errorf("%w: --witness with --data checks the --checkpoint FILE (a data dir keeps no cosignatures)", errUsage)
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return verifyUsage
	}
	if (*dir == "") == (*url == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "verify: give exactly one of --data DIR or --url URL")
		fs.Usage()
		return verifyUsage
	}
	var trusted []byte
	if *cpFile != "" {
		b, err := os.ReadFile(*cpFile)
		if err != nil {
			fmt.Fprintf(stderr, "verify: %v\n", err)
			return verifyUsage
		}
		trusted = b
	}
	if *dir != "" {
		err = verifyDir(*dir, trusted, policy, stdout)
	} else {
		if *token == "" {
			fmt.Fprintln(stderr, "verify: --url needs --token or HWLEDGER_TOKEN")
			return verifyUsage
		}
		err = verifyURL(*url, *token, trusted, policy, stdout)
	}
	switch {
	case err == nil:
		return verifyOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return verifyUsage
	case chain.IsFault(err) || errors.Is(err, ledger.ErrProjection):
		fmt.Fprintf(stdout, "FAIL: %v\n", err)
		return verifyFault
	case errors.Is(err, chain.ErrLocked):
		fmt.Fprintf(stderr, "verify: %s is in use by a running hwledger server; stop it first, "+
			"or verify the running server with `hwledger verify --url`\n", *dir)
		return verifyLocked
	}
	fmt.Fprintf(stderr, "verify: cannot read the ledger: %v\n", err)
	return verifyUnreadable
}

// errUsage marks errors that are the caller's mistake (exit 2).
var errUsage = errors.New("usage")

// verifyDir verifies the data directory dir, opened read-only: the chain
// (chain.Log.Verify: every leaf hash, prev link, tree node, the root and
// the stored checkpoint's signature, and with trusted an append-only
// extension of that saved checkpoint), then that the stored current state
// equals a replay of the events. A fault in the log is a *chain.Fault
// naming the first bad index; a fault in the state wraps
// ledger.ErrProjection and names the first differing key. A store left by
// a crash is verified through a recovered copy (readCrashed): what was
// never acknowledged is not part of the ledger. With policy, the saved
// checkpoint must carry the witnesses' cosignatures it asks for.
func verifyDir(dir string, trusted []byte, policy *witness.Policy, out io.Writer) error {
	var rep chain.Report
	var cosigned string
	copied, err := readCrashed(dir, func(dir string) error {
		svc, err := openExisting(dir, true)
		if err != nil {
			return err
		}
		defer svc.Close()
		if rep, err = svc.Verify(trusted); err != nil || policy == nil {
			return err
		}
		cosigned, err = checkCosigned(policy, trusted, svc.Log().Key().Verifier, "the saved checkpoint")
		return err
	})
	if errors.Is(err, ledger.ErrProjection) {
		// The log checked out; only the stored state is wrong. Say both.
		what := strings.TrimPrefix(err.Error(), ledger.ErrProjection.Error()+": ")
		return stateFault(fmt.Sprintf("%s (the log itself verifies: %d events, root %x; `hwledger reindex` rebuilds the state from it)",
			what, rep.Size, rep.Root))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "OK: %d events, %d bytes, root %x, checkpoint %q size %d signature valid",
		rep.Size, rep.Bytes, rep.Root, rep.Checkpoint.Origin, rep.Checkpoint.Size)
	if trusted != nil {
		fmt.Fprint(out, ", extends the saved checkpoint")
	}
	fmt.Fprint(out, cosigned)
	fmt.Fprintf(out, "; stored state equals a replay of %d events\n", rep.Size)
	if copied {
		fmt.Fprintln(out, "(the store was not closed cleanly: a recovered copy was verified, holding every "+
			"acknowledged write; the data dir was not changed)")
	}
	return nil
}

// stateFault is a fault of the stored state (errors.Is ledger.ErrProjection),
// worded for the verify output.
type stateFault string

func (e stateFault) Error() string        { return string(e) }
func (e stateFault) Is(target error) bool { return target == ledger.ErrProjection }
