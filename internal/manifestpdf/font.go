package manifestpdf

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
)

// DefaultFontPath is where Debian's fonts-wqy-microhei package puts
// WenQuanYi Micro Hei (Apache-2.0, embedding allowed): a TrueType
// collection whose first face covers GB 18030's common hanzi, Latin and
// the CJK punctuation a manifest prints.
const DefaultFontPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// Font is a parsed-once TrueType font with glyph outlines (TTF), ready to
// be embedded. It is safe for concurrent use: Render only reads it.
type Font struct {
	Path string
	sfnt *sfnt
}

// LoadFont reads the TrueType font (.ttf) or the first face of a TrueType
// collection (.ttc) at path; "" means DefaultFontPath. A missing file or
// a font without TrueType outlines (CFF/OpenType) is an error that says
// what to install.
func LoadFont(path string) (*Font, error) {
	if path == "" {
		path = DefaultFontPath
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifestpdf: no CJK font for the printable manifest: %w (install the Debian package fonts-wqy-microhei, or name a TrueType .ttf/.ttc with --pdf-font)", err)
	}
	ttf, err := firstFace(b)
	if err != nil {
		return nil, fmt.Errorf("manifestpdf: font %s: %w", path, err)
	}
	sf, err := parseSfnt(ttf)
	if err != nil {
		return nil, fmt.Errorf("manifestpdf: font %s: %w", path, err)
	}
	return &Font{Path: path, sfnt: sf}, nil
}

// sfnt versions.
const (
	tagTrueType   = 0x00010000
	tagTrue       = 0x74727565 // "true"
	tagCollection = 0x74746366 // "ttcf"
	tagCFF        = 0x4F54544F // "OTTO"
)

// firstFace returns a TrueType font as it is, or the first face of a
// collection rewritten as a standalone font: its table directory with the
// tables it names, copied in tag order and 4-byte aligned, the offsets
// rewritten (table checksums do not change, since the tables do not).
func firstFace(b []byte) ([]byte, error) {
	if len(b) < 12 {
		return nil, errors.New("not a font file (too short)")
	}
	switch binary.BigEndian.Uint32(b) {
	case tagTrueType, tagTrue:
		return b, nil
	case tagCFF:
		return nil, errors.New("has PostScript (CFF) outlines; the PDF writer embeds TrueType outlines only")
	case tagCollection:
	default:
		return nil, errors.New("not a TrueType font or collection")
	}
	if binary.BigEndian.Uint32(b[8:]) < 1 || len(b) < 16 {
		return nil, errors.New("an empty font collection")
	}
	off := int(binary.BigEndian.Uint32(b[12:]))
	if off+12 > len(b) {
		return nil, errors.New("font collection: first face out of the file")
	}
	if v := binary.BigEndian.Uint32(b[off:]); v != tagTrueType && v != tagTrue {
		return nil, errors.New("font collection: the first face has no TrueType outlines")
	}
	n := int(binary.BigEndian.Uint16(b[off+4:]))
	if off+12+16*n > len(b) {
		return nil, errors.New("font collection: table directory out of the file")
	}
	type table struct{ tag, sum, at, size uint32 }
	tables := make([]table, n)
	for i := range tables {
		r := b[off+12+16*i:]
		t := table{binary.BigEndian.Uint32(r), binary.BigEndian.Uint32(r[4:]), binary.BigEndian.Uint32(r[8:]), binary.BigEndian.Uint32(r[12:])}
		if uint64(t.at)+uint64(t.size) > uint64(len(b)) {
			return nil, fmt.Errorf("font collection: table %q out of the file", string(r[:4]))
		}
		tables[i] = t
	}
	slices.SortFunc(tables, func(x, y table) int { return cmp.Compare(x.tag, y.tag) })
	out := append([]byte(nil), b[off:off+12]...)
	at := 12 + 16*n
	var body []byte
	for _, t := range tables {
		out = binary.BigEndian.AppendUint32(out, t.tag)
		out = binary.BigEndian.AppendUint32(out, t.sum)
		out = binary.BigEndian.AppendUint32(out, uint32(at+len(body)))
		out = binary.BigEndian.AppendUint32(out, t.size)
		body = append(body, b[t.at:t.at+t.size]...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(out, body...), nil
}
