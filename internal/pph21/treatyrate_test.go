package pph21

import (
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21/treaty"
	"github.com/coretax/coretax/internal/pph21/treaty/treatytest"
)

func TestPPh26TreatyTable(t *testing.T) {
	tab := treatytest.Example(t)
	base := Input{Year: 2026, Method: PPh26, Gross: rp(100_000_000), Country: "SGP", Treaty: true, COD: "SKD-1", Treaties: tab}
	with := func(f func(*Input)) Input { in := base; f(&in); return in }
	tests := []struct {
		name     string
		in       Input
		tax      money.Amount
		rate     Rate
		step     string // a step label must contain it
		field    string // or the error's field
		fieldMsg string
	}{
		{name: "rate filled from the row", in: with(func(in *Input) { in.ObjectCode = "27-103-01" }),
			tax: rp(10_000_000), rate: Percent(10), step: "treaty rate 10 % from the treaty table (treaty table: EXAMPLE Indonesia–Singapore, SGP, royalties, 10 % max, 2000-01-01 to open"},
		{name: "rate filled by income type", in: with(func(in *Input) { in.Income = treaty.Royalties }),
			tax: rp(10_000_000), rate: Percent(10), step: "from the treaty table"},
		{name: "lower rate given", in: with(func(in *Input) { in.ObjectCode = "27-103-01"; in.TreatyRate, in.HasTreatyRate = Percent(5), true }),
			tax: rp(5_000_000), rate: Percent(5), step: "treaty rate 5% as given, within the 10 % of the treaty table"},
		{name: "rate above the row", in: with(func(in *Input) { in.ObjectCode = "27-103-01"; in.TreatyRate, in.HasTreatyRate = Percent(15), true }),
			field: "treaty_rate", fieldMsg: "rate 15 is above the 10 % of the EXAMPLE Indonesia–Singapore treaty for royalties (source EXAMPLE ONLY"},
		{name: "row without COD", in: with(func(in *Input) { in.ObjectCode = "27-103-01"; in.COD = "" }),
			field: "cod", fieldMsg: "Tax Rate Mismatch: rate 10 needs a COD reference"},
		{name: "no row, rate given", in: with(func(in *Input) { in.ObjectCode = "27-101-01"; in.TreatyRate, in.HasTreatyRate = Percent(10), true }),
			tax: rp(10_000_000), rate: Percent(10), step: "the treaty table has no row for SGP and dividends on 2026-01-01"},
		{name: "no row, no rate", in: with(func(in *Input) { in.ObjectCode = "27-101-01" }),
			field: "treaty_rate", fieldMsg: "the treaty table has no row for SGP and dividends on 2026-01-01"},
		{name: "row ended before the date", in: with(func(in *Input) { in.ObjectCode = "27-102-01"; in.TreatyRate, in.HasTreatyRate = Percent(12), true }),
			tax: rp(12_000_000), rate: Percent(12), step: "no row for SGP and interest on 2026-01-01"},
		{name: "row in force on the date", in: with(func(in *Input) {
			in.Income = treaty.Interest
			in.Date = time.Date(2019, 6, 30, 0, 0, 0, 0, time.UTC)
			in.Year = 2019
		}),
			tax: rp(10_000_000), rate: Percent(10), step: "EXAMPLE Indonesia–Singapore (old)"},
		{name: "qualifying dividends", in: with(func(in *Input) { in.Country = "NLD"; in.ObjectCode = "27-101-01"; in.Qualifying = true }),
			tax: rp(7_500_000), rate: 750, step: "dividends-qualifying, 7.5 % max"},
		{name: "no income type", in: base,
			field: "treaty_rate", fieldMsg: "give object_code or income"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.in)
			if tt.field != "" {
				fs := errs.FieldsOf(err)
				if len(fs) != 1 || fs[0].Field != tt.field || !strings.Contains(fs[0].Message, tt.fieldMsg) {
					t.Fatalf("error %v %+v, want field %s with %q", err, fs, tt.field, tt.fieldMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Tax != tt.tax || got.Rate != tt.rate {
				t.Errorf("tax %s at %s, want %s at %s", got.Tax, got.Rate, tt.tax, tt.rate)
			}
			found := false
			for _, s := range got.Steps {
				found = found || strings.Contains(s.Label, tt.step)
			}
			if !found {
				t.Errorf("no step with %q in %+v", tt.step, got.Steps)
			}
		})
	}
}

func TestPPh26InstalledTreaties(t *testing.T) {
	treaty.Install(treatytest.Example(t))
	defer treaty.Install(nil)
	in, err := ParseInput(strings.NewReader(`{"year": 2026, "method": "pph26", "gross": "100000000", "country": "SGP", "treaty": true, "income": "royalties", "cod": "SKD-9"}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rate != Percent(10) || got.Tax != rp(10_000_000) {
		t.Errorf("tax %s at %s, want 10000000 at 10%%", got.Tax, got.Rate)
	}
	if _, err := ParseInput(strings.NewReader(`{"year": 2026, "method": "pph26", "gross": "1", "country": "SGP", "treaty": true, "income": "fees", "treaty_rate": "10", "cod": "X"}`)); len(errs.FieldsOf(err)) != 1 || errs.FieldsOf(err)[0].Field != "income" {
		t.Errorf("bad income: %v", err)
	}
}
