package catalog

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
)

// The embedded data; data/README.md says where it comes from.
//
//go:embed data/hw-catalog-2021.csv data/hw-exemptions-2021.csv data/names-en.csv
var builtinData embed.FS

const (
	builtinCatalogFile    = "data/hw-catalog-2021.csv"
	builtinExemptionsFile = "data/hw-exemptions-2021.csv"
	builtinNamesFile      = "data/names-en.csv"
)

var builtin = sync.OnceValues(func() (*Catalog, error) {
	b, err := builtinData.ReadFile(builtinCatalogFile)
	if err != nil {
		return nil, err
	}
	e, err := ReadEdition(bytes.NewReader(b), builtinCatalogFile)
	if err != nil {
		return nil, err
	}
	codeEn, catEn, err := builtinNames()
	if err != nil {
		return nil, err
	}
	e = e.rebuild(codeEn, catEn, nil)
	if b, err = builtinData.ReadFile(builtinExemptionsFile); err != nil {
		return nil, err
	}
	if e, err = e.WithExemptions(bytes.NewReader(b), builtinExemptionsFile); err != nil {
		return nil, err
	}
	return &Catalog{editions: []*Edition{e}}, nil
})

// Builtin returns the built-in catalogue: the 2021 edition of the list
// (in force 2021-01-01), all 467 codes of its table in 46 categories and
// its exemption list, with English working names for the categories and
// common codes.
func Builtin() *Catalog {
	c, err := builtin()
	if err != nil {
		panic(err) // the embedded data is tested
	}
	return c
}

// builtinNames reads the English names: id,name_en rows where id is a
// code or a category.
func builtinNames() (codes, cats map[string]string, err error) {
	b, err := builtinData.ReadFile(builtinNamesFile)
	if err != nil {
		return nil, nil, err
	}
	t, err := readTable(bytes.NewReader(b), builtinNamesFile, []string{"id", "name_en"})
	if err != nil {
		return nil, nil, err
	}
	codes, cats = map[string]string{}, map[string]string{}
	for _, r := range t.rows {
		id, en := r.fields[0], r.fields[1]
		if IsCategoryID(id) {
			cats[id] = en
			continue
		}
		n, err := Normalize(id)
		if err != nil {
			return nil, nil, fmt.Errorf("catalog: %s:%d: %w", builtinNamesFile, r.line, err)
		}
		codes[n] = en
	}
	return codes, cats, nil
}
