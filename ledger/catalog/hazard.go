package catalog

import (
	"errors"
	"fmt"
	"slices"
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

// Hazards lists every hazard characteristic in canonical order.
var Hazards = []string{Toxic, Corrosive, Ignitable, Reactive, Infectious}

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
	for _, h := range Hazards {
		if seen[h] {
			out = append(out, h)
		}
	}
	return out, nil
}

func canonicalHazard(f string) (string, bool) {
	for _, h := range Hazards {
		if strings.EqualFold(f, h) {
			return h, true
		}
	}
	return "", false
}

// HazardTerms is the meaning of a code's official 危险特性 text (note 1 of
// the list's table). "A" gives Has [A]; "A,B,C" gives Has [A] and MayHave
// [B C] (A, and maybe B and C); "A/B/C" gives OneOrMoreOf [A B C]. The
// letters keep the order of the text, since the first of "A,B" is the one
// the waste surely has.
type HazardTerms struct {
	Has         []string `json:"has,omitempty"`
	MayHave     []string `json:"may_have,omitempty"`
	OneOrMoreOf []string `json:"one_or_more_of,omitempty"`
}

func (h HazardTerms) clone() HazardTerms {
	return HazardTerms{slices.Clone(h.Has), slices.Clone(h.MayHave), slices.Clone(h.OneOrMoreOf)}
}

// ParseOfficialHazards parses the 危险特性 column as printed in the list:
// letters T, C, I, R, In (exact case, no spaces) separated either all by
// "," or all by "/". It returns the terms and the set of letters named in
// the order T C I R In. Anything else is an error saying what was expected.
func ParseOfficialHazards(text string) (HazardTerms, []string, error) {
	var t HazardTerms
	if text == "" {
		return t, nil, errors.New(`no hazard: want the official text, e.g. "T", "T,I" or "T/C"`)
	}
	comma, slash := strings.Contains(text, ","), strings.Contains(text, "/")
	if comma && slash {
		return t, nil, fmt.Errorf("hazards %q mix \",\" and \"/\": the official text uses one of them (\"T,I\": T and maybe I; \"T/C\": one or more of T and C)", text)
	}
	sep := ","
	if slash {
		sep = "/"
	}
	letters := strings.Split(text, sep)
	seen := map[string]bool{}
	for _, l := range letters {
		if !slices.Contains(Hazards, l) {
			return t, nil, fmt.Errorf("unknown hazard %q in %q: want T, C, I, R or In separated by \",\" or \"/\"", l, text)
		}
		if seen[l] {
			return t, nil, fmt.Errorf("hazard %q given twice in %q", l, text)
		}
		seen[l] = true
	}
	switch {
	case slash:
		t.OneOrMoreOf = letters
	default:
		t.Has, t.MayHave = letters[:1], letters[1:]
		if len(t.MayHave) == 0 {
			t.MayHave = nil
		}
	}
	set := make([]string, 0, len(seen))
	for _, h := range Hazards {
		if seen[h] {
			set = append(set, h)
		}
	}
	return t, set, nil
}
