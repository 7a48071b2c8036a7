package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Code is one waste code of an edition of the National Hazardous Waste
// List: a row of its table, or a 900-000-xx code for waste found hazardous
// by identification testing (ByIdentification).
type Code struct {
	Code         string `json:"code"`          // canonical "NNN-NNN-NN", e.g. "900-041-49"
	Category     string `json:"category"`      // "HW49"
	CategoryName string `json:"category_name"` // "其他废物"
	Industry     string `json:"industry"`      // 行业来源 as printed, e.g. "非特定行业"
	Name         string `json:"name"`          // 危险废物 (the description) as printed
	NameEn       string `json:"name_en"`       // English working name; empty for most codes
	// HazardText is the 危险特性 column as printed: "T", "T,I" (T and maybe
	// I) or "T/C" (one or more of T and C). Empty for a 900-000-xx code.
	HazardText  string      `json:"hazards"`
	HazardTerms HazardTerms `json:"hazard_terms"` // HazardText parsed
	// Hazards is every characteristic HazardText names, in the order
	// T C I R In: the default hazards of a batch of this code.
	Hazards []string `json:"hazard_set"`
	Medical bool     `json:"medical"` // category HW01
	// ByIdentification marks a 900-000-xx code: not a row of the table but
	// the code article 6 gives to waste found hazardous by testing (GB 5085,
	// HJ 298). A batch of such a code must name the identification report.
	ByIdentification bool   `json:"by_identification,omitempty"`
	Edition          string `json:"edition"` // the edition the code comes from, e.g. "2021"
	Source           string `json:"source"`  // the document (or file) the edition was read from
	// Exemptions are the rows of the edition's exemption list that name the
	// code or its category; empty, never nil, when there are none.
	Exemptions []Exemption `json:"exemptions"`
}

// clone returns a copy of c that shares no memory with it.
func (c Code) clone() Code {
	c.Hazards = slices.Clone(c.Hazards)
	c.HazardTerms = c.HazardTerms.clone()
	ex := make([]Exemption, len(c.Exemptions))
	for i, e := range c.Exemptions {
		ex[i] = e.clone()
	}
	c.Exemptions = ex
	return c
}

// Category is one of the 46 categories HW01..HW50 (HW41-HW44 are not used).
type Category struct {
	ID     string `json:"id"`      // "HW49"
	Name   string `json:"name"`    // "其他废物"
	NameEn string `json:"name_en"` // "Other waste"
}

var (
	// ErrMalformedCode is wrapped by errors for text that is not a waste
	// code: 8 digits NNN-NNN-NN (or the 8 digits alone).
	ErrMalformedCode = errors.New("catalog: malformed waste code")
	// ErrUnknownCode is wrapped by errors for a well-formed code that is not
	// in the catalogue, including one whose category does not exist.
	ErrUnknownCode = errors.New("catalog: unknown waste code")
)

// codeFormat says what a valid code looks like, for error messages.
const codeFormat = "8 digits NNN-NNN-NN, e.g. 900-041-49"

// Normalize checks the format of a waste code and returns it in canonical
// form "NNN-NNN-NN". It accepts "900-041-49" and "90004149" (surrounding
// spaces ignored) and maps the 2016 medical codes 831-001-01..831-005-01 to
// 841-001-01..841-005-01. It does not check that the code or its category
// exists (see [Catalog.Lookup]). Errors wrap [ErrMalformedCode].
func Normalize(code string) (string, error) {
	d, err := Digits(code)
	if err != nil {
		return "", err
	}
	return d[:3] + "-" + d[3:6] + "-" + d[6:], nil
}

// Digits is [Normalize] without the hyphens: "900-041-49" -> "90004149",
// the form used in the HJ 1276-2022 label ID.
func Digits(code string) (string, error) {
	s := strings.TrimSpace(code)
	var d string
	switch {
	case len(s) == 10 && s[3] == '-' && s[7] == '-':
		d = s[:3] + s[4:7] + s[8:]
	case len(s) == 8:
		d = s
	default:
		return "", malformed(code)
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return "", malformed(code)
		}
	}
	if d[:5] == "83100" && d[5] >= '1' && d[5] <= '5' && d[6:] == "01" {
		d = "841" + d[3:]
	}
	return d, nil
}

func malformed(code string) error {
	return fmt.Errorf("%w %q: want %s", ErrMalformedCode, code, codeFormat)
}

// CategoryOf returns the category ID a code names by its last two digits:
// "900-041-49" -> "HW49". It returns "" for a malformed code; it does not
// check that the category exists (see [IsCategoryID]).
func CategoryOf(code string) string {
	d, err := Digits(code)
	if err != nil {
		return ""
	}
	return "HW" + d[6:]
}

// IsCategoryID reports whether s is exactly one of the 46 category IDs:
// "HW01".."HW50" except HW41..HW44 (upper case, two digits).
func IsCategoryID(s string) bool {
	if len(s) != 4 || s[:2] != "HW" || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	n := int(s[2]-'0')*10 + int(s[3]-'0')
	return n >= 1 && n <= 50 && (n < 41 || n > 44)
}
