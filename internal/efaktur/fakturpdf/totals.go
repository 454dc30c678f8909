package fakturpdf

import (
	"fmt"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/money"
)

// Totals are the rows under the table of a faktur, each the sum over the
// lines.
type Totals struct {
	Gross        money.Amount // Harga Jual / Penggantian / Uang Muka / Termin: Σ round2(Price × Qty)
	Discount     money.Amount // Potongan Harga: Σ TotalDiscount
	TaxBase      money.Amount // Dasar Pengenaan Pajak: Σ TaxBase
	OtherTaxBase money.Amount // DPP Nilai Lain: Σ OtherTaxBase
	VAT          money.Amount // Jumlah PPN: Σ VAT
	PPnBM        money.Amount // Jumlah PPnBM: Σ STLG
}

// Sum adds up the lines of an invoice. The gross of each line is
// round2(Price × Qty) as efaktur.TaxBase computes it before the discount;
// the other columns are the line's own computed amounts, so that the page
// shows what the XML and the return carry.
func Sum(lines []efaktur.Line) (Totals, error) {
	var t Totals
	add := func(dst *money.Amount, v money.Amount, what string, i int) error {
		s, err := dst.Add(v)
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", i+1, what, err)
		}
		*dst = s
		return nil
	}
	for i, l := range lines {
		gross, err := efaktur.TaxBase(l.Price, l.Qty, 0)
		if err != nil {
			return Totals{}, fmt.Errorf("line %d: price × quantity: %w", i+1, err)
		}
		for _, a := range []struct {
			dst  *money.Amount
			v    money.Amount
			what string
		}{
			{&t.Gross, gross, "harga jual"},
			{&t.Discount, l.Discount, "potongan harga"},
			{&t.TaxBase, l.TaxBase, "DPP"},
			{&t.OtherTaxBase, l.OtherTaxBase, "DPP Nilai Lain"},
			{&t.VAT, l.VAT, "PPN"},
			{&t.PPnBM, l.PPnBM, "PPnBM"},
		} {
			if err := add(a.dst, a.v, a.what, i); err != nil {
				return Totals{}, err
			}
		}
	}
	return t, nil
}
