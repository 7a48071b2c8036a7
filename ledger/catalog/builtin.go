package catalog

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
)

//go:embed data/categories.csv data/codes.csv
var builtinData embed.FS

var builtin = sync.OnceValue(func() *Catalog {
	cats, err := parseCategories("data/categories.csv")
	if err != nil {
		panic(err) // the embedded data is tested
	}
	codes, err := parseBuiltinCodes("data/codes.csv")
	if err != nil {
		panic(err)
	}
	return newCatalog(cats, codes)
})

// Builtin returns the built-in catalogue: the 46 categories, the five
// medical codes 841-001-01..841-005-01 and the codes this district's
// generators use most (National Hazardous Waste List, 2021 edition; names
// abridged). Each code's Source names where it comes from.
func Builtin() *Catalog {
	return builtin()
}

// parseCategories reads id,name,name_en,source rows.
func parseCategories(file string) ([]Category, error) {
	rows, err := readEmbedded(file)
	if err != nil {
		return nil, err
	}
	var cats []Category
	for _, r := range rows {
		if len(r.fields) != 4 {
			return nil, fmt.Errorf("catalog: %s:%d: want 4 fields id,name,name_en,source, got %d", file, r.line, len(r.fields))
		}
		if !IsCategoryID(r.fields[0]) {
			return nil, fmt.Errorf("catalog: %s:%d: %q is not a category ID", file, r.line, r.fields[0])
		}
		cats = append(cats, Category{ID: r.fields[0], Name: r.fields[1], NameEn: r.fields[2]})
	}
	return cats, nil
}

// parseBuiltinCodes reads code,category,name,name_en,hazards,source rows.
func parseBuiltinCodes(file string) ([]Code, error) {
	rows, err := readEmbedded(file)
	if err != nil {
		return nil, err
	}
	var codes []Code
	for _, r := range rows {
		f := r.fields
		if len(f) != 6 {
			return nil, fmt.Errorf("catalog: %s:%d: want 6 fields code,category,name,name_en,hazards,source, got %d", file, r.line, len(f))
		}
		k, err := makeCode(f[0], f[1], f[2], f[4])
		if err != nil {
			return nil, fmt.Errorf("catalog: %s:%d: %w", file, r.line, err)
		}
		k.NameEn, k.Source = f[3], f[5]
		codes = append(codes, k)
	}
	return codes, nil
}

func readEmbedded(file string) ([]row, error) {
	b, err := builtinData.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return readRows(bytes.NewReader(b), file)
}
