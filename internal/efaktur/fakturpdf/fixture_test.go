package fakturpdf

import (
	"fmt"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/money"
)

// The fixtures every test draws: one faktur per case the page must handle.

var day = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)

func line(t *testing.T, trx efaktur.TrxCode, in efaktur.LineInput) efaktur.Line {
	t.Helper()
	l, err := efaktur.ComputeLine(day, trx, in)
	if err != nil {
		t.Fatalf("ComputeLine(%+v): %v", in, err)
	}
	return l
}

func base(inv *efaktur.Invoice) Faktur {
	return Faktur{
		Number:  "04002600000000123",
		Status:  Normal,
		Invoice: inv,
		Seller: Seller{Name: "PT Sinar Dewata Abadi", Address: "Jl. Bypass Ngurah Rai No. 88, Kuta, Kabupaten Badung, Bali 80361",
			NPWP: "0012345678901000", NITKU: "0012345678901000000000"},
		Signer:      Signer{Name: "Made Wirawan", Place: "Denpasar"},
		SignedAt:    time.Date(2026, 3, 9, 18, 30, 0, 0, time.UTC), // 10 March 01:30 WIB
		SignatureID: "k3d9x2mqp7v4a8c1z5tb",
		VerifyURL:   "https://coretax.example/verify/k3d9x2mqp7v4a8c1z5tb",
	}
}

// normalFaktur is the Odoo golden vector: price 100000 under code 04 gives
// DPP Nilai Lain 91666.67 and PPN 11000 (efaktur-xml.md §8).
func normalFaktur(t *testing.T) Faktur {
	inv := &efaktur.Invoice{Date: day, Option: "Normal", TrxCode: efaktur.TrxOtherValue, RefDesc: "INV/2026/00042",
		SellerIDTKU: "0012345678901000000000",
		Buyer: efaktur.Buyer{TIN: "0987654321098000", Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-",
			Name: "PT Pembeli Sejahtera", Address: "Jl. Jend. Sudirman Kav. 52-53, Senayan, Kebayoran Baru, Jakarta Selatan 12190",
			Email: "pajak@pembeli.example", IDTKU: "0987654321098000000000"},
		Lines: []efaktur.Line{line(t, efaktur.TrxOtherValue, efaktur.LineInput{Kind: efaktur.Goods, Code: "000000",
			Name: "Kopi arabika Kintamani sangrai 1 kg", Unit: "UM.0018", Price: 100_000 * money.Rupiah, Qty: 100})},
	}
	return base(inv)
}

// replacementFaktur replaces the normal one, with a discounted service
// line added.
func replacementFaktur(t *testing.T) Faktur {
	f := normalFaktur(t)
	inv := *f.Invoice
	inv.Lines = append([]efaktur.Line{}, inv.Lines...)
	inv.Lines = append(inv.Lines, line(t, efaktur.TrxOtherValue, efaktur.LineInput{Kind: efaktur.Services, Code: "000000",
		Name: "Jasa konsultasi pajak", Unit: "UM.0030", Price: 2_500_000 * money.Rupiah, Qty: 200, Discount: 100_000 * money.Rupiah}))
	f.Invoice = &inv
	f.Number = "04012600000000124"
	f.Status = Replacement
	f.Replaces = "04002600000000123"
	return f
}

// nikFaktur sells to an individual identified by NIK, under code 01 so
// that PPN is 12 % of the DPP.
func nikFaktur(t *testing.T) Faktur {
	inv := &efaktur.Invoice{Date: day, Option: "Normal", TrxCode: efaktur.TrxNonCollector,
		SellerIDTKU: "0012345678901000000000",
		Buyer: efaktur.Buyer{TIN: efaktur.NoTIN, Document: efaktur.BuyerNationalID, Country: "IDN", DocumentNumber: "5171042505900003",
			Name: "I Ketut Suardana", Address: "Br. Dinas Tegal, Desa Dalung, Kuta Utara, Badung", IDTKU: "000000"},
		Lines: []efaktur.Line{line(t, efaktur.TrxNonCollector, efaktur.LineInput{Kind: efaktur.Goods, Code: "000000",
			Name: "Mobil penumpang sedan 2.500 cc", Unit: "UM.0018", Price: 750_000_000 * money.Rupiah, Qty: 100, PPnBMRate: 2000})},
	}
	f := base(inv)
	f.Number = "01002600000000125"
	return f
}

// longFaktur has 120 lines, some with names long enough to wrap, so that
// the table runs over several pages.
func longFaktur(t *testing.T) Faktur {
	f := normalFaktur(t)
	inv := *f.Invoice
	inv.Lines = nil
	for i := range 120 {
		name := fmt.Sprintf("Barang nomor %d", i+1)
		if i%7 == 3 {
			name = fmt.Sprintf("Paket perlengkapan kantor nomor %d berisi kertas HVS A4 80 gram, map plastik, pulpen gel hitam, stabilo, dan penjepit kertas ukuran sedang", i+1)
		}
		inv.Lines = append(inv.Lines, line(t, efaktur.TrxOtherValue, efaktur.LineInput{Kind: efaktur.Goods, Code: "000000",
			Name: name, Unit: "UM.0021", Price: money.Amount(i+1) * 12_345 * money.Rupiah, Qty: efaktur.Quantity(50 * (i%4 + 1)),
			Discount: money.Amount(i%3) * 1_000 * money.Rupiah}))
	}
	f.Invoice = &inv
	f.Number = "04002600000000126"
	return f
}

var fixtures = []struct {
	name string
	make func(*testing.T) Faktur
}{
	{"normal", normalFaktur},
	{"replacement", replacementFaktur},
	{"nik", nikFaktur},
	{"long", longFaktur},
}
