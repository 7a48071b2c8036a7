package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/manifestpdf"
	"github.com/hwledger/hwledger/internal/manifestpdf/pdftest"
)

// TestManifestPDFPage: a party on the manifest gets its 联单 at
// /manifests/{id}.pdf, whose QR code leads to this host's verification
// page; a party not on it gets 404; a visitor is sent to sign in; a UI
// without a font says printing is not set up.
func TestManifestPDFPage(t *testing.T) {
	f := newFixture(t)
	m := deliveredManifest(t, f)
	font, err := manifestpdf.LoadFont("")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(f.svc, Options{PDFFont: font})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	printing := *f
	printing.srv = srv
	get := func(c *http.Client, base string) (*http.Response, []byte) {
		t.Helper()
		res, err := c.Get(base + "/manifests/" + m.ID + ".pdf")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, b
	}

	for _, key := range []string{"gen", "carrier", "receiver", "inspector"} {
		c := client(t)
		signIn(t, &printing, c, f.tokens[key])
		res, pdf := get(c, srv.URL)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: %s %s", key, res.Status, res.Header.Get("Content-Type"))
		}
		if text := strings.Join(pdftest.Pages(t, pdf), ""); !strings.Contains(text, m.Number) {
			t.Errorf("%s: the PDF does not print the manifest number", key)
		}
		if got, want := pdftest.QR(t, pdf, 1), srv.URL+"/verify/manifests/"+m.ID; got != want {
			t.Errorf("%s: QR code %q, want %q", key, got, want)
		}
	}
	other := client(t)
	signIn(t, &printing, other, f.tokens["gen2"])
	if res, _ := get(other, srv.URL); res.StatusCode != http.StatusNotFound {
		t.Errorf("a party not on the manifest: %s", res.Status)
	}
	if res, _ := get(client(t), srv.URL); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Errorf("a visitor: %s %s", res.Status, res.Header.Get("Location"))
	}
	bare := client(t)
	signIn(t, f, bare, f.tokens["gen"])
	if res, _ := get(bare, f.srv.URL); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a UI without a font: %s", res.Status)
	}
}
