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
	w      *bufio.Writer
	opened bool
	closed bool
	tin    string
	err    error
}

// NewWriter returns a Writer of a file whose TIN is the seller's NPWP.
func NewWriter(w io.Writer, sellerTIN string) *Writer {
	return &Writer{w: bufio.NewWriter(w), tin: sellerTIN}
}

const bulkHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
	`<TaxInvoiceBulk xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="TaxInvoice.xsd">` + "\n"

func (w *Writer) open() {
	if w.opened {
		return
	}
	w.opened = true
	w.raw(bulkHeader)
	w.leaf("  ", "TIN", w.tin)
	w.raw("  <ListOfTaxInvoice>\n")
}

// Write writes one invoice.
func (w *Writer) Write(inv *Invoice) error {
	if w.closed {
		return errors.New("efaktur: Write after Close")
	}
	w.open()
	const in = "      "
	w.raw("    <TaxInvoice>\n")
	d := ""
	if !inv.Date.IsZero() {
		d = inv.Date.Format(time.DateOnly)
	}
	b := inv.Buyer
	for h, v := range [...]string{d, inv.Option, string(inv.TrxCode), inv.AddInfo, inv.CustomDoc, inv.CustomDocMonthYear,
		inv.RefDesc, inv.FacilityStamp, inv.SellerIDTKU, b.TIN, string(b.Document), b.Country, b.DocumentNumber,
		b.Name, b.Address, b.Email, b.IDTKU} {
		w.leaf(in, headerElements[h], v)
	}
	w.raw(in + "<ListOfGoodService>\n")
	const ln = "          "
	for i := range inv.Lines {
		l := &inv.Lines[i]
		w.raw("        <GoodService>\n")
		for f, v := range [...]string{string(l.Kind), l.Code, l.Name, l.Unit, l.Price.XML(), l.Qty.XML(), l.Discount.XML(),
			l.TaxBase.XML(), l.OtherTaxBase.XML(), l.VATRate.XML(), l.VAT.XML(), l.PPnBMRate.XML(), l.PPnBM.XML()} {
			w.leaf(ln, lineElements[f], v)
		}
		w.raw("        </GoodService>\n")
	}
	w.raw(in + "</ListOfGoodService>\n")
	w.raw("    </TaxInvoice>\n")
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
	w.raw("  </ListOfTaxInvoice>\n</TaxInvoiceBulk>\n")
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

func (w *Writer) leaf(indent, name, value string) {
	if value == "" {
		w.raw(indent + "<" + name + "/>\n")
		return
	}
	w.raw(indent + "<" + name + ">")
	if w.err == nil {
		w.err = xml.EscapeText(w.w, []byte(value))
	}
	w.raw("</" + name + ">\n")
}
