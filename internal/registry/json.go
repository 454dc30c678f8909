package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// readJSON reads a JSON import file into b: an array of objects whose
// members are named like the CSV columns; a company nests its officers in
// an "officers" array. It returns the number of array elements read.
func readJSON(in io.Reader, kind Kind, b builder, p *problems) (int, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return 0, fmt.Errorf("read %s JSON: %w", kind, err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	src := &lineIndex{data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	shape := fmt.Sprintf("a JSON array of objects, [{...}, {...}], with the %s members %s", kind, strings.Join(jsonMembers(kind), ", "))

	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		p.fileProblem(1, "", "", "the file is empty; it must be %s", shape)
		return 0, nil
	case err != nil:
		p.fileProblem(src.line(syntaxOffset(err, dec)), "", "", "is not valid JSON (%v); the file must be %s", err, shape)
		return 0, nil
	case tok != json.Delim('['):
		p.fileProblem(src.line(int(dec.InputOffset())), "", "", "the file must be %s", shape)
		return 0, nil
	}
	rows := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			p.fileProblem(src.line(syntaxOffset(err, dec)), "", "", "is not valid JSON (%v); the elements read before this line are fine", err)
			return rows, nil
		}
		start := int(dec.InputOffset()) - len(raw)
		r := jsonObject(raw, start, fmt.Sprintf("[%d]", rows), src, kind, "member", jsonMembers(kind), p)
		rows++
		if r != nil {
			b.add(r, p)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		p.fileProblem(src.line(syntaxOffset(err, dec)), "", "", "is not valid JSON (%v); the array must end with ]", err)
		return rows, nil
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		p.fileProblem(src.line(int(dec.InputOffset())), "", "", "there is more after the array's closing ]; the file must hold one array")
	}
	return rows, nil
}

// syntaxOffset returns where the decoder failed.
func syntaxOffset(err error, dec *json.Decoder) int {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return int(se.Offset)
	}
	return int(dec.InputOffset())
}

// jsonMembers returns the members of an element of a registry's file.
func jsonMembers(kind Kind) []string {
	if kind == KindCompany {
		return companyMembers
	}
	return columnNames(Columns(kind))
}

// jsonObject turns an object that starts at offset base of the file into
// a row. members are the names allowed in it, what names them in messages
// ("member", "officer member"). It returns nil when the value is not an
// object.
func jsonObject(raw []byte, base int, path string, src *lineIndex, kind Kind, what string, members []string, p *problems) *row {
	r := &row{
		path:    path,
		src:     src,
		line:    src.line(base),
		values:  map[string]string{},
		offsets: map[string]int{},
	}
	if raw[0] != '{' {
		p.addRow(r, "must be a JSON object {...} with the members %s", strings.Join(members, ", "))
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	if _, err := d.Token(); err != nil { // the opening brace
		p.addRow(r, "is not valid JSON: %v", err)
		return nil
	}
	for d.More() {
		t, err := d.Token()
		key, ok := t.(string)
		var v json.RawMessage
		if err == nil && ok {
			err = d.Decode(&v)
		}
		if err != nil || !ok {
			// raw was decoded once already, so this does not happen.
			p.addRow(r, "is not a valid JSON object")
			return nil
		}
		off := base + int(d.InputOffset()) - len(v)
		if _, dup := r.offsets[key]; dup {
			p.addAt(r, src.line(off), fmt.Sprintf("line %d: %s.%s", src.line(off), path, key), "", "appears twice in the object; keep one")
			continue
		}
		r.offsets[key] = off
		switch {
		case !slices.Contains(members, key):
			p.add(r, key, "", "%s", unknownMessage(kind, what, members))
		case key == "officers":
			r.officers = jsonOfficers(r, v, off, p)
		case string(v) == "null":
			// Absent.
		case v[0] == '"':
			r.values[key] = strings.TrimSpace(jsonString(v))
		default:
			if r.others == nil {
				r.others = map[string]string{}
			}
			r.others[key] = string(v)
		}
	}
	return r
}

// jsonOfficers reads the "officers" member of a company, v at offset base.
func jsonOfficers(company *row, v json.RawMessage, base int, p *problems) []*row {
	if string(v) == "null" {
		return nil
	}
	if v[0] != '[' {
		p.add(company, "officers", string(v), "must be an array of officer objects with the members %s, or [] for none", strings.Join(officerMembers, ", "))
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(v))
	if _, err := d.Token(); err != nil {
		return nil
	}
	var out []*row
	for i := 0; d.More(); i++ {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return out // v was decoded once already, so this does not happen.
		}
		start := base + int(d.InputOffset()) - len(raw)
		path := fmt.Sprintf("%s.officers[%d]", company.path, i)
		if o := jsonObject(raw, start, path, company.src, KindCompany, "officer member", officerMembers, p); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// jsonString decodes a JSON string literal. Invalid UTF-8 is kept as it is,
// for the text rules to report.
func jsonString(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return string(v[1 : len(v)-1])
	}
	return s
}
