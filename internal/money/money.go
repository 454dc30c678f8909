// Package money represents amounts of Indonesian rupiah (IDR) exactly, as an
// integer number of sen (IDR × 100), and converts them to and from the three
// written forms the system meets: the decimal form of Coretax XML files, the
// plain decimal form used in JSON and on the command line, and the Indonesian
// display form ("Rp91.666,67").
//
// Amounts never pass through float64: a float cannot hold 0.1 exactly, and
// tax rules are written in sen and whole rupiah. Every rounding step is a
// named Rounding whose comment cites the rule it encodes (see round.go).
//
// The range of an Amount is ±MaxAmount. math.MinInt64 is left out so that
// negating any Amount is safe; parsing and arithmetic report an error rather
// than leave that range.
package money

import (
	"math"

	"github.com/coretax/coretax/internal/errs"
)

// Amount is a number of sen: Rp1 is 100. The zero value is Rp0.
type Amount int64

// Units for writing amounts in code: 54_000_000 * money.Rupiah is PTKP for
// a single taxpayer without dependants. Because they are typed constants, an
// expression that overflows does not compile.
const (
	Sen    Amount = 1
	Rupiah Amount = 100
)

// MaxAmount is the largest amount, Rp92.233.720.368.547.758,07; the smallest
// is -MaxAmount.
const MaxAmount Amount = math.MaxInt64

// Sen returns the amount as a number of sen.
func (a Amount) Sen() int64 { return int64(a) }

// IsWholeRupiah reports whether a has no sen part.
func (a Amount) IsWholeRupiah() bool { return a%Rupiah == 0 }

// Add returns a + b, or an Invalid error when the sum leaves ±MaxAmount.
func (a Amount) Add(b Amount) (Amount, error) {
	if (b > 0 && a > MaxAmount-b) || (b < 0 && a < -MaxAmount-b) {
		return 0, overflowError("adding", a, b)
	}
	return a + b, nil
}

// Sub returns a - b, or an Invalid error when the difference leaves
// ±MaxAmount.
func (a Amount) Sub(b Amount) (Amount, error) {
	if (b < 0 && a > MaxAmount+b) || (b > 0 && a < -MaxAmount+b) {
		return 0, overflowError("subtracting", a, b)
	}
	return a - b, nil
}

func overflowError(op string, a, b Amount) error {
	return errs.Errorf(errs.Invalid, "%s %s and %s: the result is beyond the largest amount, %s",
		op, a, b, MaxAmount.Display())
}
