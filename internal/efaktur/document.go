package efaktur

import (
	"bytes"
	"time"
)

// Document returns the document that is signed when f is approved: the
// faktur's number, status, the faktur it replaces, the seller's NPWP,
// the approval time and the TaxInvoice element exactly as the bulk file
// carries it, as UTF-8 XML. The same faktur always gives the same bytes,
// so a verifier can rebuild it from an export and check the signature's
// document hash.
func Document(f *Faktur) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(2048 + 1024*len(f.Invoice.Lines))
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<SignedTaxInvoice>\n")
	w := &Writer{x: &xmlOut{w: &b}, opened: true, tin: f.SellerNPWP}
	status := "Normal"
	if f.Replaces != 0 || f.ReplacesNumber != "" {
		status = "Pengganti"
	}
	w.x.Leaf("  ", "Number", f.Number)
	w.x.Leaf("  ", "Status", status)
	w.x.Leaf("  ", "Replaces", f.ReplacesNumber)
	w.x.Leaf("  ", "TIN", f.SellerNPWP)
	w.x.Leaf("  ", "ApprovedAt", f.ApprovedAt.UTC().Format(time.RFC3339))
	if err := w.Write(&f.Invoice); err != nil {
		return nil, err
	}
	if err := w.x.Flush(); err != nil {
		return nil, err
	}
	b.WriteString("</SignedTaxInvoice>\n")
	return b.Bytes(), nil
}
