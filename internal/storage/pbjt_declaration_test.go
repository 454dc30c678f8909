package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

// TestPBJTDeclarations stores an original and an amendment, and reads the
// columns other modules rely on (the compliance engine reads
// pbjt_declarations directly).
func TestPBJTDeclarations(t *testing.T) {
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
		v, err := pbjt.Lookup("5104", day("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		per := pbjt.Period{Year: 2026, Month: 10}
		n := pbjt.Numberer{Scope: "5104/2026-10", Number: func(seq int64) (string, error) { return v.Number(per, seq) },
			PaymentCode: func(seq int64) (string, error) { return v.PaymentCodeOf(per, seq) }}
		d0 := pbjt.Declaration{TaxpayerID: owner.ID, PropertyID: p.ID, RegencyCode: "5104", Period: per, Base: money.Amount(50_000_000_00),
			BookingsGross: money.Amount(61_000_000_00), Bookings: 3, Rate: 1000, Tax: money.Amount(5_000_000_00), Reason: "payouts",
			FiledOn: day("2026-11-21"), FilingDue: day("2026-11-20"), PaymentDue: day("2026-11-20"), Late: true, RegionFrom: v.From,
			Office: v.Office.Value, Layout: v.FormLayout.Value, Rule: pbjt.RuleOf(v), FiledBy: "taxpayer:x", FiledAt: t1}
		e := audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.declaration.file"}
		if err := s.FileDeclaration(ctx, &d0, n, e); err != nil {
			t.Fatal(err)
		}
		d1 := d0
		d1.Revision, d1.Base, d1.Tax, d1.PriorTax = 1, money.Amount(61_000_000_00), money.Amount(6_100_000_00), d0.Tax
		if err := s.FileDeclaration(ctx, &d1, n, e); err != nil {
			t.Fatal(err)
		}
		if err := s.FileDeclaration(ctx, &d1, n, e); !errs.Is(errs.Conflict, err) {
			t.Errorf("filing revision 1 twice: %v, want Conflict", err)
		}
		got, err := s.PropertyDeclarations(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		d0.Status = pbjt.Superseded
		if diff := cmp.Diff([]pbjt.Declaration{d0, d1}, got); diff != "" {
			t.Errorf("declarations (-want +got):\n%s", diff)
		}
		if d0.Number != "SPTPD/5104/2026/10/00001" || d1.Number != "SPTPD/5104/2026/10/00002" || d1.PaymentCode != "510420261000000002" {
			t.Errorf("numbers %s %s, payment code %s", d0.Number, d1.Number, d1.PaymentCode)
		}

		type row struct {
			ID, TaxpayerID, PropertyID int64
			Regency, Period            string
			Revision                   int
			Base, Gross, Tax           int64
			Status                     string
		}
		rows, err := db.SQL().QueryContext(ctx, `SELECT id, taxpayer_id, property_id, regency_code, period, revision, base_sen,
			bookings_gross_sen, tax_sen, status, filed_at FROM pbjt_declarations ORDER BY revision`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var rs []row
		for rows.Next() {
			var r row
			var at time.Time
			if err := rows.Scan(&r.ID, &r.TaxpayerID, &r.PropertyID, &r.Regency, &r.Period, &r.Revision, &r.Base, &r.Gross, &r.Tax, &r.Status, &at); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		want := []row{
			{d0.ID, owner.ID, p.ID, "5104", "2026-10", 0, 50_000_000_00, 61_000_000_00, 5_000_000_00, "superseded"},
			{d1.ID, owner.ID, p.ID, "5104", "2026-10", 1, 61_000_000_00, 61_000_000_00, 6_100_000_00, "current"},
		}
		if diff := cmp.Diff(want, rs); diff != "" {
			t.Errorf("contract columns (-want +got):\n%s", diff)
		}

		pay := pbjt.Payment{PropertyID: p.ID, Period: per, DeclarationID: d1.ID, PaidOn: day("2026-11-22"), Amount: money.Amount(1_000_00),
			Receipt: "NTPD-7", RecordedBy: "taxpayer:x", RecordedAt: t1}
		if err := s.AddPayment(ctx, &pay, audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.declaration.pay"}); err != nil {
			t.Fatal(err)
		}
		dup := pay
		if err := s.AddPayment(ctx, &dup, audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.declaration.pay"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("the same receipt again: %v, want Conflict", err)
		}
		pays, err := s.PropertyPayments(ctx, p.ID)
		if err != nil || len(pays) != 1 {
			t.Fatalf("payments = %v, %v", pays, err)
		}
		if diff := cmp.Diff(pay, pays[0]); diff != "" {
			t.Errorf("payment (-want +got):\n%s", diff)
		}
	})
}
