package catalog

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// chinaTime is the time zone editions come into force in (UTC+8, no DST).
var chinaTime = time.FixedZone("CST", 8*3600)

// Edition is one edition of the National Hazardous Waste List: its codes,
// categories and exemption list. Read one with [ReadEdition]; it is
// immutable and safe for concurrent use, and values it returns are copies.
type Edition struct {
	name    string
	inForce time.Time // midnight China time of the day it comes into force
	source  string

	codes      map[string]Code // the rows, by canonical code
	order      []string        // the rows' codes in the order they were read
	sorted     []string        // the rows' codes, ascending
	ident      map[string]Code // the 900-000-xx codes, by canonical code
	withIdent  []string        // rows and 900-000-xx codes, ascending
	text       map[string]string
	categories map[string]Category
	catSorted  []Category
	industries []Industry
	exemptions []Exemption
	ownExempt  bool // the exemption list is this edition's own, not inherited
}

// EditionInfo describes an edition.
type EditionInfo struct {
	Edition    string `json:"edition"`    // "2021"
	InForce    string `json:"in_force"`   // the day it came into force, "2021-01-01"
	Source     string `json:"source"`     // the document or file it was read from
	Codes      int    `json:"codes"`      // rows of its table
	Exemptions int    `json:"exemptions"` // rows of its exemption list
	// ExemptionsFrom is the edition whose exemption list applies: its own,
	// or that of the edition before it when it came without one.
	ExemptionsFrom string `json:"exemptions_from"`
}

// Industry is an industry of origin (行业来源) as printed, with how many
// codes name it.
type Industry struct {
	Name  string `json:"name"`
	Codes int    `json:"codes"`
}

// Name is the edition's name, e.g. "2021".
func (e *Edition) Name() string { return e.name }

// InForce is the moment the edition came into force: midnight, China time,
// of its first day.
func (e *Edition) InForce() time.Time { return e.inForce }

// Source is the document or file the edition was read from.
func (e *Edition) Source() string { return e.source }

// Info describes the edition.
func (e *Edition) Info() EditionInfo {
	from := e.name
	if len(e.exemptions) > 0 {
		from = e.exemptions[0].Edition
	}
	return EditionInfo{Edition: e.name, InForce: e.inForce.Format(time.DateOnly), Source: e.source,
		Codes: len(e.codes), Exemptions: len(e.exemptions), ExemptionsFrom: from}
}

// Lookup returns the code written "900-041-49" or "90004149" (the 2016
// medical codes 831-00x-01 are read as 841-00x-01). A 900-000-xx code
// whose xx is one of the 46 categories is found with ByIdentification set.
// A malformed code is an error wrapping [ErrMalformedCode]; a well-formed
// code that is not in the edition, or whose category does not exist, is an
// error wrapping [ErrUnknownCode].
func (e *Edition) Lookup(code string) (Code, error) {
	n, err := Normalize(code)
	if err != nil {
		return Code{}, err
	}
	if cat := CategoryOf(n); !IsCategoryID(cat) {
		return Code{}, fmt.Errorf("%w %s: category %s does not exist (the categories are HW01-HW50 without HW41-HW44)", ErrUnknownCode, n, cat)
	}
	if k, ok := e.codes[n]; ok {
		return k.clone(), nil
	}
	if k, ok := e.ident[n]; ok {
		return k.clone(), nil
	}
	return Code{}, fmt.Errorf("%w %s: not in the catalogue (edition %s); waste found hazardous by testing takes 900-000-xx, xx its category", ErrUnknownCode, n, e.name)
}

// Codes returns every row of the edition's table, sorted by code (not the
// 900-000-xx codes).
func (e *Edition) Codes() []Code {
	out := make([]Code, len(e.sorted))
	for i, n := range e.sorted {
		out[i] = e.codes[n].clone()
	}
	return out
}

// Categories returns the edition's categories sorted by ID.
func (e *Edition) Categories() []Category {
	return slices.Clone(e.catSorted)
}

// Category returns the category with the given ID ("HW49"; surrounding
// spaces and lower case accepted).
func (e *Edition) Category(id string) (Category, bool) {
	k, ok := e.categories[strings.ToUpper(strings.TrimSpace(id))]
	return k, ok
}

// Industries returns the industries of origin named by the edition's rows,
// the most used first (ties in the order the table first names them).
func (e *Edition) Industries() []Industry {
	return slices.Clone(e.industries)
}

// Exemptions returns the exemption list that applies to the edition, in
// the list's order.
func (e *Edition) Exemptions() []Exemption {
	out := make([]Exemption, len(e.exemptions))
	for i, x := range e.exemptions {
		out[i] = x.clone()
	}
	return out
}

// newEdition builds an edition from validated rows (in the order read) and
// its exemption list, filling in each code's edition, source, category
// name, English name and exemptions.
func newEdition(name string, inForce time.Time, source string, rows []Code, cats map[string]Category, exemptions []Exemption) *Edition {
	e := &Edition{name: name, inForce: inForce, source: source,
		codes: make(map[string]Code, len(rows)), ident: map[string]Code{}, text: make(map[string]string, len(rows)),
		categories: cats, exemptions: exemptions}
	for _, k := range cats {
		e.catSorted = append(e.catSorted, k)
	}
	slices.SortFunc(e.catSorted, func(a, b Category) int { return strings.Compare(a.ID, b.ID) })
	used := map[string]int{}
	var industries []string
	for _, k := range rows {
		k.Edition, k.Source = name, source
		k.CategoryName = cats[k.Category].Name
		k.Exemptions = e.exemptionsFor(k.Code, k.Category)
		e.codes[k.Code] = k
		e.order = append(e.order, k.Code)
		e.text[k.Code] = searchText(k)
		if used[k.Industry] == 0 {
			industries = append(industries, k.Industry)
		}
		used[k.Industry]++
	}
	for _, in := range industries {
		e.industries = append(e.industries, Industry{Name: in, Codes: used[in]})
	}
	slices.SortStableFunc(e.industries, func(a, b Industry) int { return b.Codes - a.Codes })
	e.sorted = slices.Clone(e.order)
	slices.Sort(e.sorted)
	for _, cat := range e.catSorted {
		n := "900-000-" + cat.ID[2:]
		k := Code{Code: n, Category: cat.ID, CategoryName: cat.Name,
			Name: "经鉴别具有危险特性的废物（" + cat.Name + "）", Hazards: []string{},
			Medical: cat.ID == "HW01", ByIdentification: true, Edition: name, Source: source + " 第六条",
			Exemptions: e.exemptionsFor(n, cat.ID)}
		e.ident[n] = k
		e.text[n] = searchText(k)
	}
	e.withIdent = append(slices.Clone(e.sorted), identCodes(e.ident)...)
	slices.Sort(e.withIdent)
	return e
}

func identCodes(m map[string]Code) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	return out
}

// exemptionsFor returns the rows of the edition's exemption list naming the
// code or its category, never nil.
func (e *Edition) exemptionsFor(code, category string) []Exemption {
	out := []Exemption{}
	for _, x := range e.exemptions {
		if x.names(code, category) {
			out = append(out, x)
		}
	}
	return out
}
