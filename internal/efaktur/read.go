package efaktur

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/xmlstream"
)

// Options are the parameters of validation.
type Options struct {
	// DateFrom and DateTo bound the invoice date, both inclusive; a zero
	// value leaves that side open. The caller derives them from the upload
	// deadline (PER-11/PJ/2025 Pasal 44: approved by the 20th of the month
	// after the invoice date) and the clock.
	DateFrom, DateTo time.Time
}

// SyntaxError reports a file that is not well-formed XML. Invoices returned
// before it stand; nothing after it can be read.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return (&xmlstream.SyntaxError{Pos: xmlstream.Pos(e.Pos), Msg: e.Msg}).Error()
}

// Reader reads a TaxInvoiceBulk file one invoice at a time, so that a large
// file is never held whole. Use it as
//
//	r := efaktur.NewReader(f, opts)
//	for {
//		inv, problems, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { … }        // *SyntaxError: not XML
//		…                          // problems empty: inv is valid
//	}
//	fileProblems := r.FileProblems()
type Reader struct {
	dec  *xmlstream.Decoder
	opts Options

	tin      string
	started  bool
	done     bool
	index    int
	problems []Problem
	err      error
}

// NewReader returns a Reader of the TaxInvoiceBulk file in src.
func NewReader(src io.Reader, opts Options) *Reader {
	return &Reader{dec: xmlstream.NewRawDecoder(src, "TaxInvoiceBulk"), opts: opts}
}

// NewBytesReader returns a Reader of the TaxInvoiceBulk file held in b,
// which must not change while it is read. It reads what NewReader reads,
// with the same problems and errors, in about half the time.
func NewBytesReader(b []byte, opts Options) *Reader {
	return &Reader{dec: xmlstream.NewBytesDecoder(b, "TaxInvoiceBulk"), opts: opts}
}

// SellerTIN returns the TIN element (the seller's NPWP) as written, once the
// first call to Next has returned.
func (r *Reader) SellerTIN() string { return r.tin }

// FileProblems returns the problems that belong to no invoice: the root,
// the TIN, elements outside TaxInvoice. Complete once Next returned io.EOF.
func (r *Reader) FileProblems() []Problem { return r.problems }

// Count returns how many invoices Next has returned.
func (r *Reader) Count() int { return r.index }

const (
	pathRoot = "TaxInvoiceBulk"
	pathList = "TaxInvoiceBulk/ListOfTaxInvoice"
)

// Next returns the next invoice and its problems (each with Invoice set to
// its 1-based index), io.EOF after the last one, or a *SyntaxError.
func (r *Reader) Next() (*Invoice, []Problem, error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	inv, ps, err := r.next()
	if err != nil {
		r.err = err
	}
	return inv, ps, err
}

func (r *Reader) next() (*Invoice, []Problem, error) {
	if !r.started {
		r.started = true
		if err := r.readPrologue(); err != nil {
			return nil, nil, err
		}
	}
	for !r.done {
		tok, pos, err := r.token()
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "TaxInvoice" {
				r.fileProblem(pos, pathList+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
					fmt.Sprintf("ListOfTaxInvoice holds only TaxInvoice elements, not <%s>", t.Name.Local), "remove the element")
				if err := r.skip(); err != nil {
					return nil, nil, err
				}
				continue
			}
			r.index++
			return r.readInvoice(pos)
		case xml.EndElement:
			r.done = true
		case xml.CharData:
			r.fileProblem(pos, pathList, "ListOfTaxInvoice", string(t), RuleText, "ListOfTaxInvoice holds text", "remove the text between the TaxInvoice elements")
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

// readPrologue reads up to and including <ListOfTaxInvoice>.
func (r *Reader) readPrologue() error {
	tok, pos, err := r.token()
	if err == io.EOF {
		return &SyntaxError{Pos: Pos{1, 1}, Msg: "the file is empty"}
	}
	if err != nil {
		return err
	}
	root, ok := tok.(xml.StartElement)
	if !ok {
		return &SyntaxError{Pos: pos, Msg: "the file does not start with an XML element"}
	}
	if name := root.Name.Local; name != "TaxInvoiceBulk" {
		r.fileProblem(pos, name, name, "", RuleRoot, fmt.Sprintf("the root element is <%s>, not <TaxInvoiceBulk>", name),
			"a Coretax bulk file starts with <TaxInvoiceBulk>")
		r.done = true
		return r.skip()
	}
	rootPos := pos
	seenTIN, seenList := false, false
	for !seenList {
		tok, pos, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !seenTIN {
				r.fileProblem(rootPos, pathRoot+"/TIN", "TIN", "", RuleMissing, "<TIN> is missing", "put the seller's 16-digit NPWP in <TIN> as the first element")
			}
			r.fileProblem(rootPos, pathList, "ListOfTaxInvoice", "", RuleMissing, "<ListOfTaxInvoice> is missing", "put the invoices in <ListOfTaxInvoice>")
			r.done = true
			return nil
		case xml.CharData:
			r.fileProblem(pos, pathRoot, "TaxInvoiceBulk", string(t), RuleText, "TaxInvoiceBulk holds text", "remove it")
		case xml.StartElement:
			switch t.Name.Local {
			case "TIN":
				text, err := r.text(pathRoot, "TIN", func(p Problem) { r.problems = append(r.problems, p) })
				if err != nil {
					return err
				}
				if seenTIN {
					r.fileProblem(pos, pathRoot+"/TIN", "TIN", text, RuleDuplicate, "<TIN> is given twice", "give the seller's NPWP once")
					continue
				}
				seenTIN = true
				r.tin = strings.TrimSpace(text)
				if !isDigits(r.tin, 16) {
					r.fileProblem(pos, pathRoot+"/TIN", "TIN", text, RuleDigits,
						fmt.Sprintf("TIN has %d characters; it must be exactly 16 digits", len(r.tin)),
						"write the seller's 16-digit NPWP, e.g. 0012345678901000")
				}
			case "ListOfTaxInvoice":
				if !seenTIN {
					r.fileProblem(rootPos, pathRoot+"/TIN", "TIN", "", RuleMissing, "<TIN> is missing before <ListOfTaxInvoice>", "put the seller's 16-digit NPWP in <TIN> as the first element")
				}
				seenList = true
			default:
				r.fileProblem(pos, pathRoot+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
					fmt.Sprintf("TaxInvoiceBulk has no element <%s>", t.Name.Local), "TaxInvoiceBulk holds <TIN> and <ListOfTaxInvoice> only")
				if err := r.skip(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readEpilogue reads what follows </ListOfTaxInvoice>.
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
			r.fileProblem(pos, pathRoot+"/"+t.Name.Local, t.Name.Local, "", RuleUnknown,
				fmt.Sprintf("<%s> after </ListOfTaxInvoice>", t.Name.Local), "put every invoice inside the one <ListOfTaxInvoice>")
			if err := r.skip(); err != nil {
				return err
			}
		}
	}
}

// token returns the next token that matters, skipping comments, processing
// instructions and whitespace, with the position where it starts.
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

// text reads the character content of the element name, child of the
// element at path base, whose start tag was just read. Nested elements
// are reported through add and skipped. The element's path is built only
// for a problem: most elements have none.
func (r *Reader) text(base, name string, add func(Problem)) (string, error) {
	text, err := r.dec.Text(func(t xml.StartElement, p xmlstream.Pos) {
		add(Problem{XMLLine: p.Line, XMLColumn: p.Column, Path: base + "/" + name, Field: t.Name.Local, Rule: RuleText,
			Message: fmt.Sprintf("<%s> must hold text, not the element <%s>", name, t.Name.Local),
			Fix:     "write the value as text"})
	})
	return text, fault(err)
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
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

func (r *Reader) readInvoice(start Pos) (*Invoice, []Problem, error) {
	inv := &Invoice{start: start}
	idx := r.index
	base := pathList + "/TaxInvoice[" + strconv.Itoa(idx) + "]"
	var ps []Problem
	add := func(p Problem) {
		p.Invoice = idx
		ps = append(ps, p)
	}
	seq := xmlstream.NewSequence(headerElements[:], nil)
	var raw [numHeader]string
	for {
		tok, pos, err := r.token()
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base, Field: "TaxInvoice", Value: string(t), Rule: RuleText,
				Message: "TaxInvoice holds text between its elements", Fix: "remove the text"})
		case xml.StartElement:
			name := t.Name.Local
			h, p := child(seq, name, "TaxInvoice")
			if p != nil {
				p.XMLLine, p.XMLColumn, p.Path = pos.Line, pos.Column, base+"/"+name
				add(*p)
			}
			if h < 0 {
				if err := r.skip(); err != nil {
					return nil, nil, err
				}
				continue
			}
			inv.pos[h] = pos
			if h == hList {
				inv.listPos = pos
				if err := r.readLines(inv, idx, base+"/ListOfGoodService", add); err != nil {
					return nil, nil, err
				}
				continue
			}
			text, err := r.text(base, name, add)
			if err != nil {
				return nil, nil, err
			}
			raw[h] = text
		case xml.EndElement:
			for h, req := range headerRequired {
				if req && !seq.Seen(h) {
					inv.bad[h] = true
					add(Problem{XMLLine: start.Line, XMLColumn: start.Column, Path: base + "/" + headerElements[h],
						Field: headerElements[h], Rule: RuleMissing,
						Message: fmt.Sprintf("<%s> is missing", headerElements[h]),
						Fix:     fmt.Sprintf("add <%s> %s", headerElements[h], placeHint(h))})
				}
			}
			r.fill(inv, &raw, base, add)
			for _, p := range Validate(inv, r.tin, r.opts) {
				p.Path = pathList + "/" + strings.Replace(p.Path, "TaxInvoice", fmt.Sprintf("TaxInvoice[%d]", idx), 1)
				add(p)
			}
			return inv, ps, nil
		}
	}
}

func placeHint(h int) string {
	if h == 0 {
		return "as the first element of TaxInvoice"
	}
	return "after <" + headerElements[h-1] + ">"
}

// fill converts the header texts into inv, reporting values that cannot be
// read (dates); Validate checks the rest.
func (r *Reader) fill(inv *Invoice, raw *[numHeader]string, base string, add func(Problem)) {
	t := func(h int) string { return strings.TrimSpace(raw[h]) }
	if s := t(hDate); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			inv.bad[hDate] = true
			p := inv.pos[hDate]
			add(Problem{XMLLine: p.Line, XMLColumn: p.Column, Path: base + "/TaxInvoiceDate", Field: "TaxInvoiceDate", Value: raw[hDate],
				Rule: RuleDate, Message: "not a date in the form YYYY-MM-DD", Fix: "write the invoice date as e.g. 2025-06-30"})
		} else {
			inv.Date = d
		}
	}
	inv.Option = t(hOpt)
	inv.TrxCode = TrxCode(t(hTrx))
	inv.AddInfo = t(hAddInfo)
	inv.CustomDoc = t(hCustomDoc)
	inv.CustomDocMonthYear = t(hCustomDocMonthYear)
	inv.RefDesc = t(hRefDesc)
	inv.FacilityStamp = t(hFacilityStamp)
	inv.SellerIDTKU = t(hSellerIDTKU)
	inv.Buyer = Buyer{TIN: t(hBuyerTin), Document: BuyerDocument(t(hBuyerDocument)), Country: t(hBuyerCountry),
		DocumentNumber: t(hBuyerDocumentNumber), Name: t(hBuyerName), Address: t(hBuyerAdress),
		Email: t(hBuyerEmail), IDTKU: t(hBuyerIDTKU)}
}

func (r *Reader) readLines(inv *Invoice, idx int, base string, add func(Problem)) error {
	for {
		tok, pos, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base, Field: "ListOfGoodService", Value: string(t),
				Rule: RuleText, Message: "ListOfGoodService holds text", Fix: "remove the text between the GoodService elements"})
		case xml.StartElement:
			if t.Name.Local != "GoodService" {
				add(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base + "/" + t.Name.Local, Field: t.Name.Local,
					Rule: RuleUnknown, Message: fmt.Sprintf("ListOfGoodService holds only GoodService elements, not <%s>", t.Name.Local),
					Fix: "remove the element"})
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			n := len(inv.Lines) + 1
			l, err := r.readLine(pos, n, base+"/GoodService["+strconv.Itoa(n)+"]", add)
			if err != nil {
				return err
			}
			inv.Lines = append(inv.Lines, l)
		case xml.EndElement:
			return nil
		}
	}
}

func (r *Reader) readLine(start Pos, n int, base string, add func(Problem)) (Line, error) {
	l := Line{start: start}
	addLine := func(p Problem) {
		p.Line = n
		add(p)
	}
	seq := xmlstream.NewSequence(lineElements[:], nil)
	for {
		tok, pos, err := r.token()
		if err != nil {
			return l, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			addLine(Problem{XMLLine: pos.Line, XMLColumn: pos.Column, Path: base, Field: "GoodService", Value: string(t),
				Rule: RuleText, Message: "GoodService holds text between its elements", Fix: "remove the text"})
		case xml.StartElement:
			name := t.Name.Local
			f, p := child(seq, name, "GoodService")
			if p != nil {
				p.XMLLine, p.XMLColumn, p.Path = pos.Line, pos.Column, base+"/"+name
				addLine(*p)
			}
			if f < 0 {
				if err := r.skip(); err != nil {
					return l, err
				}
				continue
			}
			l.pos[f] = pos
			text, err := r.text(base, name, addLine)
			if err != nil {
				return l, err
			}
			if p := l.set(f, text); p != nil {
				p.XMLLine, p.XMLColumn, p.Path, p.Field, p.Value = pos.Line, pos.Column, base+"/"+name, name, text
				addLine(*p)
			}
		case xml.EndElement:
			for f := range lineElements {
				if !seq.Seen(f) {
					l.bad[f] = true
					addLine(Problem{XMLLine: start.Line, XMLColumn: start.Column, Path: base + "/" + lineElements[f],
						Field: lineElements[f], Rule: RuleMissing, Message: fmt.Sprintf("<%s> is missing", lineElements[f]),
						Fix: fmt.Sprintf("add <%s> (every GoodService holds all 13 elements: %s)", lineElements[f], strings.Join(lineElements[:], ", "))})
				}
			}
			return l, nil
		}
	}
}

// set stores the text of line element f, or returns the problem with it.
func (l *Line) set(f int, text string) *Problem {
	s := strings.TrimSpace(text)
	switch f {
	case lOpt:
		l.Kind = Kind(s)
	case lCode:
		l.Code = s
	case lName:
		l.Name = s
	case lUnit:
		l.Unit = s
	default:
		v, p := parseDecimal(s)
		if p != nil {
			l.bad[f] = true
			return p
		}
		switch f {
		case lPrice:
			l.Price = v
		case lQty:
			l.Qty = Quantity(v)
		case lDiscount:
			l.Discount = v
		case lTaxBase:
			l.TaxBase = v
		case lOtherTaxBase:
			l.OtherTaxBase = v
		case lVATRate:
			l.VATRate = Percent(v)
		case lVAT:
			l.VAT = v
		case lSTLGRate:
			l.PPnBMRate = Percent(v)
		case lSTLG:
			l.PPnBM = v
		}
	}
	return nil
}

// parseDecimal reads a non-negative xs:decimal with at most 2 decimals.
func parseDecimal(s string) (money.Amount, *Problem) {
	if s == "" {
		return 0, &Problem{Rule: RuleMissing, Message: "empty; a number is required", Fix: "write a number, 0 if there is none"}
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac := strings.TrimRight(s[i+1:], "0")
		if len(frac) > 2 && strings.Trim(frac, "0123456789") == "" {
			return 0, &Problem{Rule: RuleDecimals,
				Message: fmt.Sprintf("has %d decimals; Coretax accepts at most 2", len(frac)),
				Fix:     "round to 2 decimals (for a quantity, round it and add a separate rounding-difference line)"}
		}
	}
	v, err := money.ParseXML(s)
	if err != nil {
		return 0, &Problem{Rule: RuleNumber, Message: "not a decimal number",
			Fix: "write digits with a decimal point and no thousands separators, e.g. 11000 or 91666.67"}
	}
	if v < 0 {
		return 0, &Problem{Rule: RuleNumber, Message: "is negative", Fix: "amounts, rates and quantities are 0 or more"}
	}
	return v, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
