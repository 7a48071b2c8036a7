package ident

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CreditAlphabet is the alphabet of unified social credit codes, in value
// order: digits and upper-case letters without I, O, S, V, Z.
const CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// ErrInvalidCreditCode is wrapped by every credit-code error.
var ErrInvalidCreditCode = errors.New("invalid credit code")

// creditWeights are the GB 32100-2015 weights of the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateCreditCode checks a unified social credit code (GB 32100-2015):
// exactly 18 characters from [CreditAlphabet] whose last is the check
// character of the first 17. The error says what is wrong: the length, the
// first bad character and its position (1-based), or what the check
// character should be.
func ValidateCreditCode(s string) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return fmt.Errorf("%w %q: must be 18 characters, got %d", ErrInvalidCreditCode, s, n)
	}
	if err := checkChars(s); err != nil {
		return err
	}
	want, err := CreditCheckChar(s[:17])
	if err != nil {
		return err
	}
	if s[17] != want {
		return fmt.Errorf("%w %q: check character (position 18) should be %c, got %c", ErrInvalidCreditCode, s, want, s[17])
	}
	return nil
}

// CreditCheckChar returns the check character for the first 17 characters
// of a credit code: with each character's value its index in
// [CreditAlphabet], check = 31 − (Σ value×weight mod 31), 31 becoming 0.
func CreditCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, fmt.Errorf("%w %q: need the first 17 characters to compute the check character, got %d", ErrInvalidCreditCode, first17, n)
	}
	if err := checkChars(first17); err != nil {
		return 0, err
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(CreditAlphabet, first17[i]) * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return CreditAlphabet[c], nil
}

// CompleteCreditCode appends the check character to the first 17
// characters of a credit code, e.g. to make demo data.
func CompleteCreditCode(first17 string) (string, error) {
	c, err := CreditCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}

// checkChars reports the first character of s not in CreditAlphabet.
func checkChars(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r < utf8.RuneSelf && strings.IndexByte(CreditAlphabet, byte(r)) >= 0 {
			continue
		}
		hint := "credit codes use 0-9 and A-Z except I, O, S, V, Z"
		if u := []rune(strings.ToUpper(string(r)))[0]; u != r && u < utf8.RuneSelf && strings.IndexByte(CreditAlphabet, byte(u)) >= 0 {
			hint = "letters must be upper case"
		}
		return fmt.Errorf("%w %q: bad character %q at position %d: %s", ErrInvalidCreditCode, s, r, pos, hint)
	}
	return nil
}
