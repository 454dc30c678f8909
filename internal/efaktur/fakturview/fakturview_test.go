package fakturview_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/fakturpdf"
	"github.com/coretax/coretax/internal/efaktur/fakturview"
	"github.com/coretax/coretax/internal/errs"
)

func faktur() *efaktur.Faktur {
	return &efaktur.Faktur{ID: 9, Number: "04012600000000003", Status: efaktur.Approved, Replaces: 4, ReplacesNumber: "04002600000000003",
		Invoice: efaktur.Invoice{Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Option: "Normal", TrxCode: "04", SellerIDTKU: "0010000016000000000001",
			Buyer: efaktur.Buyer{TIN: "5104050502680001", Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-", Name: "I Ketut Sudarma",
				Address: "Ubud", IDTKU: "5104050502680001000000"},
			Lines: []efaktur.Line{{Kind: efaktur.Services, Code: "000000", Name: "Villa management", Unit: "UM.0030", Price: 100000_00, Qty: 100,
				TaxBase: 100000_00, OtherTaxBase: 91666_67, VATRate: 1200, VAT: 11000_00}}},
		ApprovedAt: time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC), ApprovedBy: "Johann Gruber", PublicID: "p7vmrxrk"}
}

var seller = efaktur.Party{NPWP: "0010000016000000", Name: "PT Surya Kencana Villas", Address: "Jl. Pantai Batu Bolong No. 5, Canggu", City: "Badung"}

func TestPDF(t *testing.T) {
	f := faktur()
	got, err := fakturview.PDF(f, seller, "https://coretax.example/")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != fakturpdf.Replacement || got.Replaces != "04002600000000003" || got.Number != f.Number ||
		got.VerifyURL != "https://coretax.example/verify/p7vmrxrk" || got.SignatureID != "p7vmrxrk" ||
		got.Seller != (fakturpdf.Seller{Name: seller.Name, Address: seller.Address, NPWP: seller.NPWP, NITKU: "0010000016000000000001"}) ||
		got.Signer != (fakturpdf.Signer{Name: "Johann Gruber", Place: "Badung"}) || !got.SignedAt.Equal(f.ApprovedAt) || got.Invoice != &f.Invoice {
		t.Errorf("PDF view = %+v", got)
	}
	var b bytes.Buffer
	if err := fakturpdf.Write(&b, got); err != nil {
		t.Fatalf("the view does not print: %v", err)
	}

	f.Replaces, f.ReplacesNumber = 0, ""
	if got, _ := fakturview.PDF(f, seller, "http://127.0.0.1:8080"); got.Status != fakturpdf.Normal || got.Replaces != "" {
		t.Errorf("normal faktur = %s replacing %q", got.Status, got.Replaces)
	}

	d := faktur()
	d.Status, d.Number, d.PublicID = efaktur.Draft, "", ""
	if _, err := fakturview.PDF(d, seller, "https://coretax.example"); !errs.Is(errs.Conflict, err) {
		t.Errorf("draft: %v, want a conflict", err)
	}
}
