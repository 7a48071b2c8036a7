package proj

import (
	"encoding/binary"
	"fmt"
)

// Filings: the management plans and declarations (申报) parties file.
// Each filing is a record of its own (JSON, the domain's) and one entry in
// the versions of its party and year (plans) or period (declarations):
// filing again adds a version, nothing is edited.

// PlanKey is the key of plan id's record.
func PlanKey(id string) []byte { return []byte(prefixPlan + id) }

// DeclarationKey is the key of declaration id's record.
func DeclarationKey(id string) []byte { return []byte(prefixDeclaration + id) }

// PlanVersionKey is the key holding the id of version n of party's plan
// for year.
func PlanVersionKey(party string, year, n int) []byte {
	return binary.BigEndian.AppendUint64([]byte(fmt.Sprintf("%s%s/%04d/", prefixPlanVersion, party, year)), uint64(n))
}

// DeclarationVersionKey is the key holding the id of version n of party's
// declaration for period ("2026-10", "2026-Q3", "2026").
func DeclarationVersionKey(party, period string, n int) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixDeclVersion+party+"/"+period+"/"), uint64(n))
}

// EachPlanVersion calls fn with the id of every version of party's plans,
// by year then version; with year 0, of every year.
func EachPlanVersion(s Store, party string, year int, fn func(year, version int, id string) error) error {
	p := prefixPlanVersion + party + "/"
	if year != 0 {
		p += fmt.Sprintf("%04d/", year)
	}
	base := len(prefixPlanVersion) + len(party) + 1
	return s.Scan([]byte(p), func(k, v []byte) error {
		if len(k) != base+5+8 {
			return fmt.Errorf("corrupt plan version key %q", k)
		}
		var y int
		if _, err := fmt.Sscanf(string(k[base:base+4]), "%04d", &y); err != nil {
			return fmt.Errorf("corrupt plan version key %q", k)
		}
		return fn(y, int(fromBe64(k[base+5:])), string(v))
	})
}

// EachDeclarationVersion calls fn with the id of every version of party's
// declarations, by period then version; with period "", of every period.
func EachDeclarationVersion(s Store, party, period string, fn func(period string, version int, id string) error) error {
	p := prefixDeclVersion + party + "/"
	if period != "" {
		p += period + "/"
	}
	base := len(prefixDeclVersion) + len(party) + 1
	return s.Scan([]byte(p), func(k, v []byte) error {
		rest := k[base:]
		if len(rest) < 10 || rest[len(rest)-9] != '/' {
			return fmt.Errorf("corrupt declaration version key %q", k)
		}
		return fn(string(rest[:len(rest)-9]), int(fromBe64(rest[len(rest)-8:])), string(v))
	})
}
