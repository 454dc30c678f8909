package pph21_test

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

func TestPTKPForAndArticle17(t *testing.T) {
	rp := func(n int64) money.Amount { return money.Amount(n) * money.Rupiah }
	for _, tt := range []struct {
		status pph21.Status
		want   money.Amount
	}{{"TK/0", rp(54_000_000)}, {"k/1", rp(63_000_000)}, {"K/3", rp(72_000_000)}} {
		got, src, err := pph21.PTKPFor(2026, tt.status)
		if err != nil || got != tt.want || src.Law == "" {
			t.Errorf("PTKPFor(2026, %s) = %s, %q, %v; want %s", tt.status, got.Display(), src.Law, err, tt.want.Display())
		}
	}
	if _, _, err := pph21.PTKPFor(2026, "K/9"); !errs.Is(errs.Invalid, err) {
		t.Errorf("PTKPFor K/9: %v, want Invalid", err)
	}
	for _, tt := range []struct {
		base, tax money.Amount
		steps     int
	}{
		{0, 0, 1},
		{rp(60_000_000), rp(3_000_000), 2},
		// 3 M + 28.5 M + 62.5 M + 30 % × 61,499,000.
		{rp(561_499_000), rp(112_449_700), 5},
		// 3 M + 28.5 M + 62.5 M + 1,350 M + 35 % × 1 bn.
		{rp(6_000_000_000), rp(1_794_000_000), 6},
	} {
		r, err := pph21.Article17(2026, tt.base)
		if err != nil || r.Tax != tt.tax || len(r.Steps) != tt.steps || len(r.Citations) != 1 {
			t.Errorf("Article17(2026, %s) = %s with %d steps %v, %v; want %s with %d", tt.base.Display(), r.Tax.Display(), len(r.Steps), r.Citations, err,
				tt.tax.Display(), tt.steps)
		}
	}
	if _, err := pph21.Article17(2021, rp(1)); !errs.Is(errs.Invalid, err) {
		t.Errorf("Article17 of 2021: %v, want Invalid (the table starts in 2022)", err)
	}
}
