package booking

import (
	"fmt"

	"github.com/coretax/coretax/internal/money"
)

// GrossRule states the tax base for the page that shows it.
const GrossRule = "PBJT on accommodation is computed on what the guest paid (the gross), UU 1/2022 Pasal 57: the tax base is the amount paid by the consumer. The OTA's commission is the owner's cost and is not deducted; the payout is never the base."

// Basis is the PBJT base of a set of bookings with the payout beside it,
// so that an owner sees what the office taxes and what reached the bank.
type Basis struct {
	// Lines holds one line per confirmed booking with a known gross, in
	// the order given.
	Lines []BasisLine
	// Gross is the PBJT base: the sum of the lines' gross.
	Gross money.Amount
	// Commission and Payout are the sums of the lines' commission and
	// payout; Difference is Gross − Payout, what the OTAs kept.
	Commission, Payout, Difference money.Amount
	// Unpriced lists the indexes of confirmed bookings whose guest price
	// is not known yet (iCal blocks, Airbnb reservations without their
	// transaction lines): they cannot be declared until it is.
	Unpriced []int
	// Rule states the rule applied (GrossRule).
	Rule string
}

// BasisLine is one booking's part of a Basis.
type BasisLine struct {
	Index      int // in the slice given to GrossBasis
	Gross      money.Amount
	Commission money.Amount
	Payout     money.Amount
	// Difference is Gross − Payout: the commission and fees the OTA kept.
	// Taxing the payout would leave this part of the base undeclared.
	Difference money.Amount
}

// GrossBasis computes the PBJT base of bs under GrossRule: the gross of
// every confirmed booking that is not a duplicate (skip lists indexes to
// leave out, such as the Dup side of Duplicates). Cancelled bookings are
// not stays and are left out. An unknown payout counts as zero in the
// payout sum and the line's difference is then not shown (zero).
func GrossBasis(bs []Booking, skip []Duplicate) (Basis, error) {
	out := Basis{Rule: GrossRule}
	dup := map[int]bool{}
	for _, d := range skip {
		dup[d.Dup] = true
	}
	for i, b := range bs {
		if b.Status != Confirmed || dup[i] {
			continue
		}
		if !b.Gross.Known {
			out.Unpriced = append(out.Unpriced, i)
			continue
		}
		l := BasisLine{Index: i, Gross: b.Gross.IDR}
		if b.Commission.Known {
			l.Commission = b.Commission.IDR
		}
		var err error
		if b.Payout.Known {
			l.Payout = b.Payout.IDR
			if l.Difference, err = l.Gross.Sub(l.Payout); err != nil {
				return Basis{}, fmt.Errorf("gross basis of row %d: %w", b.Row, err)
			}
		}
		for _, s := range []struct {
			sum *money.Amount
			v   money.Amount
		}{
			{&out.Gross, l.Gross}, {&out.Commission, l.Commission}, {&out.Payout, l.Payout}, {&out.Difference, l.Difference},
		} {
			if *s.sum, err = s.sum.Add(s.v); err != nil {
				return Basis{}, fmt.Errorf("gross basis of row %d: %w", b.Row, err)
			}
		}
		out.Lines = append(out.Lines, l)
	}
	return out, nil
}
