package efaktur

import (
	"testing"
	"time"
)

func TestComputeLine(t *testing.T) {
	d2025 := date(2025, 6, 30)
	tests := []struct {
		name                       string
		day                        time.Time
		trx                        TrxCode
		in                         LineInput
		taxBase, other, vat, ppnbm string
		rate                       Percent
	}{
		// Golden vector: Odoo tests/results/sample.xml (efaktur-xml.md §8).
		{"golden 100000", d2025, "04", LineInput{Kind: Goods, Price: 10_000_000, Qty: 100}, "100000", "91666.67", "11000", "0", 1200},
		// efaktur-xml.md §12 worked example.
		{"services 2×2500000−100000", d2025, "04", LineInput{Kind: Services, Price: 250_000_000, Qty: 200, Discount: 10_000_000}, "4900000", "4491666.67", "539000", "0", 1200},
		// ppn-and-penalties.md / efaktur-xml.md §8: 50,000,000 → 45,833,333.33 → 5,500,000.
		{"50 million", d2025, "04", LineInput{Kind: Goods, Price: 5_000_000_000, Qty: 100}, "50000000", "45833333.33", "5500000", "0", 1200},
		// efaktur-xml.md §8 extra vector: 1,234,567 → 1,131,686.42 → 135,802.37.
		{"1234567", d2025, "04", LineInput{Kind: Goods, Price: 123_456_700, Qty: 100}, "1234567", "1131686.42", "135802.37", "0", 1200},
		// Luxury goods: 12 % of the full price, PPnBM on the same base.
		{"luxury car", d2025, "01", LineInput{Kind: Goods, Price: 50_000_000_000, Qty: 100, PPnBMRate: 2000}, "500000000", "500000000", "60000000", "100000000", 1200},
		// Fractional quantity: 1.5 × 333.33 = 499.995 → 500.00 half-up.
		{"fractional qty", d2025, "04", LineInput{Kind: Goods, Price: 33_333, Qty: 150}, "500", "458.33", "55", "0", 1200},
		// Before 2025 the rate was 11 % on the full price.
		{"2024 at 11%", date(2024, 12, 31), "01", LineInput{Kind: Goods, Price: 10_000_000, Qty: 100}, "100000", "100000", "11000", "0", 1100},
		// Facility code 07: VAT not collected is still stated.
		{"07 not collected", d2025, "07", LineInput{Kind: Goods, Price: 10_000_000, Qty: 100}, "100000", "100000", "12000", "0", 1200},
		// Code 05: VAT is the specific amount given.
		{"05 specific", d2025, "05", LineInput{Kind: Goods, Price: 10_000_000, Qty: 100, SpecificVAT: 110_000}, "100000", "100000", "1100", "0", 1200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ComputeLine(tt.day, tt.trx, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := l.TaxBase.XML(), tt.taxBase; got != want {
				t.Errorf("TaxBase = %s, want %s", got, want)
			}
			if got, want := l.OtherTaxBase.XML(), tt.other; got != want {
				t.Errorf("OtherTaxBase = %s, want %s", got, want)
			}
			if got, want := l.VAT.XML(), tt.vat; got != want {
				t.Errorf("VAT = %s, want %s", got, want)
			}
			if got, want := l.PPnBM.XML(), tt.ppnbm; got != want {
				t.Errorf("PPnBM = %s, want %s", got, want)
			}
			if l.VATRate != tt.rate {
				t.Errorf("VATRate = %d, want %d", l.VATRate, tt.rate)
			}
		})
	}
}

func TestComputeLineRejects(t *testing.T) {
	d := date(2025, 6, 30)
	for name, c := range map[string]struct {
		trx TrxCode
		in  LineInput
	}{
		"luxury under 04":   {"04", LineInput{Kind: Goods, Price: 100, Qty: 100, PPnBMRate: 1000}},
		"PPnBM on services": {"01", LineInput{Kind: Services, Price: 100, Qty: 100, PPnBMRate: 1000}},
		"unknown code":      {"11", LineInput{Kind: Goods, Price: 100, Qty: 100}},
		"discount too big":  {"04", LineInput{Kind: Goods, Price: 100, Qty: 100, Discount: 200}},
	} {
		if _, err := ComputeLine(d, c.trx, c.in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
