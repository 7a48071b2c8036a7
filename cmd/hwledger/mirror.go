package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/mirror"
)

func init() {
	register("mirror", "follow a ledger over HTTP, verify everything, keep a copy and serve it read-only (--from URL --data DIR)", cmdMirror)
}

const mirrorHelp = `usage: hwledger mirror --from URL --data DIR [--addr HOST:PORT] [--token TOKEN] [--key VKEY] [--every 1s] [--once]

Follows the ledger served at URL: copies its events and its published checkpoint
into DIR after checking the checkpoint's signature with the primary's key, the
consistency proof from the last checkpoint held, every event's bytes, index and
prev link, and that the events hash to the checkpoint. Nothing that does not
verify is copied; the mirror keeps serving what it holds and says what failed in
/healthz and its log.

The primary's key is pinned in DIR/primary.pub: given with --key, or on the first
start fetched from URL/api/v1/ledger/key (compare it with the key the district
publishes). Events are read from the public tiles, or with an inspector's token
(--token or HWLEDGER_TOKEN) from /api/v1/ledger/events.

It serves the read-only API (/api/v1, /healthz) from the copy on --addr; every
write answers 503 read_only. With --once it copies up to the primary's current
checkpoint and exits. DIR is the source of hwledger restore --from-mirror DIR.

`

// mirrorOptions are the parsed flags of mirror.
type mirrorOptions struct {
	from, dir, addr, token, key string
	every                       time.Duration
	once                        bool
	// ready, if set, receives the bound address once the mirror listens.
	ready func(addr string)
}

func cmdMirror(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mirror", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o mirrorOptions
	fs.StringVar(&o.from, "from", "", "the primary's base URL (http or https)")
	fs.StringVar(&o.dir, "data", "./mirror", "the mirror's data directory (created if missing)")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8081", "listen address of the read-only API")
	fs.StringVar(&o.token, "token", os.Getenv("HWLEDGER_TOKEN"), "an inspector's token: read events from /ledger/events instead of the tiles (or HWLEDGER_TOKEN)")
	fs.StringVar(&o.key, "key", "", "the primary's note verifier key (name+hash+base64); default: pinned in DIR, else fetched once from the primary")
	fs.DurationVar(&o.every, "every", time.Second, "how often to look for a new checkpoint when caught up")
	fs.BoolVar(&o.once, "once", false, "copy up to the primary's current checkpoint, then exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, mirrorHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || o.from == "" || o.every <= 0 {
		fmt.Fprintln(stderr, "mirror: --from URL is required (and --every must be positive); -h for help")
		return 2
	}
	return runUntilSignal("mirror", stderr, func(ctx context.Context, logger *slog.Logger) error {
		return runMirror(ctx, o, stdout, logger)
	})
}

// runMirror opens (or creates) the mirror in o.dir, checks what it holds,
// and follows the primary, serving the copy until ctx ends.
func runMirror(ctx context.Context, o mirrorOptions, stdout io.Writer, logger *slog.Logger) error {
	src, err := mirror.NewClient(o.from, o.token)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	key := strings.TrimSpace(o.key)
	pinned := filepath.Join(o.dir, chain.FollowKeyFile)
	if key == "" && !fileExists(pinned) {
		if key, err = src.Key(ctx); err != nil {
			return fmt.Errorf("fetch the primary's key: %w", err)
		}
		fmt.Fprintf(stdout, "pinning the primary's key %s, fetched from %s/ledger/key, in %s: "+
			"compare it with the key the district publishes\n", key, src.Base(), pinned)
	}
	svc, err := ledger.Open(ledger.Config{Dir: o.dir, Follow: key, Logger: logger})
	if err != nil {
		return err
	}
	defer func() {
		if err := svc.Close(); err != nil {
			logger.Error("closing the mirror", "err", err)
		}
	}()
	if !svc.Follower() {
		return fmt.Errorf("%w: %s is a ledger of its own, not a mirror", errUsage, o.dir)
	}
	// Serve only a copy that verifies: the chain, and its state against a
	// replay of its events.
	if err := svc.CheckAtStart(); err != nil {
		return fmt.Errorf("the copy in %s does not verify (%w): move it away and mirror afresh", o.dir, err)
	}
	m, err := mirror.New(svc, src, logger)
	if err != nil {
		return err
	}
	if _, _, cp := svc.Log().Head(); cp == nil || o.once {
		// A new mirror holds no checkpoint to serve yet: copy one first.
		for {
			n, err := m.Sync(ctx)
			if err != nil {
				return fmt.Errorf("copy the primary's ledger: %w", err)
			}
			if n == 0 {
				break
			}
		}
	}
	st := m.Status()
	fmt.Fprintf(stdout, "mirror of %s holds %d events under the primary's checkpoint of %d\n", st.Primary, st.Stored, st.Size)
	if o.once {
		return nil
	}

	srv, err := api.New(api.Config{Service: svc, Logger: logger, Mirror: m})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	url := baseURL("http", l)
	fmt.Fprintf(stdout, "hwledger mirror listening on %s (read-only API %s/api/v1, tiles %s/api/v1/tlog/)\n", url, url, url)
	if o.ready != nil {
		o.ready(l.Addr().String())
	}
	followCtx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); m.Run(followCtx, o.every) }()
	err = serveUntil(ctx, srv, l, 30*time.Second, logger)
	stopFollow()
	<-followed
	if err == nil {
		fmt.Fprintln(stdout, "hwledger mirror stopped")
	}
	return err
}
