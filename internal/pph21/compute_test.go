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
	got, err = Compute(Input{Year: 2026, Method: PPh26, Gross: rp(10_000_000), Country: "SGP", Treaty: true, TreatyRate: 750, HasTreatyRate: true, COD: "SKD-2026-001"})
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

func TestFinal(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		tax  money.Amount
		rate Rate
	}{
		{"severance 50,000,000", Input{Year: 2026, Method: Severance, Gross: rp(50_000_000)}, 0, 0},
		// 5 % × 50 M + 15 % × 200 M.
		{"severance 300,000,000", Input{Year: 2026, Method: Severance, Gross: rp(300_000_000)}, rp(32_500_000), Percent(15)},
		// 2.5 M + 15 % × 400 M + 25 % × 100 M.
		{"severance 600,000,000", Input{Year: 2026, Method: Severance, Gross: rp(600_000_000)}, rp(87_500_000), Percent(25)},
		// Cumulative: (80 M; 100 M] at 5 % + (100 M; 180 M] at 15 %.
		{"severance second instalment", Input{Year: 2026, Method: Severance, Gross: rp(100_000_000), PaidBefore: rp(80_000_000)}, rp(13_000_000), Percent(15)},
		{"JHT 40,000,000", Input{Year: 2026, Method: LumpSum, Gross: rp(40_000_000)}, 0, 0},
		{"JHT 150,000,000", Input{Year: 2026, Method: LumpSum, Gross: rp(150_000_000)}, rp(5_000_000), Percent(5)},
		{"JHT after 30,000,000 before", Input{Year: 2026, Method: LumpSum, Gross: rp(40_000_000), PaidBefore: rp(30_000_000)}, rp(1_000_000), Percent(5)},
	}
	for _, tt := range tests {
		got, err := Compute(tt.in)
		if err != nil {
			t.Fatalf("%s: %v %v", tt.name, err, errs.FieldsOf(err))
		}
		if got.Tax != tt.tax || got.Rate != tt.rate {
			t.Errorf("%s: got %s at %s, want %s at %s; steps %+v", tt.name, got.Tax, got.Rate, tt.tax, tt.rate, got.Steps)
		}
	}
	_, err := Compute(Input{Year: 2026, Method: NonEmployee, Gross: 1, PaidBefore: 1})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "paid_before" {
		t.Errorf("paid_before on non-employee: %v", err)
	}
}

func TestObjectCodes(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		tax  money.Amount
		rate Rate
	}{
		// Deemed 100 %: Pasal 17 on the whole gross.
		{"meeting participant 21-100-14", Input{Year: 2026, Method: NonEmployee, Gross: rp(2_000_000), ObjectCode: "21-100-14"}, rp(100_000), Percent(5)},
		{"commissioner 21-100-10", Input{Year: 2026, Method: NonEmployee, Gross: rp(100_000_000), ObjectCode: "21-100-10"}, rp(9_000_000), Percent(15)},
		// Deemed 50 %: example 4 by its code.
		{"lawyer 21-100-07", Input{Year: 2026, Method: NonEmployee, Gross: rp(400_000_000), ObjectCode: "21-100-07"}, rp(24_000_000), Percent(15)},
		// PPh 26 deemed 25 %: 5 % effective.
		{"property 27-100-05", Input{Year: 2026, Method: PPh26, Gross: rp(1_000_000_000), ObjectCode: "27-100-05"}, rp(50_000_000), Percent(20)},
		{"bond interest 27-102-03", Input{Year: 2026, Method: PPh26, Gross: rp(100_000_000), ObjectCode: "27-102-03"}, rp(10_000_000), Percent(10)},
		{"royalty with treaty", Input{Year: 2026, Method: PPh26, Gross: rp(100_000_000), ObjectCode: "27-103-01", Treaty: true, Country: "NLD", TreatyRate: Percent(10), HasTreatyRate: true, COD: "DGT-77"}, rp(10_000_000), Percent(10)},
		// The lower of the two rates applies.
		{"bond interest, treaty 15", Input{Year: 2026, Method: PPh26, Gross: rp(100_000_000), ObjectCode: "27-102-03", Treaty: true, Country: "JPN", TreatyRate: Percent(15), HasTreatyRate: true, COD: "DGT-78"}, rp(10_000_000), Percent(10)},
	}
	for _, tt := range tests {
		got, err := Compute(tt.in)
		if err != nil {
			t.Fatalf("%s: %v %v", tt.name, err, errs.FieldsOf(err))
		}
		if got.Tax != tt.tax || got.Rate != tt.rate {
			t.Errorf("%s: got %s at %s, want %s at %s", tt.name, got.Tax, got.Rate, tt.tax, tt.rate)
		}
	}

	rejects := []struct {
		name, field, says string
		in                Input
	}{
		{"employee code", "object_code", "21-100-35 is for non-permanent employees paid monthly: use method ter-monthly",
			Input{Year: 2026, Method: NonEmployee, Gross: 1, ObjectCode: "21-100-35"}},
		{"severance code", "object_code", "use method severance",
			Input{Year: 2026, Method: NonEmployee, Gross: 1, ObjectCode: "21-401-01"}},
		{"retired code", "object_code", "not a non-employee code held; use one of 21-100-04",
			Input{Year: 2026, Method: NonEmployee, Gross: 1, ObjectCode: "21-100-03"}},
		{"before Coretax", "object_code", "held from tax year 2025",
			Input{Year: 2024, Method: NonEmployee, Gross: 1, ObjectCode: "21-100-07"}},
		{"code on ter-monthly", "object_code", "non-employee and pph26 only",
			Input{Year: 2026, Status: "K/0", Method: TERMonthly, Gross: 1, ObjectCode: "21-100-01"}},
		{"treaty rate without COD", "cod", "Tax Rate Mismatch: rate 10 needs a COD reference",
			Input{Year: 2026, Method: PPh26, Gross: 1, Treaty: true, Country: "SGP", TreatyRate: Percent(10), HasTreatyRate: true}},
		{"treaty rate without treaty", "treaty", "needs \"treaty\": true",
			Input{Year: 2026, Method: PPh26, Gross: 1, TreatyRate: Percent(10), HasTreatyRate: true, COD: "X"}},
		{"treaty on PPh 21", "treaty", "PPh 26 only",
			Input{Year: 2026, Method: Daily, Gross: 1, Treaty: true}},
	}
	for _, tt := range rejects {
		_, err := Compute(tt.in)
		fs := errs.FieldsOf(err)
		if len(fs) != 1 || fs[0].Field != tt.field || !strings.Contains(fs[0].Message, tt.says) {
			t.Errorf("%s: got %v %v, want %s saying %q", tt.name, err, fs, tt.field, tt.says)
		}
	}
}

func TestExcluded(t *testing.T) {
	travel := []Excluded{{Name: "travel reimbursement at cost", Amount: rp(750_000), Reason: "at-cost reimbursement of a business trip"}}
	got, err := Compute(Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_750_000), Excluded: travel})
	if err != nil {
		t.Fatal(err)
	}
	// Example 1 once the reimbursement is out: 2 % of 10,000,000.
	if got.Tax != rp(200_000) || got.Rate != 200 {
		t.Errorf("got %s at %s, want Rp200.000 at 2%%", got.Tax, got.Rate)
	}
	s, ok := stepWith(got, "excluded: travel reimbursement at cost (at-cost reimbursement of a business trip)")
	if !ok || s.Amount != rp(750_000) {
		t.Errorf("no excluded step: %+v", got.Steps)
	}

	// Annual: the year's exclusions come off the sum of the months.
	// 120,000,000 − 1,200,000 = 118,800,000; biaya jabatan 5,940,000;
	// pension 3,600,000; PKP 55,260,000; 5 % = 2,763,000; less 2,200,000.
	got, err = Compute(Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(10_000_000), PensionContribution: rp(3_600_000),
		Withheld: rp(2_200_000), HasWithheld: true, Excluded: []Excluded{{Name: "travel", Amount: rp(1_200_000)}}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tax != rp(563_000) {
		t.Errorf("annual with exclusions: got %s, want Rp563.000", got.Tax)
	}
	if s, ok := stepWith(got, "excluded: travel ("+defaultExcludedReason+")"); !ok || s.Amount != rp(1_200_000) {
		t.Errorf("no default reason: %+v", got.Steps)
	}

	_, err = Compute(Input{Year: 2026, Method: Daily, Gross: rp(100), Excluded: []Excluded{{Name: "meal", Amount: rp(200)}}})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "excluded" {
		t.Errorf("exclusions above gross: %v", err)
	}
	_, err = Compute(Input{Year: 2026, Method: Daily, Gross: rp(100), Excluded: []Excluded{{Amount: rp(1)}}})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "excluded[0].name" {
		t.Errorf("unnamed exclusion: %v", err)
	}
}

func TestStatusKIandHB(t *testing.T) {
	for _, st := range []string{"K/I/0", "k/i/2", "HB/0", "HB/3"} {
		_, err := ParseStatus(st)
		fs := errs.FieldsOf(err)
		prefix := strings.ToUpper(st)[:2]
		if len(fs) != 1 || fs[0].Field != "status" || !strings.Contains(fs[0].Message, prefix) || !strings.Contains(fs[0].Message, "TK/0") {
			t.Errorf("%s: got %v, want a status error explaining %s and the fix", st, fs, prefix)
		}
		_, err = Compute(Input{Year: 2026, Status: Status(st), Method: TERMonthly, Gross: 1})
		if fs := errs.FieldsOf(err); len(fs) != 1 || !strings.Contains(fs[0].Message, "no PTKP for it is held") {
			t.Errorf("Compute %s: %v", st, fs)
		}
	}
}
