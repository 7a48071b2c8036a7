package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/mirror"
	"github.com/hwledger/hwledger/webhook"
	"github.com/hwledger/hwledger/witness"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// Config configures a Server. Service is required; the rest have defaults.
type Config struct {
	// Service is the ledger the server exposes.
	Service *ledger.Service
	// Logger receives one structured line per request and every internal
	// error. Default: discard.
	Logger *slog.Logger
	// TestClock enables POST /api/v1/admin/clock (serve --test-clock);
	// without it the route answers 404.
	TestClock bool
	// RequestTimeout bounds every request except the SSE stream. Default 30 s.
	RequestTimeout time.Duration
	// Heartbeat is the interval of SSE heartbeat comments. Default 15 s.
	Heartbeat time.Duration
	// Registry receives the server's Prometheus metrics, served at /metrics
	// (see MetricsElsewhere). Default: a new registry with the Go and
	// process collectors.
	Registry *prometheus.Registry
	// Web, if set, mounts the web UI (see the package doc).
	Web func(e *echo.Echo, m Mount)
	// Witnesses, if set, collects witness cosignatures: GET
	// /ledger/checkpoint and /tlog/checkpoint publish the newest checkpoint
	// its policy's witnesses have cosigned.
	Witnesses *witness.Collector
	// Secure says clients reach the server over HTTPS (its own TLS, or a
	// TLS proxy in front of it): every answer carries
	// Strict-Transport-Security, and the web UI marks its cookies Secure.
	Secure bool
	// PDFFont is the CJK font the printable manifests embed
	// (GET /manifests/{id}.pdf); nil: that route answers 503 unavailable.
	PDFFont *manifestpdf.Font
	// MetricsElsewhere says /metrics is served on a separate listener
	// (MetricsHandler; serve --metrics-addr) and not by this server.
	// Otherwise this server answers /metrics to an admin's or an
	// inspector's token.
	MetricsElsewhere bool
	// Mirror, if set, says the server serves a mirror's copy of another
	// ledger (hwledger mirror): every write answers 503 read_only, and
	// /healthz reports the mirror's position.
	Mirror *mirror.Mirror
	// Webhooks, if set, delivers the ledger's events to subscriptions
	// (POST /webhooks); without it subscribing answers 503 unavailable.
	Webhooks *webhook.Dispatcher
}

// hsts is the Strict-Transport-Security value sent when Config.Secure.
const hsts = "max-age=31536000"

// Mount is what the web UI gets from the server when it is mounted.
type Mount struct {
	// Service is the ledger.
	Service *ledger.Service
	// Authenticate resolves a bearer token to its principal
	// (ledger.ErrUnauthenticated for an unknown or revoked one).
	Authenticate func(token string) (ledger.Principal, error)
	// Logger is the server's logger.
	Logger *slog.Logger
	// Done is closed when Shutdown starts: long-lived answers (SSE
	// streams) end on it, since Shutdown waits for every request.
	Done <-chan struct{}
	// Witnesses collects witness cosignatures; nil without witnesses.
	Witnesses *witness.Collector
	// Secure is Config.Secure: the UI marks its cookies Secure.
	Secure bool
	// PDFFont is Config.PDFFont, for the UI's printable manifests.
	PDFFont *manifestpdf.Font
}

// Server is hwledger's HTTP server. Create it with New; serve with Serve or
// ListenAndServe; stop with Shutdown.
type Server struct {
	svc      *ledger.Service
	cfg      Config
	log      *slog.Logger
	e        *echo.Echo
	metrics  *metrics
	table    []route
	http     *http.Server
	done     chan struct{} // closed when Shutdown starts: ends SSE streams
	doneOnce sync.Once
}

// New builds the server and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("api: Config.Service is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	s := &Server{svc: cfg.Service, cfg: cfg, log: cfg.Logger,
		done: make(chan struct{})}
	m, err := newMetrics(cfg.Registry, cfg.Service)
	if err != nil {
		return nil, err
	}
	s.metrics = m

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{}))
	e.Use(s.observe)
	e.Use(middleware.Recover())
	if cfg.Secure {
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Set("Strict-Transport-Security", hsts)
				return next(c)
			}
		})
	}
	s.e = e

	if _, err := OpenAPI(); err != nil {
		return nil, err
	}
	s.table = s.routes()
	variants := map[string][]route{}
	for _, r := range s.table {
		if base, _, ok := suffixRoute(r.path); ok {
			variants[r.method+" "+base] = append(variants[r.method+" "+base], r)
		}
	}
	for _, r := range s.table {
		if _, _, ok := suffixRoute(r.path); !ok {
			s.register(r, variants[r.method+" "+r.path])
		}
	}
	e.GET("/healthz", s.healthz)
	if !cfg.MetricsElsewhere {
		e.GET("/metrics", echo.WrapHandler(m.handler()), s.requireAuth(false, false, false, metricsRoles))
	}
	e.GET(BasePath+"/openapi.json", s.openAPIHandler)
	if cfg.Web != nil {
		cfg.Web(e, Mount{Service: cfg.Service, Authenticate: cfg.Service.Authenticate, Logger: cfg.Logger, Done: s.done,
			Witnesses: cfg.Witnesses, Secure: cfg.Secure, PDFFont: cfg.PDFFont})
	}

	s.http = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.RequestTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	s.http.RegisterOnShutdown(s.endStreams)
	return s, nil
}

// register adds one route of the table to Echo with its middleware:
// optional gate (test clock), authentication and roles, body reading and
// idempotency, and the request deadline. Echo ends a parameter only at
// '/', so a route whose path ends in a parameter and a suffix
// ("/manifests/:id.pdf", see suffixRoute) is one of the variants of the
// route without it: a request whose last parameter ends in the suffix goes
// to the variant, with the suffix cut off, through the variant's own
// middleware.
func (s *Server) register(r route, variants []route) {
	h := s.chain(r)
	if len(variants) > 0 {
		base := h
		type variant struct {
			suffix string
			h      echo.HandlerFunc
		}
		var vs []variant
		for _, v := range variants {
			_, suffix, _ := suffixRoute(v.path)
			vs = append(vs, variant{suffix, s.chain(v)})
		}
		h = func(c echo.Context) error {
			vals := c.ParamValues()
			last := len(vals) - 1
			for _, v := range vs {
				if cut, ok := strings.CutSuffix(vals[last], v.suffix); ok && cut != "" {
					vals = append([]string(nil), vals...)
					vals[last] = cut
					c.SetParamValues(vals...)
					return v.h(c)
				}
			}
			return base(c)
		}
	}
	s.e.Add(r.method, BasePath+r.path, h)
}

// suffixRoute splits a path whose last segment is a parameter followed by
// a suffix ("/manifests/:id.pdf") into the path without it and the suffix.
func suffixRoute(path string) (base, suffix string, ok bool) {
	i := strings.LastIndexByte(path, '/')
	last := path[i+1:]
	dot := strings.IndexByte(last, '.')
	if !strings.HasPrefix(last, ":") || dot < 0 {
		return "", "", false
	}
	return path[:i+1] + last[:dot], last[dot:], true
}

// chain is r's handler behind its middleware.
func (s *Server) chain(r route) echo.HandlerFunc {
	mw := []echo.MiddlewareFunc{}
	if r.enabled != nil {
		enabled := r.enabled
		mw = append(mw, func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				if !enabled() {
					return echo.ErrNotFound
				}
				return next(c)
			}
		})
	}
	if r.method != http.MethodGet && r.method != http.MethodHead {
		mw = append(mw, s.refuseWhenReadOnly)
	}
	mw = append(mw, s.requireAuth(r.public, r.beforeChange, r.enrolling, r.roles), s.idempotency)
	if !r.stream {
		mw = append(mw, s.deadline)
	}
	h := r.handler
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// deadline bounds the request's context by Config.RequestTimeout.
func (s *Server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// metricsRoles may read /metrics on the server's own address.
var metricsRoles = []ledger.Role{ledger.RoleAdmin, ledger.RoleInspector}

// MetricsHandler serves the Prometheus metrics without a token, for a
// separate listener on a private address (Config.MetricsElsewhere).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// Handler returns the server's HTTP handler (for httptest).
func (s *Server) Handler() http.Handler { return s.e }

// Serve answers requests on l until Shutdown; it returns nil after a
// graceful shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, ends SSE streams, and waits for
// in-flight requests to finish (or ctx to end). The Service stays open:
// the caller closes it afterwards, so every acknowledged request is durable.
func (s *Server) Shutdown(ctx context.Context) error {
	s.endStreams()
	return s.http.Shutdown(ctx)
}

func (s *Server) endStreams() { s.doneOnce.Do(func() { close(s.done) }) }

// refuseWhenReadOnly answers every write 503 read_only while the ledger is
// read-only (an integrity fault), before authentication and before the
// body is read: nothing can be recorded, so nothing is asked.
func (s *Server) refuseWhenReadOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if st, ro := s.svc.ReadOnly(); ro {
			return st.Err()
		}
		if s.cfg.Mirror != nil {
			return fmt.Errorf("%w: this server is a mirror of %s and records nothing of its own; send changes to the primary",
				ledger.ErrReadOnly, s.cfg.Mirror.Status().Primary)
		}
		return next(c)
	}
}

// health is the answer of /healthz.
type health struct {
	Status     string     `json:"status"` // ok, read_only
	LedgerSize uint64     `json:"ledger_size"`
	Reason     string     `json:"reason,omitempty"` // why it is read-only
	Since      *time.Time `json:"since,omitempty"`
	// Mirror is where a mirror stands (Config.Mirror).
	Mirror *mirror.Status `json:"mirror,omitempty"`
}

// healthz answers 200 {"status":"ok","ledger_size":N}, or 503 with status
// read_only, the reason and since when while the ledger refuses writes; no
// authentication.
func (s *Server) healthz(c echo.Context) error {
	h := health{Status: "ok", LedgerSize: s.svc.Log().Size()}
	if s.cfg.Mirror != nil {
		st := s.cfg.Mirror.Status()
		h.Mirror, h.LedgerSize = &st, st.Size
	}
	if st, ro := s.svc.ReadOnly(); ro {
		h.Status, h.Reason, h.Since = "read_only", st.Reason, &st.Since
		return c.JSON(http.StatusServiceUnavailable, h)
	}
	return c.JSON(http.StatusOK, h)
}
