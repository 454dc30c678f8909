package pbjt_test

import (
	"slices"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

func TestIncomeTaxViewChoiceAndLease(t *testing.T) {
	f := setup(t)
	owner, co := f.w.VillaOwner, f.w.Designer
	npwp := string(owner.NPWP)
	p, err := f.svc.RegisterProperty(as(owner), npwp, villa(owner, co))
	if err != nil {
		t.Fatal(err)
	}
	bk := pbjt.NewBookings(f.svc, f.db.PBJT())
	it := pbjt.NewIncomeTaxes(f.svc, f.db.PBJT(), f.db.PBJT(), nil)
	add := func(via, guest string, in, out time.Time, gross string) pbjt.Booking {
		t.Helper()
		b, err := bk.Add(as(owner), npwp, p.ID, pbjt.BookingInput{Via: via, Guest: guest, CheckIn: in, CheckOut: out, Gross: gross})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// The owner holds 60 %: Rp 900 million of gross is Rp 540 million of
	// the owner's turnover, passing the exemption in August.
	add("website", "Sophie Laurent", day(2026, 3, 1), day(2026, 3, 20), "400000000")
	add("agent", "Chen Wei", day(2026, 8, 1), day(2026, 8, 20), "500000000")
	long := add("agent", "PT Yoga Retreat", day(2026, 9, 1), day(2026, 11, 30), "300000000")
	add("website", "Last Year", day(2025, 12, 20), day(2025, 12, 27), "50000000")

	if _, err := it.View(as(f.w.Employee), npwp, 2026); !errs.Is(errs.Forbidden, err) {
		t.Errorf("a stranger reads the view: %v, want Forbidden", err)
	}
	if _, err := it.View(as(owner), npwp, 2017); !errs.Is(errs.Invalid, err) {
		t.Errorf("tax year 2017: %v, want Invalid", err)
	}
	v, err := it.View(as(owner), npwp, 2026)
	if err != nil {
		t.Fatal(err)
	}
	rp := func(n int64) money.Amount { return money.Amount(n) * money.Rupiah }
	if v.Turnover != rp(720_000_000) || v.PriorTurnover != rp(30_000_000) || len(v.Lines) != 3 {
		t.Errorf("turnover %s prior %s lines %d; want 60 %% of Rp 1.2 billion, 60 %% of Rp 50 million, 3 lines",
			v.Turnover.Display(), v.PriorTurnover.Display(), len(v.Lines))
	}
	if v.Applied != "" || !v.Contested || v.Leading != pbjt.RegimeUMKM {
		t.Errorf("applied %q contested %t leading %q", v.Applied, v.Contested, v.Leading)
	}
	// August crosses: 240 + 300 = 540 million, 40 million taxed; November
	// 180 million all taxed: 0.5 % of 220 million.
	if got := v.Option(pbjt.RegimeUMKM).Tax; got != rp(1_100_000) {
		t.Errorf("PP 55/2022 tax = %s, want Rp1.100.000", got.Display())
	}
	// The co-owner sees its own 40 %.
	cv, err := it.View(as(co), string(co.NPWP), 2026)
	if err != nil || cv.Turnover != rp(480_000_000) || cv.Option(pbjt.RegimeUMKM).Tax != 0 {
		t.Errorf("co-owner's view: turnover %s tax %s, %v", cv.Turnover.Display(), cv.Option(pbjt.RegimeUMKM).Tax.Display(), err)
	}

	if _, err := it.Choose(as(owner), npwp, 2026, pbjt.ChoiceInput{Regime: "pp99", Basis: "x"}); !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) != 2 {
		t.Errorf("a bad choice: %v, want Invalid naming regime and basis", err)
	}
	if _, err := it.Choose(as(co), npwp, 2026, pbjt.ChoiceInput{Regime: "pp55", Basis: "hotel-type business"}); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the co-owner chooses for the owner: %v, want Forbidden", err)
	}
	c, err := it.Choose(as(owner), npwp, 2026, pbjt.ChoiceInput{Regime: "PP55", Basis: "  villa let by the night   with daily cleaning "})
	if err != nil {
		t.Fatal(err)
	}
	if c.Basis != "villa let by the night with daily cleaning" || c.RecordedBy == "" || !c.RecordedAt.Equal(today) {
		t.Errorf("choice %+v", c)
	}

	if _, err := it.MarkLease(as(owner), npwp, pbjt.LeaseInput{PropertyID: p.ID, BookingID: long.ID + 100, Tenant: "PT Yoga Retreat"}); !errs.Is(errs.Invalid, err) ||
		errs.FieldsOf(err)[0].Field != "booking_id" {
		t.Errorf("a booking of no property: %v", err)
	}
	if _, err := it.MarkLease(as(owner), npwp, pbjt.LeaseInput{PropertyID: p.ID, BookingID: long.ID, Tenant: "PT Yoga Retreat", WholeProperty: true, NoServices: true}); err != nil {
		t.Fatal(err)
	}
	v, err = it.View(as(owner), npwp, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if v.Applied != pbjt.RegimeUMKM || v.Choice == nil || v.Choice.ID != c.ID || len(v.History) != 1 {
		t.Errorf("after the choice: applied %q choice %+v", v.Applied, v.Choice)
	}
	if v.Leases == nil || v.Rent != rp(180_000_000) || v.Leases.Tax != rp(18_000_000) || v.Turnover != rp(540_000_000) {
		t.Errorf("after the lease: rent %s turnover %s leases %+v", v.Rent.Display(), v.Turnover.Display(), v.Leases)
	}
	if got := v.Option(pbjt.RegimeUMKM).Tax; got != rp(200_000) {
		t.Errorf("PP 55/2022 tax without the lease = %s, want 0.5 %% of Rp40 million", got.Display())
	}
}

func TestIncomeTaxStateExpenses(t *testing.T) {
	f := setup(t)
	owner, co := f.w.VillaOwner, f.w.Designer
	npwp := string(owner.NPWP)
	p, err := f.svc.RegisterProperty(as(owner), npwp, villa(owner, co))
	if err != nil {
		t.Fatal(err)
	}
	bk := pbjt.NewBookings(f.svc, f.db.PBJT())
	it := pbjt.NewIncomeTaxes(f.svc, f.db.PBJT(), f.db.PBJT(), nil)
	// 60 % of Rp 1 billion: Rp 600 million of turnover.
	if _, err := bk.Add(as(owner), npwp, p.ID, pbjt.BookingInput{Via: "website", Guest: "Sophie Laurent", CheckIn: day(2026, 3, 1), CheckOut: day(2026, 3, 20), Gross: "1000000000"}); err != nil {
		t.Fatal(err)
	}
	v, err := it.View(as(owner), npwp, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if o := v.Option(pbjt.RegimeNormal); o.Computed || len(o.Missing) == 0 {
		t.Errorf("normal income tax before any expenses: computed %t missing %q", o.Computed, o.Missing)
	}

	tests := []struct {
		name   string
		in     pbjt.ExpensesInput
		fields []string
	}{
		{"nothing", pbjt.ExpensesInput{PTKP: "K/1"}, []string{"lines"}},
		{"no PTKP for an individual", pbjt.ExpensesInput{Lines: []pbjt.ExpenseLineInput{{Label: "staff", Amount: "1000"}}}, []string{"ptkp_status"}},
		{"bad lines", pbjt.ExpensesInput{PTKP: "K/9", Lines: []pbjt.ExpenseLineInput{{Label: "", Amount: "10"}, {}, {Label: "staff", Amount: "-5"}, {Label: "x", Amount: "1.234"}}},
			[]string{"lines[0].label", "lines[2].amount", "lines[3].amount", "ptkp_status"}},
	}
	for _, tt := range tests {
		_, err := it.StateExpenses(as(owner), npwp, 2026, tt.in)
		var got []string
		for _, f := range errs.FieldsOf(err) {
			got = append(got, f.Field)
		}
		if !errs.Is(errs.Invalid, err) || !slices.Equal(got, tt.fields) {
			t.Errorf("%s: %v naming %q, want Invalid naming %q", tt.name, err, got, tt.fields)
		}
	}
	in := pbjt.ExpensesInput{PTKP: " k/1 ", Note: "ledger 2026", Lines: []pbjt.ExpenseLineInput{{Label: "staff  wages", Amount: "180000000"}, {}, {Label: "OTA commissions", Amount: "20000000"}}}
	if _, err := it.StateExpenses(as(co), npwp, 2026, in); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the co-owner states the owner's expenses: %v, want Forbidden", err)
	}
	e, err := it.StateExpenses(as(owner), npwp, 2026, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []pbjt.ExpenseLine{{Label: "staff wages", Amount: 180_000_000 * money.Rupiah}, {Label: "OTA commissions", Amount: 20_000_000 * money.Rupiah}}
	if e.Version != 1 || e.PTKP != "K/1" || !slices.Equal(e.Lines, want) || !e.RecordedAt.Equal(today) {
		t.Errorf("stated %+v", e)
	}
	in.Lines = in.Lines[:1]
	if e, err = it.StateExpenses(as(owner), npwp, 2026, in); err != nil || e.Version != 2 {
		t.Fatalf("second statement %+v, %v", e, err)
	}
	v, err = it.View(as(owner), npwp, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// 600 M − 180 M = 420 M; − 63 M = 357 M: 3 M + 28.5 M + 25 % × 107 M
	// = 26.75 M: 58.25 M.
	if o := v.Option(pbjt.RegimeNormal); !o.Computed || o.Tax != 58_250_000*money.Rupiah || len(v.ExpenseHistory) != 2 || v.Applied != "" {
		t.Errorf("normal income tax: computed %t tax %s history %d applied %q", o.Computed, o.Tax.Display(), len(v.ExpenseHistory), v.Applied)
	}
}
