package pbjt

import (
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
	"github.com/google/go-cmp/cmp"
)

func pt(registered int) registration.Taxpayer {
	return registration.Taxpayer{ID: 9, NPWP: "0010000016000000", Kind: registration.Entity, EntityForm: registration.PT, Name: "PT Surya Kencana Villas",
		RegisteredAt: time.Date(registered, 1, 10, 0, 0, 0, 0, time.UTC)}
}

// TestNormalIncomeTax checks normal income tax against figures computed
// by hand (doc/pbjt-income-tax.md, "Normal income tax").
func TestNormalIncomeTax(t *testing.T) {
	rp := func(n int64) money.Amount { return money.Amount(n) * money.Rupiah }
	exp := func(ptkp string, amounts ...money.Amount) []Expenses {
		e := Expenses{Year: 2026, Version: 1, PTKP: ptkp}
		for _, a := range amounts {
			e.Lines = append(e.Lines, ExpenseLine{Label: "cost", Amount: a})
		}
		return []Expenses{e}
	}
	tests := []struct {
		name      string
		taxpayer  registration.Taxpayer
		turnover  []int64
		expenses  []Expenses
		computed  bool
		tax       money.Amount
		steps     []money.Amount // every step's amount, when given
		reasoning string         // a line the reasoning must hold
	}{{
		// 900 million − 275,500,000.50 = 624,499,999.50; − PTKP K/1 63
		// million = 561,499,999.50, rounded down 561,499,000; 5 % × 60 M
		// = 3 M, 15 % × 190 M = 28.5 M, 25 % × 250 M = 62.5 M, 30 % ×
		// 61,499,000 = 18,449,700: 112,449,700. PP 55/2022: 0.5 % × 400
		// M = 2 M.
		name: "individual K/1", taxpayer: individual(2024), turnover: []int64{300_000_000, 600_000_000},
		expenses: exp("K/1", rp(180_000_000), rp(95_500_000)+50), computed: true, tax: rp(112_449_700),
		steps: []money.Amount{rp(900_000_000), rp(275_500_000) + 50, rp(624_499_999) + 50, rp(63_000_000), rp(561_499_000),
			rp(3_000_000), rp(28_500_000), rp(62_500_000), rp(18_449_700), rp(112_449_700)},
		reasoning: "normal income tax (Rp112.449.700) is Rp110.449.700 more than PP 55/2022 (Rp2.000.000)",
	}, {
		name: "individual TK/0 below PTKP", taxpayer: individual(2024), turnover: []int64{100_000_000},
		expenses: exp("TK/0", rp(50_000_000)), computed: true, tax: 0,
		reasoning: "normal income tax and PP 55/2022 are the same: Rp0",
	}, {
		name: "individual with a loss", taxpayer: individual(2024), turnover: []int64{100_000_000},
		expenses: exp("K/0", rp(150_000_000)), computed: true, tax: 0,
	}, {
		name: "individual without expenses", taxpayer: individual(2024), turnover: []int64{100_000_000}, computed: false,
	}, {
		// PT past its 3 years: 6 billion − 4.2 billion = 1.8 billion;
		// 4.8/6 × 1.8 billion = 1.44 billion at 11 % = 158.4 M; 360 M at
		// 22 % = 79.2 M.
		name: "PT, turnover 6 billion", taxpayer: pt(2020), turnover: []int64{3_000_000_000, 3_000_000_000},
		expenses: exp("", rp(4_200_000_000)), computed: true, tax: rp(237_600_000),
		steps:     []money.Amount{rp(6_000_000_000), rp(4_200_000_000), rp(1_800_000_000), rp(1_800_000_000), rp(1_440_000_000), rp(158_400_000), rp(79_200_000), rp(237_600_000)},
		reasoning: "normal income tax is Rp237.600.000 for 2026",
	}, {
		// 7 billion − 5,123,456,789 = 1,876,543,211, PKP 1,876,543,000;
		// × 4.8/7 = 1,286,772,342 (down); × 11 % = 141,544,957 (down);
		// 589,770,658 × 22 % = 129,749,544 (down).
		name: "PT, turnover 7 billion", taxpayer: pt(2020), turnover: []int64{7_000_000_000},
		expenses: exp("", rp(5_123_456_789)), computed: true, tax: rp(271_294_501),
	}, {
		// All of the PKP within the first 4.8 billion: 999,999,000 × 11 %.
		name: "PT, turnover 3 billion", taxpayer: pt(2020), turnover: []int64{3_000_000_000},
		expenses: exp("", rp(2_000_000_000)+75), computed: true, tax: rp(109_999_890),
	}, {
		name: "PT, turnover 60 billion: no reduction", taxpayer: pt(2020), turnover: []int64{30_000_000_000, 30_000_000_000},
		expenses: exp("", rp(50_000_000_000)), computed: true, tax: rp(2_200_000_000),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := IncomeTaxInput{Params: params(t), Taxpayer: tt.taxpayer, Year: 2026, Expenses: tt.expenses}
			for i, a := range tt.turnover {
				in.Lines = append(in.Lines, line(day(2026, time.Month(i+2), 10), a))
			}
			v, err := ComputeIncomeTax(in)
			if err != nil {
				t.Fatal(err)
			}
			o := v.Option(RegimeNormal)
			if o.Computed != tt.computed || o.Tax != tt.tax {
				t.Errorf("computed %t tax %s, want %t %s; steps %+v", o.Computed, o.Tax.Display(), tt.computed, tt.tax.Display(), o.Steps)
			}
			if tt.computed == (len(o.Missing) > 0) {
				t.Errorf("missing %q with computed %t", o.Missing, o.Computed)
			}
			if tt.steps != nil {
				var got []money.Amount
				for _, s := range o.Steps {
					got = append(got, s.Amount)
				}
				if diff := cmp.Diff(tt.steps, got); diff != "" {
					t.Errorf("steps (-want +got):\n%s\n%+v", diff, o.Steps)
				}
			}
			if tt.reasoning != "" && !strings.Contains(strings.Join(v.Reasoning, "\n"), tt.reasoning) {
				t.Errorf("reasoning %q lacks %q", v.Reasoning, tt.reasoning)
			}
			if v.Applied != "" {
				t.Errorf("applied %q with no choice recorded", v.Applied)
			}
		})
	}
}

func TestNormalIncomeTaxCitesItsSources(t *testing.T) {
	in := IncomeTaxInput{Params: params(t), Taxpayer: individual(2024), Year: 2026, Lines: []TurnoverLine{line(day(2026, 5, 1), 900_000_000)},
		Expenses: []Expenses{{Year: 2026, Version: 2, PTKP: "K/1", Lines: []ExpenseLine{{Label: "costs", Amount: money.Rupiah}}}}}
	v, err := ComputeIncomeTax(in)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, s := range v.Option(RegimeNormal).Steps {
		sources = append(sources, s.Source)
	}
	all := strings.Join(sources, "\n")
	for _, want := range []string{"UU PPh Pasal 17(4)", "UU PPh Pasal 17(1)(a) as amended by UU 7/2021 (UU HPP)", "PMK 101/PMK.010/2016", "UU PPh Pasal 6(1)"} {
		if !strings.Contains(all, want) {
			t.Errorf("steps cite %q; want %q among them", sources, want)
		}
	}
	if v.Expenses == nil || v.Expenses.Version != 2 {
		t.Errorf("view's expenses %+v", v.Expenses)
	}
}

func TestRoundingFunctions(t *testing.T) {
	if got := roundTaxableIncome(561_499_999*money.Rupiah + 50); got != 561_499_000*money.Rupiah {
		t.Errorf("roundTaxableIncome = %s", got.Display())
	}
	got, err := reducedPart(1_876_543_000*money.Rupiah, 7_000_000_000*money.Rupiah, 4_800_000_000*money.Rupiah)
	if err != nil || got != 1_286_772_342*money.Rupiah {
		t.Errorf("reducedPart = %s, %v", got.Display(), err)
	}
	if got, err := roundIncomeTax(589_770_658*money.Rupiah, 2200, 10000); err != nil || got != 129_749_544*money.Rupiah {
		t.Errorf("roundIncomeTax = %s, %v", got.Display(), err)
	}
}
