package pbjt_test

import (
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
