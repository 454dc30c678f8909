// Package sheet turns a spreadsheet of invoice lines (CSV or XLSX) into
// e-Faktur invoices, so that a seller without an ERP can prepare the
// Coretax bulk-upload XML from a sheet. It reads the sheet into cells
// (Read, ReadCSV, ReadXLSX), converts the cells into efaktur.Invoice values
// (Convert), and maps the problems the validator finds in the written file
// back to the sheet's rows and columns (Conversion.Locate).
//
// Every error names the row as a spreadsheet shows it (1-based), the
// column by letter and header, the value and the fix. doc/efaktur-cli.md
// lists the columns.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sheet is a table as read from a file: its non-empty rows in order.
type Sheet struct {
	Rows []Row
	// Date1904 is set for an XLSX workbook that counts serial dates from
	// 1 January 1904 (the old Mac Excel date system) instead of 1900.
	Date1904 bool
}

// Row is one row of a sheet.
type Row struct {
	Number int    // 1-based, as a spreadsheet shows it
	Cells  []Cell // Cells[0] is column A
}

// Cell is the content of one cell.
type Cell struct {
	Text string
	// Number is set when an XLSX cell holds a number rather than text: a
	// date is then a serial day number, and leading zeros are lost.
	Number bool
}

// MaxCells bounds the number of cells a sheet may hold (empty cells before
// the last non-empty one in a row count), so that a small compressed file
// cannot claim unbounded memory. 5,000,000 cells is 100,000 invoice lines
// of 50 columns.
const MaxCells = 5_000_000

// ReadError reports a file that cannot be read as a sheet at all: not CSV,
// not an XLSX workbook, or too large. Row is 0 when the problem is not in
// a row.
type ReadError struct {
	Row int
	Msg string
}

func (e *ReadError) Error() string {
	if e.Row > 0 {
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	}
	return e.Msg
}

// Read reads a CSV or XLSX sheet, telling them apart by content: an XLSX
// file is a ZIP archive. An XLS file (Excel 97-2003) is refused with the
// advice to save it as XLSX or CSV.
func Read(r io.Reader) (*Sheet, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(8)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		return ReadXLSX(bytes.NewReader(data), int64(len(data)))
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, &ReadError{Msg: "this is an XLS file (Excel 97-2003), which is not read; save it as XLSX or as CSV UTF-8"}
	}
	return ReadCSV(br)
}

// ReadCSV reads a CSV sheet: UTF-8 with or without a byte-order mark,
// fields separated by commas or by semicolons (as spreadsheets write CSV
// in locales with a decimal comma), told apart by which of the two the
// first line holds more of outside quotes. Rows that are entirely empty
// are left out but keep their numbers counted.
func ReadCSV(r io.Reader) (*Sheet, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		if _, err := br.Discard(3); err != nil {
			return nil, err
		}
	}
	first, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	cr.Comma = delimiter(first)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	s := &Sheet{}
	cells := 0
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ReadError{Row: n, Msg: fmt.Sprintf("not valid CSV (line %d, column %d): %v; quote a value that holds the separator, a quote or a line break, and double the quotes inside it", pe.Line, pe.Column, pe.Err)}
			}
			return nil, err
		}
		row := Row{Number: n}
		empty := true
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return nil, &ReadError{Row: n, Msg: fmt.Sprintf("column %s is not UTF-8 text; save the sheet as CSV UTF-8", ColumnName(i))}
			}
			if strings.TrimSpace(f) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		cells += len(rec)
		if cells > MaxCells {
			return nil, &ReadError{Row: n, Msg: fmt.Sprintf("the sheet has more than %d cells; split it into several files", MaxCells)}
		}
		row.Cells = make([]Cell, len(rec))
		for i, f := range rec {
			row.Cells[i] = Cell{Text: f}
		}
		s.Rows = append(s.Rows, row)
	}
}

// delimiter picks ';' when the first line holds more semicolons than
// commas outside quotes, ',' otherwise.
func delimiter(b []byte) rune {
	commas, semis := 0, 0
	quoted := false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// ColumnName returns the spreadsheet name of the 0-based column i: A, B,
// …, Z, AA, AB, ….
func ColumnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// columnIndex reads the letters of a cell reference ("AB12") and returns
// the 0-based column and the rest; ok is false when there are no letters
// or the column is beyond XFD, the last one spreadsheets have.
func columnIndex(ref string) (col int, rest string, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxColumns {
			return 0, "", false
		}
		i++
	}
	if i == 0 {
		return 0, "", false
	}
	return col - 1, ref[i:], true
}

// maxColumns and maxRows are the limits of XLSX (column XFD, row 1048576).
const (
	maxColumns = 16384
	maxRows    = 1048576
)
