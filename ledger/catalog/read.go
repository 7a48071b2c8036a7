package catalog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"
)

// codeColumns are the columns of a catalogue file, in the order
// [Edition.WriteCSV] writes them: the columns of the list's table.
var codeColumns = []string{"category", "category_name", "industry", "code", "description", "hazards"}

// ReadEdition reads an edition of the list from a catalogue file: CSV
// whose header names the columns category, category_name, industry, code,
// description and hazards (any order), one row per code, after leading
// lines
//
//	# edition: 2025
//	# in_force: 2025-01-01
//	# source: 国家危险废物名录（2025年版）
//
// (edition and in_force required; source defaults to name). Each row is
// checked: the code NNN-NNN-NN, listed once, not a 900-000-xx code; the
// category the one its last two digits name, with the same category_name
// on every row; industry and description not empty; hazards the official
// text ([ParseOfficialHazards]). A bad row is an error naming name and the
// line. The edition has no exemption list (see [Edition.WithExemptions]).
func ReadEdition(r io.Reader, name string) (*Edition, error) {
	t, err := readTable(r, name, codeColumns)
	if err != nil {
		return nil, err
	}
	ed, inForce, err := editionMeta(t.meta, name)
	if err != nil {
		return nil, err
	}
	source := t.meta["source"]
	if source == "" {
		source = name
	}
	cats := map[string]Category{}
	catLine := map[string]int{}
	lineOf := map[string]int{}
	codes := make([]Code, 0, len(t.rows))
	for _, r := range t.rows {
		k, err := parseCodeRow(r.fields)
		if err != nil {
			return nil, fmt.Errorf("catalog: %s:%d: %w", name, r.line, err)
		}
		if prev, dup := lineOf[k.Code]; dup {
			return nil, fmt.Errorf("catalog: %s:%d: code %s already given on line %d", name, r.line, k.Code, prev)
		}
		lineOf[k.Code] = r.line
		if c, ok := cats[k.Category]; ok && c.Name != k.CategoryName {
			return nil, fmt.Errorf("catalog: %s:%d: category %s is named %q, but %q on line %d", name, r.line, k.Category, k.CategoryName, c.Name, catLine[k.Category])
		} else if !ok {
			cats[k.Category] = Category{ID: k.Category, Name: k.CategoryName}
			catLine[k.Category] = r.line
		}
		codes = append(codes, k)
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("catalog: %s: no codes", name)
	}
	return newEdition(ed, inForce, source, codes, cats, nil), nil
}

// editionMeta checks the edition and in_force lines of a catalogue file.
func editionMeta(meta map[string]string, name string) (string, time.Time, error) {
	ed := meta["edition"]
	if !validEditionName(ed) {
		return "", time.Time{}, fmt.Errorf("catalog: %s: edition %q: want a leading line \"# edition: NAME\", NAME 1-20 letters, digits, '.' or '-' (e.g. 2025)", name, ed)
	}
	inForce, err := time.ParseInLocation(time.DateOnly, meta["in_force"], chinaTime)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("catalog: %s: in_force %q: want a leading line \"# in_force: YYYY-MM-DD\", the day the edition came into force", name, meta["in_force"])
	}
	return ed, inForce, nil
}

func validEditionName(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// parseCodeRow checks one row, its fields in the order of codeColumns.
func parseCodeRow(f []string) (Code, error) {
	category, categoryName, industry, code, description, hazards := f[0], f[1], f[2], f[3], f[4], f[5]
	n, err := Normalize(code)
	if err != nil {
		return Code{}, err
	}
	cat := CategoryOf(n)
	if !IsCategoryID(cat) {
		return Code{}, fmt.Errorf("%w %s: category %s does not exist (the categories are HW01-HW50 without HW41-HW44)", ErrUnknownCode, n, cat)
	}
	if strings.HasPrefix(n, "900-000-") {
		return Code{}, fmt.Errorf("code %s: 900-000-xx codes are not rows of the list (they are given to waste found hazardous by testing)", n)
	}
	if !strings.EqualFold(category, cat) {
		return Code{}, fmt.Errorf("code %s is in category %s, not %q", n, cat, category)
	}
	for _, c := range []struct{ col, v string }{{"category_name", categoryName}, {"industry", industry}, {"description", description}} {
		if c.v == "" {
			return Code{}, fmt.Errorf("code %s: %s is empty", n, c.col)
		}
	}
	terms, set, err := ParseOfficialHazards(hazards)
	if err != nil {
		return Code{}, fmt.Errorf("code %s: %w", n, err)
	}
	return Code{Code: n, Category: cat, CategoryName: categoryName, Industry: industry, Name: description,
		HazardText: hazards, HazardTerms: terms, Hazards: set, Medical: cat == "HW01"}, nil
}

// WriteCSV writes the edition as a catalogue file that [ReadEdition]
// reads back to the same edition: the edition, in_force and source lines,
// the header, then one row per code in the order they were read.
func (e *Edition) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# edition: %s\n# in_force: %s\n# source: %s\n", e.name, e.inForce.Format(time.DateOnly), e.source)
	cw := csv.NewWriter(bw)
	if err := cw.Write(codeColumns); err != nil {
		return err
	}
	for _, n := range e.order {
		k := e.codes[n]
		if err := cw.Write([]string{k.Category, k.CategoryName, k.Industry, k.Code, k.Name, k.HazardText}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WithExemptions returns the edition with the exemption list read from r:
// CSV with the columns no, category_or_code, waste, exempt_stage,
// condition and exemption (see [Exemption]), after an optional leading
// line "# edition: NAME" that must then name this edition. Every code or
// category a row names must be in the edition. name is used in errors.
func (e *Edition) WithExemptions(r io.Reader, name string) (*Edition, error) {
	t, err := readTable(r, name, exemptionColumns)
	if err != nil {
		return nil, err
	}
	if ed, ok := t.meta["edition"]; ok && ed != e.name {
		return nil, fmt.Errorf("catalog: %s: the exemption list is for edition %q, not %q", name, ed, e.name)
	}
	list := make([]Exemption, 0, len(t.rows))
	for _, r := range t.rows {
		x, err := parseExemption(r.fields, e.name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %s:%d: %w", name, r.line, err)
		}
		for _, c := range x.Codes {
			if _, ok := e.codes[c]; !ok {
				return nil, fmt.Errorf("catalog: %s:%d: code %s is not in edition %s", name, r.line, c, e.name)
			}
		}
		if _, ok := e.categories[x.Category]; x.Category != "" && !ok {
			return nil, fmt.Errorf("catalog: %s:%d: category %s is not in edition %s", name, r.line, x.Category, e.name)
		}
		list = append(list, x)
	}
	if len(list) == 0 {
		return nil, errors.New("catalog: " + name + ": no exemption rows")
	}
	out := e.rebuild(nil, nil, list)
	out.ownExempt = true
	return out, nil
}

// rebuild returns a copy of the edition with English names taken from
// names (by code or category ID; nil keeps them) and the given exemption
// list (nil keeps the current one).
func (e *Edition) rebuild(codeEn, catEn map[string]string, exemptions []Exemption) *Edition {
	rows := make([]Code, len(e.order))
	for i, n := range e.order {
		rows[i] = e.codes[n]
		if en, ok := codeEn[n]; ok {
			rows[i].NameEn = en
		}
	}
	cats := maps.Clone(e.categories)
	for id, en := range catEn {
		if k, ok := cats[id]; ok {
			k.NameEn = en
			cats[id] = k
		}
	}
	if exemptions == nil {
		exemptions = e.exemptions
	}
	out := newEdition(e.name, e.inForce, e.source, rows, cats, exemptions)
	out.ownExempt = e.ownExempt
	return out
}
