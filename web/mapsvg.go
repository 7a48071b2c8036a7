package web

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// The district map is an SVG drawn on the server from the parties'
// coordinates: an equirectangular projection around Guancheng district
// (34.70° N, 113.70° E) with a 0.01° grid over a base layer of the
// district's boundary and its neighbours (basemap.go), parties by role,
// each a link to its page, parties closer than clusterRadius drawn as one
// numbered cluster (listed under the map), and the loads in transit as a
// truck at their latest position on a dashed line from generator to
// receiver, each a link to its manifest. No tiles, so it works offline.

// load is a manifest in transit and where it is.
type load struct {
	M        *ledger.Manifest
	At       ledger.Location
	From, To *ledger.Location
}

// projection maps lat/lon to SVG coordinates.
type projection struct {
	minLat, maxLat, minLon, maxLon float64
	w, h, pad                      float64
}

func newProjection(pts []ledger.Location, w float64) projection {
	p := projection{minLat: 34.67, maxLat: 34.73, minLon: 113.66, maxLon: 113.74, w: w, pad: 24}
	for i, l := range pts {
		if i == 0 {
			p.minLat, p.maxLat, p.minLon, p.maxLon = l.Lat, l.Lat, l.Lon, l.Lon
		}
		p.minLat, p.maxLat = min(p.minLat, l.Lat), max(p.maxLat, l.Lat)
		p.minLon, p.maxLon = min(p.minLon, l.Lon), max(p.maxLon, l.Lon)
	}
	// At least 0.04° across, centred, with a margin.
	grow := func(lo, hi *float64) {
		if span := *hi - *lo; span < 0.04 {
			c := (*lo + *hi) / 2
			*lo, *hi = c-0.02, c+0.02
		}
		m := (*hi - *lo) * 0.08
		*lo, *hi = *lo-m, *hi+m
	}
	grow(&p.minLat, &p.maxLat)
	grow(&p.minLon, &p.maxLon)
	// Keep the true aspect, at most 4:3 tall: widen the longitudes if needed.
	kx := math.Cos((p.minLat + p.maxLat) / 2 * math.Pi / 180)
	plotW := w - p.pad - p.padR()
	if need := (p.maxLat - p.minLat) / kx / 0.75; p.maxLon-p.minLon < need {
		c := (p.minLon + p.maxLon) / 2
		p.minLon, p.maxLon = c-need/2, c+need/2
	}
	p.h = plotW*(p.maxLat-p.minLat)/((p.maxLon-p.minLon)*kx) + 2*p.pad
	return p
}

// padR leaves room on the right for the names of eastern parties.
func (p projection) padR() float64 { return p.pad + 90 }

func (p projection) xy(l ledger.Location) (float64, float64) {
	x := p.pad + (l.Lon-p.minLon)/(p.maxLon-p.minLon)*(p.w-p.pad-p.padR())
	y := p.pad + (p.maxLat-l.Lat)/(p.maxLat-p.minLat)*(p.h-2*p.pad)
	return x, y
}

// districtMap draws parties and loads.
func districtMap(parties []*ledger.Party, loads []load, lang string) template.HTML {
	var pts []ledger.Location
	for _, p := range parties {
		if p.Location != nil {
			pts = append(pts, *p.Location)
		}
	}
	for _, l := range loads {
		pts = append(pts, l.At)
	}
	pr := newProjection(pts, 640)
	var b strings.Builder
	mapFrame(&b, pr, translate(lang, "map.title"))
	for _, l := range loads {
		if l.From != nil && l.To != nil {
			x1, y1 := pr.xy(*l.From)
			x2, y2 := pr.xy(*l.To)
			fmt.Fprintf(&b, `<line class="route" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x1, y1, x2, y2)
		}
	}
	clusters := clusterParties(parties, pr)
	var placed []box
	for i, c := range clusters {
		if len(c.Members) > 1 {
			var titles []string
			for _, p := range c.Members {
				titles = append(titles, p.Name)
			}
			fmt.Fprintf(&b, `<a class="cluster" href="#map-cluster-%d"><circle cx="%.1f" cy="%.1f" r="%.0f"/>`+
				`<text class="cluster-n" x="%.1f" y="%.1f">%d</text><title>%s</title></a>`,
				i+1, c.X, c.Y, 9+math.Min(8, float64(len(c.Members))), c.X, c.Y+4, len(c.Members),
				html.EscapeString(strings.Join(titles, "、")))
			continue
		}
		p := c.Members[0]
		x, y := c.X, c.Y
		name := html.EscapeString(p.Name)
		fmt.Fprintf(&b, `<a class="pt" href="/parties/%s">`, html.EscapeString(p.ID))
		switch {
		case p.HasRole(ledger.RoleReceiver):
			fmt.Fprintf(&b, `<path class="pt-recv" d="M%.1f %.1fl8 14h-16z"><title>%s</title></path>`, x, y-9, name)
		case p.HasRole(ledger.RoleTransporter):
			fmt.Fprintf(&b, `<rect class="pt-carrier" x="%.1f" y="%.1f" width="12" height="12"><title>%s</title></rect>`, x-6, y-6, name)
		case p.HasRole(ledger.RoleGenerator):
			fmt.Fprintf(&b, `<circle class="pt-gen" cx="%.1f" cy="%.1f" r="6"><title>%s</title></circle>`, x, y, name)
		default:
			fmt.Fprintf(&b, `<circle class="pt-other" cx="%.1f" cy="%.1f" r="5"><title>%s</title></circle>`, x, y, name)
		}
		label := shortName(p.Name)
		lb := box{x + 9, y - 8, x + 9 + 11*float64(len([]rune(label))), y + 6}
		if !lb.overlapsAny(placed) {
			placed = append(placed, lb)
			fmt.Fprintf(&b, `<text class="pt-name" x="%.1f" y="%.1f">%s</text>`, x+9, y+4, html.EscapeString(label))
		}
		b.WriteString(`</a>`)
	}
	for _, l := range loads {
		x, y := pr.xy(l.At)
		fmt.Fprintf(&b, `<a href="/manifests/%s"><g class="truck" transform="translate(%.1f %.1f)"><title>%s %s</title>`+
			`<rect x="-11" y="-9" width="14" height="10" rx="1"/><path d="M3 -6h5l3 4v3h-8z"/>`+
			`<circle cx="-6" cy="3" r="2.5"/><circle cx="7" cy="3" r="2.5"/></g></a>`,
			html.EscapeString(l.M.ID), x, y, html.EscapeString(translate(lang, "map.load")), html.EscapeString(l.M.Number))
	}
	b.WriteString(`</svg>`)
	var list strings.Builder
	for i, c := range clusters {
		if len(c.Members) < 2 {
			continue
		}
		fmt.Fprintf(&list, `<li id="map-cluster-%d"><b>%s</b> `, i+1, html.EscapeString(translatef(lang, "map.cluster", len(c.Members))))
		for j, p := range c.Members {
			if j > 0 {
				list.WriteString("、")
			}
			fmt.Fprintf(&list, `<a href="/parties/%s">%s</a>`, html.EscapeString(p.ID), html.EscapeString(p.Name))
		}
		list.WriteString(`</li>`)
	}
	if list.Len() > 0 {
		fmt.Fprintf(&b, `<ul class="clusters small">%s</ul>`, list.String())
	}
	return template.HTML(b.String())
}

// mapFrame opens the SVG of a map drawn with pr: the land and a grid of
// degrees, labelled.
func mapFrame(b *strings.Builder, pr projection, title string) {
	fmt.Fprintf(b, `<svg class="map" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, pr.w, pr.h, html.EscapeString(title))
	fmt.Fprintf(b, `<rect class="land" x="0" y="0" width="%.0f" height="%.0f"/>`, pr.w, pr.h)
	drawBase(b, pr)
	step := 0.01 // grid spacing in degrees, wider on large maps
	if pr.maxLon-pr.minLon > 0.08 {
		step = 0.02
	}
	for lat := math.Ceil(pr.minLat/step) * step; lat <= pr.maxLat; lat += step {
		_, y := pr.xy(ledger.Location{Lat: lat, Lon: pr.minLon})
		fmt.Fprintf(b, `<line class="grid" x1="0" x2="%.0f" y1="%.1f" y2="%.1f"/><text class="axis" x="2" y="%.1f">%.2f°N</text>`, pr.w, y, y, y-2, lat)
	}
	for lon := math.Ceil(pr.minLon/step) * step; lon <= pr.maxLon; lon += step {
		x, _ := pr.xy(ledger.Location{Lat: pr.minLat, Lon: lon})
		fmt.Fprintf(b, `<line class="grid" y1="0" y2="%.0f" x1="%.1f" x2="%.1f"/><text class="axis" y="%.0f" x="%.1f">%.2f°E</text>`, pr.h, x, x, pr.h-4, x+2, lon)
	}
}

// cluster is a group of parties drawn as one point: those within
// clusterRadius (SVG units) of its first member.
type cluster struct {
	X, Y    float64
	Members []*ledger.Party
}

// clusterRadius is how close two parties are drawn as one cluster.
const clusterRadius = 14

// clusterParties groups the located parties, in name order, greedily:
// each joins the first cluster whose centre is within clusterRadius.
func clusterParties(parties []*ledger.Party, pr projection) []cluster {
	sorted := make([]*ledger.Party, 0, len(parties))
	for _, p := range parties {
		if p.Location != nil {
			sorted = append(sorted, p)
		}
	}
	slices.SortFunc(sorted, func(a, b *ledger.Party) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	var out []cluster
	for _, p := range sorted {
		x, y := pr.xy(*p.Location)
		joined := false
		for i := range out {
			if math.Hypot(out[i].X-x, out[i].Y-y) <= clusterRadius {
				out[i].Members = append(out[i].Members, p)
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, cluster{X: x, Y: y, Members: []*ledger.Party{p}})
		}
	}
	return out
}

// box is a label's extent on the map.
type box struct{ x1, y1, x2, y2 float64 }

func (b box) overlapsAny(bs []box) bool {
	for _, o := range bs {
		if b.x1 < o.x2 && o.x1 < b.x2 && b.y1 < o.y2 && o.y1 < b.y2 {
			return true
		}
	}
	return false
}

// shortName keeps map labels readable: at most 10 characters.
func shortName(s string) string {
	r := []rune(s)
	if len(r) > 10 {
		return string(r[:10]) + "…"
	}
	return s
}

// loadPosition is the latest known place of a manifest in transit: its
// last GPS point, else the last custody step with a location, else the
// generator.
func loadPosition(m *ledger.Manifest, n names) (ledger.Location, bool) {
	if len(m.Track) > 0 {
		t := m.Track[len(m.Track)-1]
		return ledger.Location{Lat: t.Lat, Lon: t.Lon}, true
	}
	for i := len(m.Custody) - 1; i >= 0; i-- {
		if m.Custody[i].Location != nil {
			return *m.Custody[i].Location, true
		}
	}
	if g := n.Get(m.Generator); g != nil && g.Location != nil {
		return *g.Location, true
	}
	return ledger.Location{}, false
}
