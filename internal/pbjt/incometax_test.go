package pbjt

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
	"github.com/google/go-cmp/cmp"
)

func params(t *testing.T) IncomeTaxParams {
	t.Helper()
	p, err := IncomeTaxParamsFor(DefaultIncomeTaxParams, dec31(2026))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func individual(registered int) registration.Taxpayer {
	return registration.Taxpayer{ID: 7, NPWP: "5104050502680001", Kind: registration.ResidentIndividual, Name: "I Ketut Sudarma",
		RegisteredAt: time.Date(registered, 3, 2, 0, 0, 0, 0, time.UTC)}
}

// line is a short-stay line of the owner's turnover checking out on day d.
func line(d time.Time, rupiah int64) TurnoverLine {
	a := money.Amount(rupiah) * money.Rupiah
	return TurnoverLine{CheckOut: d, Nights: 3, Gross: a, Share: WholeShare, Amount: a}
}

func TestUMKMExemptionCrossesInTheMonth(t *testing.T) {
	in := IncomeTaxInput{Params: params(t), Taxpayer: individual(2026), Year: 2026, Lines: []TurnoverLine{
		line(day(2026, 1, 20), 200_000_000),
		line(day(2026, 2, 10), 250_000_000),
		line(day(2026, 3, 5), 100_000_000), // cumulative 550 million: 50 million taxed
		line(day(2026, 4, 5), 80_000_000),
	}}
	v, err := ComputeIncomeTax(in)
	if err != nil {
		t.Fatal(err)
	}
	o := v.Option(RegimeUMKM)
	if !o.Available {
		t.Fatalf("PP 55/2022 not available: %+v", o.Checks)
	}
	type row struct {
		Period                  string
		Exempt, Base, Tax       money.Amount
		Due                     string
		CumulativeAboveLimitRp0 bool
	}
	var got []row
	for _, m := range o.Months {
		got = append(got, row{m.Period.String(), m.Exempt, m.Base, m.Tax, m.Due.Format(time.DateOnly), m.Cumulative > 500_000_000*money.Rupiah})
	}
	rp := func(n int64) money.Amount { return money.Amount(n) * money.Rupiah }
	want := []row{
		{"2026-01", rp(200_000_000), 0, 0, "2026-02-15", false},
		{"2026-02", rp(250_000_000), 0, 0, "2026-03-15", false},
		{"2026-03", rp(50_000_000), rp(50_000_000), rp(250_000), "2026-04-15", true},
		{"2026-04", 0, rp(80_000_000), rp(400_000), "2026-05-15", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	if o.Tax != rp(650_000) {
		t.Errorf("year's tax = %s, want Rp650.000", o.Tax.Display())
	}
	if v.Applied != "" || !v.Contested || v.Leading != RegimeUMKM {
		t.Errorf("applied %q contested %t leading %q; want no regime applied until the owner chooses, leading pp55", v.Applied, v.Contested, v.Leading)
	}
	rent := v.Option(RegimeRent)
	if rent.Tax != rp(63_000_000) {
		t.Errorf("PP 34/2017 reading = %s, want 10 %% of Rp630 million", rent.Tax.Display())
	}
	if n := v.Option(RegimeNormal); n.Computed || len(n.Missing) == 0 {
		t.Errorf("normal income tax computed %t with %d missing items; want not computed, with what is missing", n.Computed, len(n.Missing))
	}
}

func TestUMKMEligibility(t *testing.T) {
	p := params(t)
	pt := registration.Taxpayer{Kind: registration.Entity, EntityForm: registration.PT, RegisteredAt: day(2022, 5, 1)}
	yayasan := registration.Taxpayer{Kind: registration.Entity, EntityForm: registration.Foundation, RegisteredAt: day(2022, 5, 1)}
	tourist := registration.Taxpayer{Kind: registration.ForeignIndividual, RegisteredAt: day(2025, 5, 1)}
	kitas := tourist
	kitas.StayPermit.Kind = "KITAS"
	for _, tc := range []struct {
		name   string
		t      registration.Taxpayer
		year   int
		prior  money.Amount
		ok     bool
		failed string
	}{
		{"individual in the seventh year", individual(2020), 2026, 0, true, ""},
		{"individual past seven years", individual(2019), 2026, 0, false, "Time limit"},
		{"registered before 2018 counts from 2018", individual(2012), 2024, 0, true, ""},
		{"registered before 2018, 2025 is the eighth year", individual(2012), 2025, 0, false, "Time limit"},
		{"PT in its third year", pt, 2024, 0, true, ""},
		{"PT in its fifth year", pt, 2026, 0, false, "Time limit"},
		{"foundation", yayasan, 2024, 0, false, "Kind of taxpayer"},
		{"foreigner without a stay permit", tourist, 2026, 0, false, "Kind of taxpayer"},
		{"foreigner with a KITAS", kitas, 2026, 0, true, ""},
		{"prior year at the ceiling", individual(2024), 2026, 4_800_000_000 * money.Rupiah, true, ""},
		{"prior year above the ceiling", individual(2024), 2026, 4_800_000_000*money.Rupiah + 1, false, "Turnover of the year before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ComputeIncomeTax(IncomeTaxInput{Params: p, Taxpayer: tc.t, Year: tc.year, PriorTurnover: tc.prior,
				Lines: []TurnoverLine{line(day(tc.year, 6, 1), 600_000_000)}})
			if err != nil {
				t.Fatal(err)
			}
			o := v.Option(RegimeUMKM)
			failed := ""
			for _, c := range o.Checks {
				if !c.OK && failed == "" {
					failed = c.Label
				}
			}
			if o.Available != tc.ok || failed != tc.failed {
				t.Errorf("available %t, first failed %q; want %t, %q (%+v)", o.Available, failed, tc.ok, tc.failed, o.Checks)
			}
			want := RegimeUMKM
			if !tc.ok {
				want = RegimeNormal
			}
			if v.Leading != want {
				t.Errorf("leading %q, want %q", v.Leading, want)
			}
		})
	}
}

func TestUMKMEntityHasNoExemption(t *testing.T) {
	pt := registration.Taxpayer{Kind: registration.Entity, EntityForm: registration.PT, RegisteredAt: day(2025, 5, 1)}
	v, err := ComputeIncomeTax(IncomeTaxInput{Params: params(t), Taxpayer: pt, Year: 2026, Lines: []TurnoverLine{line(day(2026, 2, 1), 100_000_000)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Option(RegimeUMKM).Tax; got != 500_000*money.Rupiah {
		t.Errorf("PT's tax on Rp100 million = %s, want Rp500.000 (no exemption)", got.Display())
	}
	if n := v.Option(RegimeNormal); len(n.Missing) != 1 {
		t.Errorf("an entity's normal tax lists %d missing items, want the net income only", len(n.Missing))
	}
}

func TestChoiceIsAppliedOrRefused(t *testing.T) {
	p := params(t)
	c := RegimeChoice{ID: 1, Year: 2026, Regime: RegimeRent, Basis: "bare villa let without services", RecordedAt: day(2026, 11, 1)}
	for _, tc := range []struct {
		name    string
		t       registration.Taxpayer
		choice  Regime
		applied Regime
		note    bool
	}{
		{"rent chosen", individual(2024), RegimeRent, RegimeRent, false},
		{"pp55 chosen and open", individual(2024), RegimeUMKM, RegimeUMKM, false},
		{"pp55 chosen past the time limit", individual(2010), RegimeUMKM, "", true},
		{"election out", individual(2024), RegimeNormal, RegimeNormal, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := c
			ch.Regime = tc.choice
			v, err := ComputeIncomeTax(IncomeTaxInput{Params: p, Taxpayer: tc.t, Year: 2026, Choices: []RegimeChoice{ch},
				Lines: []TurnoverLine{line(day(2026, 2, 1), 100_000_000)}})
			if err != nil {
				t.Fatal(err)
			}
			if v.Applied != tc.applied || (v.ChoiceNote != "") != tc.note || v.Choice == nil || v.Choice.Basis != ch.Basis {
				t.Errorf("applied %q note %q choice %+v; want %q, note %t", v.Applied, v.ChoiceNote, v.Choice, tc.applied, tc.note)
			}
		})
	}
}

func TestOwnerTurnoverSharesAndLeases(t *testing.T) {
	p := params(t)
	prop := Property{ID: 3, Name: "Villa Sawah", Owners: []Owner{
		{TaxpayerID: 7, Share: 6000, From: day(2024, 1, 1), Until: day(2026, 5, 31)},
		{TaxpayerID: 8, Share: 4000, From: day(2024, 1, 1)},
		{TaxpayerID: 7, Share: 6000 - 1000, From: day(2026, 6, 1)},
		{TaxpayerID: 9, Share: 1000, From: day(2026, 6, 1)},
	}}
	idr := func(rupiah int64) booking.Amount {
		return booking.Amount{Known: true, IDR: money.Amount(rupiah) * money.Rupiah}
	}
	bk := func(id int64, in, out time.Time, gross booking.Amount, st booking.Status) Booking {
		return Booking{ID: id, PropertyID: 3, Via: "website", Booking: booking.Booking{CheckIn: in, CheckOut: out,
			Nights: int(out.Sub(in).Hours() / 24), Status: st, Gross: gross}}
	}
	bs := map[int64][]Booking{3: {
		bk(1, day(2026, 3, 1), day(2026, 3, 4), idr(10_000_001), booking.Confirmed),
		bk(2, day(2026, 7, 1), day(2026, 7, 4), idr(20_000_000), booking.Confirmed),
		bk(3, day(2026, 8, 1), day(2026, 8, 4), booking.Amount{}, booking.Confirmed),
		bk(4, day(2026, 8, 1), day(2026, 8, 4), idr(9_000_000), booking.Cancelled),
		bk(5, day(2026, 9, 1), day(2026, 12, 1), idr(90_000_000), booking.Confirmed),
		bk(6, day(2026, 10, 1), day(2026, 10, 11), idr(5_000_000), booking.Confirmed),
		bk(7, day(2025, 12, 20), day(2025, 12, 27), idr(7_000_000), booking.Confirmed),
	}}
	dup := bk(8, day(2026, 3, 1), day(2026, 3, 4), idr(10_000_001), booking.Confirmed)
	dup.DuplicateOf = 1
	bs[3] = append(bs[3], dup)
	leases := map[int64]LeaseMark{
		5: {BookingID: 5, Tenant: "PT Yoga Retreat", WholeProperty: true, NoServices: true},
		6: {BookingID: 6, Tenant: "Mr Smith", WholeProperty: true, NoServices: false},
	}
	lines, unpriced, err := OwnerTurnover(p, 7, 2026, []Property{prop}, bs, leases)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		ID     int64
		Share  int
		Amount money.Amount
		Lease  bool
		Why    int
	}
	var gs []got
	for _, l := range lines {
		gs = append(gs, got{l.BookingID, l.Share, l.Amount, l.Lease, len(l.NotLease)})
	}
	want := []got{
		{1, 6000, 600_000_060, false, 0}, // 60 % of Rp10.000.001 = Rp6.000.000,60
		{2, 5000, 1_000_000_000, false, 0},
		{6, 5000, 250_000_000, false, 2}, // services, and 10 nights
		{5, 5000, 4_500_000_000, true, 0},
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if unpriced != 1 {
		t.Errorf("unpriced = %d, want 1", unpriced)
	}
	v, err := ComputeIncomeTax(IncomeTaxInput{Params: p, Taxpayer: individual(2024), Year: 2026, Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	if v.Leases == nil || v.Leases.Tax != 4_500_000*money.Rupiah || v.Rent != 45_000_000*money.Rupiah {
		t.Errorf("leases %+v rent %s; want PP 34/2017 10 %% of Rp45 million", v.Leases, v.Rent.Display())
	}
	if v.Turnover != 18_500_000*money.Rupiah+60 {
		t.Errorf("turnover %s, want the short stays only", v.Turnover.Display())
	}
}

func TestNothingToTax(t *testing.T) {
	v, err := ComputeIncomeTax(IncomeTaxInput{Params: params(t), Taxpayer: individual(2024), Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if v.Contested || v.Applied != "" || len(v.Reasoning) != 1 {
		t.Errorf("contested %t applied %q reasoning %q", v.Contested, v.Applied, v.Reasoning)
	}
}

func TestOnlyLeases(t *testing.T) {
	l := line(day(2026, 12, 1), 90_000_000)
	l.Nights, l.Lease, l.LeaseMarked, l.Tenant = 91, true, true, "PT Yoga Retreat"
	v, err := ComputeIncomeTax(IncomeTaxInput{Params: params(t), Taxpayer: individual(2024), Year: 2026, Lines: []TurnoverLine{l}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Contested || v.Applied != "" || v.Leading != "" || v.Leases == nil || v.Leases.Tax != 9_000_000*money.Rupiah || v.Turnover != 0 {
		t.Errorf("contested %t applied %q leading %q leases %+v turnover %s", v.Contested, v.Applied, v.Leading, v.Leases, v.Turnover.Display())
	}
}
