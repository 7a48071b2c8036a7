package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// geoJSON is the vendored base layer (geo/README.md says where from).
//
//go:embed geo/guancheng.geojson
var geoJSON []byte

// homeDistrict is the district the ledger serves; the other areas are its
// neighbours.
const homeDistrict = "管城回族区"

// area is one county-level area of the base layer: its outer ring,
// thinned to points at least minStep apart, and where its name goes.
type area struct {
	Name  string
	Home  bool
	Ring  []ledger.Location
	Label ledger.Location
}

// minStep is the least distance in degrees between two kept points of a
// ring (about 100 m): finer detail is invisible at the map's scale.
const minStep = 0.001

// baseAreas is the base layer, parsed once.
var baseAreas = func() []area {
	var fc struct {
		Features []struct {
			Properties struct {
				Name string    `json:"name"`
				CP   []float64 `json:"cp"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(geoJSON, &fc); err != nil {
		panic("web: the vendored base map does not parse: " + err.Error())
	}
	var out []area
	for _, f := range fc.Features {
		var rings [][][]float64
		switch f.Geometry.Type {
		case "Polygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				panic("web: base map polygon " + f.Properties.Name + ": " + err.Error())
			}
		case "MultiPolygon":
			var polys [][][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				panic("web: base map polygons " + f.Properties.Name + ": " + err.Error())
			}
			for _, p := range polys {
				rings = append(rings, p[0])
			}
		}
		for _, r := range rings {
			a := area{Name: f.Properties.Name, Home: f.Properties.Name == homeDistrict}
			if len(f.Properties.CP) == 2 {
				a.Label = ledger.Location{Lat: f.Properties.CP[1], Lon: f.Properties.CP[0]}
			}
			var last ledger.Location
			for i, c := range r {
				l := ledger.Location{Lat: c[1], Lon: c[0]}
				if i == 0 || math.Abs(l.Lat-last.Lat)+math.Abs(l.Lon-last.Lon) >= minStep || i == len(r)-1 {
					a.Ring = append(a.Ring, l)
					last = l
				}
			}
			out = append(out, a)
		}
	}
	return out
}()

// drawBase draws the base layer's areas with pr, the home district
// highlighted, each named at its label point when that is on the map.
func drawBase(b *strings.Builder, pr projection) {
	for _, a := range baseAreas {
		class := "area"
		if a.Home {
			class = "area home"
		}
		fmt.Fprintf(b, `<path class="%s" d="`, class)
		for i, l := range a.Ring {
			x, y := pr.xy(l)
			if i == 0 {
				fmt.Fprintf(b, "M%.1f %.1f", x, y)
			} else {
				fmt.Fprintf(b, "L%.1f %.1f", x, y)
			}
		}
		fmt.Fprintf(b, `Z"><title>%s</title></path>`, html.EscapeString(a.Name))
	}
	for _, a := range baseAreas {
		x, y := pr.xy(a.Label)
		if x < 20 || y < 12 || x > pr.w-60 || y > pr.h-12 {
			continue // its label point is off the map
		}
		class := "area-name"
		if a.Home {
			class = "area-name home"
		}
		fmt.Fprintf(b, `<text class="%s" x="%.1f" y="%.1f">%s</text>`, class, x, y, html.EscapeString(a.Name))
	}
}
