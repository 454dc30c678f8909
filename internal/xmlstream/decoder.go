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

// next returns the next token of the xml.Decoder. A raw decoder checks
// each end tag against its start tag, and the end of the file against
// the open elements, with the messages of xml.Decoder.Token.
func (d *Decoder) next() (xml.Token, error) {
	if !d.raw {
		return d.dec.Token()
	}
	if d.err != nil {
		return nil, d.err
	}
	tok, err := d.dec.RawToken()
	if tok != nil {
		// As Token does: an error that comes with a token is dropped.
		err = nil
	}
	switch t := tok.(type) {
	case xml.StartElement:
		d.open = append(d.open, t.Name)
	case xml.EndElement:
		err = d.close(t.Name)
	case nil:
		if err == io.EOF && len(d.open) > 0 {
			err = &xml.SyntaxError{Msg: "unexpected EOF"}
		}
	}
	if err != nil {
		d.err = err
		return nil, err
	}
	return tok, nil
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
	for {
		off := d.dec.InputOffset()
		tok, err := d.next()
		if err != nil {
			return nil, Pos{}, d.fault(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			// White space is skipped, and so is a byte-order mark, which
			// encoding/xml passes on as text (editors on Windows write
			// one at the start of UTF-8 files).
			if len(bytes.Trim(t, " \t\r\n\uFEFF")) == 0 {
				continue
			}
			return t.Copy(), d.lines.pos(off), nil
		case xml.StartElement:
			d.element = true
			return tok, d.lines.pos(off), nil
		case xml.EndElement:
			return tok, d.lines.pos(off), nil
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
	for depth := 1; depth > 0; {
		tok, err := d.next()
		if err != nil {
			return d.fault(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
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
	for {
		off := d.dec.InputOffset()
		tok, err := d.next()
		if err != nil {
			return "", d.fault(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			switch pieces {
			case 0:
				s = string(t)
			case 1:
				b = append(append(b, s...), t...)
			default:
				b = append(b, t...)
			}
			pieces++
		case xml.StartElement:
			nested(t, d.lines.pos(off))
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
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

func (d *Decoder) pos() Pos { return d.lines.pos(d.dec.InputOffset()) }
