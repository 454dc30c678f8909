package bulk

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// Writer writes a bulk file of one kind, one row at a time, every element
// of the kind present and in the Coretax order, nil values as
// <Elem xsi:nil="true"/>. Values are written as their Text: rows read by
// Reader are written back as they were read, and the Set methods of Row
// give the forms Coretax uses (month 6, Rate 0.5, Gross 1758000).
type Writer struct {
	w      *bufio.Writer
	format *Format
	tin    string
	opened bool
	closed bool
	err    error
}

// NewWriter returns a Writer of a file of kind k whose TIN is the
// withholder's NPWP. It panics if k is not one of Kinds.
func NewWriter(w io.Writer, k Kind, tin string) *Writer {
	return &Writer{w: bufio.NewWriter(w), format: k.Format(), tin: tin}
}

func (w *Writer) open() {
	if w.opened {
		return
	}
	w.opened = true
	f := w.format
	w.raw(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.raw("<" + f.Root + ` xmlns:xsi="` + xsiNS + `">` + "\n")
	w.leaf("  ", "TIN", w.tin, false)
	w.raw("  <" + f.List + ">\n")
}

// Write writes one row. The row must be of the Writer's kind and hold one
// value per element of its format.
func (w *Writer) Write(row *Row) error {
	f := w.format
	switch {
	case w.closed:
		return fmt.Errorf("bulk: Write after Close")
	case row.Kind != f.Kind:
		return fmt.Errorf("bulk: a %s row cannot be written to a %s file", row.Kind, f.Root)
	case len(row.Values) != len(f.Elements):
		return fmt.Errorf("bulk: the %s row has %d values; %s has %d elements", row.Kind, len(row.Values), f.Row, len(f.Elements))
	}
	w.open()
	w.raw("    <" + f.Row + ">\n")
	for i, e := range f.Elements {
		v := row.Values[i]
		w.leaf("      ", e.Name, v.Text, v.Nil)
	}
	w.raw("    </" + f.Row + ">\n")
	return w.err
}

// Close ends the document and flushes it; it does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.open()
	w.closed = true
	w.raw("  </" + w.format.List + ">\n</" + w.format.Root + ">\n")
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

func (w *Writer) raw(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

func (w *Writer) leaf(indent, name, value string, isNil bool) {
	switch {
	case isNil:
		w.raw(indent + "<" + name + ` xsi:nil="true"/>` + "\n")
	case value == "":
		w.raw(indent + "<" + name + "/>\n")
	default:
		w.raw(indent + "<" + name + ">")
		if w.err == nil {
			w.err = xml.EscapeText(w.w, []byte(value))
		}
		w.raw("</" + name + ">\n")
	}
}
