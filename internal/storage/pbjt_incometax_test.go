package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func TestPBJTIncomeTax(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		s := db.PBJT()
		owner := w.VillaOwner
		p := pbjt.Property{TaxpayerID: owner.ID, Name: "Villa Kembang", Kind: "villa", RegencyCode: "5104",
			Address:   registration.Address{Street: "Jl. Raya Ubud 8", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405", PostalCode: "80571"},
			Units:     []pbjt.Unit{{Name: "Villa", Rooms: 3}},
			CreatedAt: t1, UpdatedAt: t1}
		if err := s.CreateProperty(ctx, &p, audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.property.register"}); err != nil {
			t.Fatal(err)
		}
		b := pbjt.Booking{PropertyID: p.ID, TaxpayerID: owner.ID, Via: "agent", CreatedBy: "system:test", CreatedAt: t1,
			Booking: booking.Booking{Channel: booking.Direct, Guest: "PT Yoga Retreat", Listing: "Villa Kembang",
				CheckIn: day("2026-03-01"), CheckOut: day("2026-06-01"), Nights: 92, Status: booking.Confirmed}}
		if err := s.AddBooking(ctx, &b, nil, audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.booking.add"}); err != nil {
			t.Fatal(err)
		}

		if got, err := s.IncomeTaxChoices(ctx, owner.ID, 2026); err != nil || len(got) != 0 {
			t.Fatalf("choices before any = %v, %v", got, err)
		}
		var want []pbjt.RegimeChoice
		for i, r := range []pbjt.Regime{pbjt.RegimeUMKM, pbjt.RegimeRent} {
			c := pbjt.RegimeChoice{TaxpayerID: owner.ID, Year: 2026, Regime: r, Basis: "basis " + string(r), RecordedBy: "owner",
				RecordedAt: t1.Add(time.Duration(i) * time.Hour)}
			if err := s.AddIncomeTaxChoice(ctx, &c, audit.Entry{At: t1, Actor: "owner", TaxpayerID: owner.ID, Action: "pbjt.incometax.choose"}); err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 {
				t.Fatal("choice stored without an ID")
			}
			want = append(want, c)
		}
		other := pbjt.RegimeChoice{TaxpayerID: owner.ID, Year: 2025, Regime: pbjt.RegimeNormal, Basis: "elected out", RecordedBy: "owner", RecordedAt: t1}
		if err := s.AddIncomeTaxChoice(ctx, &other, audit.Entry{At: t1, Actor: "owner", Action: "pbjt.incometax.choose"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.IncomeTaxChoices(ctx, owner.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("choices of 2026 (-want +got):\n%s", diff)
		}

		m := pbjt.LeaseMark{BookingID: b.ID, PropertyID: p.ID, TaxpayerID: owner.ID, Tenant: "PT Yoga Retreat", WholeProperty: true,
			NoServices: false, Note: "cleaning twice a week", RecordedBy: "owner", RecordedAt: t1}
		if err := s.MarkLease(ctx, m, audit.Entry{At: t1, Actor: "owner", Action: "pbjt.incometax.lease"}); err != nil {
			t.Fatal(err)
		}
		m.NoServices, m.Note = true, "no services"
		if err := s.MarkLease(ctx, m, audit.Entry{At: t1, Actor: "owner", Action: "pbjt.incometax.lease"}); err != nil {
			t.Fatal(err)
		}
		marks, err := s.LeaseMarks(ctx, []int64{p.ID, p.ID + 1000})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]pbjt.LeaseMark{m}, marks); diff != "" {
			t.Errorf("lease marks after a replacement (-want +got):\n%s", diff)
		}
		if none, err := s.LeaseMarks(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("lease marks of no property = %v, %v", none, err)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "pbjt.incometax.lease" || entries[1].Action != "pbjt.incometax.lease" {
			t.Errorf("audit entries %+v, want the two lease marks", entries)
		}
	})
}

func TestPBJTIncomeTaxExpenses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		s := db.PBJT()
		owner := w.VillaOwner
		if got, err := s.IncomeTaxExpenses(ctx, owner.ID, 2026); err != nil || len(got) != 0 {
			t.Fatalf("expenses before any = %v, %v", got, err)
		}
		var want []pbjt.Expenses
		for i, lines := range [][]pbjt.ExpenseLine{
			{{Label: "villa running costs", Amount: 250_000_000 * money.Rupiah}},
			{{Label: "staff wages", Amount: 96_000_000 * money.Rupiah}, {Label: "OTA commissions", Amount: 41_250_000*money.Rupiah + 50}},
		} {
			e := pbjt.Expenses{TaxpayerID: owner.ID, Year: 2026, Lines: lines, PTKP: "K/1", Note: "from the ledger", RecordedBy: "owner",
				RecordedAt: t1.Add(time.Duration(i) * time.Hour)}
			if err := s.AddIncomeTaxExpenses(ctx, &e, audit.Entry{At: t1, Actor: "owner", TaxpayerID: owner.ID, Action: "pbjt.incometax.expenses"}); err != nil {
				t.Fatal(err)
			}
			if e.ID == 0 || e.Version != i+1 {
				t.Fatalf("statement %d stored as id %d version %d", i, e.ID, e.Version)
			}
			want = append(want, e)
		}
		other := pbjt.Expenses{TaxpayerID: owner.ID, Year: 2025, Lines: []pbjt.ExpenseLine{{Label: "costs", Amount: money.Rupiah}}, RecordedBy: "owner", RecordedAt: t1}
		if err := s.AddIncomeTaxExpenses(ctx, &other, audit.Entry{At: t1, Actor: "owner", Action: "pbjt.incometax.expenses"}); err != nil {
			t.Fatal(err)
		}
		if other.Version != 1 {
			t.Errorf("first statement of 2025 has version %d, want 1", other.Version)
		}
		got, err := s.IncomeTaxExpenses(ctx, owner.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("expenses of 2026 (-want +got):\n%s", diff)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 || entries[0].Action != "pbjt.incometax.expenses" || entries[2].Action != "pbjt.incometax.expenses" {
			t.Errorf("audit entries %+v, want the three statements", entries)
		}
	})
}
