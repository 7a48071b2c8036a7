package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// pageTemplate is one page: the layout, the shared partials and the page's
// own "content" template.
type pageTemplate struct{ t *template.Template }

// loadPages parses templates/layout.html and templates/partials.html with
// every other templates/*.html, one set per page named by its file.
func loadPages() (map[string]*pageTemplate, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[base] = &pageTemplate{t}
	}
	return pages, nil
}

// view is what every template gets: the page data D plus the request's
// language, CSRF token and signed-in party.
type view struct {
	Title    string
	Lang     string
	CSRF     string
	SignedIn bool
	Party    *ledger.Party
	P        ledger.Principal
	Nav      []navItem
	Path     string
	LangURL  string // this page in the other language
	Now      time.Time
	// ReadOnly is why the ledger refuses writes (an integrity fault), or
	// "": every page then shows a banner.
	ReadOnly string
	D        any
}

type navItem struct {
	Href, Key string
	Active    bool
}

// T translates key into the page's language.
func (v *view) T(key string) string { return translate(v.Lang, key) }

// Tf translates and formats.
func (v *view) Tf(key string, args ...any) string { return translatef(v.Lang, key, args...) }

// En reports whether the page is in English.
func (v *view) En() bool { return v.Lang == langEn }

// Has reports whether the signed-in party holds role.
func (v *view) Has(role string) bool { return v.P.Has(ledger.Role(role)) }

// IsMe reports whether person id is the person signed in.
func (v *view) IsMe(id string) bool { return v.P.Person != nil && v.P.Person.ID == id }

// Locked reports whether p's account is locked now.
func (v *view) Locked(p *ledger.Person) bool {
	return p.LockedUntil != nil && v.Now.Before(*p.LockedUntil)
}

// CodeName is a catalogue name in the page's language.
func (v *view) CodeName(zh, en string) string {
	if v.Lang == langEn && en != "" {
		return en
	}
	return zh
}

func (h *Handler) newView(r *http.Request, titleKey string, d any) *view {
	st := stateOf(r)
	v := &view{Lang: st.lang, CSRF: st.csrf, SignedIn: st.signedIn, Party: st.party, P: st.p,
		Path: r.URL.Path, Now: h.svc.Now(), D: d}
	v.Title = v.T(titleKey)
	if ro, ok := h.svc.ReadOnly(); ok {
		v.ReadOnly = ro.Reason
	}
	other := langEn
	if st.lang == langEn {
		other = langZh
	}
	q := r.URL.Query()
	q.Set("lang", other)
	v.LangURL = (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	if st.signedIn {
		v.Nav = navFor(st.p, r.URL.Path)
	}
	return v
}

// navFor lists the pages a principal's roles use.
func navFor(p ledger.Principal, path string) []navItem {
	var n []navItem
	add := func(href, key string) {
		for _, x := range n {
			if x.Href == href {
				return
			}
		}
		n = append(n, navItem{Href: href, Key: key, Active: path == href})
	}
	if p.SeesAll() {
		add("/dashboard", "nav.dashboard")
		add("/alerts", "nav.alerts")
		add("/ranking", "nav.ranking")
		add("/corrections", "nav.corrections")
		add("/compliance", "nav.compliance")
	}
	if p.Has(ledger.RoleCollector) {
		add("/wastes", "nav.inventory")
		add("/wastes/consolidate", "nav.consolidate")
	}
	if p.Has(ledger.RoleGenerator) {
		add("/wastes", "nav.inventory")
		add("/wastes/new", "nav.register")
		add("/filings", "nav.filings")
		add("/ranking", "nav.assessment")
	}
	add("/manifests", "nav.manifests")
	add("/alerts", "nav.alerts") // each party's own; an inspector's, all
	add("/trace", "nav.trace")
	add("/ledger", "nav.ledger")
	if p.Has(ledger.RoleAdmin) || p.PersonRole == ledger.PersonManager {
		add("/people", "nav.people")
	}
	if p.Has(ledger.RoleAdmin) {
		add("/parties/new", "nav.newparty")
	}
	if p.Person != nil && p.Session != "" {
		add("/account", "nav.account")
	}
	return n
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, d any) {
	pt, ok := h.pages[page]
	if !ok {
		h.lg.Error("web: no such page", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, "layout", h.newView(r, titleKey, d)); err != nil {
		h.lg.Error("web: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

type errorData struct {
	Key    string
	Detail string
	Fields map[string]string
}

// renderError shows the error page with a translated message.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	h.render(w, r, status, "error", "err.title", errorData{Key: key})
}

// fail shows an error page for err. Internal errors are logged and never
// shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key, detail, fields := classify(stateOf(r).lang, err)
	if status == http.StatusInternalServerError {
		h.lg.Error("web: internal error", "path", r.URL.Path, "err", err)
	}
	h.render(w, r, status, "error", "err.title", errorData{Key: key, Detail: detail, Fields: fields})
}

// formError is classify for a form shown again: the status, the message
// the form shows (the code's message and any safe detail) and the field
// errors, in lang.
func formError(lang string, err error) (status int, msg string, fields map[string]string) {
	status, key, detail, fields := classify(lang, err)
	return status, strings.TrimSpace(translate(lang, key) + " " + detail), fields
}

// classify maps err with httpx.Problem, the map the API uses too, to its
// status, the message key of its code ("err.<code>"), a detail that is safe
// to show (a rule's or a transition's reason) and any field errors, the
// detail and the reasons in lang. A reason the ledger has no Chinese for is
// shown as the generic "err.field" rather than in English.
func classify(lang string, err error) (status int, key, detail string, fields map[string]string) {
	status, d := httpx.Problem(err)
	if d.Code == httpx.CodeRuleViolation || d.Code == httpx.CodeInvalidTransition {
		detail = d.Message
		if lang == langZh {
			detail = d.MessageZh
		}
	}
	fields = d.Fields
	if lang == langZh && len(d.Fields) > 0 {
		fields = make(map[string]string, len(d.Fields))
		for k := range d.Fields {
			if fields[k] = d.FieldsZh[k]; fields[k] == "" {
				fields[k] = translate(lang, "err.field")
			}
		}
	}
	return status, "err." + d.Code, detail, fields
}

// shanghai formats times for people in the district.
var shanghai = workday.Shanghai

var funcs = template.FuncMap{
	"derefTime": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"kg": func(g ledger.Grams) string { return kgString(g) },
	"dt": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02")
	},
	"dtp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04")
	},
	"join": strings.Join,
	// pair hands a partial template the page's view and one value.
	"pair": func(a, b any) struct{ A, B any } { return struct{ A, B any }{a, b} },
	"deref": func(f *float64) float64 {
		if f == nil {
			return 0
		}
		return *f
	},
	"add":       func(a, b int) int { return a + b },
	"maxLabels": func() int { return maxContainerLabels },
	"short": func(s string, n int) string {
		if len(s) <= n {
			return s
		}
		return s[:n] + "…"
	},
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// kgString writes grams as kilograms without trailing zeros.
func kgString(g ledger.Grams) string {
	b, _ := g.MarshalJSON()
	return string(b)
}

// WS is a batch status in the page's language.
func (v *view) WS(s string) string { return v.T("ws." + s) }

// MS is a manifest status in the page's language.
func (v *view) MS(s string) string { return v.T("ms." + s) }

// Kind is an alert kind in the page's language.
func (v *view) Kind(k string) string { return v.T("kind." + k) }

// AlertMessage is what an alert says is wrong, in the page's language.
func (v *view) AlertMessage(a *ledger.Alert) string { return alertMessage(v.Lang, a) }

// ClockLeft says how much of a storage clock is left: overdue by so many
// hours, hours when under 72, else days.
func (v *view) ClockLeft(d deadline) string {
	switch {
	case d.Level == "over":
		return v.Tf("dl.overdue", d.Abs())
	case d.Hours < 72:
		return v.Tf("dl.hours", d.Hours)
	}
	return v.Tf("dl.days", d.DaysLeft())
}

// Form is a physical form (solid, liquid…) in the page's language.
func (v *view) Form(f string) string { return v.T("form." + f) }

// Hazard is a hazard characteristic's name in the page's language.
func (v *view) Hazard(h string) string { return v.T("hz." + h) }

// Pictogram is the hazard's pictogram as inline SVG.
func (v *view) Pictogram(h string) template.HTML { return pictogram(h, v.T("hz."+h)) }

// rankTable bundles the view with one assessment for the "ranktable" template.
type rankTable struct {
	V  *view
	By string
	A  *ledger.Assessment
}

// rankColumns are the ranking table's columns: the JSON name the column
// sorts by and its heading's message. "group" is the party or street name.
var rankColumns = []struct{ Key, Msg string }{
	{"rank", "rank.rank"}, {"name", "group"}, {"score", "rank.score"}, {"disposal_rate", "rank.rate"},
	{"medical_disposal_rate", "rank.med"}, {"on_time_rate", "rank.ontime"}, {"overdue_alerts", "rank.overdue"},
	{"open_alerts", "rank.alerts"}, {"discrepancies", "rank.disc"}, {"avg_days_to_disposal", "rank.days"},
	{"generated_kg", "rank.gen"}, {"due_kg", "rank.due"},
}

// sortLink is one column heading of the ranking table.
type sortLink struct {
	Label, Href string
	Aria        string // aria-sort: ascending, descending or none
	Mark        string // ▲, ▼ or ""
}

// Headings are the table's column headings, each a link that sorts by its
// column: ascending first, the other way when it is the current order.
func (t rankTable) Headings(first, last, current string) []sortLink {
	var out []sortLink
	for _, c := range rankColumns {
		label := t.V.T(c.Msg)
		if c.Msg == "group" {
			label = t.V.T("rank.col." + t.By)
		}
		l := sortLink{Label: label, Aria: "none"}
		next := c.Key
		switch current {
		case c.Key:
			next, l.Aria, l.Mark = "-"+c.Key, "ascending", "▲"
		case "-" + c.Key:
			l.Aria, l.Mark = "descending", "▼"
		}
		if current == "" && c.Key == "rank" {
			next, l.Aria, l.Mark = "-rank", "ascending", "▲"
		}
		l.Href = "/ranking?" + url.Values{"from": {first}, "to": {last}, "sort": {next}}.Encode() + "#rank-" + t.By
		out = append(out, l)
	}
	return out
}

func init() {
	funcs["rankArgs"] = func(v *view, by string, a *ledger.Assessment) rankTable { return rankTable{v, by, a} }
}
