// Package fakturpdf renders a signed faktur pajak as the A4 PDF a buyer
// receives: every element that UU PPN Pasal 13(5) and PMK 131/2024 require
// on a faktur (seller and buyer identity, the goods or services with their
// quantity, price and discount, PPN, PPnBM, the code and serial number, the
// date, the signer's name and electronic signature), the totals, and a QR
// code that opens the public verification page of the signature.
//
// The page is first laid out as a list of placed items (text, rules, the QR
// code) and only then drawn, so that tests compare the layout as text with
// golden files and the drawing stays a thin loop. doc/efaktur-pdf.md
// describes the page.
package fakturpdf

import (
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
)

// Status is the status of a faktur: a normal faktur or a replacement
// (Faktur Pajak Pengganti) of one already issued.
type Status string

// The faktur statuses.
const (
	Normal      Status = "Normal"
	Replacement Status = "Pengganti"
)

// Seller is the Pengusaha Kena Pajak that issues the faktur.
type Seller struct {
	Name    string
	Address string
	NPWP    string // 16 digits
	NITKU   string // 22 digits: the place of business that delivers
}

// Signer is the person who signed the faktur electronically for the
// seller, and the city shown beside the date of signing.
type Signer struct {
	Name  string
	Place string // city, e.g. "Jakarta Selatan"
}

// Faktur is everything the page shows. The buyer is the invoice's Buyer;
// the totals are computed from the invoice's lines (see Sum).
type Faktur struct {
	// Number is the 17-digit Kode dan Nomor Seri Faktur Pajak: kode
	// transaksi, kode status and the 13-digit NSFP (PER-11/PJ/2025 Pasal
	// 37(1)).
	Number string
	Status Status
	// Replaces is the number of the faktur this one replaces; only for a
	// Replacement.
	Replaces    string
	Invoice     *efaktur.Invoice
	Seller      Seller
	Signer      Signer
	SignedAt    time.Time // shown as a calendar day in WIB
	SignatureID string    // the public id of the signature
	VerifyURL   string    // absolute URL of the public verification page
}

// Write renders f as an A4 PDF on w. It refuses a faktur that lacks an
// element the regulation requires, rather than print an incomplete one.
func Write(w io.Writer, f Faktur) error {
	if err := check(f); err != nil {
		return err
	}
	items, err := layout(f)
	if err != nil {
		return fmt.Errorf("lay out faktur %s: %w", f.Number, err)
	}
	if err := draw(w, f, items); err != nil {
		return fmt.Errorf("draw faktur %s: %w", f.Number, err)
	}
	return nil
}

// check reports every missing or malformed element of f, by field.
func check(f Faktur) error {
	var fs errs.Fields
	if !digits(f.Number, 17) {
		fs.Add("number", f.Number, "the Kode dan Nomor Seri Faktur Pajak must be 17 digits (PER-11/PJ/2025 Pasal 37(1)), e.g. 04002600000000123")
	}
	switch f.Status {
	case Normal:
		if f.Replaces != "" {
			fs.Add("replaces", f.Replaces, "only a Pengganti faktur replaces another; set status to Pengganti or leave replaces empty")
		}
	case Replacement:
		if !digits(f.Replaces, 17) {
			fs.Add("replaces", f.Replaces, "a Pengganti faktur must name the 17-digit number of the faktur it replaces")
		}
	default:
		fs.Add("status", string(f.Status), "use Normal or Pengganti")
	}
	if f.Invoice == nil {
		fs.Add("invoice", "", "the faktur has no invoice to show")
	} else {
		b := f.Invoice.Buyer
		if b.Name == "" {
			fs.Add("invoice.buyer.name", "", "the buyer's name is required on a faktur (UU PPN Pasal 13(5)(b))")
		}
		if b.Address == "" {
			fs.Add("invoice.buyer.address", "", "the buyer's address is required on a faktur (UU PPN Pasal 13(5)(b))")
		}
		if b.TIN == efaktur.NoTIN || b.TIN == "" {
			if b.DocumentNumber == "" || b.DocumentNumber == "-" {
				fs.Add("invoice.buyer.document_number", b.DocumentNumber, "a buyer without NPWP must be identified by NIK, passport or other ID number (UU PPN Pasal 13(5)(b))")
			}
		}
		if len(f.Invoice.Lines) == 0 {
			fs.Add("invoice.lines", "", "a faktur lists at least one delivery of goods or services (UU PPN Pasal 13(5)(c))")
		}
		if f.Invoice.Date.IsZero() {
			fs.Add("invoice.date", "", "the date of the faktur is required (UU PPN Pasal 13(5)(f))")
		}
	}
	if f.Seller.Name == "" {
		fs.Add("seller.name", "", "the seller's name is required on a faktur (UU PPN Pasal 13(5)(a))")
	}
	if f.Seller.Address == "" {
		fs.Add("seller.address", "", "the seller's address is required on a faktur (UU PPN Pasal 13(5)(a))")
	}
	if !digits(f.Seller.NPWP, 16) {
		fs.Add("seller.npwp", f.Seller.NPWP, "the seller's NPWP must be 16 digits (UU PPN Pasal 13(5)(a))")
	}
	if !digits(f.Seller.NITKU, 22) {
		fs.Add("seller.nitku", f.Seller.NITKU, "the seller's NITKU must be 22 digits: the NPWP followed by the 6-digit place-of-business number")
	}
	if f.Signer.Name == "" {
		fs.Add("signer.name", "", "the signer's name is required on a faktur (UU PPN Pasal 13(5)(g))")
	}
	if f.Signer.Place == "" {
		fs.Add("signer.place", "", "the city shown beside the signature is required")
	}
	if f.SignedAt.IsZero() {
		fs.Add("signed_at", "", "a faktur is printed only once signed; give the time of signing")
	}
	if f.SignatureID == "" {
		fs.Add("signature_id", "", "the public id of the signature is required")
	}
	if u, err := url.Parse(f.VerifyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fs.Add("verify_url", f.VerifyURL, "the QR code needs the absolute http(s) URL of the public verification page, e.g. https://coretax.example/verify/abcd")
	}
	return fs.Err("the faktur cannot be printed")
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
