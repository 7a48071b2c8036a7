package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/hwledger/hwledger/witness"
)

func init() {
	register("witness", "run a C2SP tlog-witness that cosigns ledgers' checkpoints (witness serve --data DIR --addr HOST:PORT --log ORIGIN=VKEY ...)", cmdWitness)
}

// logList collects repeated --log ORIGIN=VKEY flags.
type logList []witness.LogConfig

func (l *logList) String() string { return fmt.Sprint(len(*l), " logs") }

func (l *logList) Set(v string) error {
	c, err := witness.ParseLog(v)
	if err != nil {
		return err
	}
	*l = append(*l, c)
	return nil
}

func cmdWitness(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintln(stderr, "usage: hwledger witness serve --data DIR --addr HOST:PORT --log ORIGIN=VKEY [--log ...] [--name NAME]")
		return 2
	}
	fs := flag.NewFlagSet("witness serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "./witness-data", "data directory: key, the latest cosigned checkpoint of each log, evidence (created if missing)")
	addr := fs.String("addr", "127.0.0.1:8090", "listen address HOST:PORT")
	name := fs.String("name", "hwledger-witness", "the witness's key name, used when the key is created on first start (a URL-like name, e.g. witness.zzhb.example/hw)")
	var logs logList
	fs.Var(&logs, "log", "a log to cosign, ORIGIN=VKEY: its checkpoint origin and its key (GET /api/v1/ledger/key) (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 || len(logs) == 0 {
		fmt.Fprintln(stderr, "witness serve: give at least one --log ORIGIN=VKEY and no other arguments")
		return 2
	}
	return runUntilSignal("witness serve", stderr, func(ctx context.Context, logger *slog.Logger) error {
		return runWitness(ctx, *dir, *addr, *name, logs, stdout, logger, nil)
	})
}

// runWitness serves the witness until ctx ends. ready, if set, receives the
// bound address.
func runWitness(ctx context.Context, dir, addr, name string, logs []witness.LogConfig, stdout io.Writer, logger *slog.Logger, ready func(string)) error {
	w, err := witness.Open(witness.Config{Dir: dir, Name: name, Logs: logs, Logger: logger})
	if err != nil {
		return err
	}
	defer w.Close()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	origins := make([]string, len(logs))
	for i, c := range logs {
		origins[i] = c.Origin
	}
	fmt.Fprintf(stdout, "hwledger witness listening on http://%s\n", l.Addr())
	fmt.Fprintf(stdout, "  witness key: %s (in %s)\n", w.VerifierKey(), filepath.Join(dir, witness.PubFile))
	fmt.Fprintf(stdout, "  logs: %s\n", strings.Join(origins, ", "))
	if ready != nil {
		ready(l.Addr().String())
	}
	return serveUntil(ctx, srv, l, 10*time.Second, logger)
}
