package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func TestPBJTRegionVersions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.PBJT()
		v := pbjt.Defaults().Versions("5104")[0]
		v.From = day("2027-01-01")
		v.Rate = pbjt.Value[pbjt.Rate]{Value: 900, Status: pbjt.Verified, Source: "Perda Gianyar Pasal 60"}
		v.RecordedBy, v.RecordedAt = "officer:wayan", t1
		e := audit.Entry{At: t1, Actor: v.RecordedBy, Action: "pbjt.configure", Detail: "Gianyar from 2027-01-01"}
		if err := s.AddRegionVersion(ctx, v, e); err != nil {
			t.Fatal(err)
		}
		got, err := s.RegionVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]pbjt.Version{v}, got); diff != "" {
			t.Errorf("RegionVersions (-want +got):\n%s", diff)
		}
		if err := s.AddRegionVersion(ctx, v, e); !errs.Is(errs.Conflict, err) {
			t.Errorf("a second version of the same day: %v, want Conflict", err)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "pbjt.configure" {
			t.Errorf("audit = %+v, want one pbjt.configure entry", entries)
		}
	})
}

func TestPBJTProperties(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		s := db.PBJT()
		owner, co := w.VillaOwner, w.Designer
		p := pbjt.Property{TaxpayerID: owner.ID, Name: "Villa Sawah Hijau", Kind: "villa", RegencyCode: "5104", NPWPD: "P.2.0001234.03.05",
			Address: registration.Address{Street: "Jl. Raya Ubud 8", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510406", PostalCode: "80571"},
			Units:   []pbjt.Unit{{Name: "Villa A", Rooms: 2}, {Name: "Villa B", Rooms: 3}},
			Owners: []pbjt.Owner{
				{TaxpayerID: owner.ID, NPWP: string(owner.NPWP), Name: owner.Name, Share: 6000, From: day("2024-03-01")},
				{TaxpayerID: co.ID, NPWP: string(co.NPWP), Name: co.Name, Share: 4000, From: day("2024-03-01"), Until: day("2025-06-30")},
				{TaxpayerID: owner.ID, NPWP: string(owner.NPWP), Name: owner.Name, Share: 4000, From: day("2025-07-01")},
			},
			CreatedAt: t1, UpdatedAt: t1}
		e := audit.Entry{At: t1, Actor: "system:test", TaxpayerID: owner.ID, Action: "pbjt.property.register", Detail: "villa"}
		if err := s.CreateProperty(ctx, &p, e); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Version != 1 {
			t.Fatalf("created property ID %d version %d", p.ID, p.Version)
		}
		got, err := s.Property(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("Property (-want +got):\n%s", diff)
		}
		if _, err := s.Property(ctx, p.ID+100); !errs.Is(errs.NotFound, err) {
			t.Errorf("missing property: %v, want NotFound", err)
		}

		// The same NPWPD in the same region is refused, naming the field.
		dup := p
		dup.ID, dup.Name = 0, "Villa Kembar"
		err = s.CreateProperty(ctx, &dup, e)
		if !errs.Is(errs.Conflict, err) || len(errs.FieldsOf(err)) != 1 || errs.FieldsOf(err)[0].Field != "npwpd" {
			t.Errorf("duplicate NPWPD: %v, want a Conflict on npwpd", err)
		}
		// A property without an NPWPD yet, registered to the co-owner.
		other := p
		other.ID, other.TaxpayerID, other.Name, other.NPWPD, other.RegencyCode = 0, co.ID, "Pondok Canggu", "", "5103"
		other.Address = registration.Address{Street: "Jl. Pantai Berawa 3", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510302", PostalCode: "80361"}
		other.Owners = []pbjt.Owner{{TaxpayerID: co.ID, NPWP: string(co.NPWP), Name: co.Name, Share: 10000, From: day("2025-01-01")}}
		if err := s.CreateProperty(ctx, &other, e); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			who  registration.Taxpayer
			want []int64
		}{{owner, []int64{p.ID}}, {co, []int64{p.ID, other.ID}}, {w.Company, nil}} {
			ps, err := s.PropertiesOf(ctx, tt.who.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, q := range ps {
				ids = append(ids, q.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("PropertiesOf(%s) (-want +got):\n%s", tt.who.Name, diff)
			}
		}

		// Update at the current version replaces units and owners; a stale
		// version is a Conflict.
		up := got
		up.Units = []pbjt.Unit{{Name: "Villa A", Rooms: 4}}
		up.Owners = up.Owners[:1]
		up.Owners[0].Share, up.Owners[0].Until = 10000, time.Time{}
		up.UpdatedAt = t2
		if err := s.UpdateProperty(ctx, &up, 1, e); err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 {
			t.Errorf("version after update = %d", up.Version)
		}
		got, err = s.Property(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(up, got); diff != "" {
			t.Errorf("after update (-want +got):\n%s", diff)
		}
		if err := s.UpdateProperty(ctx, &up, 1, e); !errs.Is(errs.Conflict, err) {
			t.Errorf("stale version: %v, want Conflict", err)
		}
		if ps, _ := s.PropertiesOf(ctx, co.ID); len(ps) != 1 {
			t.Errorf("the former co-owner still lists %d properties, want only its own", len(ps))
		}
		entries, err := db.Audit().List(ctx, audit.Filter{TaxpayerIDs: []int64{owner.ID}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, en := range entries {
			if en.Action == "pbjt.property.register" {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d property audit entries for the owner, want 3 (two creations and an update)", n)
		}
	})
}
