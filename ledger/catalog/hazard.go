package catalog

import (
	"fmt"
	"strings"
)

// Hazard characteristics (危险特性), in canonical order: toxicity,
// corrosivity, ignitability, reactivity, infectivity.
const (
	Toxic      = "T"
	Corrosive  = "C"
	Ignitable  = "I"
	Reactive   = "R"
	Infectious = "In"
)

var hazardOrder = []string{Toxic, Corrosive, Ignitable, Reactive, Infectious}

// ParseHazards parses a list of hazard characteristics such as "T/In",
// "T,I", "C、T" or "t c" (separators / , ; 、 ， | and spaces; letters
// case-insensitive) into a non-empty, duplicate-free slice in the canonical
// order T C I R In.
func ParseHazards(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("/,;|、，； \t", r)
	})
	seen := map[string]bool{}
	for _, f := range fields {
		h, ok := canonicalHazard(f)
		if !ok {
			return nil, fmt.Errorf("catalog: unknown hazard %q in %q: want T, C, I, R or In", f, s)
		}
		seen[h] = true
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("catalog: no hazard in %q: want one or more of T, C, I, R, In (e.g. \"T/In\")", s)
	}
	out := make([]string, 0, len(seen))
	for _, h := range hazardOrder {
		if seen[h] {
			out = append(out, h)
		}
	}
	return out, nil
}

func canonicalHazard(f string) (string, bool) {
	for _, h := range hazardOrder {
		if strings.EqualFold(f, h) {
			return h, true
		}
	}
	return "", false
}
