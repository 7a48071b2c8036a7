// Command mktestdata writes small, deterministic good and tampered ledgers
// for the tamper-evidence tests (run by `make testdata`):
//
//	go run ./ledger/internal/mktestdata -out testdata/ledgers
//
// Each case is a directory <out>/<case>/ holding a real hwledger data dir,
// recorded through ledger.Service as `hwledger serve` records it (store/
// is the Badger store with the log and the projections, ledger.key and
// ledger.pub the checkpoint key) and, where the case needs one,
// checkpoint.txt: a signed checkpoint an inspector saved earlier, outside
// the store. The clock, the ids and the signing key are fixed, so the
// events, hashes and checkpoints are the same on every run. The key is a
// published test key: never use it for a real ledger. Its name,
// hwledger-testdata, is the ledgers' checkpoint origin (a reader takes a
// data dir's origin from its key).
//
// The tampering is done as an attacker with access to the files would do
// it: by writing the store's keys directly (layout in package chain's doc
// and ledger/internal/proj's). testdata/ledgers/README.md says what each case
// holds and what verify must report.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// cases maps each case name to the function that builds it in a fresh dir.
var cases = map[string]func(dir string) error{
	"good":       buildGood,
	"payload":    buildPayload,
	"prev":       buildPrev,
	"deleted":    buildDeleted,
	"swapped":    buildSwapped,
	"truncated":  buildTruncated,
	"rolledback": buildRolledBack,
	"forked":     buildForked,
	"state":      buildState,
}

func main() {
	out := flag.String("out", "testdata/ledgers", "directory to write the cases into (each case dir is replaced)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "mktestdata:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		dir := filepath.Join(out, n)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := cases[n](dir); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		fmt.Println("wrote", dir)
	}
	return nil
}
