package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
)

// maxPart bounds the uncompressed size of one part of an XLSX archive.
const maxPart = 256 << 20

// ReadXLSX reads the first worksheet of an XLSX workbook (Office Open XML,
// ECMA-376 Part 1 §18): shared strings, inline strings, formula results
// and numbers. Numbers are written as the shortest decimal that keeps the
// 15 significant digits a spreadsheet shows, so 0.30000000000000004 is
// read as 0.3. Styles are not read, so a date cell is a serial day number
// (Cell.Number), which Convert turns into a date in the date column.
func ReadXLSX(r io.ReaderAt, size int64) (*Sheet, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &ReadError{Msg: fmt.Sprintf("not an XLSX workbook (%v); save the sheet as XLSX or as CSV UTF-8", err)}
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	s := &Sheet{}
	sheetPath, err := firstSheet(files, s)
	if err != nil {
		return nil, err
	}
	var shared []string
	if f := files["xl/sharedStrings.xml"]; f != nil {
		if shared, err = readSharedStrings(f); err != nil {
			return nil, err
		}
	}
	f := files[sheetPath]
	if f == nil {
		return nil, &ReadError{Msg: fmt.Sprintf("not an XLSX workbook: the first worksheet %s is missing", sheetPath)}
	}
	if err := readWorksheet(f, shared, s); err != nil {
		return nil, err
	}
	return s, nil
}

// openPart opens a part of the archive as an XML decoder reading at most
// maxPart bytes.
func openPart(f *zip.File) (*xml.Decoder, io.Closer, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, &ReadError{Msg: fmt.Sprintf("not an XLSX workbook: %s: %v", f.Name, err)}
	}
	dec := xml.NewDecoder(&limitReader{r: rc, n: maxPart, name: f.Name})
	dec.Strict = true
	return dec, rc, nil
}

// limitReader fails, rather than stopping quietly, after n bytes.
type limitReader struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, &ReadError{Msg: fmt.Sprintf("%s is larger than %d MiB uncompressed; split the sheet", l.name, maxPart>>20)}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func partError(f *zip.File, err error) error {
	var re *ReadError
	if errors.As(err, &re) {
		return re
	}
	return &ReadError{Msg: fmt.Sprintf("not an XLSX workbook: %s: %v", f.Name, err)}
}

const relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// firstSheet returns the path of the workbook's first worksheet, reading
// xl/workbook.xml and its relationships, and records the date system.
func firstSheet(files map[string]*zip.File, s *Sheet) (string, error) {
	wb := files["xl/workbook.xml"]
	if wb == nil {
		return "", &ReadError{Msg: "not an XLSX workbook: xl/workbook.xml is missing; save the sheet as XLSX or as CSV UTF-8"}
	}
	dec, c, err := openPart(wb)
	if err != nil {
		return "", err
	}
	defer c.Close()
	id := ""
	for id == "" {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", partError(wb, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					s.Date1904 = a.Value == "1" || a.Value == "true"
				}
			}
		case "sheet":
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space == relNS {
					id = a.Value
				}
			}
			if id == "" {
				return "", &ReadError{Msg: "not an XLSX workbook: the first sheet in xl/workbook.xml has no r:id"}
			}
		}
	}
	if id == "" {
		return "", &ReadError{Msg: "the workbook has no worksheet"}
	}
	rels := files["xl/_rels/workbook.xml.rels"]
	if rels == nil {
		return "", &ReadError{Msg: "not an XLSX workbook: xl/_rels/workbook.xml.rels is missing"}
	}
	dec, c2, err := openPart(rels)
	if err != nil {
		return "", err
	}
	defer c2.Close()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return "", &ReadError{Msg: fmt.Sprintf("not an XLSX workbook: the first sheet's relationship %s is missing", id)}
		}
		if err != nil {
			return "", partError(rels, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		var rid, target string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				rid = a.Value
			case "Target":
				target = a.Value
			}
		}
		if rid != id {
			continue
		}
		if strings.HasPrefix(target, "/") {
			return path.Clean(target[1:]), nil
		}
		return path.Join("xl", target), nil
	}
}

// readSharedStrings reads the shared-string table (ECMA-376 §18.4): each
// <si> holds a <t> or rich-text runs <r><t>; phonetic runs <rPh> are not
// part of the text.
func readSharedStrings(f *zip.File) ([]string, error) {
	dec, c, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []string
	var b strings.Builder
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, partError(f, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				b.Reset()
			case "rPh":
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(out) >= MaxCells {
					return nil, &ReadError{Msg: fmt.Sprintf("the workbook has more than %d shared strings; split it", MaxCells)}
				}
				out = append(out, b.String())
				inSI = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// rawCell is a <c> element as read.
type rawCell struct {
	col     int
	typ     string
	value   strings.Builder // <v>
	inline  strings.Builder // <is>…<t>
	hasV    bool
	hasText bool
}

// readWorksheet reads the rows of a worksheet (ECMA-376 §18.3.1.73 row,
// §18.3.1.4 c). Rows and cells without an r attribute follow the previous
// one.
func readWorksheet(f *zip.File, shared []string, s *Sheet) error {
	dec, c, err := openPart(f)
	if err != nil {
		return err
	}
	defer c.Close()
	var (
		row              *Row
		cell             *rawCell
		lastRow, lastCol int
		inV, inT, inIS   bool
		phonetic         int
		cells            int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return partError(f, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := lastRow + 1
				if v := attr(t, "r"); v != "" {
					n, err = strconv.Atoi(v)
					if err != nil || n <= lastRow || n > maxRows {
						return &ReadError{Msg: fmt.Sprintf("not an XLSX workbook: %s has a row numbered %q after row %d", f.Name, v, lastRow)}
					}
				}
				lastRow, lastCol = n, -1
				row = &Row{Number: n}
			case "c":
				if row == nil {
					continue
				}
				col := lastCol + 1
				if ref := attr(t, "r"); ref != "" {
					var rest string
					var ok bool
					col, rest, ok = columnIndex(ref)
					if !ok || rest != strconv.Itoa(row.Number) || col <= lastCol {
						return &ReadError{Row: row.Number, Msg: fmt.Sprintf("not an XLSX workbook: %s has a cell %q out of place in row %d", f.Name, ref, row.Number)}
					}
				}
				if col >= maxColumns {
					return &ReadError{Row: row.Number, Msg: "a cell lies beyond column XFD"}
				}
				lastCol = col
				cell = &rawCell{col: col, typ: attr(t, "t")}
			case "v":
				inV = cell != nil
				if inV {
					cell.hasV = true
				}
			case "is":
				inIS = cell != nil
			case "rPh":
				phonetic++
			case "t":
				inT = inIS && phonetic == 0
				if inT {
					cell.hasText = true
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if row != nil && len(row.Cells) > 0 {
					s.Rows = append(s.Rows, *row)
				}
				row = nil
			case "c":
				if cell == nil || row == nil {
					continue
				}
				v, err := cell.resolve(shared)
				if err != nil {
					return &ReadError{Row: row.Number, Msg: fmt.Sprintf("cell %s%d: %v", ColumnName(cell.col), row.Number, err)}
				}
				if strings.TrimSpace(v.Text) != "" {
					cells += cell.col + 1 - len(row.Cells)
					if cells > MaxCells {
						return &ReadError{Row: row.Number, Msg: fmt.Sprintf("the sheet has more than %d cells; split it into several files", MaxCells)}
					}
					for len(row.Cells) < cell.col {
						row.Cells = append(row.Cells, Cell{})
					}
					row.Cells = append(row.Cells, v)
				}
				cell = nil
			case "v":
				inV = false
			case "is":
				inIS = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			switch {
			case inV:
				cell.value.Write(t)
			case inT:
				cell.inline.Write(t)
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// resolve returns the cell's text by its type (ECMA-376 §18.18.11
// ST_CellType).
func (c *rawCell) resolve(shared []string) (Cell, error) {
	v := strings.TrimSpace(c.value.String())
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(shared) {
			return Cell{}, fmt.Errorf("shared string %q does not exist", v)
		}
		return Cell{Text: shared[i]}, nil
	case "inlineStr":
		if c.hasText {
			return Cell{Text: c.inline.String()}, nil
		}
		return Cell{Text: c.value.String()}, nil
	case "str", "e", "d":
		// A formula's text result, an error value such as #DIV/0!, or an
		// ISO 8601 date.
		return Cell{Text: c.value.String()}, nil
	case "b":
		if v == "1" {
			return Cell{Text: "TRUE"}, nil
		}
		return Cell{Text: "FALSE"}, nil
	case "", "n":
		if v == "" {
			return Cell{}, nil
		}
		n, err := number(v)
		if err != nil {
			return Cell{}, err
		}
		return Cell{Text: n, Number: true}, nil
	}
	return Cell{}, fmt.Errorf("unknown cell type %q", c.typ)
}

// number writes the double v as a spreadsheet shows it: at most 15
// significant digits (IEEE 754 doubles as Excel displays them), in plain
// decimal notation. Only the text goes further; amounts are parsed from it
// into sen.
func number(v string) (string, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("%q is not a number", v)
	}
	f, err = strconv.ParseFloat(strconv.FormatFloat(f, 'e', 14, 64), 64)
	if err != nil {
		return "", fmt.Errorf("%q is not a number", v)
	}
	if f == 0 {
		return "0", nil
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}
