package catalog

import (
	"fmt"
	"os"
)

// LoadFile returns the built-in catalogue with the edition read from a
// catalogue file (see [ReadEdition] for its form, the form of the 2021
// table with "# edition:" and "# in_force:" lines), which must come into
// force after 2021 (see [Catalog.With]). Errors name the file and line.
func LoadFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	e, err := ReadEdition(f, path)
	if err != nil {
		return nil, err
	}
	c, err := Builtin().With(e)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return c, nil
}
