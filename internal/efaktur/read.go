package efaktur

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
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
	return fmt.Sprintf("XML %d:%d: not well-formed XML: %s", e.Pos.Line, e.Pos.Column, e.Msg)
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
	dec   *xml.Decoder
	lines *lineTracker
	opts  Options

	tin      string
	started  bool
	done     bool
	index    int
	problems []Problem
	err      error
}

// NewReader returns a Reader of the TaxInvoiceBulk file in src.
func NewReader(src io.Reader, opts Options) *Reader {
	lt := &lineTracker{r: src, line: 1}
	dec := xml.NewDecoder(lt)
	dec.Strict = true
	return &Reader{dec: dec, lines: lt, opts: opts}
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
				text, err := r.text(pos, pathRoot+"/TIN", func(p Problem) { r.problems = append(r.problems, p) })
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
	for {
		off := r.dec.InputOffset()
		tok, err := r.dec.Token()
		if err != nil {
			return nil, Pos{}, r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			return t.Copy(), r.lines.pos(off), nil
		case xml.StartElement, xml.EndElement:
			return tok, r.lines.pos(off), nil
		}
	}
}

func (r *Reader) syntax(err error) error {
	if err == io.EOF {
		if r.done {
			return io.EOF
		}
		if !r.lines.content {
			return &SyntaxError{Pos: Pos{1, 1}, Msg: "the file is empty"}
		}
		return &SyntaxError{Pos: r.lines.pos(r.dec.InputOffset()), Msg: "the file ends before the document is complete"}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Pos: r.lines.pos(r.dec.InputOffset()), Msg: se.Msg}
	}
	if r.lines.err != nil && errors.Is(err, r.lines.err) {
		return fmt.Errorf("read TaxInvoiceBulk: %w", err)
	}
	// Any other decoder error (an unsupported XML version or encoding) is
	// the document's: the file is not XML this reader can read.
	return &SyntaxError{Pos: r.lines.pos(r.dec.InputOffset()), Msg: strings.TrimPrefix(err.Error(), "xml: ")}
}

func (r *Reader) skip() error {
	if err := r.dec.Skip(); err != nil {
		return r.syntax(err)
	}
	return nil
}

// text reads the character content of the element whose start tag was just
// read. Nested elements are reported through add and skipped.
func (r *Reader) text(pos Pos, path string, add func(Problem)) (string, error) {
	var b []byte
	for {
		off := r.dec.InputOffset()
		tok, err := r.dec.Token()
		if err != nil {
			return "", r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			p := r.lines.pos(off)
			add(Problem{XMLLine: p.Line, XMLColumn: p.Column, Path: path, Field: t.Name.Local, Rule: RuleText,
				Message: fmt.Sprintf("<%s> must hold text, not the element <%s>", lastName(path), t.Name.Local),
				Fix:     "write the value as text"})
			if err := r.skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(b), nil
		}
	}
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

// sequence checks that child elements come in the order names gives.
type sequence struct {
	names []string
	seen  []bool
	last  int
}

func newSequence(names []string) sequence {
	return sequence{names: names, seen: make([]bool, len(names)), last: -1}
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// child records element name; it returns its index, or -1 with the problem
// when the element is unknown or a duplicate (then it must be skipped).
func (s *sequence) child(name, parent string) (int, *Problem) {
	i := indexOf(s.names, name)
	if i < 0 {
		return -1, &Problem{Field: name, Rule: RuleUnknown,
			Message: fmt.Sprintf("%s has no element <%s>", parent, name),
			Fix:     fmt.Sprintf("%s holds, in this order: %s", parent, strings.Join(s.names, ", "))}
	}
	if s.seen[i] {
		return -1, &Problem{Field: name, Rule: RuleDuplicate,
			Message: fmt.Sprintf("<%s> is given twice in %s", name, parent), Fix: "give it once"}
	}
	s.seen[i] = true
	if i < s.last {
		p := &Problem{Field: name, Rule: RuleOrder,
			Message: fmt.Sprintf("<%s> comes after <%s>, but Coretax requires it before", name, s.names[s.last]),
			Fix:     fmt.Sprintf("%s holds, in this order: %s", parent, strings.Join(s.names, ", "))}
		return i, p
	}
	s.last = i
	return i, nil
}

func (r *Reader) readInvoice(start Pos) (*Invoice, []Problem, error) {
	inv := &Invoice{start: start}
	idx := r.index
	base := fmt.Sprintf("%s/TaxInvoice[%d]", pathList, idx)
	var ps []Problem
	add := func(p Problem) {
		p.Invoice = idx
		ps = append(ps, p)
	}
	seq := newSequence(headerElements[:])
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
			h, p := seq.child(name, "TaxInvoice")
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
			text, err := r.text(pos, base+"/"+name, add)
			if err != nil {
				return nil, nil, err
			}
			raw[h] = text
		case xml.EndElement:
			for h, req := range headerRequired {
				if req && !seq.seen[h] {
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
			l, err := r.readLine(pos, n, fmt.Sprintf("%s/GoodService[%d]", base, n), add)
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
	seq := newSequence(lineElements[:])
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
			f, p := seq.child(name, "GoodService")
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
			text, err := r.text(pos, base+"/"+name, addLine)
			if err != nil {
				return l, err
			}
			if p := l.set(f, text); p != nil {
				p.XMLLine, p.XMLColumn, p.Path, p.Field, p.Value = pos.Line, pos.Column, base+"/"+name, name, text
				addLine(*p)
			}
		case xml.EndElement:
			for f := range lineElements {
				if !seq.seen[f] {
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

// lineTracker passes bytes through to the decoder and remembers where the
// newlines are, so that an offset from Decoder.InputOffset becomes a line
// and column. Offsets are asked for in increasing order, so newlines behind
// the last offset asked for are dropped: memory stays bounded by the
// decoder's read-ahead, whatever the size of the file.
type lineTracker struct {
	r         io.Reader
	read      int64   // bytes read so far
	newlines  []int64 // offsets of newlines not yet passed
	line      int     // line of lineStart
	lineStart int64   // offset of the first byte of line
	// err is the underlying reader's last error other than io.EOF: an
	// error the decoder returns that is not err is the document's fault.
	err error
	// content says a byte other than white space or a byte-order mark
	// was read.
	content bool
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	for i, c := range p[:n] {
		switch c {
		case '\n':
			t.newlines = append(t.newlines, t.read+int64(i))
		case ' ', '\t', '\r', 0xEF, 0xBB, 0xBF:
		default:
			t.content = true
		}
	}
	t.read += int64(n)
	return n, err
}

func (t *lineTracker) pos(off int64) Pos {
	i := 0
	for i < len(t.newlines) && t.newlines[i] < off {
		t.line++
		t.lineStart = t.newlines[i] + 1
		i++
	}
	if i > 0 {
		t.newlines = append(t.newlines[:0], t.newlines[i:]...)
	}
	return Pos{Line: t.line, Column: int(off-t.lineStart) + 1}
}
