package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/hwledger/hwledger/ledger"
)

func init() {
	register("reindex", "rebuild every projection and index from the log (server stopped)", cmdReindex)
}

// cmdReindex runs `reindex --data DIR`: ledger.Reindex deletes the
// projections and replays the whole log. The log itself is not changed.
func cmdReindex(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "./data", "data directory (the server must be stopped)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "reindex: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if !hasLedger(*dir) {
		fmt.Fprintf(stderr, "reindex: no ledger in %s\n", *dir)
		return 1
	}
	n, err := ledger.Reindex(ledger.Config{Dir: *dir})
	if err != nil {
		fmt.Fprintf(stderr, "reindex: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "reindexed %d events\n", n)
	return 0
}
