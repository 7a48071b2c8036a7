package manifestpdf

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/internal/manifestpdf/pdftest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testFont is the font the tests print with: the one serve uses.
func testFont(t testing.TB) *Font {
	t.Helper()
	f, err := LoadFont("")
	require.NoError(t, err, "the printable manifest needs its font: make deps installs it")
	return f
}

// squash removes the spaces pdftotext puts between table cells and
// wrapped lines, so a value is found however the layout placed it.
func squash(s string) string { return regexp.MustCompile(`\s+`).ReplaceAllString(s, "") }

// TestPDFEveryStatus prints a manifest in each status and reads the PDF
// back: three parts, each starting on its own page and holding every
// field the 办法 asks for; the font embedded; the QR code on every part's
// first page leading to the verification page.
func TestPDFEveryStatus(t *testing.T) {
	d := newDistrict(t)
	font := testFont(t)
	for _, status := range ledger.ManifestStatuses {
		t.Run(status, func(t *testing.T) {
			m := d.manifest(t, 3, status)
			url := "https://hwledger.example/verify/manifests/" + m.ID
			s, err := Load(t.Context(), d.svc, d.gen, m.ID, url)
			require.NoError(t, err)
			pdf, err := Render(s, font)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))

			fonts := pdftest.Fonts(t, pdf)
			assert.Regexp(t, `CID TrueType\s+Identity-H\s+yes\s+\S+\s+yes`, fonts, "the font is embedded, with a Unicode map")

			pages := pdftest.Pages(t, pdf)
			var starts []int
			for i, p := range pages {
				for k, part := range []string{"移出人联", "承运人联", "接受人联"} {
					if strings.Contains(p, "危险废物转移联单") && strings.Contains(p, part) && len(starts) == k {
						starts = append(starts, i)
					}
				}
			}
			require.Len(t, starts, 3, "three parts, each starting a page")
			for k, first := range starts {
				last := len(pages)
				if k+1 < len(starts) {
					last = starts[k+1]
				}
				text := squash(strings.Join(pages[first:last], "\n"))
				want := []string{m.Number, statusWords[status], url,
					d.genP.Name, d.genP.CreditCode, d.genP.Address, d.genP.Contact.Name, d.genP.Contact.Phone,
					d.car1P.Name, d.car1P.CreditCode, d.car1P.TransportPermit, d.car1P.Contact.Phone,
					d.car2P.Name, d.car2P.CreditCode, d.car2P.TransportPermit,
					d.rcP.Name, d.rcP.CreditCode, d.rcP.License.Number, d.rcP.Contact.Name, d.rcP.Contact.Phone,
					"应急措施", "危险货物类别", "填写联单"}
				want = append(want, emergencyMeasures, "3UN1270")
				if status != ledger.ManifestSubmitted && status != ledger.ManifestCancelled {
					want = append(want, "豫A·D1234", "赵大勇", "豫A·E5678", "钱小明", "提货起运", "接驳交接", "道路运输证", vehiclePermit)
				}
				if status == ledger.ManifestCancelled {
					want = append(want, "车辆故障，改日转移", "取消联单")
				}
				if status == ledger.ManifestReceived || status == ledger.ManifestClosed {
					want = append(want, "接收确认")
				}
				for _, id := range m.WasteIDs {
					w, err := d.svc.Waste(t.Context(), d.gen, id)
					require.NoError(t, err)
					want = append(want, w.Label, w.Name, w.MainComponents, w.Code, w.Category, "毒性、易燃性", "液态",
						kgText(w.Quantity), "铁桶×2")
				}
				var missing []string
				for _, v := range want {
					if !strings.Contains(text, squash(v)) {
						missing = append(missing, v)
					}
				}
				assert.Empty(t, missing, "%s, part %d: not printed", status, k+1)
				assert.Equal(t, url, pdftest.QR(t, pdf, first+1), "QR code of part %d", k+1)
			}
		})
	}
}

// TestPDFPaperEntry: a manifest entered from a paper one says 补录 in
// every part, with the paper's number and the reason; one that was not
// does not.
func TestPDFPaperEntry(t *testing.T) {
	d := newDistrict(t)
	font := testFont(t)
	w := d.batch(t, 120, "矿物油、水")
	at := d.svc.Now()
	m, err := d.svc.CreateManifest(t.Context(), d.gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{d.car1P.ID},
		Receiver: d.rcP.ID, PlannedPickupAt: at.Add(time.Hour), OccurredAt: &at,
		Paper: &ledger.PaperInput{Number: "豫41010020260088", EnteredReason: "系统停机，先用纸质联单"}})
	require.NoError(t, err)
	s, err := Load(t.Context(), d.svc, d.gen, m.ID, "https://hwledger.example/verify/manifests/"+m.ID)
	require.NoError(t, err)
	pdf, err := Render(s, font)
	require.NoError(t, err)
	text := squash(strings.Join(pdftest.Pages(t, pdf), "\n"))
	assert.Equal(t, 3, strings.Count(text, "补录（据纸质联单录入）"), "every part says 补录")
	assert.Contains(t, text, "豫41010020260088")
	assert.Contains(t, text, "系统停机，先用纸质联单")

	plain := d.manifest(t, 1, ledger.ManifestSubmitted)
	s, err = Load(t.Context(), d.svc, d.gen, plain.ID, "https://hwledger.example/verify/manifests/"+plain.ID)
	require.NoError(t, err)
	pdf, err = Render(s, font)
	require.NoError(t, err)
	assert.NotContains(t, squash(strings.Join(pdftest.Pages(t, pdf), "\n")), "补录")
}
