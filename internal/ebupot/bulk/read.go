package bulk

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/xmlstream"
)

// xsiNS is the namespace of xsi:nil.
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// Reader reads an e-Bupot bulk file one row at a time, so that a large file
// is never held whole. The kind comes from the root element. Use it as
//
//	r := bulk.NewReader(f)
//	for {
//		row, problems, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { … }        // *SyntaxError: not XML
//		…                          // problems empty: row is well-formed
//	}
//	fileProblems := r.FileProblems()
type Reader struct {
	dec *xmlstream.Decoder

	format   *Format
	tin      string
	tinOK    bool
	started  bool
	done     bool
	index    int
	problems []Problem
	err      error
}

// NewReader returns a Reader of the bulk file in src.
func NewReader(src io.Reader) *Reader {
	return &Reader{dec: xmlstream.NewDecoder(src, "e-Bupot bulk file")}
}

// Kind returns the kind of the file, read from its root element, or ""
// when the root is not one of the seven bulk roots or the file is not XML
// (FileProblems or Next then say why). It reads the start of the file if
// Next has not been called yet.
func (r *Reader) Kind() Kind {
	r.start()
	if r.format == nil {
		return ""
	}
	return r.format.Kind
}

// TIN returns the TIN element (the withholder's NPWP) as written, without
// surrounding white space. Like Kind, it reads the start of the file.
func (r *Reader) TIN() string {
	r.start()
	return r.tin
}

// FileProblems returns the problems that belong to no row: the root, the
// TIN, elements outside the rows. Complete once Next returned io.EOF.
func (r *Reader) FileProblems() []Problem { return r.problems }

// Count returns how many rows Next has returned.
func (r *Reader) Count() int { return r.index }

// Next returns the next row and its problems (each with Row set to the
// row's 1-based index), io.EOF after the last row, or a *SyntaxError. A
// row is returned even when it has problems, so that every problem of a
// file can be reported in one pass.
func (r *Reader) Next() (*Row, []Problem, error) {
	r.start()
	if r.err != nil {
		return nil, nil, r.err
	}
	row, ps, err := r.next()
	if err != nil {
		r.err = err
	}
	return row, ps, err
}

func (r *Reader) start() {
	if r.started {
		return
	}
	r.started = true
	if err := r.readPrologue(); err != nil {
		r.err = err
	}
}

func (r *Reader) next() (*Row, []Problem, error) {
	f := r.format
	for !r.done {
		tok, pos, err := r.token()
		if err != nil {
			return nil, nil, err
		}
		listPath := f.Root + "/" + f.List
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != f.Row {
				r.fileProblem(pos, listPath+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
					fmt.Sprintf("%s holds only %s elements, not <%s>", f.List, f.Row, t.Name.Local), "remove the element")
				if err := r.skip(); err != nil {
					return nil, nil, err
				}
				continue
			}
			r.index++
			return r.readRow(pos)
		case xml.EndElement:
			r.done = true
		case xml.CharData:
			r.fileProblem(pos, listPath, f.List, string(t), RuleText, f.List+" holds text",
				fmt.Sprintf("remove the text between the %s elements", f.Row))
		}
	}
	if err := r.readEpilogue(); err != nil {
		return nil, nil, err
	}
	return nil, nil, io.EOF
}

func (r *Reader) fileProblem(pos Pos, path, field, value string, rule Rule, msg, fix string) {
	r.problems = append(r.problems, Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: path,
		Field: field, Value: value, Rule: rule, Message: msg, Fix: fix})
}

func roots() string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, "<"+k.Format().Root+">")
	}
	return strings.Join(names, ", ")
}

// readPrologue reads up to and including <ListOfXxx>.
func (r *Reader) readPrologue() error {
	tok, pos, err := r.token()
	if err != nil {
		return err
	}
	root, ok := tok.(xml.StartElement)
	if !ok {
		return &SyntaxError{Pos: pos, Msg: "the file does not start with an XML element"}
	}
	name := root.Name.Local
	kind, ok := KindOfRoot(name)
	if !ok {
		r.fileProblem(pos, name, name, "", RuleRoot, fmt.Sprintf("the root element is <%s>, not an e-Bupot bulk root", name),
			"an e-Bupot bulk file starts with one of "+roots())
		r.done = true
		return r.skip()
	}
	f := kind.Format()
	r.format = f
	rootPos := pos
	tinPath := f.Root + "/TIN"
	seenTIN := false
	for {
		tok, pos, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !seenTIN {
				r.fileProblem(rootPos, tinPath, "TIN", "", RuleMissing, "<TIN> is missing", "put the withholder's 16-digit NPWP in <TIN> as the first element")
			}
			r.fileProblem(rootPos, f.Root+"/"+f.List, f.List, "", RuleMissing, fmt.Sprintf("<%s> is missing", f.List),
				fmt.Sprintf("put the slips in <%s>", f.List))
			r.done = true
			return nil
		case xml.CharData:
			r.fileProblem(pos, f.Root, f.Root, string(t), RuleText, f.Root+" holds text", "remove it")
		case xml.StartElement:
			switch t.Name.Local {
			case "TIN":
				text, err := r.text(tinPath, func(p Problem) { r.problems = append(r.problems, p) })
				if err != nil {
					return err
				}
				text = strings.TrimSpace(text)
				if seenTIN {
					r.fileProblem(pos, tinPath, "TIN", text, RuleDuplicate, "<TIN> is given twice", "give the withholder's NPWP once")
					continue
				}
				seenTIN = true
				r.tin = text
				r.tinOK = isDigits(text, 16)
				if !r.tinOK {
					// The XSD still allows 15 digits; Coretax checks 16 (ebupot.md §2).
					_, p := checkPattern(Element{Name: "TIN", Type: String, Pattern: TIN16}, text)
					r.fileProblem(pos, tinPath, "TIN", text, RuleDigits, p.Message, p.Fix)
				}
			case f.List:
				if !seenTIN {
					r.fileProblem(rootPos, tinPath, "TIN", "", RuleMissing, fmt.Sprintf("<TIN> is missing before <%s>", f.List),
						"put the withholder's 16-digit NPWP in <TIN> as the first element")
				}
				return nil
			default:
				r.fileProblem(pos, f.Root+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
					fmt.Sprintf("%s has no element <%s>", f.Root, t.Name.Local), fmt.Sprintf("%s holds <TIN> and <%s> only", f.Root, f.List))
				if err := r.skip(); err != nil {
					return err
				}
			}
		}
	}
}

// readEpilogue reads what follows </ListOfXxx>.
func (r *Reader) readEpilogue() error {
	for {
		tok, pos, err := r.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			f := r.format
			if f == nil {
				// The root was not a bulk root; it is reported already.
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			r.fileProblem(pos, f.Root+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
				fmt.Sprintf("<%s> after </%s>", t.Name.Local, f.List), fmt.Sprintf("put every slip inside the one <%s>", f.List))
			if err := r.skip(); err != nil {
				return err
			}
		}
	}
}

// token returns the next token that matters, skipping comments, processing
// instructions and white space, with the position where it starts.
func (r *Reader) token() (xml.Token, Pos, error) {
	tok, pos, err := r.dec.Token()
	return tok, Pos(pos), fault(err)
}

// fault gives a *xmlstream.SyntaxError as this package's *SyntaxError.
func fault(err error) error {
	if err == nil {
		return nil
	}
	var se *xmlstream.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Pos: Pos(se.Pos), Msg: se.Msg}
	}
	return err
}

func (r *Reader) skip() error { return fault(r.dec.Skip()) }

// text reads the character content of the element whose start tag was just
// read. Nested elements are reported through add and skipped.
func (r *Reader) text(path string, add func(Problem)) (string, error) {
	text, err := r.dec.Text(func(t xml.StartElement, p xmlstream.Pos) {
		add(Problem{XMLLine: p.Line, XMLColumn: p.Column, Path: path, Field: t.Name.Local, Rule: RuleText,
			Message: fmt.Sprintf("<%s> must hold text, not the element <%s>", lastName(path), t.Name.Local),
			Fix:     "write the value as text"})
	})
	return text, fault(err)
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	return path
}

// isNil reports whether the start tag carries xsi:nil="true". A file that
// forgets to declare the xsi prefix is read the same way.
func isNil(attrs []xml.Attr) bool {
	for _, a := range attrs {
		if a.Name.Local == "nil" && (a.Name.Space == xsiNS || a.Name.Space == "xsi") {
			v := strings.TrimSpace(a.Value)
			return v == "true" || v == "1"
		}
	}
	return false
}

// child records element name in seq; it returns its index, or -1 with the
// problem when the element is unknown or a duplicate (then it must be
// skipped).
func child(seq *xmlstream.Sequence, name, parent string) (int, *Problem) {
	i, fault := seq.Child(name)
	if fault == xmlstream.InOrder {
		return i, nil
	}
	msg, fix := seq.Explain(fault, name, parent)
	return i, &Problem{Field: name, Rule: faultRules[fault], Message: msg, Fix: fix}
}

var faultRules = [...]Rule{xmlstream.Unknown: RuleUnknown, xmlstream.Repeated: RuleDuplicate, xmlstream.OutOfOrder: RuleOrder}

func (r *Reader) readRow(start Pos) (*Row, []Problem, error) {
	f := r.format
	row := NewRow(f.Kind)
	row.Index, row.Pos = r.index, start
	base := fmt.Sprintf("%s/%s/%s[%d]", f.Root, f.List, f.Row, r.index)
	var ps []Problem
	add := func(p Problem) {
		p.Row = row.Index
		ps = append(ps, p)
	}
	names := f.Names()
	seq := xmlstream.NewSequence(names, f.index)
	good := make([]bool, len(names)) // values read without a problem
	for {
		tok, pos, err := r.token()
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base, Field: f.Row, Value: string(t), Rule: RuleText,
				Message: f.Row + " holds text between its elements", Fix: "remove the text"})
		case xml.StartElement:
			name := t.Name.Local
			path := base + "/" + name
			i, p := child(seq, name, f.Row)
			if p != nil {
				p.XMLLine, p.XMLColumn, p.Path = pos.Line, pos.Column, path
				add(*p)
			}
			if i < 0 {
				if err := r.skip(); err != nil {
					return nil, nil, err
				}
				continue
			}
			nilAttr := isNil(t.Attr)
			n := len(ps)
			text, err := r.text(path, add)
			if err != nil {
				return nil, nil, err
			}
			text = strings.TrimSpace(text)
			v, e := &row.Values[i], f.Elements[i]
			v.Pos, v.Text = pos, text
			at := func(rule Rule, msg, fix string) {
				add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: path, Field: name, Value: text,
					Rule: rule, Message: msg, Fix: fix})
			}
			switch {
			case len(ps) > n:
				// nested elements, already reported
			case nilAttr && !e.Nillable:
				at(RuleNil, fmt.Sprintf("<%s> is marked xsi:nil, but Coretax requires a value", name), "write the value and remove xsi:nil=\"true\"")
			case nilAttr && text != "":
				at(RuleNil, fmt.Sprintf("<%s> is marked xsi:nil but holds text", name), "remove xsi:nil=\"true\" to keep the value, or the value to leave it empty")
			case text == "" && e.Nillable:
				v.Nil = true
				good[i] = true
			case text == "":
				at(RuleMissing, fmt.Sprintf("<%s> is empty; a value is required", name), fillHint(e))
			default:
				norm, p := checkValue(e, text)
				v.Text = norm
				if p != nil {
					p.XMLLine, p.XMLColumn, p.Path = pos.Line, pos.Column, path
					add(*p)
				} else {
					good[i] = true
				}
			}
		case xml.EndElement:
			for i, e := range f.Elements {
				if !seq.Seen(i) {
					add(Problem{XMLLine: start.Line, XMLColumn: start.Column, Path: base + "/" + e.Name, Field: e.Name, Rule: RuleMissing,
						Message: fmt.Sprintf("<%s> is missing", e.Name), Fix: missingHint(f, i)})
				}
			}
			r.checkRow(row, good, base, add)
			return row, ps, nil
		}
	}
}

func fillHint(e Element) string {
	switch e.Type {
	case Amount, Percent:
		return "write a number, 0 if there is none"
	case Enum:
		return "write one of: " + strings.Join(e.Values, ", ")
	case Date:
		return "write the date as e.g. 2026-06-30"
	}
	return "write the value"
}

func missingHint(f *Format, i int) string {
	e := f.Elements[i]
	where := "as the first element of " + f.Row
	if i > 0 {
		where = "after <" + f.Elements[i-1].Name + ">"
	}
	if e.Nillable {
		return fmt.Sprintf("add <%s> %s; when there is no value write <%s xsi:nil=\"true\"/>", e.Name, where, e.Name)
	}
	return fmt.Sprintf("add <%s> %s", e.Name, where)
}

// checkRow applies the rules that tie values of a row together, on values
// that were read without a problem.
func (r *Reader) checkRow(row *Row, good []bool, base string, add func(Problem)) {
	f := r.format
	has := func(name string) bool {
		i := f.Index(name)
		return i >= 0 && good[i]
	}
	report := func(name string, rule Rule, msg, fix string) {
		v := row.value(name)
		pos := v.Pos
		if pos == (Pos{}) {
			pos = row.Pos
		}
		add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base + "/" + name, Field: name, Value: v.Text,
			Rule: rule, Message: msg, Fix: fix})
	}

	// The withholder's place of business: its NITKU starts with the TIN.
	if r.tinOK && has("IDPlaceOfBusinessActivity") {
		if nitku := row.Text("IDPlaceOfBusinessActivity"); nitku[:16] != r.tin {
			report("IDPlaceOfBusinessActivity", RuleNITKUOwner,
				fmt.Sprintf("IDPlaceOfBusinessActivity %s is not a place of business of the withholder: its first 16 digits are not the file's TIN %s", nitku, r.tin),
				fmt.Sprintf("write the NITKU of the office that pays, %s followed by its 6 digits (%s000000 for the head office)", r.tin, r.tin))
		}
	}
	tinPattern := f.Index("CounterpartTin") >= 0 && f.Elements[f.Index("CounterpartTin")].Pattern == TIN16
	if tinPattern && has("CounterpartTin") && !row.Nil("CounterpartTin") {
		tin := row.Text("CounterpartTin")
		if r.tinOK && tin == r.tin {
			report("CounterpartTin", RuleOwnTIN, "CounterpartTin is the withholder's own TIN",
				"write the recipient's NIK or NPWP")
		}
		const rec = "IDPlaceOfBusinessActivityOfIncomeRecipient"
		if has(rec) && row.Text(rec)[:16] != tin {
			report(rec, RuleNITKUOwner,
				fmt.Sprintf("%s %s is not the recipient's: its first 16 digits are not CounterpartTin %s", rec, row.Text(rec), tin),
				fmt.Sprintf("write %s000000, or the recipient's own NITKU", tin))
		}
	}
	// CounterpartOpt: a resident is identified by NIK/NPWP, a foreigner
	// by passport (ebupot.md §2.1).
	if has("CounterpartOpt") {
		switch row.Text("CounterpartOpt") {
		case "Resident":
			if has("CounterpartTin") && row.Nil("CounterpartTin") {
				report("CounterpartTin", RuleRequiredIf, "CounterpartTin is required when CounterpartOpt is Resident",
					"write the employee's 16-digit NIK or NPWP")
			}
		case "Foreign":
			if has("CounterpartPassport") && row.Nil("CounterpartPassport") {
				report("CounterpartPassport", RuleRequiredIf, "CounterpartPassport is required when CounterpartOpt is Foreign",
					"write the employee's passport number")
			}
		}
	}
	// GovTreasurerOpt Direct (LS) needs its SP2D number (ebupot.md §2.1).
	if has("GovTreasurerOpt") && row.Text("GovTreasurerOpt") == "Direct" && has("SP2DNumber") && row.Nil("SP2DNumber") {
		report("SP2DNumber", RuleRequiredIf, "SP2DNumber is required when GovTreasurerOpt is Direct",
			"write the SP2D number of the direct (LS) payment")
	}
	monthName := "TaxPeriodMonth"
	if f.Index(monthName) < 0 {
		monthName = "TaxPeriodMonthStart"
		if has(monthName) && has("TaxPeriodMonthEnd") && row.Int(monthName) > row.Int("TaxPeriodMonthEnd") {
			report("TaxPeriodMonthEnd", RuleRange,
				fmt.Sprintf("TaxPeriodMonthEnd %d is before TaxPeriodMonthStart %d", row.Int("TaxPeriodMonthEnd"), row.Int(monthName)),
				"write the first and the last month of the employment in the year, start first")
		}
	}
	// The DJP converter refuses a withholding date before the first day of
	// the tax period (ebupot.md §2, likely). A1 and A2 have no single
	// month; their period is taken to start at TaxPeriodMonthStart, the
	// reading that refuses the least.
	if has(monthName) && has("TaxPeriodYear") && has("WithholdingDate") {
		first := time.Date(row.Int("TaxPeriodYear"), time.Month(row.Int(monthName)), 1, 0, 0, 0, 0, time.UTC)
		if d := row.Date("WithholdingDate"); d.Before(first) {
			report("WithholdingDate", RuleWithholding,
				fmt.Sprintf("WithholdingDate %s is before the tax period, which starts on %s", d.Format(time.DateOnly), first.Format(time.DateOnly)),
				"withhold on or after the first day of the tax period, or correct the period")
		}
	}
}
