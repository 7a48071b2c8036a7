package catalog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// row is one CSV record with the line it started on.
type row struct {
	line   int
	fields []string
}

// readRows reads CSV from r: '#' lines are comments, fields are trimmed, a
// leading UTF-8 BOM is dropped, blank records are skipped, and a first
// record whose first field contains no digit is taken as a header and
// skipped. name is used in error messages.
func readRows(r io.Reader, name string) ([]row, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []row
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\uFEFF"))
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		header := first && !strings.ContainsAny(rec[0], "0123456789")
		first = false
		if header {
			continue
		}
		rows = append(rows, row{line: line, fields: rec})
	}
}
