package httpx

import (
	"archive/zip"
	"io"
	"strings"

	"github.com/hwledger/hwledger/ledger"
	"github.com/xuri/excelize/v2"
)

// Tables for the HJ 1259 exports (the 台账 and declarations): a sheet is a
// title, a heading row and rows of cells, each cell a string or a number.
// Rows are produced one at a time by the sheet's Rows function and written
// as they come: CSV through CSVWriter holds one row in memory, not the
// year; XLSX through excelize's StreamWriter holds each sheet's XML in
// memory up to 16 MB, then in a temporary file, and is zipped into the
// answer at the end.

// Sheet is one table of an export.
type Sheet struct {
	Name     string // the sheet's name (at most 31 characters)
	Title    string // written above the headings in XLSX
	Headings []string
	// Rows calls emit with each row in order; an error of emit ends it.
	Rows func(emit func(cells []any) error) error
}

// XLSXType is the media type of an XLSX workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// WriteCSVTable writes one sheet as CSV: the heading line, then the rows,
// every cell through the formula guard.
func WriteCSVTable(w io.Writer, s Sheet) error {
	cw := NewCSVWriter(w)
	if err := cw.Write(s.Headings); err != nil {
		return err
	}
	rec := make([]string, len(s.Headings))
	if err := s.Rows(func(cells []any) error {
		for i := range rec {
			rec[i] = ""
			if i < len(cells) {
				rec[i] = ledger.CellText(cells[i])
			}
		}
		return cw.Write(rec)
	}); err != nil {
		return err
	}
	return cw.Flush()
}

// WriteXLSX writes the sheets as one workbook, each streamed: title in
// row 1, headings in row 2, then the rows. Strings are written as text
// (never as formulas), numbers as numbers.
func WriteXLSX(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		name := sheetName(s.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		if err := sw.SetRow("A1", []any{s.Title}); err != nil {
			return err
		}
		head := make([]any, len(s.Headings))
		for j, h := range s.Headings {
			head[j] = h
		}
		if err := sw.SetRow("A2", head); err != nil {
			return err
		}
		row := 3
		if err := s.Rows(func(cells []any) error {
			cell, err := excelize.CoordinatesToCellName(1, row)
			if err != nil {
				return err
			}
			row++
			return sw.SetRow(cell, cells)
		}); err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	// Zip the workbook straight into w: excelize's Write builds the whole
	// file in a buffer first. Its buffer stays empty here (the zip64
	// header fix-up it applies to that buffer concerns parts over 4 GB).
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err := f.WriteToBuffer()
	return err
}

// sheetName makes a valid sheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// BookSheet is the sheet of one record type of a party's 台账: rows
// produces the records (Service.LedgerBook), written in the standard's
// columns.
func BookSheet(record string, rows func(fn func(ledger.BookRow) error) error) Sheet {
	cols := ledger.BookColumns[record]
	return Sheet{Name: ledger.BookTitles[record].En, Title: ledger.BookTitles[record].Zh, Headings: ledger.Headings(cols),
		Rows: func(emit func([]any) error) error {
			n := 0
			cells := make([]any, len(cols))
			return rows(func(r ledger.BookRow) error {
				n++
				for i, c := range cols {
					cells[i] = c.Cell(n, &r)
				}
				return emit(cells)
			})
		}}
}

// DeclarationSheet is a declaration's figures as table C.1, C.2 or C.3.
func DeclarationSheet(kind, table, title string, fig *ledger.DeclarationFigures) Sheet {
	cols := ledger.DeclarationColumns(kind)
	return Sheet{Name: table, Title: title, Headings: ledger.Headings(cols),
		Rows: func(emit func([]any) error) error {
			for n, l := range fig.Lines() {
				cells := make([]any, len(cols))
				for i, c := range cols {
					cells[i] = c.Cell(n+1, &l)
				}
				if err := emit(cells); err != nil {
					return err
				}
			}
			return nil
		}}
}
