package manifestpdf

import (
	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// qrBitmap is text as a QR code (error correction M, with its 4-module
// quiet zone): true for a dark module.
func qrBitmap(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}

// drawQR draws a QR bitmap of size mm at x, y: one filled rectangle per
// run of dark modules, so it stays sharp at any print resolution.
func drawQR(p *fpdf.Fpdf, bm [][]bool, x, y, size float64) {
	mod := size / float64(len(bm))
	p.SetFillColor(255, 255, 255)
	p.Rect(x, y, size, size, "F")
	p.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			p.Rect(x+float64(start)*mod, y+float64(r)*mod, float64(c-start)*mod, mod, "F")
		}
	}
}
