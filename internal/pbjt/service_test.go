package pbjt_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// today is the fixed day of the tests: 24 November 2026, 10:00 WIB.
var today = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func as(t registration.Taxpayer) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID, AccountID: t.ID})
}

func officer(name string) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Officer, ID: name})
}

type fixture struct {
	db  *storage.DB
	svc *pbjt.Service
	w   demo.World
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return today }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()))
	return &fixture{db: db, svc: pbjt.NewService(db.PBJT(), db.Registration(), policy, now), w: w}
}

func villa(owner, co registration.Taxpayer) pbjt.PropertyInput {
	return pbjt.PropertyInput{Name: "Villa Sawah Hijau", Kind: "villa", NPWPD: "P.2.0001234.03.05",
		Address: registration.AddressInput{Street: "Jl. Raya Ubud 8", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510406", PostalCode: "80571"},
		Units:   []pbjt.Unit{{Name: "Villa A", Rooms: 2}},
		Owners: []pbjt.OwnerInput{{NPWP: string(owner.NPWP), Share: 6000, From: day(2024, 3, 1)},
			{NPWP: string(co.NPWP), Share: 4000, From: day(2024, 3, 1)}}}
}

func TestRegionsAndVersions(t *testing.T) {
	f := setup(t)
	vs, err := f.svc.Regions(context.Background(), today)
	if err != nil || len(vs) != 9 {
		t.Fatalf("anonymous Regions = %d versions, %v; want the nine regions", len(vs), err)
	}
	v := vs[3]
	v.From = day(2027, 1, 1)
	v.Rate = pbjt.Value[pbjt.Rate]{Value: 900, Status: pbjt.Verified, Source: "Perda Gianyar Pasal 60"}
	if _, err := f.svc.AddVersion(as(f.w.VillaOwner), v); !errs.Is(errs.Forbidden, err) {
		t.Errorf("a taxpayer adds a version: %v, want Forbidden", err)
	}
	if _, err := f.svc.AddVersion(officer("wayan"), v); !errs.Is(errs.Forbidden, err) {
		t.Errorf("an officer without officer.regional adds a version: %v, want Forbidden", err)
	}
	g := roles.OfficerGrant{Username: "wayan", Role: roles.OfficerRegional, GrantedAt: today, GrantedBy: "system:test"}
	if err := f.db.Roles().AddOfficerRole(context.Background(), g, audit.Entry{At: today, Actor: "system:test", Action: "roles.officer.grant"}); err != nil {
		t.Fatal(err)
	}
	bad := v
	bad.Rate.Value = 1200
	if _, err := f.svc.AddVersion(officer("wayan"), bad); !errs.Is(errs.Invalid, err) || errs.FieldsOf(err)[0].Field != "rate_bp.value" {
		t.Errorf("a rate above the cap: %v", err)
	}
	got, err := f.svc.AddVersion(officer("wayan"), v)
	if err != nil {
		t.Fatal(err)
	}
	if got.RecordedBy != "officer:wayan" || got.Default() {
		t.Errorf("recorded by %q", got.RecordedBy)
	}
	for _, tt := range []struct {
		d    time.Time
		want pbjt.Rate
	}{{day(2026, 12, 31), 1000}, {day(2027, 1, 1), 900}} {
		r, err := f.svc.Region(context.Background(), "51.04", tt.d)
		if err != nil || r.Rate.Value != tt.want {
			t.Errorf("Region(5104, %s) = %v, %v; want %v", tt.d.Format(time.DateOnly), r.Rate.Value, err, tt.want)
		}
	}
	if all, _ := f.svc.RegionVersions(context.Background(), "5104"); len(all) != 2 {
		t.Errorf("RegionVersions = %d, want the shipped one and the new one", len(all))
	}
	if _, err := f.svc.AddVersion(officer("wayan"), v); !errs.Is(errs.Conflict, err) {
		t.Errorf("the same day twice: %v, want Conflict", err)
	}
}

func TestPropertiesAndPortfolio(t *testing.T) {
	f := setup(t)
	owner, co := f.w.VillaOwner, f.w.Designer
	in := villa(owner, co)
	if _, err := f.svc.RegisterProperty(as(co), string(owner.NPWP), in); !errs.Is(errs.Forbidden, err) {
		t.Errorf("a stranger registers a property for the owner: %v, want Forbidden", err)
	}
	if _, err := f.svc.RegisterProperty(context.Background(), string(owner.NPWP), in); !errs.Is(errs.Unauthenticated, err) {
		t.Errorf("anonymous: %v, want Unauthenticated", err)
	}
	unknown := villa(owner, co)
	unknown.Owners[1].NPWP = "0999999999999999"
	if _, err := f.svc.RegisterProperty(as(owner), string(owner.NPWP), unknown); !errs.Is(errs.Invalid, err) || errs.FieldsOf(err)[0].Field != "owners[1].npwp" {
		t.Errorf("an unregistered co-owner: %v", err)
	}
	p, err := f.svc.RegisterProperty(as(owner), string(owner.NPWP), in)
	if err != nil {
		t.Fatal(err)
	}
	if p.RegencyCode != "5104" || p.Owners[1].Name != co.Name || p.Version != 1 {
		t.Errorf("registered %+v", p)
	}
	if _, err := f.svc.Property(as(co), string(co.NPWP), p.ID); err != nil {
		t.Errorf("the co-owner reads the property: %v", err)
	}
	if _, err := f.svc.Property(as(f.w.Employee), string(f.w.Employee.NPWP), p.ID); !errs.Is(errs.NotFound, err) {
		t.Errorf("someone unrelated to the property: %v, want NotFound", err)
	}

	hs, err := f.svc.Portfolio(as(owner), string(owner.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 {
		t.Fatalf("owner's portfolio has %d holdings", len(hs))
	}
	h := hs[0]
	// 24 November: October's deadline (20 November) has passed, so
	// November's (20 December) comes next.
	if !h.Operator || h.Share != 6000 || h.Region.RegencyCode != "5104" || h.Region.Rate.Value != 1000 ||
		h.FilingPeriod.String() != "2026-11" || !h.FilingDue.Equal(day(2026, 12, 20)) || !h.PaymentDue.Equal(day(2026, 12, 20)) || h.DueNote != "" {
		t.Errorf("holding = %+v", h)
	}
	hs, err = f.svc.Portfolio(as(co), string(co.NPWP))
	if err != nil || len(hs) != 1 || hs[0].Operator || hs[0].Share != 4000 {
		t.Errorf("co-owner's portfolio = %+v, %v", hs, err)
	}

	moved := villa(owner, co)
	moved.Address = registration.AddressInput{Street: "Jl. Pantai Berawa 3", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510302", PostalCode: "80361"}
	if _, err := f.svc.UpdateProperty(as(co), string(co.NPWP), p.ID, p.Version, moved); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the co-owner changes the operator's property: %v, want Forbidden", err)
	}
	up, err := f.svc.UpdateProperty(as(owner), string(owner.NPWP), p.ID, p.Version, moved)
	if err != nil {
		t.Fatal(err)
	}
	if up.RegencyCode != "5103" || up.Version != 2 {
		t.Errorf("after moving: region %s version %d", up.RegencyCode, up.Version)
	}
	if _, err := f.svc.UpdateProperty(as(owner), string(owner.NPWP), p.ID, p.Version, moved); !errs.Is(errs.Conflict, err) {
		t.Errorf("a stale version: %v, want Conflict", err)
	}
}
