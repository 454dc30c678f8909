package booking

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/coretax/coretax/internal/errs"
)

// table is a CSV file read whole: its header and its records with the line
// each starts on.
type table struct {
	header []string
	index  map[string]int // normalised header name → column
	rows   []record
}

type record struct {
	line   int
	fields []string
}

// normName folds a header name for lookup: lower case, trimmed, inner
// spaces collapsed. Exports differ in case between versions ("Confirmation
// Code", "Confirmation code").
func normName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// sniffDelimiter picks the field separator from the header line: Excel in
// many European and Indonesian locales saves CSV with ';', and some exports
// use tabs.
func sniffDelimiter(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	best, n := ',', bytes.Count(line, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(line, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

// readTable parses data as CSV. A file that is not CSV, or that has no
// header, is an Invalid error; rows with a different number of fields are
// kept and reported by the row reader. A file with quotes after spaces
// (Booking.com's payout file pads its cells: `, "Villa Segara",`) is read
// again leniently; a quote that is never closed is an error, since it
// would swallow every row after it.
func readTable(data []byte) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	t, err := parseTable(data, false)
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
		t, err = parseTable(data, true)
	}
	if errors.As(err, &pe) {
		return nil, errs.Errorf(errs.Invalid, "line %d is not valid CSV: %v; save the export again as CSV (comma-separated, UTF-8)", pe.Line, pe.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if t.header == nil {
		return nil, errs.E(errs.Invalid, "the file is empty; export the bookings again and choose CSV")
	}
	return t, nil
}

func parseTable(data []byte, lenient bool) (*table, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffDelimiter(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = lenient
	r.TrimLeadingSpace = lenient
	t := &table{index: map[string]int{}}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if t.header == nil {
			t.header = rec
			for i, h := range rec {
				if k := normName(h); k != "" {
					if _, dup := t.index[k]; !dup {
						t.index[k] = i
					}
				}
			}
			continue
		}
		t.rows = append(t.rows, record{line: line, fields: rec})
	}
}

// col returns the column of the first of names the header has, or -1.
func (t *table) col(names ...string) int {
	for _, n := range names {
		if i, ok := t.index[normName(n)]; ok {
			return i
		}
	}
	return -1
}

// column is a column a format reads: its name as the export writes it and
// the other names the same column has had.
type column struct {
	name    string
	aliases []string
}

func (c column) names() []string { return append([]string{c.name}, c.aliases...) }

// require checks that the header has every column; the error names the
// format, each missing column and what the header holds.
func (t *table) require(f Format, cols ...column) error {
	var fs errs.Fields
	for _, c := range cols {
		if t.col(c.names()...) < 0 {
			fs.Add(c.name, "", "column missing from the header; the %s export has a column named %q", f.Title(), c.name)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return errs.InvalidFields(fmt.Sprintf("the header is not that of the %s export (it has: %s)", f.Title(), strings.Join(t.header, ", ")), fs...)
}

// cells reads one record with the table's column names; it collects the
// record's problems as RowErrors.
type cells struct {
	t    *table
	rec  record
	errs []RowError
}

// get returns the trimmed value of the column named by c ("" when the file
// has no such column or the row is short).
func (r *cells) get(c column) string {
	i := r.t.col(c.names()...)
	if i < 0 || i >= len(r.rec.fields) {
		return ""
	}
	v := strings.TrimSpace(r.rec.fields[i])
	if v == "-" { // Booking.com's payout file writes "-" for an empty cell
		return ""
	}
	return v
}

// fail records a problem with a cell. msg states the rule and the fix.
func (r *cells) fail(c column, value, format string, args ...any) {
	r.errs = append(r.errs, RowError{Row: r.rec.line, Column: c.name, Value: value, Message: fmt.Sprintf(format, args...)})
}

// blank reports whether every field of the record is empty.
func (r *cells) blank() bool {
	for _, f := range r.rec.fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// values returns every value of the columns cs, for date-order detection.
func (t *table) values(cs ...column) []string {
	var out []string
	for _, c := range cs {
		i := t.col(c.names()...)
		if i < 0 {
			continue
		}
		for _, rec := range t.rows {
			if i < len(rec.fields) {
				out = append(out, rec.fields[i])
			}
		}
	}
	return out
}

// has reports whether the header has column c.
func (t *table) has(c column) bool { return t.col(c.names()...) >= 0 }
