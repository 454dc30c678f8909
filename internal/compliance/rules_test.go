package compliance

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

func testEnv() env {
	return newEnv(Config{}, pbjt.Defaults(), time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
}

func TestMatchKeys(t *testing.T) {
	ix := NewIndex()
	ix.Add(Property{ID: 1, TaxpayerID: 10, NPWP: "5103011507800003", NIK: "5103011507800003", Name: "Villa Darma", RegencyCode: "5103", DistrictCode: "510301", NPWPD: "P.2.1"})
	ix.Add(Property{ID: 2, TaxpayerID: 20, NPWP: "5103025203850002", NIK: "5103025203850002", Name: "Villa Sari", RegencyCode: "5103", DistrictCode: "510302"})
	ix.Add(Property{ID: 3, TaxpayerID: 20, NPWP: "5103025203850002", NIK: "5103025203850002", Name: "Pondok Sari", RegencyCode: "5103", DistrictCode: "510305"})
	ix.Add(Property{ID: 4, TaxpayerID: 30, NPWP: "0010000016000000", Name: "Villa Kembang", RegencyCode: "5104", DistrictCode: "510405",
		Owners: []Owner{{TaxpayerID: 31, NPWP: "5104050502680001", NIK: "5104050502680001"}}})
	for _, tc := range []struct {
		name     string
		l        Listing
		property int64
		key      string
	}{
		{"NPWPD", Listing{NPWPD: "p.2.1", RegencyCode: "5102"}, 1, KeyNPWPD},
		{"host and name", Listing{HostNPWP: "5103025203850002", Name: "Villa Sari", DistrictCode: "510206"}, 2, KeyHostName},
		{"host and district", Listing{HostNIK: "5103025203850002", Name: "Sari Homestay", DistrictCode: "510305"}, 3, KeyHostPlace},
		{"an owner as host", Listing{HostNIK: "5104050502680001", Name: "Kembang Rice Field Villa", DistrictCode: "510405"}, 4, KeyHostPlace},
		{"host of one property, no address", Listing{HostNIK: "5103011507800003"}, 1, KeyHostOnly},
		{"district and name", Listing{Name: "VILLA DARMA", DistrictCode: "510301"}, 1, KeyPlaceName},
		{"a host's other villa", Listing{HostNPWP: "5103025203850002", Name: "Villa Baru", DistrictCode: "510306"}, 0, KeyHostOthers},
		{"nothing", Listing{Name: "Villa X", DistrictCode: "510306"}, 0, ""},
	} {
		m := ix.Match(&tc.l)
		var got int64
		if m.Property != nil {
			got = m.Property.ID
		}
		if got != tc.property || m.Key != tc.key {
			t.Errorf("%s: property %d by %q, want %d by %q", tc.name, got, m.Key, tc.property, tc.key)
		}
	}
}

// month is one month of a listing: gross and commission in millions.
func listing(regency string, months map[string][2]int64, offshore bool) *Listing {
	l := &Listing{Source: "s", ID: "L", RegencyCode: regency}
	for p, gc := range months {
		g, c := money.Amount(gc[0])*1_000_000*money.Rupiah, money.Amount(gc[1])*1_000_000*money.Rupiah
		m := Month{Period: p, Gross: g, Commission: c, Payout: g - c, Bookings: 1}
		if offshore {
			m.Offshore = g
		}
		l.Months = append(l.Months, m)
		l.Records++
	}
	return l
}

func TestPropertyRules(t *testing.T) {
	e := testEnv()
	p := &Property{ID: 7, TaxpayerID: 70, NPWP: "5103011507800003", NIK: "5103011507800003", Name: "Villa", RegencyCode: "5103", Individual: true}
	decl := func(period string, millions int64) Declaration {
		return Declaration{ID: 1, PropertyID: 7, RegencyCode: "5103", Period: period, Base: money.Amount(millions) * 1_000_000 * money.Rupiah}
	}
	for _, tc := range []struct {
		name  string
		l     *Listing
		decls []Declaration
		want  []Rule
	}{
		{"declared the gross", listing("5103", map[string][2]int64{"2026-10": {50, 7}}, false), []Declaration{decl("2026-10", 50)}, nil},
		{"declared the payout", listing("5103", map[string][2]int64{"2026-10": {50, 7}}, false), []Declaration{decl("2026-10", 43)}, []Rule{NetInsteadOfGross}},
		// Less than half the commission missing: not the payout.
		{"a small gap", listing("5103", map[string][2]int64{"2026-10": {50, 8}}, false), []Declaration{decl("2026-10", 47)}, nil},
		// Far below the payout: the rule does not claim to know why.
		{"below the payout", listing("5103", map[string][2]int64{"2026-10": {50, 7}}, false), []Declaration{decl("2026-10", 30)}, nil},
		{"nothing declared", listing("5103", map[string][2]int64{"2026-10": {50, 7}}, false), nil, []Rule{UndeclaredProperty}},
		{"paid abroad, left out", listing("5103", map[string][2]int64{"2026-10": {50, 0}}, true), []Declaration{decl("2026-10", 2)}, []Rule{OffshorePayout}},
		{"another region", listing("5102", map[string][2]int64{"2026-10": {50, 7}}, false), []Declaration{decl("2026-10", 50)}, []Rule{WrongRegency}},
		// Outside the window (the month has not ended).
		{"this month", listing("5103", map[string][2]int64{"2026-11": {50, 7}}, false), nil, nil},
	} {
		fs, err := e.property(&matched{p: p, listings: []*Listing{tc.l}, keys: []Match{{Confidence: 95}}}, tc.decls)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []Rule
		for _, f := range fs {
			got = append(got, f.Rule)
			if f.Shortfall <= 0 || f.PenaltyAudit <= f.PenaltyVoluntary || f.Confidence == 0 || f.Explanation == "" {
				t.Errorf("%s: flag %+v", tc.name, f)
			}
		}
		if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s: rules %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A shortfall below MinShortfall raises nothing.
func TestMinShortfall(t *testing.T) {
	e := newEnv(Config{MinShortfall: 200_000 * money.Rupiah}, pbjt.Defaults(), time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	p := &Property{ID: 7, Name: "Villa", RegencyCode: "5103"}
	fs, err := e.property(&matched{p: p, listings: []*Listing{listing("5103", map[string][2]int64{"2026-10": {1, 0}}, false)}, keys: []Match{{Confidence: 95}}}, nil)
	if err != nil || len(fs) != 0 {
		t.Errorf("flags %v, %v; want none", fs, err)
	}
}

// Net-instead-of-gross on a villa with one or two stays: the threshold
// applies to the tax of all the flagged months together, so two months
// each below MinShortfall are flagged, one is not.
func TestNetInsteadOfGrossSparse(t *testing.T) {
	e := testEnv()
	p := &Property{ID: 9, Name: "Villa", RegencyCode: "5103"}
	stay := func(period string, rupiah int64) Month {
		g := money.Amount(rupiah) * money.Rupiah
		return Month{Period: period, Gross: g, Commission: g * 15 / 100, Payout: g * 85 / 100, Bookings: 1}
	}
	payout := func(m Month) Declaration {
		return Declaration{ID: 1, PropertyID: 9, RegencyCode: "5103", Period: m.Period, Base: m.Payout}
	}
	for _, tc := range []struct {
		name      string
		months    []Month
		shortfall money.Amount // 0: no flag
	}{
		// 10 % of 15 % of Rp 6 million: Rp 90,000.
		{"one stay", []Month{stay("2026-09", 6_000_000)}, 0},
		// Rp 45,000 twice.
		{"two stays of Rp 3 million", []Month{stay("2026-08", 3_000_000), stay("2026-10", 3_000_000)}, 0},
		// Rp 52,500 twice: Rp 105,000.
		{"two stays of Rp 3.5 million", []Month{stay("2026-08", 3_500_000), stay("2026-10", 3_500_000)}, 105_000 * money.Rupiah},
	} {
		l := &Listing{Source: "s", ID: "L", RegencyCode: "5103", Months: tc.months, Records: len(tc.months)}
		var decls []Declaration
		for _, m := range tc.months {
			decls = append(decls, payout(m))
		}
		fs, err := e.property(&matched{p: p, listings: []*Listing{l}, keys: []Match{{Confidence: 95}}}, decls)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got money.Amount
		for _, f := range fs {
			if f.Rule != NetInsteadOfGross || len(f.Periods) != len(tc.months) {
				t.Errorf("%s: flag %s over %d months", tc.name, f.Rule, len(f.Periods))
			}
			got += f.Shortfall
		}
		if got != tc.shortfall {
			t.Errorf("%s: shortfall %s, want %s", tc.name, got.Display(), tc.shortfall.Display())
		}
	}
}

func TestNominee(t *testing.T) {
	e := testEnv()
	months := map[string][2]int64{}
	for _, p := range []string{"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"} {
		months[p] = [2]int64{100, 0}
	}
	p := &Property{ID: 8, TaxpayerID: 80, NPWP: "5103011507800003", NIK: "5103011507800003", Name: "Villa", RegencyCode: "5103", Individual: true}
	var decls []Declaration
	for per := range months {
		decls = append(decls, Declaration{ID: 2, PropertyID: 8, RegencyCode: "5103", Period: per, Base: 5_000_000 * money.Rupiah})
	}
	l := listing("5103", months, false)
	// The platform pays the operator: declared 5 % of 600 million, but
	// nothing says someone else is paid.
	if fs, _ := e.property(&matched{p: p, listings: []*Listing{l}, keys: []Match{{Confidence: 95}}}, decls); hasRule(fs, Nominee) {
		t.Error("nominee raised while the operator is paid")
	}
	l.HostNIK = "5103025203850002"
	fs, err := e.property(&matched{p: p, listings: []*Listing{l}, keys: []Match{{Confidence: 95}}}, decls)
	if err != nil || !hasRule(fs, Nominee) {
		t.Fatalf("nominee not raised when another person is paid: %v %v", fs, err)
	}
	p.Individual = false
	if fs, _ := e.property(&matched{p: p, listings: []*Listing{l}, keys: []Match{{Confidence: 95}}}, decls); hasRule(fs, Nominee) {
		t.Error("nominee raised for an entity")
	}
}

func hasRule(fs []*Flag, r Rule) bool {
	for _, f := range fs {
		if f.Rule == r {
			return true
		}
	}
	return false
}

func TestFees(t *testing.T) {
	e := testEnv()
	claim := func(period string, millions int64) Record {
		return Record{Kind: KindExpenseClaim, HostNPWP: "0010000016000000", PayeeID: "5171016308950002", Period: period, Gross: money.Amount(millions) * 1_000_000 * money.Rupiah}
	}
	slip := func(period string, millions int64) Slip {
		return Slip{Type: "BP21", Period: period, RecipientTIN: "5171016308950002", Gross: money.Amount(millions) * 1_000_000 * money.Rupiah}
	}
	for _, tc := range []struct {
		name      string
		c         Claimant
		shortfall money.Amount
	}{
		{"covered", Claimant{Claims: []Record{claim("2026-09", 10)}, Slips: []Slip{slip("2026-09", 10)}}, 0},
		{"within the tolerance", Claimant{Claims: []Record{claim("2026-09", 30), claim("2026-10", 30)}, Slips: []Slip{slip("2026-09", 30), slip("2026-10", 25)}}, 0},
		{"no slip", Claimant{Claims: []Record{claim("2026-10", 25)}}, 500_000 * money.Rupiah},
		{"slip in another month", Claimant{Claims: []Record{claim("2026-10", 25)}, Slips: []Slip{slip("2026-08", 25)}}, 500_000 * money.Rupiah},
	} {
		tc.c.NPWP = "0010000016000000"
		f, err := e.fees(tc.c)
		if err != nil {
			t.Fatal(err)
		}
		var got money.Amount
		if f != nil {
			got = f.Shortfall
		}
		if got != tc.shortfall {
			t.Errorf("%s: shortfall %s, want %s", tc.name, got, tc.shortfall)
		}
	}
}
