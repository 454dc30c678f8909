package bench

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// TestExpect checks the generator's counts at the sizes doc/compliance.md
// reports. With 50,000 properties and 100,000 bookings the first 47,500
// listings have two bookings and the rest one; a property that declared
// its payout then leaves out 15 % of one or two stays of Rp 2–6 million,
// and only two stays of at least Rp 3.5 million reach Rp 100,000 of tax:
// 3,167 of the 5,000 payout declarers.
func TestExpect(t *testing.T) {
	asOf := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		properties, bookings int
		expect, below        map[compliance.Rule]int
	}{
		{50_000, 1_000_000,
			map[compliance.Rule]int{compliance.UndeclaredProperty: 4_924, compliance.NetInsteadOfGross: 5_000, compliance.WrongRegency: 1_000, compliance.OffshorePayout: 76},
			map[compliance.Rule]int{}},
		{5_000, 100_000,
			map[compliance.Rule]int{compliance.UndeclaredProperty: 492, compliance.NetInsteadOfGross: 500, compliance.WrongRegency: 100, compliance.OffshorePayout: 8},
			map[compliance.Rule]int{}},
		{50_000, 100_000,
			map[compliance.Rule]int{compliance.UndeclaredProperty: 4_924, compliance.NetInsteadOfGross: 3_167, compliance.WrongRegency: 1_000, compliance.OffshorePayout: 76},
			map[compliance.Rule]int{compliance.NetInsteadOfGross: 1_833}},
	} {
		w := New(tc.properties, tc.bookings, asOf)
		if diff := cmp.Diff(tc.expect, w.Expect); diff != "" {
			t.Errorf("%d properties, %d bookings: Expect (-want +got):\n%s", tc.properties, tc.bookings, diff)
		}
		if diff := cmp.Diff(tc.below, w.BelowThreshold); diff != "" {
			t.Errorf("%d properties, %d bookings: BelowThreshold (-want +got):\n%s", tc.properties, tc.bookings, diff)
		}
	}
}

// TestShortfall checks the tax the generator expects a rule to find for
// one property that declared its payout: 10 % (the shipped rate) of the
// 15 % commission in each month with bookings.
func TestShortfall(t *testing.T) {
	w := New(20, 42, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	// Property 1 declares its payout and has two bookings of Rp 2.5
	// million, in the first two months: Rp 37,500 of tax each.
	p := w.Properties[1]
	got := w.shortfall(pbjt.Defaults(), p.District[:4], 1, func(month string, gross int64) int64 { return gross - p.Bases[month] })
	if want := 75_000 * money.Rupiah; got != want {
		t.Errorf("shortfall %s, want %s", got.Display(), want.Display())
	}
}
