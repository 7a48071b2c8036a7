package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// trackMap draws a manifest's journey on the district map: the generator
// (dot), the receiver (triangle), the GPS track as a line through its
// points in order, and a truck at the last point. It is empty when nothing
// of it has a location.
func trackMap(m *ledger.Manifest, n names, lang string) template.HTML {
	var pts []ledger.Location
	var from, to *ledger.Location
	if g := n.Get(m.Generator); g != nil && g.Location != nil {
		from = g.Location
		pts = append(pts, *from)
	}
	if r := n.Get(m.Receiver); r != nil && r.Location != nil {
		to = r.Location
		pts = append(pts, *to)
	}
	for _, t := range m.Track {
		pts = append(pts, ledger.Location{Lat: t.Lat, Lon: t.Lon})
	}
	if len(pts) == 0 {
		return ""
	}
	pr := newProjection(pts, 640)
	var b strings.Builder
	mapFrame(&b, pr, translate(lang, "trace.track"))
	if len(m.Track) > 0 {
		b.WriteString(`<polyline class="track" points="`)
		for i, t := range m.Track {
			x, y := pr.xy(ledger.Location{Lat: t.Lat, Lon: t.Lon})
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", x, y)
		}
		b.WriteString(`"/>`)
		for _, t := range m.Track {
			x, y := pr.xy(ledger.Location{Lat: t.Lat, Lon: t.Lon})
			fmt.Fprintf(&b, `<circle class="fix" cx="%.1f" cy="%.1f" r="2.5"><title>%s</title></circle>`, x, y,
				html.EscapeString(t.At.In(shanghai).Format("2006-01-02 15:04")))
		}
	}
	if from != nil {
		x, y := pr.xy(*from)
		fmt.Fprintf(&b, `<circle class="pt-gen" cx="%.1f" cy="%.1f" r="6"><title>%s</title></circle>`, x, y, html.EscapeString(n.Of(m.Generator)))
		fmt.Fprintf(&b, `<text class="pt-name" x="%.1f" y="%.1f">%s</text>`, x+9, y+4, html.EscapeString(shortName(n.Of(m.Generator))))
	}
	if to != nil {
		x, y := pr.xy(*to)
		fmt.Fprintf(&b, `<path class="pt-recv" d="M%.1f %.1fl8 14h-16z"><title>%s</title></path>`, x, y-9, html.EscapeString(n.Of(m.Receiver)))
		fmt.Fprintf(&b, `<text class="pt-name" x="%.1f" y="%.1f">%s</text>`, x+9, y+4, html.EscapeString(shortName(n.Of(m.Receiver))))
	}
	if len(m.Track) > 0 {
		last := m.Track[len(m.Track)-1]
		x, y := pr.xy(ledger.Location{Lat: last.Lat, Lon: last.Lon})
		fmt.Fprintf(&b, `<g class="truck" transform="translate(%.1f %.1f)"><title>%s %s</title>`+
			`<rect x="-11" y="-9" width="14" height="10" rx="1"/><path d="M3 -6h5l3 4v3h-8z"/>`+
			`<circle cx="-6" cy="3" r="2.5"/><circle cx="7" cy="3" r="2.5"/></g>`,
			x, y, html.EscapeString(translate(lang, "map.load")), html.EscapeString(m.Number))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
