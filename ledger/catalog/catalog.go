package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Catalog is a set of waste codes and the 46 categories. Build one with
// [Builtin] or [LoadFile]; it is immutable and safe for concurrent use.
type Catalog struct {
	codes      map[string]Code // by canonical code
	sorted     []string        // canonical codes, ascending
	categories map[string]Category
	catSorted  []Category
}

func newCatalog(cats []Category, codes []Code) *Catalog {
	c := &Catalog{
		codes:      make(map[string]Code, len(codes)),
		categories: make(map[string]Category, len(cats)),
		catSorted:  slices.Clone(cats),
	}
	for _, k := range cats {
		c.categories[k.ID] = k
	}
	slices.SortFunc(c.catSorted, func(a, b Category) int { return strings.Compare(a.ID, b.ID) })
	for _, k := range codes {
		c.codes[k.Code] = k
	}
	for code := range c.codes {
		c.sorted = append(c.sorted, code)
	}
	slices.Sort(c.sorted)
	return c
}

// Lookup returns the catalogue entry for a code written "900-041-49" or
// "90004149" (2016 medical codes 831-00x-01 are mapped to 841-00x-01).
// A malformed code is an error wrapping [ErrMalformedCode]; a well-formed
// code that is not in the catalogue, or whose category is not one of the 46,
// is an error wrapping [ErrUnknownCode].
func (c *Catalog) Lookup(code string) (Code, error) {
	n, err := Normalize(code)
	if err != nil {
		return Code{}, err
	}
	if cat := CategoryOf(n); !IsCategoryID(cat) {
		return Code{}, fmt.Errorf("%w %s: category %s does not exist (the categories are HW01-HW50 without HW41-HW44)", ErrUnknownCode, n, cat)
	}
	k, ok := c.codes[n]
	if !ok {
		return Code{}, fmt.Errorf("%w %s: not in the catalogue (load the official list to add it)", ErrUnknownCode, n)
	}
	return k.clone(), nil
}

// Search returns the codes, sorted by code, whose code (with or without
// hyphens), category, Chinese name or English name contains q, ignoring
// case and surrounding spaces. An empty q matches every code. A limit > 0
// returns at most limit codes; limit <= 0 means no limit.
func (c *Catalog) Search(q string, limit int) []Code {
	q = strings.ToLower(strings.TrimSpace(q))
	norm, _ := Normalize(q)
	out := []Code{}
	for _, code := range c.sorted {
		if limit > 0 && len(out) >= limit {
			break
		}
		k := c.codes[code]
		if q == "" || code == norm || matches(k, q) {
			out = append(out, k.clone())
		}
	}
	return out
}

func matches(k Code, q string) bool {
	return strings.Contains(k.Code, q) ||
		strings.Contains(strings.ReplaceAll(k.Code, "-", ""), q) ||
		strings.Contains(strings.ToLower(k.Category), q) ||
		strings.Contains(strings.ToLower(k.Name), q) ||
		strings.Contains(strings.ToLower(k.NameEn), q)
}

// Codes returns every code in the catalogue, sorted by code.
func (c *Catalog) Codes() []Code {
	return c.Search("", 0)
}

// Categories returns the 46 categories sorted by ID.
func (c *Catalog) Categories() []Category {
	return slices.Clone(c.catSorted)
}

// Category returns the category with the given ID ("HW49"; surrounding
// spaces and lower case accepted).
func (c *Catalog) Category(id string) (Category, bool) {
	k, ok := c.categories[strings.ToUpper(strings.TrimSpace(id))]
	return k, ok
}
