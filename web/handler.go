package web

import (
	"crypto/rand"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/witness"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web UI. The zero value suits a server on localhost.
type Options struct {
	// Secure marks the session cookie Secure; set it when the UI is served
	// over HTTPS (it then also sends Strict-Transport-Security).
	Secure bool
	// SessionIdle signs a session begun with a token out after this long
	// without a request. Default 8 hours (a driver's shift). A person's
	// sessions follow the ledger's SignInPolicy.
	SessionIdle time.Duration
	// MaxSessions bounds the token sessions kept in memory; the least recently
	// used is dropped beyond it. Default 10,000.
	MaxSessions int
	// Logger receives internal errors (never shown to users).
	Logger *slog.Logger
	// Done, when closed, ends the alert streams (the server shuts down).
	// Nil: they end only when the browser goes away.
	Done <-chan struct{}
	// Witnesses, if set, collects the witnesses' cosignatures: the trace
	// page says how many cosigned the published checkpoint.
	Witnesses *witness.Collector
	// PDFFont is the CJK font of the printable manifests
	// (/manifests/{id}.pdf); nil: that page says printing is not set up.
	PDFFont *manifestpdf.Font
}

// Handler serves the UI. It is safe for concurrent use.
type Handler struct {
	svc      *ledger.Service
	opts     Options
	mux      *http.ServeMux
	pages    map[string]*pageTemplate
	sessions *sessionStore
	secret   []byte // HMAC key of CSRF tokens, random per process
	lg       *slog.Logger
}

// New returns the UI over svc.
func New(svc *ledger.Service, opts Options) (*Handler, error) {
	if svc == nil {
		return nil, errors.New("web: nil service")
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 8 * time.Hour
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 10000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: svc, opts: opts, mux: http.NewServeMux(), lg: opts.Logger,
		sessions: newSessionStore(opts.SessionIdle, opts.MaxSessions, svc.Now)}
	h.secret = make([]byte, 32)
	if _, err := rand.Read(h.secret); err != nil {
		return nil, err
	}
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	h.pages = pages
	if err := h.routes(); err != nil {
		return nil, err
	}
	return h, nil
}

// routes registers every page and endpoint.
func (h *Handler) routes() error {
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return err
	}
	m := h.mux
	m.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	m.HandleFunc("GET /{$}", h.home)
	m.HandleFunc("GET /signin", h.signInPage)
	m.HandleFunc("POST /signin", h.signIn)
	m.HandleFunc("POST /signout", h.signOut)
	m.HandleFunc("GET /password", h.passwordPage)
	m.HandleFunc("POST /password", h.changePassword)
	m.HandleFunc("GET /account", h.accountPage)
	m.HandleFunc("POST /account/totp", h.startTOTP)
	m.HandleFunc("POST /account/totp/confirm", h.confirmTOTP)
	m.HandleFunc("POST /account/signout-everywhere", h.signOutEverywhere)
	m.HandleFunc("GET /people", h.peoplePage)
	m.HandleFunc("POST /people", h.addPerson)
	m.HandleFunc("POST /people/{id}/{action}", h.personAction)
	m.HandleFunc("POST /tokens", h.addToken)
	m.HandleFunc("POST /tokens/{id}/revoke", h.revokeToken)
	m.HandleFunc("GET /ui/catalog.json", h.catalogJSON)

	// Generator.
	m.HandleFunc("GET /wastes", h.inventory)
	m.HandleFunc("GET /wastes/new", h.newWastePage)
	m.HandleFunc("POST /wastes/new", h.newWaste)
	m.HandleFunc("GET /wastes/{id}", h.wastePage)
	m.HandleFunc("GET /wastes/{id}/label", h.labelPage)
	m.HandleFunc("GET /wastes/{id}/qr.svg", h.labelQR)
	m.HandleFunc("GET /labels", h.labelSheet)
	m.HandleFunc("GET /manifests/new", h.newManifestPage)
	m.HandleFunc("POST /manifests/new", h.newManifest)
	m.HandleFunc("POST /manifests/{id}/cancel", h.cancelManifest)
	m.HandleFunc("GET /filings", h.filingsPage)
	m.HandleFunc("GET /plans/new", h.newPlanPage)
	m.HandleFunc("POST /plans/new", h.newPlan)
	m.HandleFunc("POST /declarations", h.fileDeclaration)
	m.HandleFunc("GET /declarations.xlsx", h.declarationDownload)
	m.HandleFunc("GET /ledger-book", h.bookPage)
	m.HandleFunc("GET /ledger-book.xlsx", h.bookDownload)

	// Everyone named on a manifest: corrections after pickup.
	m.HandleFunc("GET /manifests/{id}/correct", h.correctPage)
	m.HandleFunc("POST /manifests/{id}/correct", h.requestCorrection)
	m.HandleFunc("POST /corrections/{id}/{decision}", h.decideCorrection)
	m.HandleFunc("GET /corrections", h.correctionsPage)

	// Everyone on a manifest.
	m.HandleFunc("GET /manifests", h.manifestList)
	m.HandleFunc("GET /manifests/{id}", h.manifestPage) // and /manifests/{id}.pdf
	m.HandleFunc("GET /verify/manifests/{id}", h.verifyPage)

	// Carrier.
	m.HandleFunc("GET /manifests/{id}/scan", h.scanPage)
	m.HandleFunc("POST /ui/api/manifests/{id}/{action}", h.scanAPI)

	// Receiver.
	m.HandleFunc("GET /manifests/{id}/receive", h.receivePage)
	m.HandleFunc("POST /manifests/{id}/receive", h.receive)
	m.HandleFunc("POST /wastes/{id}/dispose", h.dispose)

	// Collector.
	m.HandleFunc("GET /wastes/consolidate", h.consolidatePage)
	m.HandleFunc("POST /wastes/consolidate", h.consolidate)

	// Inspector (and anyone for trace and ledger).
	m.HandleFunc("GET /dashboard", h.dashboard)
	m.HandleFunc("GET /ui/alerts/stream", h.alertStream)
	m.HandleFunc("GET /alerts", h.alertsPage)
	m.HandleFunc("POST /alerts/{id}/ack", h.ackAlert)
	m.HandleFunc("GET /ranking", h.rankingPage)
	m.HandleFunc("GET /ranking.csv", h.rankingCSV)
	m.HandleFunc("GET /compliance", h.compliancePage)
	m.HandleFunc("POST /parties/{id}/class", h.setClass)
	m.HandleFunc("GET /parties/new", h.newPartyPage)
	m.HandleFunc("POST /parties/new", h.newParty)
	m.HandleFunc("GET /parties/{id}", h.partyPage)
	m.HandleFunc("POST /parties/{id}/region", h.setRegion)
	m.HandleFunc("POST /parties/{id}/approvals", h.registerApproval)
	m.HandleFunc("GET /trace", h.traceFind)
	m.HandleFunc("GET /trace/{id}", h.tracePage)
	m.HandleFunc("GET /ledger", h.ledgerPage)
	m.HandleFunc("GET /ledger/checkpoint", h.checkpointDownload)
	m.HandleFunc("POST /ledger/check", h.checkpointCheck)
	m.HandleFunc("POST /ledger/verify", h.verifyNow)
	return nil
}

// ServeHTTP sets the security headers, resolves the language and session,
// refuses POSTs without the CSRF token, then routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), h.opts.Secure)
	st := h.loadState(w, r)
	r = r.WithContext(withState(r.Context(), st))
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if !h.csrfOK(r, st) {
			h.renderError(w, r, http.StatusForbidden, "err.csrf")
			return
		}
	}
	if st.signedIn && st.p.MustChangePassword && !beforePasswordChange(r.URL.Path) {
		h.holdAt(w, r, "/password", "err.password_change_required")
		return
	}
	if st.signedIn && st.p.MustEnrolTOTP && !beforeTOTPEnrolment(r.URL.Path) {
		h.holdAt(w, r, "/account", "err.totp_enrolment_required")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// maxBody bounds request bodies (docs/api.md: 1 MiB).
const maxBody = 1 << 20

// staticHandler serves embedded assets with a day of caching.
func staticHandler(fsys fs.FS) http.Handler {
	fsrv := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}

// holdAt keeps a person who must do something first on page: a page
// request is sent there, anything else refused with message key.
func (h *Handler) holdAt(w http.ResponseWriter, r *http.Request, page, key string) {
	if r.Method == http.MethodGet {
		http.Redirect(w, r, page, http.StatusSeeOther)
		return
	}
	h.renderError(w, r, http.StatusForbidden, key)
}
