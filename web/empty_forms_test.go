package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// alertRe finds the messages a page shows in its alert boxes.
var alertRe = regexp.MustCompile(`(?s)<div class="alert bad"[^>]*>(.*?)</div>`)

// tagRe strips tags from a piece of HTML.
var tagRe = regexp.MustCompile(`<[^>]+>`)

// TestEmptyFormsGetAMessage: a form sent empty comes back as the same form
// with a message in Chinese naming what is missing, not as an error page.
func TestEmptyFormsGetAMessage(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		who, path string
		form      url.Values
	}{
		{"gen", "/wastes/new", nil},
		{"gen", "/wastes/new", url.Values{"code": {"999-999-99"}, "quantity_kg": {"abc"}, "container_count": {"x"}}},
		{"gen", "/manifests/new", nil},
		{"gen", "/manifests/new", url.Values{"waste": {"no-such-batch"}, "planned_pickup_at": {"2026-13-01T25:00"}}},
		{"gen", "/plans/new", nil},
		{"gen", "/declarations", nil},
		{"gen", "/ledger/check", nil},
		{"receiver", "/manifests/new", nil},
		{"inspector", "/ledger/check", nil},
	} {
		cl := client(t)
		csrf := signIn(t, f, cl, f.tokens[c.who])
		form := url.Values{"csrf": {csrf}}
		for k, v := range c.form {
			form[k] = v
		}
		res, err := cl.PostForm(f.srv.URL+c.path, form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(b)
		where := c.who + " POST " + c.path + " " + c.form.Encode()
		if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusOK {
			t.Errorf("%s empty: %s, want the form again (400)", where, res.Status)
		}
		if strings.Contains(page, `id="error"`) {
			t.Errorf("%s empty: an error page, want the form with a message", where)
			continue
		}
		alerts := alertRe.FindAllStringSubmatch(page, -1)
		if len(alerts) == 0 {
			t.Errorf("%s empty: no message on the page", where)
		}
		for _, a := range alerts {
			text := html.UnescapeString(tagRe.ReplaceAllString(a[1], " "))
			if bad := foreignWords(text); len(bad) > 0 {
				t.Errorf("%s empty: message %q has Latin-script words %v", where, strings.TrimSpace(text), bad)
			}
		}
	}
}

// TestNoBatchTickedGetsAMessage: the inventory's buttons sent with no
// batch ticked (label sheet, new manifest) answer with a message on the
// page, not an error page.
func TestNoBatchTickedGetsAMessage(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	for _, path := range []string{"/labels?picked=1", "/manifests/new?picked=1"} {
		res, err := c.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if page := string(b); strings.Contains(page, `id="error"`) || !strings.Contains(page, "请至少选择一个批次") || res.StatusCode >= 500 {
			t.Errorf("GET %s: %s, want the page with a message", path, res.Status)
		}
	}
	// Opening the manifest form is not a mistake.
	if page := get(t, c, f.srv.URL+"/manifests/new"); strings.Contains(page, "请至少选择一个批次") {
		t.Error("the manifest form says no batch is ticked before anything was sent")
	}
}
