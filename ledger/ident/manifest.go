package ident

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalidManifestNumber is wrapped by every manifest-number error.
var ErrInvalidManifestNumber = errors.New("invalid manifest number")

// ManifestNumberLen is the length of an electronic transfer manifest number.
const ManifestNumberLen = 14

// MakeManifestNumber builds a 14-digit electronic transfer manifest number:
// year (4) + origin province (2) + origin city (2) + serial per origin city
// (6), e.g. MakeManifestNumber(2026, "41", "01", 123) = "20264101000123".
// The year is 1000..9999, province and city are two digits other than "00",
// and serial is 1..999999.
func MakeManifestNumber(year int, province, city string, serial int) (string, error) {
	if year < 1000 || year > 9999 {
		return "", fmt.Errorf("%w: year %d is not 4 digits", ErrInvalidManifestNumber, year)
	}
	if err := checkArea("province", province); err != nil {
		return "", err
	}
	if err := checkArea("city", city); err != nil {
		return "", err
	}
	if serial < 1 || serial > 999999 {
		return "", fmt.Errorf("%w: serial %d out of range 1..999999", ErrInvalidManifestNumber, serial)
	}
	return fmt.Sprintf("%04d%s%s%06d", year, province, city, serial), nil
}

// ParseManifestNumber splits a 14-digit manifest number (surrounding
// spaces ignored) into its parts, checking them as [MakeManifestNumber]
// does.
func ParseManifestNumber(s string) (year int, province, city string, serial int, err error) {
	t := strings.TrimSpace(s)
	if len(t) != ManifestNumberLen || !allDigits(t) {
		return 0, "", "", 0, fmt.Errorf("%w %q: must be 14 digits: year(4) province(2) city(2) serial(6), e.g. 20264101000123", ErrInvalidManifestNumber, s)
	}
	year, _ = strconv.Atoi(t[:4])
	province, city = t[4:6], t[6:8]
	serial, _ = strconv.Atoi(t[8:])
	if _, err := MakeManifestNumber(year, province, city, serial); err != nil {
		return 0, "", "", 0, fmt.Errorf("%w (in %q)", err, s)
	}
	return year, province, city, serial, nil
}

func checkArea(what, s string) error {
	if len(s) != 2 || !allDigits(s) || s == "00" {
		return fmt.Errorf("%w: %s code %q must be 2 digits 01..99", ErrInvalidManifestNumber, what, s)
	}
	return nil
}
