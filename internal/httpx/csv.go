package httpx

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// CSVWriter writes CSV for spreadsheet programs. Every cell passes the
// formula guard: a cell that starts with = + - @, a tab or a carriage
// return is written with a leading apostrophe, so a spreadsheet shows it as
// text instead of running it (a party named "=HYPERLINK(...)" stays a name).
// A cell that is a plain decimal number ("-1.5", "+2e3") is a number, not a
// formula, and is written as is. Every CSV the server writes goes through it.
type CSVWriter struct{ w *csv.Writer }

// NewCSVWriter writes to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{csv.NewWriter(w)} }

// Write writes one record, each cell guarded.
func (c *CSVWriter) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = GuardCell(s)
	}
	return c.w.Write(safe)
}

// Flush writes what is buffered and reports any error of the writes.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// GuardCell is the formula guard of CSVWriter for one cell.
func GuardCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || isNumber(s) {
		return s
	}
	return "'" + s
}

// isNumber reports whether s is [+-]digits[.digits][(e|E)[+-]digits].
func isNumber(s string) bool {
	i := 0
	sign := func() {
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
	}
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	sign()
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		sign()
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// assessFirst orders the leading columns of AssessmentCSV; the other fields
// of a row follow, alphabetically.
var assessFirst = []string{"group", "key", "party", "party_id", "name", "street", "generated_kg", "medical_generated_kg", "due_kg", "due_batches",
	"disposed_kg", "disposal_rate", "medical_disposal_rate", "on_time_rate", "overdue_alerts", "open_alerts",
	"discrepancies", "avg_days_to_disposal", "score", "rank"}

// AssessmentCSV writes assessment rows as CSV with a header line: one
// column per JSON field of ledger.AssessRow, named and written as in the
// JSON answer (numbers and booleans exactly as JSON writes them, null as an
// empty cell), so the CSV and the JSON never disagree. The API's
// GET /assessment (Accept: text/csv) writes it; the web UI's ranking
// download is a table for people (Chinese headings, rates in %).
func AssessmentCSV(w io.Writer, rows []ledger.AssessRow) error {
	maps := make([]map[string]json.RawMessage, len(rows))
	cols := map[string]bool{}
	for i, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &maps[i]); err != nil {
			return err
		}
		for k := range maps[i] {
			cols[k] = true
		}
	}
	if len(rows) == 0 { // the header still names every column
		b, err := json.Marshal(ledger.AssessRow{})
		if err != nil {
			return err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for k := range m {
			cols[k] = true
		}
	}
	var header []string
	for _, k := range assessFirst {
		if cols[k] {
			header = append(header, k)
			delete(cols, k)
		}
	}
	rest := make([]string, 0, len(cols))
	for k := range cols {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	header = append(header, rest...)

	cw := NewCSVWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, m := range maps {
		rec := make([]string, len(header))
		for i, k := range header {
			rec[i] = jsonCell(m[k])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// jsonCell is one JSON value as a CSV cell: a string's text, a number or
// boolean as JSON writes it, null or absent as "".
func jsonCell(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
