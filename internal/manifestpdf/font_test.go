package manifestpdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadFontErrors: a missing font says what to install; a file that
// is no TrueType font is refused naming the reason.
func TestLoadFontErrors(t *testing.T) {
	_, err := LoadFont(filepath.Join(t.TempDir(), "none.ttc"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fonts-wqy-microhei")
	assert.Contains(t, err.Error(), "--pdf-font")

	for name, b := range map[string][]byte{
		"cff.otf":  append([]byte("OTTO"), make([]byte, 20)...),
		"text.ttf": []byte("this is not a font at all"),
		"tiny.ttf": []byte("ab"),
	} {
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		_, err := LoadFont(p)
		assert.Error(t, err, name)
	}
}

// TestSubsetKeepsGlyphs: the subset maps each printed character to the
// same outline and advance as the full font, and nothing else.
func TestSubsetKeepsGlyphs(t *testing.T) {
	f := testFont(t).sfnt
	text := []rune("危险废物转移联单 HW08 900-214-08 豫A·D1234（续）")
	sub, err := parseSfnt(f.subset(text))
	require.NoError(t, err)
	assert.Less(t, sub.numGlyphs, 60)
	advance := func(s *sfnt, g uint16) []byte {
		i := min(int(g), s.hMetrics-1)
		return s.tables["hmtx"][4*i : 4*i+2]
	}
	for _, r := range text {
		g, h := f.glyph(r), sub.glyph(r)
		if g == 0 {
			continue // the font has no glyph for it (a space may have none)
		}
		require.NotZero(t, h, "%q lost", r)
		if d := f.glyphData(g); len(d) >= 2 && int16(be.Uint16(d)) < 0 {
			// A composite glyph: the same parts, under their new numbers.
			var was, is []int
			components(d, func(at int) { was = append(was, len(f.glyphData(be.Uint16(d[at:])))) })
			sd := sub.glyphData(h)
			components(sd, func(at int) { is = append(is, len(sub.glyphData(be.Uint16(sd[at:])))) })
			assert.Equal(t, was, is, "%q components", r)
			assert.Len(t, sd, len(d))
		} else {
			assert.True(t, bytes.Equal(d, sub.glyphData(h)), "%q outline", r)
		}
		assert.Equal(t, advance(f, g), advance(sub, h), "%q advance", r)
	}
	assert.Zero(t, sub.glyph('鑫'), "a character not asked for")
	assert.True(t, strings.HasPrefix(string(f.subset(nil)[:4]), "\x00\x01\x00\x00"))
}
