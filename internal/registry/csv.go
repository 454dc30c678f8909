package registry

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

// utf8BOM starts files saved as "UTF-8 with BOM", as spreadsheets do.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// readCSV reads a CSV import file into b. The first line is the header.
// The delimiter is a comma, or a semicolon when the header has semicolons
// and no commas (spreadsheets in Indonesian locale save with semicolons).
// It returns the number of data rows read.
func readCSV(in io.Reader, kind Kind, b builder, p *problems) (int, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return 0, fmt.Errorf("read %s CSV: %w", kind, err)
		}
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(br)
	cr.FieldsPerRecord = -1 // counted here, to name the line in the message
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		p.fileProblem(1, "", "", "the file is empty; the first line must be the header: %s", strings.Join(columnNames(Columns(kind)), ","))
		return 0, nil
	case err != nil:
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			p.fileProblem(pe.Line, "header", "", "is not valid CSV: %v", pe.Err)
			return 0, nil
		}
		return 0, fmt.Errorf("read %s CSV header: %w", kind, err)
	}
	line, _ := cr.FieldPos(0) // empty lines before the header are skipped
	cols := csvHeader(header, line, kind, p)
	if cols == nil {
		return 0, nil
	}
	rows := 0
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			pe := (*csv.ParseError)(nil)
			if !errors.As(err, &pe) {
				return rows, fmt.Errorf("read %s CSV: %w", kind, err)
			}
			rows++
			p.addRow(&row{line: pe.StartLine},
				"is not valid CSV (%v); enclose a value that contains the delimiter, a quote or a line break in double quotes, and double every quote inside it", pe.Err)
			continue
		}
		rows++
		line, _ = cr.FieldPos(0)
		r := &row{cols: cols, fields: fields, line: line}
		if len(fields) != len(header) {
			p.addRow(r, "has %d values but the header has %d columns; check for a missing or extra delimiter, and quote values that contain one", len(fields), len(header))
			continue
		}
		b.add(r, p)
	}
}

// sniffDelimiter looks at the first line: a semicolon when it has
// semicolons and no commas, else a comma.
func sniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.IndexByte(head, ';') >= 0 && bytes.IndexByte(head, ',') < 0 {
		return ';'
	}
	return ','
}

// csvHeader checks the header row, on the given line, and returns the index of each column by
// name, or nil after recording the problems of a bad header. Names are
// matched without regard to case or surrounding spaces.
func csvHeader(header []string, line int, kind Kind, p *problems) map[string]int {
	known := Columns(kind)
	names := columnNames(known)
	cols := make(map[string]int, len(header))
	bad := false
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			p.fileProblem(line, "header", h, "column %d has no name; name it or remove the empty column (a delimiter at the end of the header adds one)", i+1)
			bad = true
		case !slices.Contains(names, name):
			p.fileProblem(line, "header", h, "%s", unknownMessage(kind, "column", names))
			bad = true
		default:
			if j, dup := cols[name]; dup {
				p.fileProblem(line, "header", h, "is both column %d and column %d; keep one", j+1, i+1)
				bad = true
			}
			cols[name] = i
		}
	}
	var missing []string
	for _, c := range known {
		if _, ok := cols[c.Name]; c.Required && !ok {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		p.fileProblem(line, "header", "", "lacks the required column(s) %s; the %s columns are %s", strings.Join(missing, ", "), kind, strings.Join(names, ", "))
		bad = true
	}
	if bad {
		return nil
	}
	return cols
}
