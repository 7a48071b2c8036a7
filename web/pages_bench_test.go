package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/demo"
)

// BenchmarkPages walks every page of the demo district as each of its
// roles, over HTTP on loopback, and reports the 95th percentile of the
// answer time (the whole body read) of the slowest page, and of all
// pages together. The pages are found by following the links of each
// role's pages from its home page; of the pages with the same route
// (ids replaced, the same query keys) three are kept. Each iteration
// requests every kept page of every role once, one request at a time.
// The target is p95 < 300 ms for every page.
func BenchmarkPages(b *testing.B) {
	svc, err := ledger.Open(ledger.Config{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	const adminToken = "bench-pages-admin-token-0123456789abcdef"
	if _, err := svc.Bootstrap(ctx, adminToken); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tokens, err := demo.Seed(ctx, svc, demo.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded the demo district (%d events) in %s", svc.Log().Size(), time.Since(start).Round(time.Millisecond))
	h, err := New(svc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// One signed-in client per role (the first party of each role), and
	// the admin.
	tokens = append(tokens, demo.Token{Role: "admin", PartyName: "admin", Token: adminToken})
	type walker struct {
		role  string
		c     *http.Client
		pages []string
	}
	var walkers []*walker
	seen := map[string]bool{}
	for _, tk := range tokens {
		if seen[tk.Role] {
			continue
		}
		seen[tk.Role] = true
		w := &walker{role: tk.Role, c: benchSignIn(b, srv.URL, tk.Token)}
		w.pages = crawl(b, w.c, srv.URL, 3, 400)
		b.Logf("%s (%s): %d pages", tk.Role, tk.PartyName, len(w.pages))
		walkers = append(walkers, w)
	}
	lat := map[string][]time.Duration{} // by role and route
	var all []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, w := range walkers {
			for _, p := range w.pages {
				t := time.Now()
				code, _ := getPage(b, w.c, srv.URL+p)
				d := time.Since(t)
				if code != http.StatusOK {
					b.Fatalf("%s GET %s: %d", w.role, p, code)
				}
				k := w.role + " " + route(p)
				lat[k] = append(lat[k], d)
				all = append(all, d)
			}
		}
	}
	b.StopTimer()
	worst, worstKey := time.Duration(0), ""
	var keys []string
	for k, ds := range lat {
		keys = append(keys, k)
		if p := percentile(ds, 0.95); p > worst {
			worst, worstKey = p, k
		}
	}
	sort.Slice(keys, func(i, j int) bool { return percentile(lat[keys[i]], 0.95) > percentile(lat[keys[j]], 0.95) })
	for _, k := range keys[:min(8, len(keys))] {
		b.Logf("p95 %6.1f ms  %s", ms(percentile(lat[k], 0.95)), k)
	}
	b.Logf("slowest page at p95: %s", worstKey)
	b.ReportMetric(float64(len(keys)), "routes")
	b.ReportMetric(ms(worst), "worst-page-p95-ms")
	b.ReportMetric(ms(percentile(all, 0.95)), "all-p95-ms")
	b.ReportMetric(ms(percentile(all, 0.5)), "all-p50-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile returns the p-quantile of ds (sorting a copy).
func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

// benchSignIn signs a new client in at base with tok.
func benchSignIn(b *testing.B, base, tok string) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_, body := getPage(b, c, base+"/signin")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		b.Fatal("sign-in form has no CSRF token")
	}
	res, err := c.PostForm(base+"/signin", url.Values{"csrf": {m[1]}, "token": {tok}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %s", res.Status)
	}
	return c
}

// getPage GETs u and answers the status and body: -1 for an answer that
// is not HTML, and the target as the body of a redirect.
func getPage(b *testing.B, c *http.Client, u string) (int, string) {
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	if loc := res.Header.Get("Location"); res.StatusCode/100 == 3 {
		res.Body.Close()
		return res.StatusCode, `href="` + loc + `"`
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode == http.StatusOK && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		return -1, ""
	}
	return res.StatusCode, string(body)
}

var (
	hrefRe = regexp.MustCompile(`href="(/[^"#]*)"`)
	// idRe is a path segment that names a record: it holds a digit and is
	// long (ids, labels, manifest numbers), or is a party id.
	idRe = regexp.MustCompile(`^(?:[^/]*[0-9][^/]{7,}|p-[0-9a-z]+)$`)
)

// route is a page's route: ids replaced by {id}, the query's keys kept.
func route(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if idRe.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := strings.Join(segs, "/")
	if len(keys) > 0 {
		r += "?" + strings.Join(keys, "&")
	}
	return r
}

// crawl follows the links from base's home page breadth first and returns
// the HTML pages that answer 200, at most perRoute of each route and max
// in all. Downloads, static files, the alert stream and sign-out are not
// pages.
func crawl(b *testing.B, c *http.Client, base string, perRoute, max int) []string {
	queue := []string{"/"}
	queued := map[string]bool{"/": true}
	perR := map[string]int{}
	var pages []string
	for len(queue) > 0 && len(pages) < max {
		p := queue[0]
		queue = queue[1:]
		code, body := getPage(b, c, base+p)
		switch code {
		case http.StatusOK:
			pages = append(pages, p)
		case http.StatusFound, http.StatusSeeOther:
		default:
			continue
		}
		for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
			l := strings.ReplaceAll(m[1], "&amp;", "&")
			if queued[l] || !isPage(l) {
				continue
			}
			r := route(l)
			if perR[r] >= perRoute {
				continue
			}
			perR[r]++
			queued[l] = true
			queue = append(queue, l)
		}
	}
	if len(pages) < 2 {
		b.Fatalf("crawl found %d pages", len(pages))
	}
	return pages
}

func isPage(l string) bool {
	path, _, _ := strings.Cut(l, "?")
	for _, no := range []string{"/static/", "/ui/", "/signout"} {
		if strings.HasPrefix(path, no) {
			return false
		}
	}
	for _, ext := range []string{".xlsx", ".csv", ".pdf", ".svg", ".json", ".png"} {
		if strings.HasSuffix(path, ext) {
			return false
		}
	}
	return path != "/ledger/checkpoint" && !strings.Contains(l, "format=")
}
