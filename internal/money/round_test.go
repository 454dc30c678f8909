package money

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestMulRat(t *testing.T) {
	tests := []struct {
		name     string
		a        Amount
		num, den int64
		r        Rounding
		want     Amount
	}{
		// PMK 131/2024 vectors from efaktur-xml.md §8 and §12.
		{"DPP nilai lain of 100,000", 100_000 * Rupiah, 11, 12, HalfUp, 9166667},
		{"PPN on 91,666.67", 9166667, 12, 100, HalfUp, 11000 * Rupiah},
		{"DPP nilai lain of 1,234,567", 1_234_567 * Rupiah, 11, 12, HalfUp, 113168642},
		{"PPN on 1,131,686.42", 113168642, 12, 100, HalfUp, 13580237},
		{"DPP nilai lain of 4,900,000", 4_900_000 * Rupiah, 11, 12, HalfUp, 449166667},
		{"PPN on 4,491,666.67", 449166667, 12, 100, HalfUp, 539_000 * Rupiah},
		{"DPP nilai lain of 50,000,000", 50_000_000 * Rupiah, 11, 12, HalfUp, 4583333333},
		{"PPN on 45,833,333.33", 4583333333, 12, 100, HalfUp, 5_500_000 * Rupiah},

		{"half sen rounds up", 1, 1, 2, HalfUp, 1},
		{"just under half a sen rounds down", 49, 1, 100, HalfUp, 0},
		{"negative half sen rounds away from zero", -1, 1, 2, HalfUp, -1},
		{"negative denominator", 1, 1, -2, HalfUp, -1},

		{"down to rupiah", 199, 1, 1, DownToRupiah, 100},
		{"down to rupiah, negative, toward zero", -199, 1, 1, DownToRupiah, -100},
		{"PPh 5 % of 56,400,000 (pph21.md example)", 56_400_000 * Rupiah, 5, 100, DownToRupiah, 2_820_000 * Rupiah},

		{"half up to rupiah at .50", 150, 1, 1, HalfUpToRupiah, 200},
		{"half up to rupiah at .49", 149, 1, 1, HalfUpToRupiah, 100},
		{"half up to rupiah, negative", -150, 1, 1, HalfUpToRupiah, -200},

		{"PKP down to thousand", 5_640_099_999, 1, 1, DownToThousandRupiah, 56_400_000 * Rupiah},
		{"PKP below a thousand", 99_999, 1, 1, DownToThousandRupiah, 0},

		{"product beyond int64 comes back", MaxAmount, 12, 12, HalfUp, MaxAmount},
		{"zero", 0, 11, 12, HalfUp, 0},
	}
	for _, tt := range tests {
		got, err := MulRat(tt.a, tt.num, tt.den, tt.r)
		if err != nil {
			t.Errorf("%s: MulRat(%s, %d, %d, %v) error = %v", tt.name, tt.a, tt.num, tt.den, tt.r, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: MulRat(%s, %d, %d, %v) = %s, want %s", tt.name, tt.a, tt.num, tt.den, tt.r, got, tt.want)
		}
	}
}

func TestMulRatErrors(t *testing.T) {
	if _, err := MulRat(MaxAmount, 2, 1, HalfUp); errs.KindOf(err) != errs.Invalid {
		t.Errorf("MulRat(MaxAmount, 2, 1) error = %v, want an Invalid overflow error", err)
	}
	if _, err := MulRat(-MaxAmount, 3, 2, DownToRupiah); errs.KindOf(err) != errs.Invalid {
		t.Errorf("MulRat(-MaxAmount, 3, 2) error = %v, want an Invalid overflow error", err)
	}
	if _, err := MulRat(1, 1, 0, HalfUp); err == nil {
		t.Errorf("MulRat with den 0: got no error")
	}
	if _, err := MulRat(1, 1, 1, Rounding(0)); err == nil {
		t.Errorf("MulRat with the zero Rounding: got no error")
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		a    Amount
		r    Rounding
		want Amount
	}{
		{5_640_099_999, DownToThousandRupiah, 56_400_000 * Rupiah},
		{MaxAmount, HalfUpToRupiah, MaxAmount - 7},
		{-MaxAmount - 1, HalfUpToRupiah, -MaxAmount + 7},
		{MaxAmount, HalfUp, MaxAmount},
	}
	for _, tt := range tests {
		if got := tt.a.Round(tt.r); got != tt.want {
			t.Errorf("Amount(%d).Round(%v) = %d, want %d", tt.a, tt.r, got, tt.want)
		}
	}
}

func TestAddSub(t *testing.T) {
	if got, err := Amount(150).Add(-200); err != nil || got != -50 {
		t.Errorf("150.Add(-200) = %d, %v; want -50", got, err)
	}
	if got, err := Amount(150).Sub(200); err != nil || got != -50 {
		t.Errorf("150.Sub(200) = %d, %v; want -50", got, err)
	}
	overflows := []struct {
		name string
		f    func() (Amount, error)
	}{
		{"Max+1", func() (Amount, error) { return MaxAmount.Add(1) }},
		{"-Max-1", func() (Amount, error) { return (-MaxAmount).Add(-1) }},
		{"Max-(-1)", func() (Amount, error) { return MaxAmount.Sub(-1) }},
		{"-Max-1 (Sub)", func() (Amount, error) { return (-MaxAmount).Sub(1) }},
	}
	for _, o := range overflows {
		if got, err := o.f(); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s = %d, %v; want an Invalid overflow error", o.name, got, err)
		}
	}
	if got, err := MaxAmount.Sub(MaxAmount); err != nil || got != 0 {
		t.Errorf("Max.Sub(Max) = %d, %v; want 0", got, err)
	}
}
