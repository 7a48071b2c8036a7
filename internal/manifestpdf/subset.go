package manifestpdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// A CJK font holds some 30,000 glyphs, and fpdf reads all of them for
// every document it embeds the font in. So Render first cuts the font down
// to the glyphs of the characters the document prints (subset), and fpdf
// works on a font of a few hundred. What fpdf then embeds is the same.

// sfnt is a TrueType font read once: its tables, glyph locations and the
// Unicode (BMP) cmap.
type sfnt struct {
	tables    map[string][]byte
	loca      []uint32 // glyph i is glyf[loca[i]:loca[i+1]]
	hMetrics  int      // numberOfHMetrics
	numGlyphs int
	segs      []cmapSeg // format 4, sorted by end
}

// cmapSeg is one segment of a format 4 cmap subtable.
type cmapSeg struct {
	start, end    uint16
	delta         uint16
	rangeOffset   uint16
	rangeOffsetAt int // position of this segment's idRangeOffset in the subtable
}

var be = binary.BigEndian

// parseSfnt reads the tables a subset needs.
func parseSfnt(b []byte) (*sfnt, error) {
	if len(b) < 12 {
		return nil, errors.New("font too short")
	}
	n := int(be.Uint16(b[4:]))
	f := &sfnt{tables: map[string][]byte{}}
	for i := range n {
		r := b[12+16*i:]
		at, size := be.Uint32(r[8:]), be.Uint32(r[12:])
		if uint64(at)+uint64(size) > uint64(len(b)) {
			return nil, fmt.Errorf("table %q out of the file", r[:4])
		}
		f.tables[string(r[:4])] = b[at : at+size]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "post"} {
		if _, ok := f.tables[t]; !ok {
			return nil, fmt.Errorf("no %q table", t)
		}
	}
	head, maxp, hhea := f.tables["head"], f.tables["maxp"], f.tables["hhea"]
	if len(head) < 54 || len(maxp) < 6 || len(hhea) < 36 {
		return nil, errors.New("head, maxp or hhea too short")
	}
	f.numGlyphs = int(be.Uint16(maxp[4:]))
	f.hMetrics = int(be.Uint16(hhea[34:]))
	long := be.Uint16(head[50:]) == 1
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for i := range f.loca {
		switch {
		case long && 4*i+4 <= len(loca):
			f.loca[i] = be.Uint32(loca[4*i:])
		case !long && 2*i+2 <= len(loca):
			f.loca[i] = 2 * uint32(be.Uint16(loca[2*i:]))
		default:
			return nil, errors.New("loca too short")
		}
	}
	if int(f.loca[f.numGlyphs]) > len(f.tables["glyf"]) || len(f.tables["hmtx"]) < 4*f.hMetrics+2*(f.numGlyphs-f.hMetrics) {
		return nil, errors.New("glyf or hmtx too short")
	}
	return f, f.readCmap()
}

// readCmap finds the Unicode BMP subtable (format 4) of the cmap.
func (f *sfnt) readCmap() error {
	c := f.tables["cmap"]
	if len(c) < 4 {
		return errors.New("cmap too short")
	}
	for i := range int(be.Uint16(c[2:])) {
		r := c[4+8*i:]
		platform, encoding, at := be.Uint16(r), be.Uint16(r[2:]), int(be.Uint32(r[4:]))
		if !(platform == 3 && encoding == 1 || platform == 0) || at+14 > len(c) || be.Uint16(c[at:]) != 4 {
			continue
		}
		t := c[at:]
		n := int(be.Uint16(t[6:])) / 2
		if 16+8*n > len(t) {
			return errors.New("cmap format 4 too short")
		}
		f.segs = make([]cmapSeg, n)
		for s := range n {
			f.segs[s] = cmapSeg{end: be.Uint16(t[14+2*s:]), start: be.Uint16(t[16+2*n+2*s:]),
				delta: be.Uint16(t[16+4*n+2*s:]), rangeOffset: be.Uint16(t[16+6*n+2*s:]), rangeOffsetAt: at + 16 + 6*n + 2*s}
		}
		return nil
	}
	return errors.New("no Unicode (format 4) cmap")
}

// glyph is r's glyph index, 0 if the font has none.
func (f *sfnt) glyph(r rune) uint16 {
	if r > 0xFFFF {
		return 0
	}
	c := uint16(r)
	i, _ := slices.BinarySearchFunc(f.segs, c, func(s cmapSeg, c uint16) int {
		if s.end < c {
			return -1
		}
		return 1
	})
	if i == len(f.segs) || f.segs[i].start > c {
		return 0
	}
	s := f.segs[i]
	if s.rangeOffset == 0 {
		return c + s.delta
	}
	at := s.rangeOffsetAt + int(s.rangeOffset) + 2*int(c-s.start)
	cm := f.tables["cmap"]
	if at+2 > len(cm) {
		return 0
	}
	if g := be.Uint16(cm[at:]); g != 0 {
		return g + s.delta
	}
	return 0
}

func (f *sfnt) glyphData(g uint16) []byte { return f.tables["glyf"][f.loca[g]:f.loca[g+1]] }

// Composite glyph flags.
const (
	argsAreWords    = 0x0001
	haveScale       = 0x0008
	moreComponents  = 0x0020
	haveXYScale     = 0x0040
	haveTwoByTwo    = 0x0080
	compositeHeader = 10
)

// components calls fn with the position of each component's glyph index
// in the data of a composite glyph.
func components(d []byte, fn func(at int)) {
	if len(d) < compositeHeader || int16(be.Uint16(d)) >= 0 {
		return
	}
	at := compositeHeader
	for at+4 <= len(d) {
		flags := be.Uint16(d[at:])
		fn(at + 2)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			return
		}
	}
}

// subset writes a TrueType font with the glyphs of runes only (and glyph
// 0, and the components of composite glyphs), renumbered in their order,
// with a format 4 cmap of those runes and the same metrics.
func (f *sfnt) subset(runes []rune) []byte {
	keep := map[uint16]bool{0: true}
	var todo []uint16
	cmap := map[rune]uint16{}
	for _, r := range runes {
		if g := f.glyph(r); g != 0 && int(g) < f.numGlyphs {
			cmap[r] = g
			todo = append(todo, g)
		}
	}
	for len(todo) > 0 {
		g := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if keep[g] && g != 0 {
			continue
		}
		keep[g] = true
		components(f.glyphData(g), func(at int) {
			if c := be.Uint16(f.glyphData(g)[at:]); int(c) < f.numGlyphs && !keep[c] {
				todo = append(todo, c)
			}
		})
	}
	old := make([]uint16, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	slices.Sort(old)
	renum := make(map[uint16]uint16, len(old))
	for i, g := range old {
		renum[g] = uint16(i)
	}

	var glyf, loca, hmtx []byte
	hm := f.tables["hmtx"]
	for _, g := range old {
		loca = be.AppendUint32(loca, uint32(len(glyf)))
		d := append([]byte(nil), f.glyphData(g)...)
		components(d, func(at int) { be.PutUint16(d[at:], renum[be.Uint16(d[at:])]) })
		glyf = append(glyf, d...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		// Glyphs past numberOfHMetrics share the last advance and list
		// only their left side bearing.
		adv := be.Uint16(hm[4*min(int(g), f.hMetrics-1):])
		var lsb uint16
		if int(g) < f.hMetrics {
			lsb = be.Uint16(hm[4*int(g)+2:])
		} else {
			lsb = be.Uint16(hm[4*f.hMetrics+2*(int(g)-f.hMetrics):])
		}
		hmtx = be.AppendUint16(be.AppendUint16(hmtx, adv), lsb)
	}
	loca = be.AppendUint32(loca, uint32(len(glyf)))

	head := append([]byte(nil), f.tables["head"]...)
	be.PutUint32(head[8:], 0)  // checkSumAdjustment
	be.PutUint16(head[50:], 1) // long loca
	maxp := append([]byte(nil), f.tables["maxp"]...)
	be.PutUint16(maxp[4:], uint16(len(old)))
	hhea := append([]byte(nil), f.tables["hhea"]...)
	be.PutUint16(hhea[34:], uint16(len(old)))
	post := append([]byte(nil), f.tables["post"][:min(32, len(f.tables["post"]))]...)
	post = append(post, make([]byte, 32-len(post))...)
	be.PutUint32(post, 0x00030000) // no glyph names

	tables := map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf,
		"cmap": cmapFormat4(cmap, renum), "name": f.tables["name"], "post": post}
	for _, t := range []string{"OS/2", "cvt ", "fpgm", "prep", "gasp"} {
		if d, ok := f.tables[t]; ok {
			tables[t] = d
		}
	}
	return writeSfnt(tables)
}

// cmapFormat4 is a cmap table with one Windows Unicode BMP subtable
// (format 4) mapping each rune to its new glyph: one segment a rune, and
// the closing 0xFFFF segment.
func cmapFormat4(cmap map[rune]uint16, renum map[uint16]uint16) []byte {
	runes := make([]rune, 0, len(cmap))
	for r := range cmap {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	n := len(runes) + 1
	var ends, starts, deltas, offsets []byte
	for _, r := range runes {
		ends = be.AppendUint16(ends, uint16(r))
		starts = be.AppendUint16(starts, uint16(r))
		deltas = be.AppendUint16(deltas, renum[cmap[r]]-uint16(r))
		offsets = be.AppendUint16(offsets, 0)
	}
	ends, starts = be.AppendUint16(ends, 0xFFFF), be.AppendUint16(starts, 0xFFFF)
	deltas, offsets = be.AppendUint16(deltas, 1), be.AppendUint16(offsets, 0)
	search := 1
	for search*2 <= n {
		search *= 2
	}
	sub := be.AppendUint16(nil, 4)
	sub = be.AppendUint16(sub, uint16(16+8*n))
	sub = be.AppendUint16(sub, 0) // language
	sub = be.AppendUint16(sub, uint16(2*n))
	sub = be.AppendUint16(sub, uint16(2*search))
	sub = be.AppendUint16(sub, uint16(bitsLen(search)-1))
	sub = be.AppendUint16(sub, uint16(2*n-2*search))
	sub = append(sub, ends...)
	sub = be.AppendUint16(sub, 0) // reservedPad
	sub = append(append(append(sub, starts...), deltas...), offsets...)
	head := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12} // version 0, 1 subtable: (3, 1) at 12
	return append(head, sub...)
}

func bitsLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}

// writeSfnt writes the tables as a TrueType font, in tag order, 4-byte
// aligned, each with its checksum.
func writeSfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	search := 1
	for search*2 <= n {
		search *= 2
	}
	out := be.AppendUint32(nil, tagTrueType)
	out = be.AppendUint16(out, uint16(n))
	out = be.AppendUint16(out, uint16(16*search))
	out = be.AppendUint16(out, uint16(bitsLen(search)-1))
	out = be.AppendUint16(out, uint16(16*n-16*search))
	at := 12 + 16*n
	var body []byte
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = be.AppendUint32(out, checksum(d))
		out = be.AppendUint32(out, uint32(at+len(body)))
		out = be.AppendUint32(out, uint32(len(d)))
		body = append(body, d...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(out, body...)
}

func checksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += be.Uint32(w[:])
	}
	return sum
}
