package money

import (
	"fmt"
	"math/big"

	"github.com/coretax/coretax/internal/errs"
)

// Rounding names a rounding rule. Each one says which rule of Indonesian
// tax practice it encodes and how sure the source is (see
// shared/domain/*.md for the sources). The zero value is not a rule, so that
// forgetting to choose one is an error rather than a silent default.
type Rounding int

const (
	// HalfUp rounds to the nearest sen, halves away from zero
	// (1.005 → 1.01, -1.005 → -1.01).
	//
	// Used for every e-Faktur amount: DPP Nilai Lain = round2(TaxBase ×
	// 11/12) and PPN = round2(OtherTaxBase × 12/100) under PMK 131/2024. The
	// DJP converter (Math.round(x*100)/100) and Odoo both round half-up to
	// 2 decimals; DJP has published no text on rounding (efaktur-xml.md §6,
	// §8: likely).
	HalfUp Rounding = iota + 1

	// DownToRupiah drops the sen, rounding toward zero to a whole rupiah
	// (1.99 → 1, -1.99 → -1).
	//
	// For PPh withheld in a month: no DJP rule was found, and the
	// implementations seen truncate to whole rupiah (pph21.md §5: unsure).
	// Use it where that practice is followed, and revisit it when a rule is
	// found.
	DownToRupiah

	// HalfUpToRupiah rounds to the nearest whole rupiah, halves away from
	// zero (1.50 → 2, 1.49 → 1).
	//
	// No rule in the domain notes calls for it yet; it exists so that a rule
	// which does can name it rather than compute it inline.
	HalfUpToRupiah

	// DownToThousandRupiah rounds toward zero to a whole thousand rupiah
	// (56,400,999.99 → 56,400,000).
	//
	// Penghasilan Kena Pajak (taxable income) is rounded down to a full
	// thousand rupiah before the Pasal 17 rates are applied: UU PPh Pasal
	// 17(4) (pph21.md §5 step 5: sure).
	DownToThousandRupiah
)

var roundingNames = map[Rounding]string{
	HalfUp:               "HalfUp",
	DownToRupiah:         "DownToRupiah",
	HalfUpToRupiah:       "HalfUpToRupiah",
	DownToThousandRupiah: "DownToThousandRupiah",
}

// String returns the Go name of r.
func (r Rounding) String() string {
	if s, ok := roundingNames[r]; ok {
		return s
	}
	return fmt.Sprintf("Rounding(%d)", int(r))
}

// unit returns the step r rounds to, in sen, and whether halves go up.
func (r Rounding) unit() (unit int64, halfUp bool, ok bool) {
	switch r {
	case HalfUp:
		return 1, true, true
	case DownToRupiah:
		return 100, false, true
	case HalfUpToRupiah:
		return 100, true, true
	case DownToThousandRupiah:
		return 100_000, false, true
	}
	return 0, false, false
}

// MulRat returns a × num / den rounded by r, computed exactly (no
// intermediate rounding, no float). It is the one place where tax
// computations scale an amount:
//
//	dppLain, err := money.MulRat(price, 11, 12, money.HalfUp)  // DPP Nilai Lain, PMK 131/2024
//	ppn, err := money.MulRat(dppLain, 12, 100, money.HalfUp)   // PPN 12 %
//
// It returns an error when den is 0, when r is not a Rounding, or (Invalid)
// when the result leaves ±MaxAmount.
func MulRat(a Amount, num, den int64, r Rounding) (Amount, error) {
	unit, halfUp, ok := r.unit()
	if !ok {
		return 0, fmt.Errorf("money.MulRat: unknown rounding %v", r)
	}
	if den == 0 {
		return 0, fmt.Errorf("money.MulRat: %s × %d/0: division by zero", a, num)
	}
	n := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num))
	d := new(big.Int).Mul(big.NewInt(den), big.NewInt(unit))
	if d.Sign() < 0 {
		n.Neg(n)
		d.Neg(d)
	}
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int)) // q truncated toward zero
	if halfUp {
		twice := new(big.Int).Abs(rem)
		twice.Lsh(twice, 1)
		if twice.Cmp(d) >= 0 {
			q.Add(q, big.NewInt(int64(n.Sign())))
		}
	}
	q.Mul(q, big.NewInt(unit))
	if !q.IsInt64() || q.Int64() > int64(MaxAmount) || q.Int64() < -int64(MaxAmount) {
		return 0, errs.Errorf(errs.Invalid, "%s × %d/%d: the result is beyond the largest amount, %s",
			a, num, den, MaxAmount.Display())
	}
	return Amount(q.Int64()), nil
}

// Round returns a rounded by r. Rounding an amount within ±MaxAmount stays
// within it, so there is no error to report; an r that is not one of the
// Rounding constants is a programming error and panics.
func (a Amount) Round(r Rounding) Amount {
	v, err := MulRat(a, 1, 1, r)
	if err != nil {
		panic(err)
	}
	return v
}
