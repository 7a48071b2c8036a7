package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Grams is a quantity stored as integer grams and written in JSON as
// kilograms with at most 3 decimals (docs/api.md: "Quantities are kilograms").
type Grams int64

// MaxGrams bounds any single quantity (10,000 t) to catch absurd input.
const MaxGrams Grams = 10_000_000_000

// Kg returns the quantity in kilograms.
func (g Grams) Kg() float64 { return float64(g) / 1000 }

// Tonnes returns the quantity in tonnes.
func (g Grams) Tonnes() float64 { return float64(g) / 1e6 }

// MarshalJSON writes kilograms, e.g. 12.5 for 12500 g.
func (g Grams) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(g)/1000, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return []byte(s), nil
}

// errKgPrecision is the reason given for more than 3 decimals.
var errKgPrecision = errors.New("must be kilograms with at most 3 decimals")

// errKgString is the reason given for a quantity sent as a string ("1").
var errKgString = errors.New("must be a JSON number of kilograms, not a string")

// UnmarshalJSON reads kilograms with at most 3 decimals, written as a JSON
// number (a string such as "1" is refused).
func (g *Grams) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return errKgString
	}
	var f json.Number
	if err := json.Unmarshal(b, &f); err != nil {
		return errKgPrecision
	}
	s := f.String()
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		return errKgPrecision
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 3 {
		return errKgPrecision
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.Abs(v) > float64(MaxGrams)/1000 {
		return errors.New("must be a number of kilograms no larger than 10,000,000")
	}
	*g = Grams(math.Round(v * 1000))
	return nil
}

// KgToGrams converts kilograms to grams, rounding to the gram.
func KgToGrams(kg float64) Grams { return Grams(math.Round(kg * 1000)) }
