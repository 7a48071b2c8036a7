package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
