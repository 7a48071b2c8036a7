package catalog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// table is a CSV file read by [readTable].
type table struct {
	meta map[string]string // from the leading "# key: value" lines
	rows []row
}

// row is one CSV record, its fields in the order of the columns asked for,
// with the line it started on.
type row struct {
	line   int
	fields []string
}

// metaKeys are the keys a leading "# key: value" line may set.
var metaKeys = []string{"edition", "in_force", "source"}

// readTable reads RFC 4180 CSV from r. Leading lines "# key: value" with a
// key of [metaKeys] set meta; other '#' lines are comments. A UTF-8 BOM is
// dropped, fields are trimmed and blank lines skipped. The first record is
// the header: it must name every one of columns, in any order, and nothing
// else. name (the file) is used in error messages, which give line numbers.
func readTable(r io.Reader, name string, columns []string) (table, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		_, _ = br.Discard(3)
	}
	t := table{meta: map[string]string{}}
	skipped := 0 // lines read before the CSV reader starts
	for {
		b, err := br.Peek(1)
		if err != nil || b[0] != '#' {
			break
		}
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return t, fmt.Errorf("catalog: %s: %w", name, err)
		}
		skipped++
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if k = strings.TrimSpace(k); ok && slices.Contains(metaKeys, k) {
			if _, dup := t.meta[k]; dup {
				return t, fmt.Errorf("catalog: %s:%d: %q given twice", name, skipped, k)
			}
			t.meta[k] = strings.TrimSpace(v)
		}
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	var index []int // index[i] is the field holding columns[i]
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				pe.StartLine += skipped
				pe.Line += skipped
			}
			return t, fmt.Errorf("catalog: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		line += skipped
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if index == nil {
			if index, err = headerIndex(rec, columns); err != nil {
				return t, fmt.Errorf("catalog: %s:%d: %w", name, line, err)
			}
			continue
		}
		if len(rec) != len(columns) {
			return t, fmt.Errorf("catalog: %s:%d: want %d fields %s, got %d", name, line, len(columns), strings.Join(columns, ","), len(rec))
		}
		fields := make([]string, len(columns))
		for i, j := range index {
			fields[i] = rec[j]
		}
		t.rows = append(t.rows, row{line: line, fields: fields})
	}
	if index == nil {
		return t, fmt.Errorf("catalog: %s: no header: the first row must name the columns %s", name, strings.Join(columns, ","))
	}
	return t, nil
}

// headerIndex maps each of columns to its position in the header rec.
func headerIndex(rec, columns []string) ([]int, error) {
	index := make([]int, len(columns))
	for i, c := range columns {
		j := slices.Index(rec, c)
		if j < 0 {
			return nil, fmt.Errorf("header %q has no column %q: want the columns %s", strings.Join(rec, ","), c, strings.Join(columns, ","))
		}
		index[i] = j
	}
	for _, h := range rec {
		if !slices.Contains(columns, h) {
			return nil, fmt.Errorf("header %q has unknown column %q: want the columns %s", strings.Join(rec, ","), h, strings.Join(columns, ","))
		}
	}
	if len(rec) != len(columns) {
		return nil, fmt.Errorf("header %q names a column twice: want the columns %s", strings.Join(rec, ","), strings.Join(columns, ","))
	}
	return index, nil
}
