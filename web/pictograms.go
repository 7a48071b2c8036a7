package web

import (
	"html"
	"html/template"
)

// Hazard pictograms for the five characteristics (T C I R In), drawn as
// red-bordered diamonds in the style of the HJ 1276-2022 / GB 30000 signs.
var pictogramSymbols = map[string]string{
	// Skull and crossbones.
	"T": `<path d="M33 62l34 12M33 74l34-12" stroke="#000" stroke-width="5" stroke-linecap="round"/>` +
		`<circle cx="50" cy="42" r="14"/><rect x="43" y="50" width="14" height="9" rx="2"/>` +
		`<circle cx="44" cy="41" r="4" fill="#fff"/><circle cx="56" cy="41" r="4" fill="#fff"/>`,
	// Liquid dripping from two tubes onto a bar.
	"C": `<path d="M34 26h10v14h-10zM56 26h10v14h-10z"/><path d="M39 44c-3 5-4 7-4 9a4 4 0 0 0 8 0c0-2-1-4-4-9zM61 44c-3 5-4 7-4 9a4 4 0 0 0 8 0c0-2-1-4-4-9z"/>` +
		`<path d="M28 64h44v8h-44z"/><path d="M30 60l6 4M68 60l-6 4" stroke="#000" stroke-width="3"/>`,
	// Flame over a bar.
	"I": `<path d="M50 22c10 14 16 22 13 34-2 9-8 14-13 14-8 0-15-6-14-15 1-7 7-11 8-19 5 6 7 10 5 16 6-4 7-14 1-30z"/>` +
		`<rect x="32" y="73" width="36" height="5"/>`,
	// Exploding bomb.
	"R": `<circle cx="45" cy="58" r="13"/><path d="M54 46l6-6" stroke="#000" stroke-width="4"/>` +
		`<path d="M62 38l3-10 2 9 8-5-5 8 9 2-9 3 5 8-8-5-2 9-3-9z"/>`,
	// Biohazard: three rings round a centre.
	"In": `<g fill="none" stroke="#000" stroke-width="6"><circle cx="50" cy="39" r="11"/><circle cx="39" cy="58" r="11"/><circle cx="61" cy="58" r="11"/></g>` +
		`<circle cx="50" cy="52" r="5" fill="#fff" stroke="#000" stroke-width="3"/>`,
}

// pictogram returns the inline SVG sign for hazard h titled name.
func pictogram(h, name string) template.HTML {
	sym, ok := pictogramSymbols[h]
	if !ok {
		return ""
	}
	return template.HTML(`<svg class="picto" viewBox="0 0 100 100" role="img" aria-label="` + html.EscapeString(name) + `">` +
		`<title>` + html.EscapeString(name) + `</title>` +
		`<polygon points="50,4 96,50 50,96 4,50" fill="#fff" stroke="#d40000" stroke-width="7" stroke-linejoin="round"/>` +
		`<g fill="#000">` + sym + `</g></svg>`)
}
