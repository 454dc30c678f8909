package efaktur

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// LineInput is what a seller keys in for one line; ComputeLine derives the
// rest.
type LineInput struct {
	Kind      Kind
	Code      string
	Name      string
	Unit      string
	Price     money.Amount
	Qty       Quantity
	Discount  money.Amount
	PPnBMRate Percent // > 0 marks a luxury good (barang mewah)
	// SpecificVAT is the VAT of a transaction code 05 line, a specific
	// amount set by regulation (UU PPN Pasal 9A(1)); ignored otherwise.
	SpecificVAT money.Amount
}

// grossRounding rounds Price × Qty to sen: half-up to 2 decimals, as the DJP
// converter (Math.round(x*100)/100) and Odoo (idr.round) do; DJP has
// published no rounding text (efaktur-xml.md §6, likely).
const grossRounding = money.HalfUp

// otherTaxBaseRounding rounds DPP Nilai Lain = TaxBase × 11/12 to sen,
// half-up: PMK 131/2024 Pasal 3 gives the fraction, the rounding is the
// converter's and Odoo's (efaktur-xml.md §8: 100000 → 91666.67).
const otherTaxBaseRounding = money.HalfUp

// vatRounding rounds PPN = OtherTaxBase × VATRate to sen, half-up: the
// converter requires VAT = round2(OtherTaxBase × VATRate / 100)
// (efaktur-xml.md §6, element 11).
const vatRounding = money.HalfUp

// ppnbmRounding rounds PPnBM = OtherTaxBase × STLGRate to sen, half-up, as
// Odoo computes round2(STLGRate × OtherTaxBase / 100) (efaktur-xml.md §6,
// element 13, likely).
const ppnbmRounding = money.HalfUp

// mulRat returns money.MulRat(a, num, den, r). Rounded HalfUp (every
// rounding of this package) it is computed in 64 bits when |a × num| fits
// in them, which it does for every amount of a real invoice, and falls
// back to money.MulRat's exact arithmetic (and its errors) otherwise.
func mulRat(a money.Amount, num, den int64, r money.Rounding) (money.Amount, error) {
	if r != money.HalfUp || den <= 0 || a == math.MinInt64 || num == math.MinInt64 {
		return money.MulRat(a, num, den, r)
	}
	ua, un := uint64(a), uint64(num)
	if a < 0 {
		ua = uint64(-a)
	}
	if num < 0 {
		un = uint64(-num)
	}
	hi, n := bits.Mul64(ua, un)
	if hi != 0 || n > math.MaxInt64 {
		return money.MulRat(a, num, den, r)
	}
	q, rem := n/uint64(den), n%uint64(den)
	if 2*rem >= uint64(den) {
		q++ // half away from zero
	}
	if q > uint64(money.MaxAmount) {
		return money.MulRat(a, num, den, r)
	}
	if (a < 0) != (num < 0) {
		return -money.Amount(q), nil
	}
	return money.Amount(q), nil
}

// TaxBase returns DPP = round2(Price × Qty) − TotalDiscount (efaktur-xml.md
// §6 element 8).
func TaxBase(price money.Amount, qty Quantity, discount money.Amount) (money.Amount, error) {
	gross, err := mulRat(price, int64(qty), 100, grossRounding)
	if err != nil {
		return 0, err
	}
	return gross.Sub(discount)
}

// OtherTaxBase returns DPP Nilai Lain for a line of an invoice dated day
// under code trx: round2(TaxBase × 11/12) for code 04 from 1 January 2025
// (PMK 131/2024 Pasal 3), TaxBase otherwise (luxury goods are taxed on the
// full price, PMK 131/2024 Pasal 2; Odoo writes OtherTaxBase = TaxBase for
// other codes).
func OtherTaxBase(day time.Time, trx TrxCode, luxury bool, taxBase money.Amount) (money.Amount, error) {
	if trx != TrxOtherValue || luxury {
		return taxBase, nil
	}
	r, ok := OtherValueOn(day)
	if !ok {
		return taxBase, nil
	}
	return mulRat(taxBase, r.Num, r.Den, otherTaxBaseRounding)
}

// VAT returns round2(base × rate / 100).
func VAT(base money.Amount, rate Percent) (money.Amount, error) {
	return mulRat(base, int64(rate), 10_000, vatRounding)
}

// PPnBM returns round2(base × rate / 100).
func PPnBM(base money.Amount, rate Percent) (money.Amount, error) {
	return mulRat(base, int64(rate), 10_000, ppnbmRounding)
}

// ComputeLine computes a line of an invoice dated day under code trx from
// the keyed-in values, under the rates in force that day (Rates,
// OtherValueRules):
//
//   - non-luxury goods and services, code 04: DPP Nilai Lain = 11/12 × DPP,
//     PPN = 12 % × DPP Nilai Lain (effective 11 %);
//   - luxury goods (PPnBMRate > 0): PPN = 12 % × the full DPP, PPnBM =
//     PPnBMRate × DPP; not allowed under code 04 nor on services;
//   - codes 07 and 08: the PPN not collected or exempt is computed the same
//     way and stated on the faktur;
//   - code 05: the PPN is the specific amount given.
func ComputeLine(day time.Time, trx TrxCode, in LineInput) (Line, error) {
	if _, ok := TrxCodes[trx]; !ok {
		return Line{}, errs.Errorf(errs.Invalid, "transaction code %s: not a code; use 01–10", errs.Quote(string(trx)))
	}
	luxury := in.PPnBMRate > 0
	if luxury && trx == TrxOtherValue {
		return Line{}, errs.Errorf(errs.Invalid, "line %s: PPnBM rate %s %% under code 04: code 04 is for non-luxury deliveries; use 01 (or the code of the buyer) for luxury goods", errs.Quote(in.Name), in.PPnBMRate.XML())
	}
	if luxury && in.Kind != Goods {
		return Line{}, errs.Errorf(errs.Invalid, "line %s: PPnBM is due only on goods (Opt A), not on services", errs.Quote(in.Name))
	}
	rate, ok := RateOn(day)
	if !ok {
		return Line{}, errs.Errorf(errs.Invalid, "invoice date %s: no PPN rate is known for it", day.Format(time.DateOnly))
	}
	l := Line{Kind: in.Kind, Code: in.Code, Name: in.Name, Unit: in.Unit, Price: in.Price, Qty: in.Qty,
		Discount: in.Discount, VATRate: rate.Rate, PPnBMRate: in.PPnBMRate}
	var err error
	if l.TaxBase, err = TaxBase(in.Price, in.Qty, in.Discount); err != nil {
		return Line{}, fmt.Errorf("line %q: tax base: %w", in.Name, err)
	}
	if l.TaxBase < 0 {
		return Line{}, errs.Errorf(errs.Invalid, "line %s: the discount %s is larger than price × quantity", errs.Quote(in.Name), in.Discount.XML())
	}
	if l.OtherTaxBase, err = OtherTaxBase(day, trx, luxury, l.TaxBase); err != nil {
		return Line{}, fmt.Errorf("line %q: other tax base: %w", in.Name, err)
	}
	if trx == TrxSpecificAmount {
		l.VAT = in.SpecificVAT
	} else if l.VAT, err = VAT(l.OtherTaxBase, l.VATRate); err != nil {
		return Line{}, fmt.Errorf("line %q: VAT: %w", in.Name, err)
	}
	if l.PPnBM, err = PPnBM(l.OtherTaxBase, l.PPnBMRate); err != nil {
		return Line{}, fmt.Errorf("line %q: PPnBM: %w", in.Name, err)
	}
	return l, nil
}
