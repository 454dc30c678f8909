package pph21

import (
	"slices"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

func rp(n int64) money.Amount { return money.Amount(n) * money.Rupiah }

func twelve(n int64) []money.Amount {
	m := make([]money.Amount, 12)
	for i := range m {
		m[i] = rp(n)
	}
	return m
}

// The worked examples of shared/domain/pph21.md §12 that do not need
// gross-up, exact to the rupiah.
func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		tax      money.Amount
		rate     Rate
		category Category
	}{
		{"1 TK/0 monthly", Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000)}, rp(200_000), 200, CategoryA},
		{"1 TK/0 December", Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(10_000_000), PensionContribution: rp(3_600_000)}, rp(620_000), Percent(5), CategoryA},
		{"1 TK/0 December, withheld given", Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(10_000_000), PensionContribution: rp(3_600_000), Withheld: rp(2_200_000), HasWithheld: true}, rp(620_000), Percent(5), CategoryA},
		{"2 K/1 monthly", Input{Year: 2026, Status: "K/1", Method: TERMonthly, Gross: rp(15_000_000)}, rp(900_000), Percent(6), CategoryB},
		{"2 K/1 December", Input{Year: 2026, Status: "K/1", Method: Annual, Months: twelve(15_000_000)}, rp(750_000), Percent(15), CategoryB},
		{"3 K/3 monthly", Input{Year: 2026, Status: "K/3", Method: TERMonthly, Gross: rp(7_000_000)}, rp(35_000), 50, CategoryC},
		{"3 K/3 December", Input{Year: 2026, Status: "K/3", Method: Annual, Months: twelve(7_000_000)}, rp(5_000), Percent(5), CategoryC},
		{"4 lawyer, DPP 200 M", Input{Year: 2026, Method: NonEmployee, Gross: rp(400_000_000)}, rp(24_000_000), Percent(15), ""},
		{"6 daily 400,000", Input{Year: 2026, Method: Daily, Gross: rp(400_000)}, 0, 0, ""},
		{"6 daily 1,000,000", Input{Year: 2026, Method: Daily, Gross: rp(1_000_000)}, rp(5_000), 50, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.in)
			if err != nil {
				t.Fatalf("Compute: %v %v", err, errs.FieldsOf(err))
			}
			if got.Tax != tt.tax || got.Rate != tt.rate || got.Category != tt.category {
				t.Errorf("got tax %s rate %s category %q, want %s %s %q", got.Tax, got.Rate, got.Category, tt.tax, tt.rate, tt.category)
			}
			if len(got.Steps) == 0 || len(got.Citations) == 0 {
				t.Errorf("no explanation: %+v", got)
			}
		})
	}
}

func TestAnnualSteps(t *testing.T) {
	got, err := Compute(Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(10_000_000), PensionContribution: rp(3_600_000)})
	if err != nil {
		t.Fatal(err)
	}
	want := []money.Amount{rp(120_000_000), rp(6_000_000), rp(3_600_000), rp(110_400_000), rp(54_000_000), rp(56_400_000), rp(2_820_000), rp(2_820_000), rp(2_200_000), rp(620_000)}
	var amounts []money.Amount
	for _, s := range got.Steps {
		amounts = append(amounts, s.Amount)
	}
	if !slices.Equal(amounts, want) {
		t.Errorf("step amounts %v, want %v", amounts, want)
	}
}

func TestTERBoundaries(t *testing.T) {
	tests := []struct {
		status Status
		gross  money.Amount
		rate   Rate
	}{
		{"TK/0", rp(5_400_000), 0},
		{"TK/0", rp(5_400_000) + 1, 25},
		{"TK/0", rp(1_400_000_000), 3300},
		{"TK/0", rp(1_400_000_000) + 1, 3400},
		{"K/2", rp(6_200_000), 0},
		{"K/2", rp(1_405_000_001), 3400},
		{"K/3", rp(6_600_000), 0},
		{"K/3", rp(6_600_001), 25},
		{"K/3", rp(1_419_000_000), 3300},
		{"TK/1", 0, 0},
	}
	for _, tt := range tests {
		got, err := Compute(Input{Year: 2024, Status: tt.status, Method: TERMonthly, Gross: tt.gross})
		if err != nil {
			t.Fatal(err)
		}
		if got.Rate != tt.rate {
			t.Errorf("%s %s: rate %s, want %s", tt.status, tt.gross, got.Rate, tt.rate)
		}
	}
}

func TestTableShape(t *testing.T) {
	v := terMonthlyTables[0]
	for c, n := range map[Category]int{CategoryA: 44, CategoryB: 40, CategoryC: 41} {
		rows := v.ByCategory[c]
		if len(rows) != n {
			t.Errorf("category %s: %d brackets, want %d", c, len(rows), n)
		}
		for i := 1; i < len(rows)-1; i++ {
			if rows[i].UpTo <= rows[i-1].UpTo || rows[i].Rate <= rows[i-1].Rate {
				t.Errorf("category %s row %d not increasing: %v after %v", c, i, rows[i], rows[i-1])
			}
		}
		if last := rows[len(rows)-1]; last.UpTo != 0 || last.Rate != Percent(34) {
			t.Errorf("category %s last row %v, want open-ended 34%%", c, last)
		}
	}
}

func TestDailyAboveThreshold(t *testing.T) {
	// 3,000,000 a day: Pasal 17 on 50 % = 1,500,000 at 5 % = 75,000.
	got, err := Compute(Input{Year: 2026, Method: Daily, Gross: rp(3_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(75_000) || got.Rate != Percent(5) {
		t.Errorf("got %s at %s, want Rp75.000 at 5%%", got.Tax, got.Rate)
	}
}

func TestPPh26(t *testing.T) {
	got, err := Compute(Input{Year: 2026, Method: PPh26, Gross: rp(10_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(2_000_000) || got.Rate != Percent(20) {
		t.Errorf("got %s at %s", got.Tax, got.Rate)
	}
	got, err = Compute(Input{Year: 2026, Method: PPh26, Gross: rp(10_000_000), Country: "SGP", Treaty: true, TreatyRate: 750, HasTreatyRate: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(750_000) || got.Rate != 750 {
		t.Errorf("treaty: got %s at %s", got.Tax, got.Rate)
	}
	_, err = Compute(Input{Year: 2026, Method: PPh26, Gross: rp(10_000_000), Country: "SGP", Treaty: true})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "treaty_rate" {
		t.Errorf("treaty without rate: %v %v, want a treaty_rate field error", err, fs)
	}
}

func TestNonEmployeeLayers(t *testing.T) {
	// Gross 12,000,000,000: DPP 6,000,000,000 crosses every layer.
	// 3,000,000 + 28,500,000 + 62,500,000 + 1,350,000,000 + 350,000,000.
	got, err := Compute(Input{Year: 2026, Method: NonEmployee, Gross: rp(12_000_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(1_794_000_000) || got.Rate != Percent(35) {
		t.Errorf("got %s at %s", got.Tax, got.Rate)
	}
}

func TestAnnualRefund(t *testing.T) {
	got, err := Compute(Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(4_000_000), Withheld: rp(100_000), HasWithheld: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != -rp(100_000) {
		t.Errorf("got %s, want -Rp100.000 (refund)", got.Tax)
	}
}

func TestComputeRejects(t *testing.T) {
	tests := []struct {
		name  string
		in    Input
		field string
	}{
		{"bad status", Input{Year: 2026, Status: "K/4", Method: TERMonthly}, "status"},
		{"unknown method", Input{Year: 2026, Method: "weekly"}, "method"},
		{"11 months", Input{Year: 2026, Status: "K/0", Method: Annual, Months: twelve(1)[:11]}, "months"},
		{"negative gross", Input{Year: 2026, Method: PPh26, Gross: -1}, "gross"},
		{"TER before 2024", Input{Year: 2023, Status: "K/0", Method: TERMonthly, Gross: rp(1)}, "year"},
	}
	for _, tt := range tests {
		_, err := Compute(tt.in)
		fs := errs.FieldsOf(err)
		if !errs.Is(errs.Invalid, err) || len(fs) == 0 || fs[0].Field != tt.field {
			t.Errorf("%s: got %v %v, want an Invalid error on %s", tt.name, err, fs, tt.field)
		}
	}
}

func TestRateString(t *testing.T) {
	for r, want := range map[Rate]string{0: "0%", 25: "0.25%", 50: "0.5%", 225: "2.25%", 500: "5%", 3400: "34%"} {
		if got := r.String(); got != want {
			t.Errorf("Rate(%d).String() = %q, want %q", int64(r), got, want)
		}
	}
	if !strings.Contains(Percent(15).String(), "15") {
		t.Error("Percent(15)")
	}
}

func TestGrossUp(t *testing.T) {
	// pph21.md §12 example 5: a tenaga ahli to receive net Rp5,000,000;
	// the accepted Coretax file has gross 5,128,205.128205 and PPh
	// 128,205.13. To the rupiah: allowance 128,205 = 2.5 % × 5,128,205.
	got, err := Compute(Input{Year: 2026, Method: NonEmployee, Gross: rp(5_000_000), GrossUp: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(128_205) || got.Steps[2].Amount != rp(5_128_205) {
		t.Errorf("got tax %s on gross %s, want Rp128.205 on Rp5.128.205", got.Tax, got.Steps[2].Amount)
	}

	// Example 7: net 10,000,000 under TER A. One division by (1 − 2 %)
	// gives 10,204,082, which falls in the 2.25 % bracket; the fixed point
	// is there: 2.25 % × (10,000,000 + A) = A → A = 230,179.
	got, err = Compute(Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000), GrossUp: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Rate != 225 || got.Tax != rp(230_179) {
		t.Errorf("got %s at %s, want Rp230.179 at 2.25%%", got.Tax, got.Rate)
	}
	// The fixed point holds: the tax on net + allowance is the allowance.
	check, err := Compute(Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000) + got.Tax})
	if err != nil || check.Tax != got.Tax {
		t.Errorf("tax on grossed-up amount %v %v, want %s", check.Tax, err, got.Tax)
	}

	_, err = Compute(Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(1), GrossUp: true})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "gross_up" {
		t.Errorf("annual gross-up: %v, want a gross_up field error", err)
	}
}
