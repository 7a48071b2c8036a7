package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/demo"
	"github.com/hwledger/hwledger/ledger/workday"
	"github.com/labstack/echo/v4"
)

func init() {
	register("serve", "run the HTTP API and web UI (--data DIR --addr HOST:PORT --tls-cert/--tls-key --metrics-addr --demo ...; -h for all)", cmdServe)
}

// mountWeb mounts the web UI on the server; the web UI's own file in this
// package sets it in init. Nil: API only.
var mountWeb func(e *echo.Echo, m api.Mount)

// serveOptions are the parsed flags and config file of `serve`.
type serveOptions struct {
	dir, addr      string
	demo, testTime bool
	cfg            serveConfig
	witness        *witnessOptions
	// tlsCert and tlsKey, both or neither: serve HTTPS with this
	// certificate and key (PEM files).
	tlsCert, tlsKey string
	// behindTLSProxy: plain HTTP here, but clients reach the server over
	// HTTPS through a proxy.
	behindTLSProxy bool
	// metricsAddr, if set, serves /metrics there without a token (and not
	// on addr).
	metricsAddr string
	// pdfFont is the CJK TrueType font (.ttf, or the first face of a .ttc)
	// the printable manifests embed.
	pdfFont string
	// ready, if set, receives the bound address once the server listens.
	ready func(addr string)
	// opened, if set, receives the ledger once it is open (tests).
	opened func(*ledger.Service)
}

// secure says clients reach the server over HTTPS: session cookies are
// Secure and every answer carries Strict-Transport-Security.
func (o serveOptions) secure() bool { return o.tlsCert != "" || o.behindTLSProxy }

// serveHelp is the text of `serve -h` above the flags.
const serveHelp = `usage: hwledger serve [flags]

Runs the HTTP API (/api/v1), the web UI (/) and the operations endpoints
(/healthz, /metrics) on --addr.

HTTPS: --tls-cert FILE --tls-key FILE serves HTTPS itself; --behind-tls-proxy
says a TLS proxy in front of it does. Either marks the session cookie Secure and
sends Strict-Transport-Security with every answer.

Metrics: /metrics on --addr needs an admin's or an inspector's bearer token
(Prometheus: authorization: {credentials: TOKEN}). With --metrics-addr HOST:PORT
it is served there instead, without a token, and no longer on --addr: bind that
address to loopback or a private network only.

Integrity: before its first write the server verifies the whole chain and that
the state it serves is what the log produces (by the state digest its last clean
shutdown recorded in DIR/state.digest, else by a replay of the log). Then it
verifies new events every --watch-every and the whole chain every --verify-every.
A fault makes it read-only: every write answers 503 read_only, /healthz answers
503 with the reason, the web UI shows a banner, and nothing is appended until an
operator restores a good store (a backup; or, when only the state is wrong,
hwledger reindex) and starts it again.

Admin token: HWLEDGER_ADMIN_TOKEN, else DIR/admin.token (created on first start).
It must be at least 32 characters of printable ASCII without spaces and not
repetitive. A new value replaces the previous admin bootstrap token, which stops
working; a revoked one is never valid again (the server starts without it).

`

func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "./data", "data directory (created if missing)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	demoFlag := fs.Bool("demo", false, "seed a demo district into an empty data dir; its people's sign-ins go to DIR/demo-people.json, tokens to DIR/demo-tokens.json")
	testClock := fs.Bool("test-clock", false, "enable POST /api/v1/admin/clock (tests and demos only)")
	cfgFile := fs.String("config", "", "JSON config file (rules, intervals; see serve_config.go)")
	catalogFile := fs.String("catalog", "", "CSV of a later edition of the waste list, in the form of the built-in 2021 table with \"# edition:\" and \"# in_force:\" lines")
	holidaysFile := fs.String("holidays", "", "holiday file for working days (YYYY-MM-DD per line; \"YYYY-MM-DD work\" for adjusted working days)")
	sweepEvery := fs.String("sweep-every", "", "how often overdue deadlines are swept (default 1m)")
	watchEvery := fs.String("watch-every", "", "how often the integrity watch verifies new events (default 10s)")
	verifyEvery := fs.String("verify-every", "", "how often the whole chain is verified (default 1h)")
	wopts := &witnessOptions{}
	wopts.addFlags(fs)
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM; needs --tls-key)")
	tlsKey := fs.String("tls-key", "", "the private key of --tls-cert (PEM)")
	behindProxy := fs.Bool("behind-tls-proxy", false, "clients reach this server over HTTPS through a proxy: Secure cookies and HSTS")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this HOST:PORT without a token (and not on --addr); default: on --addr for admin and inspector tokens")
	pdfFont := fs.String("pdf-font", manifestpdf.DefaultFontPath, "CJK TrueType font (.ttf, or the first face of a .ttc) the printable manifests embed (Debian: fonts-wqy-microhei)")
	var ruleFlags ruleList
	fs.Var(&ruleFlags, "rule", "override one alert or domain rule, NAME=VALUE, e.g. --rule medical_storage=48h --rule weight_tolerance=0.05 (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, serveHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(stderr, "serve: --tls-cert and --tls-key go together")
		return 2
	}
	o := serveOptions{dir: *dir, addr: *addr, demo: *demoFlag, testTime: *testClock,
		tlsCert: *tlsCert, tlsKey: *tlsKey, behindTLSProxy: *behindProxy, metricsAddr: *metricsAddr, witness: wopts, pdfFont: *pdfFont}
	if *cfgFile != "" {
		c, err := loadServeConfig(*cfgFile)
		if err != nil {
			fmt.Fprintf(stderr, "serve: %v\n", err)
			return 2
		}
		o.cfg = c
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if c.Data != "" && !set["data"] {
			o.dir = c.Data
		}
		if c.Addr != "" && !set["addr"] {
			o.addr = c.Addr
		}
	}
	// Flags win over the config file.
	if *catalogFile != "" {
		o.cfg.CatalogFile = *catalogFile
	}
	if *holidaysFile != "" {
		o.cfg.HolidaysFile = *holidaysFile
	}
	for name, v := range map[string]string{"sweep_every": *sweepEvery, "watch_every": *watchEvery, "verify_every": *verifyEvery} {
		if v == "" {
			continue
		}
		if o.cfg.Background == nil {
			o.cfg.Background = map[string]string{}
		}
		o.cfg.Background[name] = v
	}
	if err := ruleFlags.apply(&o.cfg); err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return 2
	}
	return runUntilSignal("serve", stderr, func(ctx context.Context, logger *slog.Logger) error {
		return runServe(ctx, o, stdout, logger)
	})
}

// runServe opens the ledger, bootstraps the admin token, optionally seeds
// the demo district, and serves until ctx ends; then it shuts the server
// down gracefully (in-flight requests finish) and closes the ledger, so
// every acknowledged request is durable.
func runServe(ctx context.Context, o serveOptions, stdout io.Writer, logger *slog.Logger) error {
	if o.witness == nil {
		o.witness = &witnessOptions{}
	}
	if o.cfg.MaxStreams < 0 || o.cfg.MaxStreamsPerToken < 0 {
		return fmt.Errorf("%w: max_streams and max_streams_per_token must not be negative", errUsage)
	}
	var hooks webhookHooks
	lcfg := ledger.Config{Dir: o.dir, Origin: o.cfg.Origin, Logger: logger,
		MaxStreams: o.cfg.MaxStreams, MaxStreamsPerToken: o.cfg.MaxStreamsPerToken,
		OnCommit: func(n int) { api.CommitSizes.Observe(float64(n)); o.witness.notify(); hooks.notify() }}
	rules, err := o.cfg.rules()
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	lcfg.Rules = &rules
	if o.cfg.CatalogFile != "" {
		if lcfg.Catalog, err = catalog.LoadFile(o.cfg.CatalogFile); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if o.cfg.HolidaysFile != "" {
		if lcfg.Calendar, err = workday.LoadFile(o.cfg.HolidaysFile); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	bg, err := o.cfg.background()
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var timeout time.Duration
	if o.cfg.RequestTimeout != "" {
		if timeout, err = parseDuration(o.cfg.RequestTimeout); err != nil {
			return fmt.Errorf("%w: request_timeout: %v", errUsage, err)
		}
	}

	var tlsCfg *tls.Config
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("%w: --tls-cert/--tls-key: %v", errUsage, err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	tok, tokSource, _, err := adminToken(o.dir)
	if err != nil {
		return fmt.Errorf("admin token: %w", err)
	}
	fresh := !hasLedger(o.dir)
	svc, err := ledger.Open(lcfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := svc.Close(); err != nil {
			logger.Error("closing the ledger", "err", err)
		}
	}()
	fresh = fresh || svc.Log().Size() == 0
	if o.opened != nil {
		o.opened(svc)
	}
	// Nothing is written before the state served is checked against the
	// log; a fault leaves the server up, read-only.
	if err := svc.CheckAtStart(); err != nil && !errors.Is(err, ledger.ErrReadOnly) {
		return err
	}
	ro, readOnly := svc.ReadOnly()

	switch _, err := svc.Bootstrap(ctx, tok); {
	case readOnly:
		tokSource = "not bootstrapped: the ledger is read-only"
	case errors.Is(err, ledger.ErrBootstrapRevoked):
		tokSource = fmt.Sprintf("none: the token in %s was revoked (set %s to a new strong token, "+
			"or delete %s, to make a new one at the next start)", tokSource, adminTokenEnv, filepath.Join(o.dir, adminTokenFile))
		logger.Warn("the admin bootstrap token was revoked; starting without one", "source", tokSource)
	case err != nil:
		return fmt.Errorf("bootstrap the admin token: %w", err)
	}
	demoTokens := filepath.Join(o.dir, demo.TokensFile)
	if o.demo {
		switch {
		case readOnly:
			fmt.Fprintln(stdout, "--demo: the ledger is read-only; not seeding")
		case fresh:
			fmt.Fprintln(stdout, "seeding the demo district (this takes a little while)…")
			start := time.Now()
			toks, err := demo.Seed(ctx, svc, demo.Options{Dir: o.dir, People: true})
			if err != nil {
				return fmt.Errorf("seed the demo district: %w", err)
			}
			fmt.Fprintf(stdout, "seeded %d demo parties and %d ledger events in %s\n", len(toks), svc.Log().Size(),
				time.Since(start).Round(time.Millisecond))
		case fileExists(demoTokens) && !fileExists(filepath.Join(o.dir, demo.PeopleFile)):
			fmt.Fprintf(stdout, "demo district already seeded, by an earlier version without people: "+
				"stop, delete %s and run again to sign in as the demo's people\n", o.dir)
		case fileExists(demoTokens):
			fmt.Fprintln(stdout, "demo district already seeded")
		default:
			fmt.Fprintf(stdout, "--demo: %s already holds a ledger without the demo; not seeding\n", o.dir)
		}
	}

	font, err := manifestpdf.LoadFont(o.pdfFont)
	if err != nil {
		return err
	}
	witnesses, err := o.witness.start(svc, logger)
	if err != nil {
		return err
	}
	webhooks, err := hooks.open(svc, o.dir, witnesses, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := webhooks.Close(); err != nil {
			logger.Error("closing the webhook store", "err", err)
		}
	}()
	srv, err := api.New(api.Config{Service: svc, Logger: logger, TestClock: o.testTime, RequestTimeout: timeout, Web: mountWeb,
		Witnesses: witnesses, Secure: o.secure(), MetricsElsewhere: o.metricsAddr != "", PDFFont: font, Webhooks: webhooks})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if tlsCfg != nil {
		l = tls.NewListener(l, tlsCfg)
		scheme = "https"
	}
	var metricsSrv *http.Server
	metricsURL := baseURL(scheme, l) + "/metrics (an admin's or inspector's token)"
	if o.metricsAddr != "" {
		ml, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			l.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := metricsSrv.Serve(ml); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics listener", "err", err)
			}
		}()
		defer metricsSrv.Close()
		metricsURL = "http://" + ml.Addr().String() + "/metrics (no token)"
	}
	bgCtx, stopBg := context.WithCancel(context.Background())
	bgDone := make(chan struct{})
	go func() { defer close(bgDone); svc.RunBackground(bgCtx, bg) }()
	webhooksDone := make(chan struct{})
	go func() { defer close(webhooksDone); webhooks.Run(bgCtx) }()
	witnessDone := make(chan struct{})
	go func() {
		defer close(witnessDone)
		if witnesses != nil {
			witnesses.Run(bgCtx)
		}
	}()

	url := baseURL(scheme, l)
	fmt.Fprintf(stdout, "hwledger listening on %s\n", url)
	fmt.Fprintf(stdout, "  web UI:  %s/   API: %s/api/v1   OpenAPI: %s/api/v1/openapi.json\n", url, url, url)
	if readOnly {
		fmt.Fprintf(stdout, "  READ-ONLY: %s\n  every write answers 503 read_only until a good store is restored "+
			"(`hwledger verify --data %s` names the fault; `hwledger reindex` rebuilds a wrong state from the log)\n",
			ro.Reason, o.dir)
	}
	fmt.Fprintf(stdout, "  metrics: %s\n", metricsURL)
	fmt.Fprintf(stdout, "  admin token: %s\n", tokSource)
	if people := filepath.Join(o.dir, demo.PeopleFile); fileExists(people) {
		fmt.Fprintf(stdout, "  demo people: %s (sign in with a username and password from it)\n", people)
	}
	if fileExists(demoTokens) {
		fmt.Fprintf(stdout, "  demo tokens: %s\n", demoTokens)
	}
	if o.testTime {
		fmt.Fprintln(stdout, "  test clock: POST /api/v1/admin/clock {\"advance\": \"49h\"}")
	}
	if witnesses != nil {
		fmt.Fprintf(stdout, "  witnesses: %s (policy %d of %d)\n", o.witness.remotes.String(), witnesses.Policy(), len(o.witness.remotes))
	}
	fmt.Fprintf(stdout, "  tiles: %s/api/v1/tlog/\n", url)
	if o.ready != nil {
		o.ready(l.Addr().String())
	}

	err = serveUntil(ctx, srv, l, 30*time.Second, logger)
	stopBg()
	<-bgDone
	<-webhooksDone
	<-witnessDone
	if err == nil {
		fmt.Fprintln(stdout, "hwledger stopped")
	}
	return err
}

// baseURL is the base URL of listener l.
func baseURL(scheme string, l net.Listener) string { return scheme + "://" + l.Addr().String() }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
