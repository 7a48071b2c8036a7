package httpx

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/hwledger/hwledger/ledger"
)

func TestGuardCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("https://evil.example","x")`: `'=HYPERLINK("https://evil.example","x")`,
		"+1+cmd|' /C calc'!A0":                   "'+1+cmd|' /C calc'!A0",
		"-2+3":                                   "'-2+3",
		"@SUM(A1:A9)":                            "'@SUM(A1:A9)",
		"\t=1":                                   "'\t=1",
		"\r=1":                                   "'\r=1",
		"-":                                      "'-",
		"-1.5":                                   "-1.5",
		"+2e3":                                   "+2e3",
		"-0.25E-2":                               "-0.25E-2",
		"12.5":                                   "12.5",
		"顺达汽修":                                   "顺达汽修",
		"a=b":                                    "a=b",
		"":                                       "",
	} {
		if got := GuardCell(in); got != want {
			t.Errorf("GuardCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAssessmentCSVGuardsNames: a party named like a formula is text in
// the assessment CSV; the figures are written as the JSON writes them.
func TestAssessmentCSVGuardsNames(t *testing.T) {
	var b bytes.Buffer
	rows := []ledger.AssessRow{{Group: "p1", Name: `=HYPERLINK("https://evil.example","x")`, Street: "@南关",
		Score: 92.5, Rank: 1, DisposalRate: 1}}
	if err := AssessmentCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v: %q", err, recs)
	}
	col := map[string]string{}
	for i, h := range recs[0] {
		col[h] = recs[1][i]
	}
	for k, want := range map[string]string{"group": "p1", "name": `'=HYPERLINK("https://evil.example","x")`,
		"street": "'@南关", "score": "92.5", "rank": "1", "disposal_rate": "1"} {
		if col[k] != want {
			t.Errorf("column %s = %q, want %q", k, col[k], want)
		}
	}
	if recs[0][0] != "group" || recs[0][len(recs[0])-1] == "" {
		t.Errorf("header %q", recs[0])
	}
}
