package catalog

import (
	"strings"
	"unicode"
)

// Query is a search of an edition's codes; every part given must match.
type Query struct {
	// Text is words separated by spaces (or ， 、 , ;), each of which must
	// match: a number (digits and hyphens) matches a code it starts
	// ("900218", "900-218") or, when it has a hyphen, any code containing it
	// ("-08", "218-08"); a category ("HW08", any case) matches its codes;
	// any other word matches a code whose description, English name,
	// industry or category name contains it, ignoring case. Chinese has no
	// spaces, so a word is a substring: "液压油" finds 900-218-08. The
	// 900-000-xx codes are found only by a number of at least six digits
	// they start with ("900-000", "900000").
	Text string
	// Category, when not empty, keeps the codes of that category ("HW08").
	Category string
	// Industry, when not empty, is words that must each occur in the code's
	// industry of origin ("非特定行业", "环境治理").
	Industry string
	// Limit > 0 returns at most Limit codes; Limit <= 0 means no limit.
	Limit int
}

// Find returns the codes matching q, sorted by code. An empty query
// returns every row of the table.
func (e *Edition) Find(q Query) []Code {
	words := splitWords(q.Text)
	industry := splitWords(strings.ToLower(q.Industry))
	category := strings.ToUpper(strings.TrimSpace(q.Category))
	candidates := e.sorted
	for _, w := range words {
		if d := strings.ReplaceAll(w, "-", ""); isNumber(w) && strings.HasPrefix(d, "900000") {
			candidates = e.withIdent
		}
	}
	out := []Code{}
	for _, n := range candidates {
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		k, ok := e.codes[n]
		if !ok {
			k = e.ident[n]
		}
		if category != "" && k.Category != category {
			continue
		}
		if !containsAll(strings.ToLower(k.Industry), industry) || !e.matches(k, words) {
			continue
		}
		out = append(out, k.clone())
	}
	return out
}

// matches reports whether every word of a query matches the code.
func (e *Edition) matches(k Code, words []string) bool {
	text := e.text[k.Code]
	for _, w := range words {
		switch {
		case isNumber(w):
			if !matchesNumber(k.Code, w) {
				return false
			}
		case isCategoryWord(w):
			if !strings.HasPrefix(k.Category, strings.ToUpper(w)) {
				return false
			}
		default:
			if !strings.Contains(text, strings.ToLower(w)) {
				return false
			}
		}
	}
	return true
}

// matchesNumber reports whether the number w (digits and hyphens) matches
// the canonical code: as its start without hyphens, as a part of it when w
// has a hyphen, or as the same code (831-00x-01 read as 841-00x-01).
func matchesNumber(code, w string) bool {
	if n, err := Normalize(w); err == nil {
		return n == code
	}
	if strings.Contains(w, "-") {
		return strings.Contains(code, w)
	}
	digits := code[:3] + code[4:7] + code[8:]
	return strings.HasPrefix(digits, w)
}

// searchText is what words of a query are looked for in: the lower-case
// description, English name, industry and category name.
func searchText(k Code) string {
	return strings.ToLower(k.Name + "\x00" + k.NameEn + "\x00" + k.Industry + "\x00" + k.CategoryName)
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；", r)
	})
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// isNumber reports whether w is digits and hyphens with at least one digit.
func isNumber(w string) bool {
	digit := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c != '-':
			return false
		}
	}
	return digit
}

// isCategoryWord reports whether w is "HW" (any case) and up to two digits.
func isCategoryWord(w string) bool {
	if len(w) < 2 || len(w) > 4 || !strings.EqualFold(w[:2], "hw") {
		return false
	}
	for i := 2; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}
