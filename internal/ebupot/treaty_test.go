package ebupot_test

import (
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/pph21/treaty"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestTreatyTable: BP26 and BPNR slips with facility COD check the rate
// against the installed treaty table (the example file, not real rates),
// fill it when left out, and say so when the table has no row.
func TestTreatyTable(t *testing.T) {
	tab, err := treaty.ReadFile("../pph21/treaty/testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	treaty.Install(tab)
	defer treaty.Install(nil)
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
