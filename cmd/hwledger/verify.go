package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

func init() {
	register("verify", "prove the ledger unaltered: hashes, links, Merkle root, signature, state = replay (exit 0 ok, 1 fault, 2 usage)", cmdVerify)
}

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "data directory to verify (opened read-only)")
	url := fs.String("url", "", "base URL of a running server to verify over HTTP")
	token := fs.String("token", os.Getenv("HWLEDGER_TOKEN"), "bearer token for --url (inspector or admin; or HWLEDGER_TOKEN)")
	cpFile := fs.String("checkpoint", "", "a signed checkpoint saved earlier: the ledger must extend it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*dir == "") == (*url == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "verify: give exactly one of --data DIR or --url URL")
		fs.Usage()
		return 2
	}
	var trusted []byte
	if *cpFile != "" {
		b, err := os.ReadFile(*cpFile)
		if err != nil {
			fmt.Fprintf(stderr, "verify: %v\n", err)
			return 2
		}
		trusted = b
	}
	var err error
	if *dir != "" {
		err = verifyDir(*dir, trusted, stdout)
	} else {
		if *token == "" {
			fmt.Fprintln(stderr, "verify: --url needs --token or HWLEDGER_TOKEN")
			return 2
		}
		err = verifyURL(*url, *token, trusted, stdout)
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stdout, "FAIL: %v\n", err)
		return 1
	}
	return 0
}

// errUsage marks errors that are the caller's mistake (exit 2).
var errUsage = errors.New("usage")

// verifyDir verifies the data directory dir, opened read-only: the chain
// (chain.Log.Verify: every leaf hash, prev link, tree node, the root and
// the stored checkpoint's signature, and with trusted an append-only
// extension of that saved checkpoint), then that the stored current state
// equals a replay of the events. A fault in the log is a *chain.Fault
// naming the first bad index; a fault in the state wraps
// ledger.ErrProjection and names the first differing key.
func verifyDir(dir string, trusted []byte, out io.Writer) error {
	svc, err := openExisting(dir, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	rep, err := svc.Verify(trusted)
	if errors.Is(err, ledger.ErrProjection) {
		// The log checked out; only the stored state is wrong. Say both.
		what := strings.TrimPrefix(err.Error(), ledger.ErrProjection.Error()+": ")
		return fmt.Errorf("%s (the log itself verifies: %d events, root %x; `hwledger reindex` rebuilds the state from it)",
			what, rep.Size, rep.Root)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "OK: %d events, %d bytes, root %x, checkpoint %q size %d signature valid",
		rep.Size, rep.Bytes, rep.Root, rep.Checkpoint.Origin, rep.Checkpoint.Size)
	if trusted != nil {
		fmt.Fprint(out, ", extends the saved checkpoint")
	}
	fmt.Fprintf(out, "; stored state equals a replay of %d events\n", rep.Size)
	return nil
}
