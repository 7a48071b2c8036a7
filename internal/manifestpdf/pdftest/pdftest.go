// Package pdftest reads PDFs in tests the way a person's viewer would:
// the text with poppler's pdftotext, the pages rendered with pdftoppm and
// QR codes decoded from the rendering with gozxing. Both tools come with
// Debian's poppler-utils (make deps installs it); a test fails, naming the
// package, when they are missing. Only tests import this package.
package pdftest

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// tool finds a poppler-utils program.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package poppler-utils (make deps)", name)
	}
	return p
}

// write puts pdf in a temporary file.
func write(t testing.TB, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "m.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Pages is the text of each page, as pdftotext -raw extracts it (in drawing order, so a wrapped table cell reads as one run).
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-raw", "-enc", "UTF-8", write(t, pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := bytes.Split(out, []byte("\f"))
	if n := len(pages); n > 0 && len(bytes.TrimSpace(pages[n-1])) == 0 {
		pages = pages[:n-1]
	}
	s := make([]string, len(pages))
	for i, p := range pages {
		s[i] = string(p)
	}
	return s
}

// Fonts is pdffonts' table of the fonts the PDF uses.
func Fonts(t testing.TB, pdf []byte) string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdffonts"), write(t, pdf)).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	return string(out)
}

// QR renders the top right of page (from 1), where the code is printed,
// at 300 dpi, as a printer would, and decodes the QR code there.
func QR(t testing.TB, pdf []byte, page int) string {
	t.Helper()
	dir := t.TempDir()
	n := strconv.Itoa(page)
	cmd := exec.Command(tool(t, "pdftoppm"), "-png", "-r", "300", "-x", "1240", "-y", "0", "-W", "1240", "-H", "1000", "-f", n, "-l", n, "-singlefile", write(t, pdf), filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "p.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code decoded on page %d: %v", page, err)
	}
	return res.GetText()
}
