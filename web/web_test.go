package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/ledger"
)

// TestEveryMessageKeyExists checks that each literal key the templates and
// code translate has both languages.
func TestEveryMessageKeyExists(t *testing.T) {
	re := regexp.MustCompile(`\.Tf? "([a-z0-9._]+)"|translatef?\((?:st\.)?lang, "([a-z0-9._]+)"|Key: "([a-z.]+)"|"(err\.[a-z_]+)"`)
	check := func(name string, b []byte) {
		for _, m := range re.FindAllSubmatch(b, -1) {
			for _, k := range m[1:] {
				if len(k) == 0 || strings.HasSuffix(string(k), ".") {
					continue
				}
				v, ok := messages[string(k)]
				if !ok || v[0] == "" || v[1] == "" {
					t.Errorf("%s: message %q missing", name, k)
				}
			}
		}
	}
	_ = fs.WalkDir(templateFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templateFS, p)
			check(p, b)
		}
		return nil
	})
	for _, prefix := range []string{"ws.", "ms."} {
		list := ledger.WasteStatuses
		if prefix == "ms." {
			list = ledger.ManifestStatuses
		}
		for _, s := range list {
			if _, ok := messages[prefix+s]; !ok {
				t.Errorf("message %s%s missing", prefix, s)
			}
		}
	}
}

// client is a cookie-keeping HTTP client that does not follow redirects.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs c in with tok and returns the page's CSRF token.
func signIn(t *testing.T, f *fixture, c *http.Client, tok string) string {
	t.Helper()
	res, err := c.Get(f.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		t.Fatal("sign-in form has no CSRF token")
	}
	res, err = c.PostForm(f.srv.URL+"/signin", url.Values{"csrf": {string(m[1])}, "token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %s", res.Status)
	}
	res, err = c.Get(f.srv.URL + res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if m = csrfRe.FindSubmatch(b); m == nil {
		t.Fatalf("home page %s has no CSRF token: %s", res.Request.URL, b)
	}
	return string(m[1])
}

func TestSecurityHeadersAndSession(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	res, err := c.Get(f.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}
	if strings.Contains(res.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	var sc *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == sessionCookie {
			sc = k
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict", sc)
	}
	// Unsigned-in pages redirect to sign-in.
	res, _ = c.Get(f.srv.URL + "/wastes")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("anonymous /wastes: %s %s", res.Status, res.Header.Get("Location"))
	}
	// Sign-in without the CSRF token is refused.
	res, _ = c.PostForm(f.srv.URL+"/signin", url.Values{"token": {f.tokens["gen"]}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without CSRF: %s", res.Status)
	}
	csrf := signIn(t, f, c, f.tokens["gen"])
	// The token never appears in a page.
	for _, p := range []string{"/wastes", "/wastes/new", "/manifests", "/ledger"} {
		res, err := c.Get(f.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %s", p, res.Status)
		}
		if strings.Contains(string(b), f.tokens["gen"]) {
			t.Errorf("%s shows the token", p)
		}
	}
	// A form post without the token: 403; with it: accepted.
	form := url.Values{"code": {"900-041-49"}, "form": {"solid"}, "container_type": {"铁桶"}, "quantity_kg": {"1"}, "container_count": {"1"},
		"generated_at": {f.svc.Now().In(shanghai).Format(dateTimeLocal)}}
	res, _ = c.PostForm(f.srv.URL+"/wastes/new", form)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("post without CSRF: %s", res.Status)
	}
	form.Set("csrf", csrf)
	res, _ = c.PostForm(f.srv.URL+"/wastes/new", form)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("post with CSRF: %s\n%s", res.Status, b)
	}
	// The scan endpoint needs the header too.
	req, _ := http.NewRequest("POST", f.srv.URL+"/ui/api/manifests/x/pickup", strings.NewReader(`{}`))
	res, _ = c.Do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("scan API without CSRF header: %s", res.Status)
	}
	// Sign-out ends the session.
	res, _ = c.PostForm(f.srv.URL+"/signout", url.Values{"csrf": {csrf}})
	res.Body.Close()
	res, _ = c.Get(f.srv.URL + "/wastes")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out /wastes: %s", res.Status)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/wastes": "/wastes", "//evil.example": "", "https://evil.example/": "",
		"/\\evil": "", "": "", "wastes": ""} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
