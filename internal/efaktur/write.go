package efaktur

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"time"
)

// Writer writes a TaxInvoiceBulk file one invoice at a time, in the element
// order Coretax requires, every element present (empty ones as <AddInfo/>),
// amounts as the DJP converter writes them (11000, 91666.67). What it
// writes, Reader reads back to the same Invoice values.
type Writer struct {
	x      *xmlOut
	opened bool
	closed bool
	tin    string
}

// NewWriter returns a Writer of a file whose TIN is the seller's NPWP.
func NewWriter(w io.Writer, sellerTIN string) *Writer {
	b := bufio.NewWriter(w)
	return &Writer{x: &xmlOut{w: b, buf: b}, tin: sellerTIN}
}

// xmlOut writes the indented XML of Writer and Document: byte for byte
// what internal/xmlstream's Writer writes, without building a string for
// every tag and a byte slice for every value (an approval builds one
// document a faktur, some 50 elements each, on its critical path). It
// keeps the first error and writes nothing after it.
type xmlOut struct {
	w interface {
		io.Writer
		io.StringWriter
	}
	buf *bufio.Writer // w when it must be flushed; nil otherwise
	err error
}

// Raw writes s as it is: markup the caller has composed.
func (o *xmlOut) Raw(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

// Leaf writes the line indent<name>value</name> with value escaped as
// xml.EscapeText escapes it, or indent<name/> when value is empty.
func (o *xmlOut) Leaf(indent, name, value string) {
	o.Raw(indent)
	o.Raw("<")
	o.Raw(name)
	if value == "" {
		o.Raw("/>\n")
		return
	}
	o.Raw(">")
	if o.err == nil {
		if plainXML(value) {
			_, o.err = o.w.WriteString(value)
		} else {
			o.err = xml.EscapeText(o.w, []byte(value))
		}
	}
	o.Raw("</")
	o.Raw(name)
	o.Raw(">\n")
}

// plainXML reports whether xml.EscapeText writes s unchanged: printable
// ASCII without the quotes, the ampersand and the angle brackets.
func plainXML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\'', c == '&', c == '<', c == '>':
			return false
		}
	}
	return true
}

// Err returns the first error met, or nil.
func (o *xmlOut) Err() error { return o.err }

// Flush writes out the buffer unless an error was met, and returns the
// first error.
func (o *xmlOut) Flush() error {
	if o.err == nil && o.buf != nil {
		o.err = o.buf.Flush()
	}
	return o.err
}

const bulkHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
	`<TaxInvoiceBulk xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="TaxInvoice.xsd">` + "\n"

func (w *Writer) open() {
	if w.opened {
		return
	}
	w.opened = true
	w.x.Raw(bulkHeader)
	w.x.Leaf("  ", "TIN", w.tin)
	w.x.Raw("  <ListOfTaxInvoice>\n")
}

// Write writes one invoice.
func (w *Writer) Write(inv *Invoice) error {
	if w.closed {
		return errors.New("efaktur: Write after Close")
	}
	w.open()
	const in = "      "
	w.x.Raw("    <TaxInvoice>\n")
	d := ""
	if !inv.Date.IsZero() {
		d = inv.Date.Format(time.DateOnly)
	}
	b := inv.Buyer
	for h, v := range [...]string{d, inv.Option, string(inv.TrxCode), inv.AddInfo, inv.CustomDoc, inv.CustomDocMonthYear,
		inv.RefDesc, inv.FacilityStamp, inv.SellerIDTKU, b.TIN, string(b.Document), b.Country, b.DocumentNumber,
		b.Name, b.Address, b.Email, b.IDTKU} {
		w.x.Leaf(in, headerElements[h], v)
	}
	w.x.Raw(in + "<ListOfGoodService>\n")
	const ln = "          "
	for i := range inv.Lines {
		l := &inv.Lines[i]
		w.x.Raw("        <GoodService>\n")
		for f, v := range [...]string{string(l.Kind), l.Code, l.Name, l.Unit, l.Price.XML(), l.Qty.XML(), l.Discount.XML(),
			l.TaxBase.XML(), l.OtherTaxBase.XML(), l.VATRate.XML(), l.VAT.XML(), l.PPnBMRate.XML(), l.PPnBM.XML()} {
			w.x.Leaf(ln, lineElements[f], v)
		}
		w.x.Raw("        </GoodService>\n")
	}
	w.x.Raw(in + "</ListOfGoodService>\n")
	w.x.Raw("    </TaxInvoice>\n")
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
	w.x.Raw("  </ListOfTaxInvoice>\n</TaxInvoiceBulk>\n")
	return w.x.Flush()
}
