package catalog

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// LoadFile returns the built-in catalogue plus the rows of an official-table
// CSV file with columns code,category,name,hazards and an optional fifth
// column name_en. A header row is optional (a first row whose first field
// has no digit is taken as one); '#' lines are comments. Codes are
// normalised as by [Normalize]; the category may be empty (it is derived
// from the code) but otherwise must be the code's own category, one of the
// 46; hazards are as for [ParseHazards] ("T/In", "T,I"). A file row replaces
// a built-in row of the same code, keeping the built-in English name when
// the file gives none; its Source is path. A bad row, or a code listed
// twice, is an error naming the file and line number.
func LoadFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	rows, err := readRows(f, path)
	if err != nil {
		return nil, err
	}
	base := Builtin()
	merged := make(map[string]Code, len(base.codes)+len(rows))
	for code, k := range base.codes {
		merged[code] = k
	}
	lineOf := map[string]int{}
	for _, r := range rows {
		fl := r.fields
		if len(fl) != 4 && len(fl) != 5 {
			return nil, fmt.Errorf("catalog: %s:%d: want 4 fields code,category,name,hazards (and optionally name_en), got %d", path, r.line, len(fl))
		}
		k, err := makeCode(fl[0], fl[1], fl[2], fl[3])
		if err != nil {
			return nil, fmt.Errorf("catalog: %s:%d: %w", path, r.line, err)
		}
		if prev, dup := lineOf[k.Code]; dup {
			return nil, fmt.Errorf("catalog: %s:%d: code %s already given on line %d", path, r.line, k.Code, prev)
		}
		lineOf[k.Code] = r.line
		if len(fl) == 5 {
			k.NameEn = fl[4]
		}
		if k.NameEn == "" {
			k.NameEn = merged[k.Code].NameEn
		}
		k.Source = path
		merged[k.Code] = k
	}
	codes := make([]Code, 0, len(merged))
	for _, k := range merged {
		codes = append(codes, k)
	}
	return newCatalog(base.catSorted, codes), nil
}

// makeCode validates the fields shared by built-in and loaded rows.
func makeCode(code, category, name, hazards string) (Code, error) {
	n, err := Normalize(code)
	if err != nil {
		return Code{}, err
	}
	cat := CategoryOf(n)
	if !IsCategoryID(cat) {
		return Code{}, fmt.Errorf("%w %s: category %s does not exist (the categories are HW01-HW50 without HW41-HW44)", ErrUnknownCode, n, cat)
	}
	if category != "" && !strings.EqualFold(category, cat) {
		return Code{}, fmt.Errorf("code %s is in category %s, not %q", n, cat, category)
	}
	if name == "" {
		return Code{}, errors.New("code " + n + ": empty name")
	}
	hz, err := ParseHazards(hazards)
	if err != nil {
		return Code{}, fmt.Errorf("code %s: %w", n, err)
	}
	return Code{Code: n, Category: cat, Name: name, Hazards: hz, Medical: cat == "HW01"}, nil
}
