package pph21

import (
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// dtpIn is a permanent K/1 employee of a textile employer asking for DTP.
func dtpIn(year, month int, gross int64) Input {
	return Input{Year: year, Month: month, Status: "K/1", Method: TERMonthly, Gross: rp(gross),
		DTP: true, Sector: SectorTextileApparel, KLU: "14111", Employee: Permanent}
}

func stepWith(r Result, text string) (Step, bool) {
	for _, s := range r.Steps {
		if strings.Contains(s.Label, text) {
			return s, true
		}
	}
	return Step{}, false
}

func TestDTP(t *testing.T) {
	tourism := func(year, month int) Input {
		in := dtpIn(year, month, 9_000_000)
		in.Sector = SectorTourism
		return in
	}
	withRegular := dtpIn(2026, 3, 12_000_000)
	withRegular.RegularGross, withRegular.HasRegularGross = rp(9_500_000), true
	daily := Input{Year: 2026, Month: 4, Method: Daily, Gross: rp(480_000), DTP: true, Sector: SectorFootwear, KLU: "15201"}
	dailyHigh := daily
	dailyHigh.Gross = rp(600_000)
	noID := dtpIn(2026, 2, 9_000_000)
	noID.Identity = IdentityNone
	nik := dtpIn(2026, 2, 9_000_000)
	nik.Identity = IdentityNIK
	other := dtpIn(2026, 2, 9_000_000)
	other.OtherDTP = true
	// pph21.md §12 example 3 in December: the last period's Rp5,000 is
	// borne too; example 2's Rp15,000,000 a month is above the limit.
	annual3 := Input{Year: 2026, Status: "K/3", Method: Annual, Months: twelve(7_000_000), DTP: true, Sector: SectorFurniture, KLU: "31001"}
	annual2 := Input{Year: 2026, Status: "K/1", Method: Annual, Months: twelve(15_000_000), DTP: true, Sector: SectorFurniture, KLU: "31001"}
	lawyer := Input{Year: 2026, Method: NonEmployee, Gross: rp(10_000_000), DTP: true, Sector: SectorLeather, KLU: "15121"}
	nonPermanent := dtpIn(2025, 6, 9_000_000)
	nonPermanent.Employee = NonPermanent

	tests := []struct {
		name          string
		in            Input
		tax, withheld money.Amount
		// why is part of the step naming the failed criterion; "" when
		// DTP is granted.
		why string
		law string
	}{
		{"K/1 9,000,000 in 2026", dtpIn(2026, 1, 9_000_000), rp(90_000), 0, "", "PMK 105/2025"},
		{"K/1 9,000,000 in 2025", dtpIn(2025, 7, 9_000_000), rp(90_000), 0, "", "PMK 10/2025"},
		{"non-permanent monthly 2025", nonPermanent, rp(90_000), 0, "", "PMK 10/2025"},
		{"12,000,000 this month", dtpIn(2026, 3, 12_000_000), rp(360_000), rp(360_000), "permanent employee: gross this month (no regular_gross given) Rp12.000.000 is above Rp10.000.000", "PMK 105/2025"},
		{"bonus month of a 9,500,000 employee", withRegular, rp(360_000), 0, "", "PMK 105/2025"},
		{"tourism September 2025", tourism(2025, 9), rp(90_000), rp(90_000), "sector tourism is not covered in masa 09/2025 by PMK 10/2025", "PMK 10/2025"},
		{"tourism October 2025", tourism(2025, 10), rp(90_000), 0, "", "PMK 72/2025"},
		{"tourism December 2025", tourism(2025, 12), rp(90_000), 0, "", "PMK 72/2025"},
		{"tourism 2026", tourism(2026, 1), rp(90_000), 0, "", "PMK 105/2025"},
		{"2027", dtpIn(2027, 1, 9_000_000), rp(90_000), rp(90_000), "no PPh 21 DTP facility is held for masa 01/2027", ""},
		{"2024", dtpIn(2024, 1, 9_000_000), rp(90_000), rp(90_000), "no PPh 21 DTP facility is held", ""},
		{"daily 480,000", daily, rp(2_400), 0, "", "PMK 105/2025"},
		{"daily 600,000", dailyHigh, rp(3_000), rp(3_000), "average daily wage Rp600.000 is above Rp500.000", "PMK 105/2025"},
		{"no NPWP or NIK", noID, rp(108_000), rp(108_000), "neither an NPWP nor an NIK", "PMK 105/2025"},
		{"integrated NIK", nik, rp(90_000), 0, "", "PMK 105/2025"},
		{"another DTP", other, rp(90_000), rp(90_000), "already receives another PPh 21 DTP", "PMK 105/2025"},
		{"example 3 December", annual3, rp(5_000), 0, "", "PMK 105/2025"},
		{"example 2 December", annual2, rp(750_000), rp(750_000), "gross of the first month with pay (no regular_gross given) Rp15.000.000 is above", "PMK 105/2025"},
		{"non-employee", lawyer, rp(250_000), rp(250_000), "method non-employee is not covered", "PMK 105/2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.in)
			if err != nil {
				t.Fatalf("Compute: %v %v", err, errs.FieldsOf(err))
			}
			if got.Tax != tt.tax || got.Withheld != tt.withheld || got.DTP != got.Tax-got.Withheld {
				t.Errorf("tax %s withheld %s DTP %s, want tax %s withheld %s DTP %s", got.Tax, got.Withheld, got.DTP, tt.tax, tt.withheld, tt.tax-tt.withheld)
			}
			if tt.why == "" {
				s, ok := stepWith(got, "borne by the government (DTP)")
				if !ok || s.Amount != tt.tax || !strings.HasPrefix(s.Source, tt.law) {
					t.Errorf("DTP step %+v, want %s under %s; steps %+v", s, tt.tax, tt.law, got.Steps)
				}
				return
			}
			s, ok := stepWith(got, "DTP not granted: ")
			if !ok || !strings.Contains(s.Label, tt.why) || !strings.HasPrefix(s.Source, tt.law) {
				t.Errorf("refusal step %+v, want one saying %q under %q; steps %+v", s, tt.why, tt.law, got.Steps)
			}
		})
	}
}

func TestDTPRejects(t *testing.T) {
	noSector := dtpIn(2026, 1, 1)
	noSector.Sector = ""
	mining := dtpIn(2026, 1, 1)
	mining.Sector = "mining"
	badKLU := dtpIn(2026, 1, 1)
	badKLU.KLU = "141"
	noEmployee := dtpIn(2026, 1, 1)
	noEmployee.Employee = ""
	grossUp := dtpIn(2026, 1, 1)
	grossUp.GrossUp = true
	tests := []struct {
		name  string
		in    Input
		field string
	}{
		{"no sector", noSector, "sector"},
		{"sector without DTP", mining, "sector"},
		{"KLU not five digits", badKLU, "klu"},
		{"permanent or not", noEmployee, "employee"},
		{"gross-up", grossUp, "gross_up"},
	}
	for _, tt := range tests {
		_, err := Compute(tt.in)
		fs := errs.FieldsOf(err)
		if len(fs) != 1 || fs[0].Field != tt.field || fs[0].Message == "" {
			t.Errorf("%s: got %v %v, want one error on %s", tt.name, err, fs, tt.field)
		}
	}
}

func TestHigherRateWithoutNPWP(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		tax  money.Amount
		rate Rate
	}{
		// pph21.md §12 example 1 at 120 %: 2 % × 1.2 = 2.4 %.
		{"example 1 monthly", Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000), Identity: IdentityNone}, rp(240_000), 240},
		// December: 2,820,000 × 1.2 = 3,384,000 less 11 × 240,000.
		{"example 1 December", Input{Year: 2026, Status: "TK/0", Method: Annual, Months: twelve(10_000_000), PensionContribution: rp(3_600_000), Identity: IdentityNone}, rp(744_000), Percent(6)},
		// Example 4: 24,000,000 × 1.2.
		{"example 4 lawyer", Input{Year: 2026, Method: NonEmployee, Gross: rp(400_000_000), Identity: IdentityNone}, rp(28_800_000), Percent(18)},
		{"example 6 daily", Input{Year: 2026, Method: Daily, Gross: rp(1_000_000), Identity: IdentityNone}, rp(6_000), 60},
		{"integrated NIK: no higher rate", Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000), Identity: IdentityNIK}, rp(200_000), 200},
		{"NPWP: no higher rate", Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000), Identity: IdentityNPWP}, rp(200_000), 200},
		{"PPh 26 is not PPh 21", Input{Year: 2026, Method: PPh26, Gross: rp(10_000_000), Identity: IdentityNone}, rp(2_000_000), Percent(20)},
		{"severance", Input{Year: 2026, Method: Severance, Gross: rp(100_000_000), Identity: IdentityNone}, rp(3_000_000), Percent(6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.in)
			if err != nil {
				t.Fatalf("Compute: %v %v", err, errs.FieldsOf(err))
			}
			if got.Tax != tt.tax || got.Rate != tt.rate || got.Withheld != got.Tax {
				t.Errorf("tax %s rate %s withheld %s, want %s at %s", got.Tax, got.Rate, got.Withheld, tt.tax, tt.rate)
			}
			_, surcharged := stepWith(got, "20% higher")
			if surcharged != (tt.in.Identity == IdentityNone && tt.in.Method != PPh26) {
				t.Errorf("surcharge step present: %v; steps %+v", surcharged, got.Steps)
			}
		})
	}
	_, err := Compute(Input{Year: 2026, Method: Daily, Gross: 1, Identity: "passport"})
	if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "identity" {
		t.Errorf("bad identity: %v", err)
	}
}

func TestGrossUpWithoutNPWP(t *testing.T) {
	// The fixed point holds with the higher rate too.
	in := Input{Year: 2026, Status: "TK/0", Method: TERMonthly, Gross: rp(10_000_000), Identity: IdentityNone, GrossUp: true}
	got, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	in.GrossUp, in.Gross = false, rp(10_000_000)+got.Tax
	check, err := Compute(in)
	if err != nil || check.Tax != got.Tax {
		t.Errorf("tax on the grossed-up amount %s (%v), want %s", check.Tax, err, got.Tax)
	}
}
