package manifestpdf

import (
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// wrap breaks text into lines no wider than width in the current font:
// between words, before or after any CJK character, and inside a word
// only when the word alone is wider than a line. Every character of text
// is kept (fpdf's SplitText drops the CJK character it breaks at).
func wrap(p *fpdf.Fpdf, text string, width float64) []string {
	var lines []string
	var line []rune
	lineW := 0.0
	flush := func() {
		lines = append(lines, string(line))
		line, lineW = nil, 0
	}
	for _, tok := range tokens(text) {
		if tok[0] == '\n' {
			flush()
			continue
		}
		tw := p.GetStringWidth(string(tok))
		if lineW+tw <= width {
			line, lineW = append(line, tok...), lineW+tw
			continue
		}
		if len(line) > 0 && !unicode.IsSpace(tok[0]) {
			flush()
		}
		if unicode.IsSpace(tok[0]) {
			continue // a break: the space is not carried to the next line
		}
		for _, r := range tok { // a word wider than a line
			rw := p.GetStringWidth(string(r))
			if lineW+rw > width && len(line) > 0 {
				flush()
			}
			line, lineW = append(line, r), lineW+rw
		}
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// tokens splits text into words, single spaces, single CJK characters
// and newlines.
func tokens(text string) [][]rune {
	var out [][]rune
	var word []rune
	end := func() {
		if len(word) > 0 {
			out = append(out, word)
			word = nil
		}
	}
	for _, r := range text {
		switch {
		case r == '\n' || unicode.IsSpace(r) || r > 0x2E7F:
			end()
			if r != '\n' && unicode.IsSpace(r) {
				r = ' '
			}
			out = append(out, []rune{r})
		default:
			word = append(word, r)
		}
	}
	end()
	return out
}
