package efaktur

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/coretax/coretax/internal/money"
)

// TestMulRatAgrees holds mulRat to money.MulRat: the same amount or the
// same error, on the edges of 64 bits and on random operands.
func TestMulRatAgrees(t *testing.T) {
	type op struct {
		a        money.Amount
		num, den int64
		r        money.Rounding
	}
	ops := []op{
		{0, 11, 12, money.HalfUp}, {-0, -5, 3, money.HalfUp}, {100000_00, 11, 12, money.HalfUp},
		{5, 1, 10, money.HalfUp}, {-5, 1, 10, money.HalfUp}, {5, -1, 10, money.HalfUp}, {4, 1, 10, money.HalfUp},
		{15, 1, 2, money.HalfUp}, {-15, 1, 2, money.HalfUp}, {1, 1, 0, money.HalfUp}, {1, 1, -3, money.HalfUp},
		{money.MaxAmount, 1, 1, money.HalfUp}, {money.MaxAmount, 2, 1, money.HalfUp}, {money.MaxAmount, 12, 100, money.HalfUp},
		{-money.MaxAmount, 3, 2, money.HalfUp}, {math.MinInt64, 1, 1, money.HalfUp}, {1, math.MinInt64, 1, money.HalfUp},
		{1 << 32, 1 << 31, 7, money.HalfUp}, {1 << 32, 1 << 32, 7, money.HalfUp}, {1, math.MaxInt64, math.MaxInt64, money.HalfUp},
		{12345, 11, 12, money.DownToRupiah}, {12345, 11, 12, money.HalfUpToRupiah},
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		bits := func() int64 { return rnd.Int64() >> rnd.IntN(64) }
		a, num, den := bits(), bits(), bits()
		if rnd.IntN(2) == 0 {
			a = -a
		}
		if rnd.IntN(2) == 0 {
			num = -num
		}
		ops = append(ops, op{money.Amount(a), num, den, money.HalfUp})
	}
	for _, o := range ops {
		want, werr := money.MulRat(o.a, o.num, o.den, o.r)
		got, gerr := mulRat(o.a, o.num, o.den, o.r)
		if got != want || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Errorf("mulRat(%d, %d, %d, %v) = %d, %v; money.MulRat gives %d, %v", o.a, o.num, o.den, o.r, got, gerr, want, werr)
		}
	}
}
