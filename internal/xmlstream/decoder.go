package xmlstream

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SyntaxError reports a file that is not well-formed XML, or not XML this
// decoder can read. Nothing after it can be read.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("XML %d:%d: not well-formed XML: %s", e.Pos.Line, e.Pos.Column, e.Msg)
}

// Decoder reads the tokens of an XML document that matter to a reader of
// data, each with the position where it starts. Its errors are io.EOF after
// the document, a *SyntaxError when the document is not XML, or an error of
// the underlying reader wrapped as "read <name>: ...".
type Decoder struct {
	dec   *xml.Decoder
	lines *lineTracker
	name  string
	// raw: tokens come from RawToken and open holds the names of the
	// open elements, to check end tags as Token does (NewRawDecoder).
	raw  bool
	open []xml.Name
	err  error
	// scan tokenizes a document held in memory (NewBytesDecoder) until
	// it meets what it leaves to encoding/xml; then dec takes over the
	// document (scan.b), and scan is nil.
	scan *scanner
	// element says a start tag was read: io.EOF after it ends the
	// document, before it the document is missing.
	element bool
}

// NewDecoder returns a strict Decoder of the document in src; name names
// the document in errors of src.
func NewDecoder(src io.Reader, name string) *Decoder {
	lt := newLineTracker(src)
	dec := xml.NewDecoder(lt)
	dec.Strict = true
	return &Decoder{dec: dec, lines: lt, name: name}
}

// NewRawDecoder returns a Decoder like NewDecoder that does not apply
// namespaces: a name's Space is its prefix as written ("" when it has
// none), and xmlns attributes are attributes like any other. Its Local
// names, character data, positions and errors are those of NewDecoder,
// at fewer allocations a token; a reader that looks at local names only
// uses it.
func NewRawDecoder(src io.Reader, name string) *Decoder {
	d := NewDecoder(src, name)
	d.raw = true
	return d
}

// NewBytesDecoder returns a Decoder like NewRawDecoder of the document
// held in doc, which it reads in place: it gives the same tokens,
// positions and errors at a fraction of the cost. doc must not change
// while the Decoder is in use.
func NewBytesDecoder(doc []byte, name string) *Decoder {
	return &Decoder{lines: newDocLines(doc), name: name, raw: true, scan: newScanner(doc)}
}

// offset returns the offset of the next byte to read.
func (d *Decoder) offset() int64 {
	if d.scan != nil {
		return int64(d.scan.off)
	}
	return d.dec.InputOffset()
}

// kind is the kind of a token.
type kind uint8

const (
	kindOther kind = iota // comment, processing instruction, directive
	kindStart
	kindEnd
	kindText
)

// item is a token as the Decoder passes it around inside, so that the
// tokens it skips or reads as text are never boxed in an xml.Token.
type item struct {
	kind kind
	name xml.Name   // kindStart, kindEnd
	attr []xml.Attr // kindStart
	// text is the character data of kindText, valid until the next
	// token is read.
	text []byte
	// boxed is the token as encoding/xml gave it, when it did.
	boxed xml.Token
}

// set makes t the token tok of encoding/xml.
func (t *item) set(tok xml.Token) {
	*t = item{boxed: tok}
	switch v := tok.(type) {
	case xml.StartElement:
		t.kind, t.name, t.attr = kindStart, v.Name, v.Attr
	case xml.EndElement:
		t.kind, t.name = kindEnd, v.Name
	case xml.CharData:
		t.kind, t.text = kindText, v
	}
}

// box returns t as an xml.Token; character data is a copy.
func (t *item) box() xml.Token {
	if t.boxed != nil && t.kind != kindText {
		return t.boxed
	}
	switch t.kind {
	case kindStart:
		return xml.StartElement{Name: t.name, Attr: t.attr}
	case kindEnd:
		return xml.EndElement{Name: t.name}
	case kindText:
		return xml.CharData(bytes.Clone(t.text))
	}
	return xml.CopyToken(t.boxed)
}

// rawToken reads the next token as xml.Decoder.RawToken does into t.
// Where the scanner is unsure, encoding/xml reads the document again up
// to the tokens the scanner gave, and goes on from there.
func (d *Decoder) rawToken(t *item) error {
	if d.scan != nil {
		switch d.scan.token(t) {
		case scanToken:
			return nil
		case scanEOF:
			return io.EOF
		}
		dec := xml.NewDecoder(bytes.NewReader(d.scan.b))
		dec.Strict = true
		for range d.scan.n {
			if _, err := dec.RawToken(); err != nil {
				// Not reached while the scanner agrees with encoding/xml.
				return fmt.Errorf("xmlstream: encoding/xml does not read the tokens the scanner read: %w", err)
			}
		}
		if dec.InputOffset() != int64(d.scan.off) {
			return fmt.Errorf("xmlstream: encoding/xml is at byte %d after the scanner's %d tokens, the scanner at %d", dec.InputOffset(), d.scan.n, d.scan.off)
		}
		d.dec, d.scan = dec, nil
	}
	tok, err := d.dec.RawToken()
	if tok == nil {
		return err
	}
	// As Token does: an error that comes with a token is dropped.
	t.set(tok)
	return nil
}

// next reads the next token into t. A raw decoder checks each end tag
// against its start tag, and the end of the file against the open
// elements, with the messages of xml.Decoder.Token.
func (d *Decoder) next(t *item) error {
	if !d.raw {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		t.set(tok)
		return nil
	}
	if d.err != nil {
		return d.err
	}
	err := d.rawToken(t)
	switch {
	case err == io.EOF && len(d.open) > 0:
		err = &xml.SyntaxError{Msg: "unexpected EOF"}
	case err != nil:
	case t.kind == kindStart:
		d.open = append(d.open, t.name)
	case t.kind == kindEnd:
		err = d.close(t.name)
	}
	if err != nil {
		d.err = err
	}
	return err
}

// close checks the end tag name against the innermost open element.
func (d *Decoder) close(name xml.Name) error {
	if len(d.open) == 0 {
		return &xml.SyntaxError{Msg: "unexpected end element </" + name.Local + ">"}
	}
	s := d.open[len(d.open)-1]
	d.open = d.open[:len(d.open)-1]
	switch {
	case s.Local != name.Local:
		return &xml.SyntaxError{Msg: "element <" + s.Local + "> closed by </" + name.Local + ">"}
	case s.Space != name.Space:
		ns := name.Space
		if name.Space == "" {
			ns = `""`
		}
		return &xml.SyntaxError{Msg: "element <" + s.Local + "> in space " + s.Space + " closed by </" + name.Local + "> in space " + ns}
	}
	return nil
}

// Token returns the next start tag, end tag or character data that is not
// all white space, with the position of its first byte. Comments,
// processing instructions, directives and white space are skipped.
// Character data is a copy the caller may keep.
func (d *Decoder) Token() (xml.Token, Pos, error) {
	var t item
	for {
		off := d.offset()
		if err := d.next(&t); err != nil {
			return nil, Pos{}, d.fault(err)
		}
		switch t.kind {
		case kindText:
			// White space is skipped, and so is a byte-order mark, which
			// encoding/xml passes on as text (editors on Windows write
			// one at the start of UTF-8 files).
			if blank(t.text) {
				continue
			}
			return t.box(), d.lines.pos(off), nil
		case kindStart:
			d.element = true
			return t.box(), d.lines.pos(off), nil
		case kindEnd:
			return t.box(), d.lines.pos(off), nil
		}
	}
}

// Skip reads up to and including the end tag of the element whose start
// tag was just read.
func (d *Decoder) Skip() error {
	if !d.raw {
		if err := d.dec.Skip(); err != nil {
			return d.fault(err)
		}
		return nil
	}
	var t item
	for depth := 1; depth > 0; {
		if err := d.next(&t); err != nil {
			return d.fault(err)
		}
		switch t.kind {
		case kindStart:
			depth++
		case kindEnd:
			depth--
		}
	}
	return nil
}

// Text reads the character data of the element whose start tag was just
// read, up to and including its end tag. An element nested in it is passed
// to nested with its position, then skipped.
func (d *Decoder) Text(nested func(xml.StartElement, Pos)) (string, error) {
	// Most elements hold one piece of character data: it becomes the
	// string without a buffer; more pieces are joined in b.
	var s string
	var b []byte
	pieces := 0
	var t item
	for {
		off := d.offset()
		if err := d.next(&t); err != nil {
			return "", d.fault(err)
		}
		switch t.kind {
		case kindText:
			switch pieces {
			case 0:
				s = string(t.text)
			case 1:
				b = append(append(b, s...), t.text...)
			default:
				b = append(b, t.text...)
			}
			pieces++
		case kindStart:
			nested(xml.StartElement{Name: t.name, Attr: t.attr}, d.lines.pos(off))
			if err := d.Skip(); err != nil {
				return "", err
			}
		case kindEnd:
			if pieces > 1 {
				return string(b), nil
			}
			return s, nil
		}
	}
}

// Backlog returns how many newline offsets the decoder holds for positions
// not yet asked for. Token drops those behind the token it returns, so the
// backlog stays bounded by the decoder's read-ahead and the size of the
// elements skipped or read as text.
func (d *Decoder) Backlog() int { return len(d.lines.newlines) }

// fault classifies an error of the xml.Decoder.
func (d *Decoder) fault(err error) error {
	if err == io.EOF {
		// In strict mode the decoder turns an end of file inside an
		// element into a syntax error, so io.EOF comes either after the
		// document or before it.
		if d.element {
			return io.EOF
		}
		if !d.lines.content {
			return &SyntaxError{Pos: Pos{1, 1}, Msg: "the file is empty"}
		}
		return &SyntaxError{Pos: d.pos(), Msg: "the file ends before the document is complete"}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Pos: d.pos(), Msg: se.Msg}
	}
	if d.lines.err != nil && errors.Is(err, d.lines.err) {
		return fmt.Errorf("read %s: %w", d.name, err)
	}
	// Any other decoder error (an unsupported XML version or encoding) is
	// the document's: the file is not XML this decoder can read.
	return &SyntaxError{Pos: d.pos(), Msg: strings.TrimPrefix(err.Error(), "xml: ")}
}

func (d *Decoder) pos() Pos { return d.lines.pos(d.offset()) }

// blank says b is white space and byte-order marks only.
func blank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return len(bytes.Trim(b, " \t\r\n\uFEFF")) == 0
		}
	}
	return true
}
