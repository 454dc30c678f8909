package registry

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
)

// Batch is the content of a valid import file: the records of one
// registry, in file order.
type Batch struct {
	Kind Kind
	// Rows is the number of CSV data rows or JSON array elements read.
	Rows        int
	People      []Person
	Companies   []Company
	Immigration []ImmigrationRecord
}

// Records returns the number of records in the batch.
func (b Batch) Records() int {
	return len(b.People) + len(b.Companies) + len(b.Immigration)
}

// Parse reads and validates an import file of the given registry and
// format (see doc/registries.md). today is the current calendar day, which
// birth dates may not follow.
//
// When any value breaks a rule, Parse returns an errs.Invalid error whose
// fields list every problem, each named by its position in the file:
// "line 14: column birth_date" in a CSV file, "line 9: [3].birth_date" in
// a JSON file (the line of the member, then the array index and member).
// Errors reading r are returned as they are.
func Parse(kind Kind, format Format, r io.Reader, today time.Time) (Batch, error) {
	var b builder
	switch kind {
	case KindPopulation:
		b = &peopleBuilder{today: today, seen: map[string]string{}}
	case KindCompany:
		b = &companyBuilder{seen: map[string]*companyEntry{}}
	case KindImmigration:
		b = &immigrationBuilder{today: today, seen: map[immigrationKey]string{}}
	default:
		_, err := ParseKind(string(kind))
		return Batch{}, err
	}
	p := &problems{}
	var rows int
	var err error
	switch format {
	case CSV:
		rows, err = readCSV(r, kind, b, p)
	case JSON:
		rows, err = readJSON(r, kind, b, p)
	default:
		_, err = ParseFormat(string(format))
	}
	if err != nil {
		return Batch{Kind: kind, Rows: rows}, err
	}
	if err := p.err(kind, rows); err != nil {
		return Batch{Kind: kind, Rows: rows}, err
	}
	batch := Batch{Kind: kind, Rows: rows}
	b.fill(&batch)
	return batch, nil
}

// builder turns rows into records of one registry, reporting problems.
type builder interface {
	add(r *row, p *problems)
	fill(b *Batch)
}

// row is one CSV row or one JSON object (an array element, or an officer
// inside a company element), seen as text values by column name.
type row struct {
	// CSV: the header's column indexes and the row's fields.
	cols   map[string]int
	fields []string
	// prefix is put before names looked up in a CSV row: the officer
	// columns of a company row are read as a row of their own.
	prefix string

	// JSON: the members that are strings, those that are something else
	// (kept as JSON text), and the offset of every member's value.
	values  map[string]string
	others  map[string]string
	offsets map[string]int
	// officers holds a company element's officer objects.
	officers []*row

	// line is where the row starts: the CSV line, or the line of a JSON
	// object's opening brace.
	line int
	// path names a JSON object: "[3]" or "[3].officers[1]".
	path string
	// src maps JSON offsets to lines; nil for CSV.
	src *lineIndex
}

// get returns the trimmed value of a column or member; absent ones are
// empty.
func (r *row) get(name string) string {
	if r.cols != nil {
		i, ok := r.cols[r.prefix+name]
		if !ok || i >= len(r.fields) {
			return ""
		}
		return strings.TrimSpace(r.fields[i])
	}
	return r.values[name]
}

// has reports whether a column or member has a value: a non-empty text,
// or (JSON) a value that is not a string.
func (r *row) has(name string) bool {
	if _, ok := r.others[name]; ok {
		return true
	}
	return r.get(name) != ""
}

// lineOf returns the line of a column or member: the row's line in CSV,
// the line of the member's value in JSON.
func (r *row) lineOf(name string) int {
	if off, ok := r.offsets[name]; ok && r.src != nil {
		return r.src.line(off)
	}
	return r.line
}

// at names the position of a column or member for a problem report:
// "line 14: column birth_date" or "line 9: [3].birth_date".
func (r *row) at(name string) string {
	if r.src == nil {
		return fmt.Sprintf("line %d: column %s", r.line, r.prefix+name)
	}
	return fmt.Sprintf("line %d: %s.%s", r.lineOf(name), r.path, name)
}

// where names the row itself: "line 14" or "line 9: [3]".
func (r *row) where() string {
	if r.src == nil {
		return fmt.Sprintf("line %d", r.line)
	}
	return fmt.Sprintf("line %d: %s", r.line, r.path)
}

// problems collects what is wrong with a file.
type problems struct {
	list []problem
	// inFile is set by problems with the file as a whole.
	inFile bool
}

type problem struct {
	line int    // for sorting
	row  string // identifies the row, to count bad rows; "" for the file
	errs.FieldError
}

// add records a problem with a column or member of r.
func (p *problems) add(r *row, name, value, format string, args ...any) {
	p.addAt(r, r.lineOf(name), r.at(name), value, format, args...)
}

// addRow records a problem with the whole of r.
func (p *problems) addRow(r *row, format string, args ...any) {
	p.addAt(r, r.line, r.where(), "", format, args...)
}

func (p *problems) addAt(r *row, line int, at, value, format string, args ...any) {
	var key string
	if r == nil {
		p.inFile = true
	} else if r.src == nil {
		key = fmt.Sprint(r.line)
	} else {
		key, _, _ = strings.Cut(r.path, "]") // officers count with their company
	}
	p.list = append(p.list, problem{line: line, row: key, FieldError: errs.Field(at, value, format, args...)})
}

// fileProblem records a problem with the file as a whole at a line: with
// what is there ("header"), or with its syntax when what is empty.
func (p *problems) fileProblem(line int, what, value, format string, args ...any) {
	at := fmt.Sprintf("line %d", line)
	if what != "" {
		at += ": " + what
	}
	p.addAt(nil, line, at, value, format, args...)
}

// err returns nil when there are no problems, else an errs.Invalid error
// listing them in file order.
func (p *problems) err(kind Kind, rows int) error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].line < p.list[j].line })
	fields := make(errs.Fields, len(p.list))
	bad := map[string]bool{}
	for i, pr := range p.list {
		fields[i] = pr.FieldError
		if pr.row != "" {
			bad[pr.row] = true
		}
	}
	what := fmt.Sprintf("%d of %d rows have errors", len(bad), rows)
	if len(bad) == 1 {
		what = fmt.Sprintf("1 of %d rows has errors", rows)
	}
	if p.inFile {
		what = "the file has errors"
	}
	return fields.Err(fmt.Sprintf("%s import rejected: %s; nothing was stored. Correct every problem listed and import the whole file again", kind, what))
}

// lineIndex maps byte offsets of a file to line numbers.
type lineIndex struct {
	data     []byte
	newlines []int // offsets of '\n', built on first use
	built    bool
}

// line returns the 1-based line of the byte at offset off.
func (x *lineIndex) line(off int) int {
	if !x.built {
		for i, c := range x.data {
			if c == '\n' {
				x.newlines = append(x.newlines, i)
			}
		}
		x.built = true
	}
	return 1 + sort.SearchInts(x.newlines, off)
}

// unknownMessage explains that a column or member is not one of names.
func unknownMessage(kind Kind, what string, names []string) string {
	return fmt.Sprintf("unknown %s; the %s %ss are %s", what, kind, what, strings.Join(names, ", "))
}
