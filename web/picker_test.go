package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// pick asks the registration picker's endpoint.
func pick(t *testing.T, c *http.Client, base, query string) pickAnswer {
	t.Helper()
	res, err := c.Get(base + "/ui/catalog.json?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("catalog.json?%s: %s", query, res.Status)
	}
	var a pickAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func pickCodes(a pickAnswer) []string {
	out := []string{}
	for _, it := range a.Items {
		out = append(out, it.Code)
	}
	return out
}

func TestPickerSearchesTheWholeCatalogue(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])

	a := pick(t, c, f.srv.URL, "q="+url.QueryEscape("液压油"))
	if got := strings.Join(pickCodes(a), ","); got != "900-218-08" || a.More {
		t.Fatalf("液压油: %s (more %v), want 900-218-08", got, a.More)
	}
	it := a.Items[0]
	if it.Hazards != "T,I" || strings.Join(it.HazardSet, ",") != "T,I" || it.Industry != "非特定行业" || it.Category != "HW08" {
		t.Fatalf("900-218-08: %+v", it)
	}
	if got := strings.Join(pickCodes(pick(t, c, f.srv.URL, "q=900-218")), ","); got != "900-218-08" {
		t.Fatalf("900-218: %s", got)
	}
	if got := strings.Join(pickCodes(pick(t, c, f.srv.URL, "industry="+url.QueryEscape("印刷"))), ","); got != "231-001-16,231-002-16,231-007-29" {
		t.Fatalf("industry 印刷: %s", got)
	}
	a = pick(t, c, f.srv.URL, "q=900-041-49")
	if len(a.Items) != 1 || len(a.Items[0].Exemptions) != 1 || a.Items[0].Exemptions[0].Item != 24 {
		t.Fatalf("900-041-49 with its exemption: %+v", a.Items)
	}
	// A broad search is cut to what a phone can show.
	a = pick(t, c, f.srv.URL, "q=HW11")
	if len(a.Items) != pickLimit || !a.More {
		t.Fatalf("HW11 (85 codes): %d items, more %v; want %d and more", len(a.Items), a.More, pickLimit)
	}
	if got := strings.Join(pickCodes(pick(t, c, f.srv.URL, "q=900000+HW49")), ","); got != "900-000-49" {
		t.Fatalf("900000 HW49: %s", got)
	}

	// The registration page does not carry the catalogue itself, but the
	// industries to filter by.
	res, err := c.Get(f.srv.URL + "/wastes/new")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if strings.Contains(page, "液压设备维护") || strings.Contains(page, "<datalist id=\"codes\"") {
		t.Fatal("the registration page carries code descriptions")
	}
	if !strings.Contains(page, `<option value="非特定行业">非特定行业 (95)</option>`) {
		t.Fatal("the registration page has no industry filter")
	}
	if len(b) > 40_000 {
		t.Fatalf("registration page is %d bytes", len(b))
	}

	// Signed out: no catalogue.
	res, err = client(t).Get(f.srv.URL + "/ui/catalog.json?q=HW08")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatal("catalog.json answers without a session")
	}
}

// registerForm posts the registration form and returns the answer's
// status, body and where it redirects.
func registerForm(t *testing.T, f *fixture, c *http.Client, csrf string, extra url.Values) (int, string, string) {
	t.Helper()
	v := url.Values{"csrf": {csrf}, "form": {"liquid"}, "quantity_kg": {"20"}, "container_type": {"铁桶"},
		"container_count": {"1"}, "generated_at": {f.svc.Now().In(shanghai).Add(-time.Hour).Format(dateTimeLocal)},
		"storage": {"暂存间"}}
	for k, vs := range extra {
		v[k] = vs
	}
	res, err := c.PostForm(f.srv.URL+"/wastes/new", v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b), res.Header.Get("Location")
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	return string(b)
}

func TestRegistrationFormIdentificationAndComponents(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	csrf := signIn(t, f, c, f.tokens["gen"])

	// A 900-000-xx code without its report: the form comes back naming the
	// field, with the report's fields shown, and nothing is appended.
	before := f.svc.Log().Size()
	status, page, _ := registerForm(t, f, c, csrf, url.Values{"code": {"900-000-08"}, "hazards": {"T", "I"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "<b>鉴别报告</b>") || strings.Contains(page, `id="ident" hidden`) {
		t.Fatalf("900-000-08 without a report: %d\n%s", status, page)
	}
	status, page, _ = registerForm(t, f, c, csrf, url.Values{"code": {"900-000-08"}, "hazards": {"T"},
		"ident_number": {"豫检鉴字第017号"}, "ident_by": {"河南省固体废物鉴别中心"}, "ident_at": {"2026-13-01"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "<b>出具日期</b>") || !strings.Contains(page, `value="豫检鉴字第017号"`) {
		t.Fatalf("a bad report date: %d\n%s", status, page)
	}
	if got := f.svc.Log().Size(); got != before {
		t.Fatalf("refused registrations appended %d events", got-before)
	}

	status, _, loc := registerForm(t, f, c, csrf, url.Values{"code": {"900-000-08"}, "hazards": {"T"},
		"ident_number": {"豫检鉴字第017号"}, "ident_by": {"河南省固体废物鉴别中心"}, "ident_at": {"2026-02-01"},
		"main_components": {"乳化油、铁屑"}})
	if status != http.StatusSeeOther {
		t.Fatalf("900-000-08 with its report: %d", status)
	}
	page = get(t, c, f.srv.URL+strings.TrimSuffix(loc, "?new=1"))
	for _, want := range []string{"豫检鉴字第017号 · 河南省固体废物鉴别中心 · 2026-02-01", `<dd id="components">乳化油、铁屑</dd>`, `<dd id="edition">2021`} {
		if !strings.Contains(page, want) {
			t.Fatalf("batch page lacks %q:\n%s", want, page)
		}
	}
	label := get(t, c, f.srv.URL+strings.TrimSuffix(loc, "?new=1")+"/label")
	if !strings.Contains(label, `<dd class="lcomp">乳化油、铁屑</dd>`) {
		t.Fatalf("the label does not print the main components:\n%s", label)
	}

	// A listed code: the main components default to the catalogue's name,
	// and the batch page lists the exemptions that may apply.
	status, _, loc = registerForm(t, f, c, csrf, url.Values{"code": {"900-041-49"}})
	if status != http.StatusSeeOther {
		t.Fatalf("900-041-49: %d", status)
	}
	page = get(t, c, f.srv.URL+strings.TrimSuffix(loc, "?new=1"))
	if !strings.Contains(page, "含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质</dd>") || !strings.Contains(page, "未分类收集。 全过程不按危险废物管理。") {
		t.Fatalf("900-041-49 batch page:\n%s", page)
	}
}
