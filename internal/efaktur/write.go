package efaktur

import (
	"errors"
	"io"
	"time"

	"github.com/coretax/coretax/internal/xmlstream"
)

// Writer writes a TaxInvoiceBulk file one invoice at a time, in the element
// order Coretax requires, every element present (empty ones as <AddInfo/>),
// amounts as the DJP converter writes them (11000, 91666.67). What it
// writes, Reader reads back to the same Invoice values.
type Writer struct {
	x      *xmlstream.Writer
	opened bool
	closed bool
	tin    string
}

// NewWriter returns a Writer of a file whose TIN is the seller's NPWP.
func NewWriter(w io.Writer, sellerTIN string) *Writer {
	return &Writer{x: xmlstream.NewWriter(w), tin: sellerTIN}
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
