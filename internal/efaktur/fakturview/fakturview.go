// Package fakturview turns a stored faktur and its seller's printed
// identity into what the faktur PDF shows (fakturpdf.Faktur). It sits
// apart from efaktur because fakturpdf imports efaktur.
package fakturview

import (
	"strings"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/fakturpdf"
	"github.com/coretax/coretax/internal/errs"
)

// PDF returns the printed form of f, sold by seller, whose QR code opens
// baseURL + "/verify/" + the signature's public ID. baseURL is the
// absolute http(s) URL of the server, without a trailing slash. Only a
// signed faktur is printed: approved, amended or cancelled; a draft is a
// Conflict.
func PDF(f *efaktur.Faktur, seller efaktur.Party, baseURL string) (fakturpdf.Faktur, error) {
	if f.Status == efaktur.Draft || f.Number == "" || f.PublicID == "" {
		return fakturpdf.Faktur{}, errs.Errorf(errs.Conflict, "faktur %d is a draft: it has no number or signature yet, so it has no PDF; approve it first", f.ID)
	}
	out := fakturpdf.Faktur{
		Number:      f.Number,
		Status:      fakturpdf.Normal,
		Invoice:     &f.Invoice,
		Seller:      fakturpdf.Seller{Name: seller.Name, Address: seller.Address, NPWP: seller.NPWP, NITKU: f.Invoice.SellerIDTKU},
		Signer:      fakturpdf.Signer{Name: f.ApprovedBy, Place: seller.City},
		SignedAt:    f.ApprovedAt,
		SignatureID: f.PublicID,
		VerifyURL:   strings.TrimSuffix(baseURL, "/") + "/verify/" + f.PublicID,
	}
	if f.Replaces != 0 {
		out.Status, out.Replaces = fakturpdf.Replacement, f.ReplacesNumber
	}
	return out, nil
}
