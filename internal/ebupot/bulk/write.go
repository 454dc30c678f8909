package bulk

import (
	"fmt"
	"io"

	"github.com/coretax/coretax/internal/xmlstream"
)

// Writer writes a bulk file of one kind, one row at a time, every element
// of the kind present and in the Coretax order, nil values as
// <Elem xsi:nil="true"/>. Values are written as their Text: rows read by
// Reader are written back as they were read, and the Set methods of Row
// give the forms Coretax uses (month 6, Rate 0.5, Gross 1758000).
type Writer struct {
	x      *xmlstream.Writer
	format *Format
	tin    string
	opened bool
	closed bool
}

// NewWriter returns a Writer of a file of kind k whose TIN is the
// withholder's NPWP. It panics if k is not one of Kinds.
func NewWriter(w io.Writer, k Kind, tin string) *Writer {
	return &Writer{x: xmlstream.NewWriter(w), format: k.Format(), tin: tin}
}

func (w *Writer) open() {
	if w.opened {
		return
	}
	w.opened = true
	f := w.format
	w.x.Raw(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.x.Raw("<" + f.Root + ` xmlns:xsi="` + xsiNS + `">` + "\n")
	w.x.Leaf("  ", "TIN", w.tin)
	w.x.Raw("  <" + f.List + ">\n")
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
	w.x.Raw("    <" + f.Row + ">\n")
	for i, e := range f.Elements {
		if v := row.Values[i]; v.Nil {
			w.x.Raw("      <" + e.Name + ` xsi:nil="true"/>` + "\n")
		} else {
			w.x.Leaf("      ", e.Name, v.Text)
		}
	}
	w.x.Raw("    </" + f.Row + ">\n")
	return w.x.Err()
}

// Close ends the document and flushes it; it does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.x.Err()
	}
	w.open()
	w.closed = true
	w.x.Raw("  </" + w.format.List + ">\n</" + w.format.Root + ">\n")
	return w.x.Flush()
}
