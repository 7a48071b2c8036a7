package web

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/demo"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// walkWidth is the phone width the Chinese walk checks for overflow.
const walkWidth = 390

// latinAllowed are the Latin-script words a Chinese page may show: units,
// file formats and standard names that Chinese users read as they are.
// Codes, ids, plates and numbers hold digits and are never words here.
var latinAllowed = map[string]bool{
	"kg": true, "km": true, "PDF": true, "CSV": true, "Excel": true, "QR": true, "GPS": true,
	"EN": true, "HJ": true, "GB": true, "App": true, "In": true, "VOCs": true, "RFC": true, // In: the infectious hazard's code
}

// latinWord is a run of Latin letters and digits with the dots, dashes and
// underscores that join it into one token ("in_transit", "HW08",
// "ledger.Service.Assessment", "91410104MA40LW").
var latinWord = regexp.MustCompile(`[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)*`)

// foreignWords lists the Latin-script words of text that a Chinese page
// must not show: tokens without a digit (codes, ids and plates have
// digits), longer than one letter, outside latinAllowed.
func foreignWords(text string) []string {
	var bad []string
	for _, w := range latinWord.FindAllString(text, -1) {
		if len(w) < 2 || strings.ContainsAny(w, "0123456789") || latinAllowed[w] {
			continue
		}
		if !slices.Contains(bad, w) {
			bad = append(bad, w)
		}
	}
	return bad
}

func TestForeignWords(t *testing.T) {
	for text, want := range map[string]string{
		"→ in_transit":                     "in_transit",
		"郑州 (generator)":                   "generator",
		"系统 system (system)":               "system",
		"见 ledger.Service.Assessment":      "ledger.Service.Assessment",
		"validation failed: driver: 必填":    "validation,failed,driver",
		"HW08 900-041-49 12.5 kg 豫A·D3721": "",
		"01JD3K7Q9V 签名 T,I,In":             "",
	} {
		if got := strings.Join(foreignWords(text), ","); got != want {
			t.Errorf("foreignWords(%q) = %q, want %q", text, got, want)
		}
	}
}

// walkText is the text a user reads on the page: the rendered text, the
// page title, and the placeholders, titles, labels and button values of
// its controls. Machine values meant to be copied as they are (pre, code,
// .mono: hashes, keys, checkpoints) are left out.
const walkText = `(() => {
  const skip = "pre, code, textarea, script, style, .mono";
  const out = [document.title];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const e = n.parentElement;
    if (!e || e.closest(skip) || !e.checkVisibility()) continue;
    out.push(n.textContent);
  }
  document.querySelectorAll("[placeholder], [title], [aria-label], input[type=submit], input[type=button], option").forEach(e => {
    if (e.closest(skip)) return;
    for (const a of ["placeholder", "title", "aria-label"]) if (e.getAttribute(a)) out.push(e.getAttribute(a));
    if (e.tagName === "OPTION") out.push(e.textContent);
    if (e.type === "submit" || e.type === "button") out.push(e.value);
  });
  return out.join("\n");
})()`

// walkLinks are the page's same-site links a GET may follow: no sign-out,
// downloads, API or language switch.
const walkLinks = `[...document.querySelectorAll("a[href]:not([download])")].map(a => new URL(a.getAttribute("href"), location.href).href)`

// walkShape names a path's kind: ids become "*" so that the walk opens a
// few pages of each kind, not every batch.
var walkID = regexp.MustCompile(`/[0-9A-Za-z-]{20,}(?:/|$)`)

func walkShape(u *url.URL) string {
	shape := walkID.ReplaceAllString(u.Path, "/*/")
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "cursor" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return shape + "?" + strings.Join(keys, ",")
}

// TestBrowserChineseWalk signs in as each role of the demo district and
// walks every page it can reach by links, in Chinese on a 390 px phone: a
// page fails on Latin-script words outside latinAllowed and on horizontal
// overflow.
func TestBrowserChineseWalk(t *testing.T) {
	svc := ledgertest.Open(t, ledger.Config{})
	if _, err := svc.Bootstrap(t.Context(), "admin-token-for-the-walk"); err != nil {
		t.Fatal(err)
	}
	tokens, err := demo.Seed(t.Context(), svc, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(svc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	srv := hs.URL
	bctx := newBrowser(t)
	shots := t.TempDir()

	// One party of each role, and a medical generator and carrier too.
	var walkers []demo.Token
	seen := map[string]bool{}
	for _, tk := range tokens {
		kind := tk.Role
		if strings.Contains(tk.PartyName, "医") || strings.Contains(tk.PartyName, "卫生") {
			kind += "-medical"
		}
		// A generator walks with batches in store, to reach the manifest form.
		if !seen[kind] && (tk.Role != string(ledger.RoleGenerator) || len(walkSeeds(t, svc, tk)) > 2) {
			seen[kind] = true
			walkers = append(walkers, tk)
		}
	}
	if len(walkers) < 5 {
		t.Fatalf("the demo gave %d kinds of party, want at least 5", len(walkers))
	}
	// Every case of the demo has its pages (caseSeeds) for the bureau.
	admin, err := svc.Authenticate("admin-token-for-the-walk")
	if err != nil {
		t.Fatal(err)
	}
	if cases := caseSeeds(t, svc, admin); len(cases) != 9 {
		t.Errorf("the demo's cases give the bureau %d pages, want 9 (return, redirect, paper, cross-province and its correction form and receiver, a consolidated source, its batch and trace): %v", len(cases), cases)
	}
	chosen := false // some generator's manifest form was walked with batches chosen
	for _, tk := range walkers {
		s := openSession(t, bctx, srv, shots)
		s.do(chromedp.EmulateViewport(walkWidth, 844, chromedp.EmulateMobile))
		s.open("/signin")
		s.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("details.token-signin").open = true`))
		s.set("#token", tk.Token)
		s.click("#signin-token")
		seeds := walkSeeds(t, svc, tk)
		chosen = chosen || slices.ContainsFunc(seeds, func(p string) bool { return strings.HasPrefix(p, "/manifests/new?") })
		walkPages(t, s, tk.Role+" "+tk.PartyName, seeds...)
	}
	if !chosen {
		t.Error("no generator of the demo has stored batches: the manifest form was not walked with batches chosen")
	}
}

// walkPages opens the page s is on and every page reachable from it by
// links (at most two of each shape, 60 in all), checking each.
func walkPages(t *testing.T, s *browserSession, who string, seeds ...string) {
	t.Helper()
	start := s.url()
	queue := []string{start}
	visited := map[string]bool{start: true}
	for _, p := range seeds {
		queue = append(queue, s.base+p)
		visited[s.base+p] = true
	}
	shapes := map[string]int{}
	reported := map[string]bool{} // shape and words: one report for a kind of page
	n := 0
	defer func() { t.Logf("%s: %d pages of %d kinds: %v", who, n, len(shapes), slices.Sorted(maps.Keys(shapes))) }()
	for ; len(queue) > 0 && n < 60; n++ {
		next := queue[0]
		queue = queue[1:]
		walkOpen(s, next)
		where := fmt.Sprintf("%s at %s", who, strings.TrimPrefix(next, s.base))
		if w := eval[int](s, `document.documentElement.scrollWidth`); w > walkWidth {
			t.Errorf("%s: page is %d px wide at %d px", where, w, walkWidth)
		}
		here, _ := url.Parse(next)
		text := eval[string](s, walkText)
		if bad := foreignWords(text); len(bad) > 0 && !reported[walkShape(here)+strings.Join(bad, " ")] {
			reported[walkShape(here)+strings.Join(bad, " ")] = true
			t.Errorf("%s: Latin-script words on a Chinese page: %s", where, inContext(text, bad))
		}
		for _, href := range eval[[]string](s, walkLinks) {
			u, err := url.Parse(href)
			if err != nil || !strings.HasPrefix(href, s.base) || u.Query().Has("lang") {
				continue
			}
			u.Fragment = ""
			p := u.Path
			if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/static/") || p == "/signin" ||
				strings.Contains(p, ".") || strings.HasSuffix(p, "/qr.svg") {
				continue // downloads (.pdf, .csv, .xlsx), images and the API are not pages
			}
			key := u.String()
			if visited[key] || shapes[walkShape(u)] >= 2 {
				continue
			}
			visited[key] = true
			shapes[walkShape(u)]++
			queue = append(queue, key)
		}
	}
}

// walkSeeds are pages no link leads to (forms that GET them): the account,
// a search by party name, filtered alerts and, for a generator, its
// inventory's filters, the manifest form and the label sheet with its
// stored batches chosen.
func walkSeeds(t *testing.T, svc *ledger.Service, tk demo.Token) []string {
	t.Helper()
	seeds := []string{"/account", "/trace?q=" + url.QueryEscape("管城"), "/alerts?kind=" + ledger.AlertStorageOverdue,
		"/alerts?kind=" + ledger.AlertDiscrepancy, "/alerts?kind=" + ledger.AlertPaperLate, "/corrections"}
	p, err := svc.Authenticate(tk.Token)
	if err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, caseSeeds(t, svc, p)...)
	if tk.Role != string(ledger.RoleGenerator) {
		return seeds
	}
	seeds = append(seeds, "/wastes?soon=1", "/wastes?overdue=1", "/wastes?status=all")
	stored, err := svc.Wastes(t.Context(), p, ledger.WasteFilter{Party: p.Party, Status: ledger.WasteStored}, ledger.Page{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{}
	for _, w := range stored.Items {
		q.Add("waste", w.ID)
	}
	if len(q) == 0 {
		return seeds
	}
	return append(seeds, "/manifests/new?"+q.Encode(), "/labels?id="+strings.Join(q["waste"], "&id="), "/wastes?status=stored")
}

// caseSeeds are the pages of the demo's cases (ledger/demo/cases.go) p
// may see, which the walk's link budget may not reach: the first return,
// redirect, paper entry and cross-province manifest, a manifest's
// correction form, a consolidated batch with its trace, the receiver in
// another province, and for a collector its consolidation form.
func caseSeeds(t *testing.T, svc *ledger.Service, p ledger.Principal) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	add := func(kind, page string) {
		if !seen[kind] {
			seen[kind] = true
			out = append(out, page)
		}
	}
	pg := ledger.Page{Limit: 500}
	for {
		l, err := svc.Manifests(t.Context(), p, ledger.ManifestFilter{}, pg)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range l.Items {
			switch {
			case m.Kind == ledger.ManifestReturn, m.Kind == ledger.ManifestRedirect:
				add(m.Kind, "/manifests/"+m.ID)
			case m.Paper != nil:
				add("paper", "/manifests/"+m.ID)
			case m.Approval != nil:
				add("approval", "/manifests/"+m.ID)
				add("correct", "/manifests/"+m.ID+"/correct")
				if p.SeesAll() {
					add("remote", "/parties/"+m.Receiver)
				}
			}
		}
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	ws, err := svc.Wastes(t.Context(), p, ledger.WasteFilter{Status: ledger.WasteConsolidated}, ledger.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws.Items {
		add("source", "/wastes/"+w.ID)
		add("consolidated", "/wastes/"+w.ConsolidatedInto)
		add("trace", "/trace/"+w.ConsolidatedInto)
	}
	if p.Has(ledger.RoleCollector) {
		add("consolidate", "/wastes/consolidate")
	}
	return out
}

// walkOpen navigates to u, once more if the first load was aborted (a
// page's own script may still be loading when the walk moves on).
func walkOpen(s *browserSession, u string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 40*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(u)); err != nil {
		s.do(chromedp.Navigate(u))
	}
	s.waitJS(`document.readyState === "complete"`)
}

// inContext shows each word with the text around its first use.
func inContext(text string, words []string) string {
	var out []string
	for _, w := range words {
		i := strings.Index(text, w)
		r := []rune(text[:i])
		from := max(0, len(r)-12)
		after := []rune(text[i+len(w):])
		out = append(out, fmt.Sprintf("%q", string(r[from:])+w+string(after[:min(12, len(after))])))
	}
	return strings.Join(out, " · ")
}
