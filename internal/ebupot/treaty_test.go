package ebupot_test

import (
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/pph21/treaty/treatytest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestTreatyTable: BP26 and BPNR slips with facility COD check the rate
// against the installed treaty table (the example file, not real rates),
// fill it when left out, and say so when the table has no row.
func TestTreatyTable(t *testing.T) {
	treatytest.InstallExample(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		bp26 := func(country string) ebupot.Input {
			return ebupot.Input{Type: objectcode.BP26, Year: 2026, Month: 6, ObjectCode: "27-100-99", Gross: 20_000_000_00,
				Recipient: ebupot.Recipient{TIN: "S1234567A", Name: "Tan Wei Ming", Country: country, Kind: objectcode.NonResident},
				Facility:  ebupot.COD, FacilityRef: "SKD-SGP-2026-0042",
				WithholdingDate: day("2026-06-30")}
		}
		sgp := func(code string) ebupot.Input {
			in := bpnr(code, 50_000_000_00)
			in.Recipient.Country, in.Recipient.TIN = "SGP", "S1234567A"
			in.Facility, in.FacilityRef = ebupot.COD, "SKD-SGP-2026-0042"
			return in
		}
		with := func(in ebupot.Input, f func(*ebupot.Input)) ebupot.Input { f(&in); return in }
		aboveServices := "rate 15 is above the 10 % of the EXAMPLE Indonesia–Singapore treaty for employment and independent services (source EXAMPLE ONLY"
		above := "rate 15 is above the 10 % of the EXAMPLE Indonesia–Singapore treaty for royalties (source EXAMPLE ONLY"
		tests := []struct {
			name string
			in   ebupot.Input
			tax  money.Amount
			rate pph21.Rate
			want string // a step, or the error
		}{
			{"BP26 rate filled from the table", bp26("SGP"), 2_000_000_00, pph21.Percent(10), "from the treaty table (treaty table: EXAMPLE Indonesia–Singapore, SGP, services"},
			{"BP26 rate above the table", with(bp26("SGP"), func(in *ebupot.Input) { in.Rate, in.HasRate = pph21.Percent(15), true }), 0, 0, aboveServices},
			{"BP26 treaty rate above the table", with(bp26("SGP"), func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(15) }), 0, 0, aboveServices},
			{"BP26 lower rate within the table", with(bp26("SGP"), func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(5) }), 1_000_000_00, pph21.Percent(5), "within the 10 % of the treaty table"},
			{"BP26 no row, no rate", bp26("JPN"), 0, 0, "the treaty table has no row for JPN and employment and independent services on 2026-06-30"},
			{"BP26 no row, rate given", with(bp26("JPN"), func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(10) }), 2_000_000_00, pph21.Percent(10), "the treaty table has no row for JPN and employment and independent services on 2026-06-30"},
			{"BPNR rate filled from the table", sgp("27-103-01"), 5_000_000_00, pph21.Percent(10), "from the treaty table (treaty table: EXAMPLE Indonesia–Singapore"},
			{"BPNR rate above the table", with(sgp("27-103-01"), func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(15) }), 0, 0, above},
			{"BPNR no row", with(bpnr("27-103-01", 50_000_000_00), func(in *ebupot.Input) {
				in.Facility, in.FacilityRef, in.TreatyRate = ebupot.COD, "DGT-NL-2026-0042", pph21.Percent(10)
			}), 5_000_000_00, pph21.Percent(10), "the treaty table has no row for NLD and royalties on 2026-06-30"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s, err := f.svc.Calculate(f.hr, f.co, tt.in)
				if tt.tax == 0 {
					if got := fields(err); err == nil || !strings.Contains(got, tt.want) {
						t.Errorf("got %v\n%s\nwant %q", err, got, tt.want)
					}
					return
				}
				if err != nil {
					t.Fatalf("%v\n%s", err, fields(err))
				}
				if s.Tax != tt.tax || s.Rate != tt.rate {
					t.Errorf("tax %s at %s, want %s at %s", s.Tax.XML(), s.Rate, tt.tax.XML(), tt.rate)
				}
				found := false
				for _, st := range s.Explanation.Steps {
					found = found || strings.Contains(st.Label, tt.want)
				}
				if !found {
					t.Errorf("no step with %q in %+v", tt.want, s.Explanation.Steps)
				}
			})
		}
	})
}

// TestQualifyingShareholding: dividends (27-101-01) on a BPNR with
// facility COD and the qualifying-shareholding flag look the treaty
// table's dividends-qualifying row up (the example file's NLD row, 7.5 %,
// not a real rate); without the row the flag is refused, and the flag is
// refused on any other slip type, code or facility.
func TestQualifyingShareholding(t *testing.T) {
	treatytest.InstallExample(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		div := func(f func(*ebupot.Input)) ebupot.Input {
			in := bpnr("27-101-01", 50_000_000_00)
			in.Recipient.Name = "Villa Holdings B.V."
			in.Facility, in.FacilityRef, in.QualifyingShareholding = ebupot.COD, "DGT-NL-2026-0042", true
			f(&in)
			return in
		}
		tests := []struct {
			name  string
			in    ebupot.Input
			tax   money.Amount
			rate  pph21.Rate
			field string // the field refused, or "" for a slip
			want  string // a step, or the error
		}{
			{"rate from the qualifying row", div(func(*ebupot.Input) {}), 3_750_000_00, 750, "",
				"treaty rate 7.5 % from the treaty table (treaty table: EXAMPLE Indonesia–Netherlands, NLD, dividends-qualifying, 7.5 % max"},
			{"explanation names the qualifying rate", div(func(*ebupot.Input) {}), 3_750_000_00, 750, "",
				"qualifying shareholding: the recipient company holds at least the EXAMPLE Indonesia–Netherlands treaty's qualifying shareholding, so its dividends (qualifying shareholding) rate of at most 7.5 % is applied"},
			{"lower rate within the qualifying row", div(func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(5) }), 2_500_000_00, pph21.Percent(5), "",
				"within the 7.5 % of the treaty table"},
			{"rate above the qualifying row", div(func(in *ebupot.Input) { in.TreatyRate = pph21.Percent(10) }), 0, 0, "treaty_rate",
				"rate 10 is above the 7.5 % of the EXAMPLE Indonesia–Netherlands treaty for dividends (qualifying shareholding)"},
			{"without the flag the dividends row", div(func(in *ebupot.Input) { in.QualifyingShareholding, in.TreatyRate = false, pph21.Percent(10) }), 5_000_000_00, pph21.Percent(10), "",
				"the treaty table has no row for NLD and dividends on 2026-06-30"},
			{"no qualifying row", div(func(in *ebupot.Input) {
				in.Recipient.Country, in.Recipient.TIN, in.TreatyRate = "SGP", "S1234567A", pph21.Percent(10)
			}), 0, 0, "qualifying_shareholding",
				"the treaty table has no row for SGP and dividends (qualifying shareholding) on 2026-06-30; load a treaty table with a dividends-qualifying row for SGP (coretax treaty load FILE), or clear qualifying_shareholding"},
			{"other code", div(func(in *ebupot.Input) { in.ObjectCode = "27-103-01" }), 0, 0, "qualifying_shareholding",
				"is for dividends (object code 27-101-01), not 27-103-01; clear qualifying_shareholding or use object code 27-101-01"},
			{"other facility", div(func(in *ebupot.Input) { in.Facility, in.FacilityRef = ebupot.NoFacility, "" }), 0, 0, "qualifying_shareholding",
				"needs facility COD with the certificate of domicile, not N/A; use facility COD or clear qualifying_shareholding"},
			{"BP26 services", ebupot.Input{Type: objectcode.BP26, Year: 2026, Month: 6, ObjectCode: "27-100-99", Gross: 20_000_000_00,
				Recipient: ebupot.Recipient{TIN: "S1234567A", Name: "Tan Wei Ming", Country: "SGP", Kind: objectcode.NonResident},
				Facility:  ebupot.COD, FacilityRef: "SKD-SGP-2026-0042", WithholdingDate: day("2026-06-30"), QualifyingShareholding: true}, 0, 0, "qualifying_shareholding",
				"is for dividends (object code 27-101-01), not 27-100-99"},
			{"BPPU", func() ebupot.Input {
				in := f.bppu("24-104-03", 10_000_000_00, string(f.w.Designer.NPWP), "INV/QS")
				in.QualifyingShareholding = true
				return in
			}(), 0, 0, "qualifying_shareholding", "is for dividends to a non-resident company on a BP26 or BPNR, not a BPPU slip; clear qualifying_shareholding"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s, err := f.svc.Calculate(f.hr, f.co, tt.in)
				if tt.field != "" {
					if got := fields(err); err == nil || !strings.Contains(got, tt.field+": ") || !strings.Contains(got, tt.want) {
						t.Errorf("got %v\n%s\nwant %s: %q", err, got, tt.field, tt.want)
					}
					return
				}
				if err != nil {
					t.Fatalf("%v\n%s", err, fields(err))
				}
				if s.Tax != tt.tax || s.Rate != tt.rate || s.QualifyingShareholding != tt.in.QualifyingShareholding {
					t.Errorf("tax %s at %s, qualifying %t; want %s at %s, %t", s.Tax.XML(), s.Rate, s.QualifyingShareholding, tt.tax.XML(), tt.rate, tt.in.QualifyingShareholding)
				}
				found := false
				for _, st := range s.Explanation.Steps {
					found = found || strings.Contains(st.Label, tt.want)
				}
				if !found {
					t.Errorf("no step with %q in %+v", tt.want, s.Explanation.Steps)
				}
			})
		}

		// The flag is stored with the slip, kept through signing, and a
		// correction replaces it like any other fact.
		d, err := f.svc.Create(f.hr, f.co, div(func(*ebupot.Input) {}))
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		got, err := f.svc.Slip(f.hr, f.co, d.ID)
		if err != nil || !got.QualifyingShareholding || got.Tax != 3_750_000_00 {
			t.Fatalf("stored draft: %v qualifying %t tax %s", err, got.QualifyingShareholding, got.Tax.XML())
		}
		signed, err := f.svc.Sign(f.hr, f.co, []ebupot.Ref{{ID: got.ID, Version: got.Version}}, pass)
		if err != nil {
			t.Fatalf("sign: %v\n%s", err, fields(err))
		}
		if got, err = f.svc.Slip(f.hr, f.co, d.ID); err != nil || !got.QualifyingShareholding || got.Status != ebupot.Signed {
			t.Fatalf("stored signed slip: %v qualifying %t %s", err, got.QualifyingShareholding, got.Status)
		}
		c, err := f.svc.Correct(f.hr, f.co, signed[0].ID, signed[0].Version,
			div(func(in *ebupot.Input) { in.QualifyingShareholding, in.TreatyRate = false, pph21.Percent(10) }), pass)
		if err != nil {
			t.Fatalf("correct: %v\n%s", err, fields(err))
		}
		if got, err = f.svc.Slip(f.hr, f.co, c.ID); err != nil || got.QualifyingShareholding || got.Tax != 5_000_000_00 || got.Revision != 1 {
			t.Errorf("correction: %v qualifying %t tax %s revision %d", err, got.QualifyingShareholding, got.Tax.XML(), got.Revision)
		}
		if old, err := f.svc.Slip(f.hr, f.co, d.ID); err != nil || !old.QualifyingShareholding || old.Status != ebupot.Corrected {
			t.Errorf("corrected revision: %v qualifying %t %s", err, old.QualifyingShareholding, old.Status)
		}
	})
}
