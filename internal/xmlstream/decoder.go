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

// Token returns the next start tag, end tag or character data that is not
// all white space, with the position of its first byte. Comments,
// processing instructions, directives and white space are skipped.
// Character data is a copy the caller may keep.
func (d *Decoder) Token() (xml.Token, Pos, error) {
	for {
		off := d.dec.InputOffset()
		tok, err := d.dec.Token()
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
	if err := d.dec.Skip(); err != nil {
		return d.fault(err)
	}
	return nil
}

// Text reads the character data of the element whose start tag was just
// read, up to and including its end tag. An element nested in it is passed
// to nested with its position, then skipped.
func (d *Decoder) Text(nested func(xml.StartElement, Pos)) (string, error) {
	var b []byte
	for {
		off := d.dec.InputOffset()
		tok, err := d.dec.Token()
		if err != nil {
			return "", d.fault(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			nested(t, d.lines.pos(off))
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(b), nil
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
