package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	t1 = time.Date(2026, 1, 15, 3, 4, 5, 123456000, time.UTC)
	t2 = t1.Add(24 * time.Hour)
)

func TestRegistryPeople(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Registry()
		made := registry.Person{NIK: "5103011702850001", Name: "I Made Wirawan", BirthDate: day("1985-02-17"), Sex: "M",
			Street: "Jl. Raya Kuta No. 12", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510301"}
		ayu := registry.Person{NIK: "5171034509900002", Name: "Ni Luh Putu Ayu Lestari", BirthDate: day("1990-09-05"), Sex: "F",
			Street: "Jl. Gatot Subroto Barat No. 5", ProvinceCode: "51", RegencyCode: "5171", DistrictCode: "517103"}

		c, err := s.PutPeople(ctx, []registry.Person{made, ayu}, t1)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Inserted: 2}); c != want {
			t.Errorf("first PutPeople = %+v, want %+v", c, want)
		}
		got, err := s.Person(ctx, made.NIK)
		if err != nil {
			t.Fatal(err)
		}
		want := made
		want.UpdatedAt = t1
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Person mismatch (-want +got):\n%s", diff)
		}

		// Re-import: one record changed, one unchanged.
		moved := made
		moved.Street, moved.DistrictCode = "Jl. Kapten Tantular No. 1", "510302"
		c, err = s.PutPeople(ctx, []registry.Person{moved, ayu}, t2)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Updated: 1, Unchanged: 1}); c != want {
			t.Errorf("second PutPeople = %+v, want %+v", c, want)
		}
		got, err = s.Person(ctx, made.NIK)
		if err != nil {
			t.Fatal(err)
		}
		want = moved
		want.UpdatedAt = t2
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("updated Person mismatch (-want +got):\n%s", diff)
		}
		if got, err := s.Person(ctx, ayu.NIK); err != nil || !got.UpdatedAt.Equal(t1) {
			t.Errorf("unchanged Person UpdatedAt = %v, %v; want %v", got.UpdatedAt, err, t1)
		}

		_, err = s.Person(ctx, "5103011702850009")
		if !errs.Is(errs.NotFound, err) {
			t.Errorf("Person(unknown) error = %v, want NotFound", err)
		}
	})
}

func TestRegistryCompanies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Registry()
		james := registry.Officer{Position: registry.Director, Name: "James Robert Miller", Passport: "PA1234567", Nationality: "AUS"}
		made := registry.Officer{Position: registry.Director, Name: "I Made Wirawan", NIK: "5103011702850001"}
		anna := registry.Officer{Position: registry.Commissioner, Name: "Anna de Vries", Passport: "NX5K81234", Nationality: "NLD"}
		villas := registry.Company{RegistryNumber: "AHU-0012345.AH.01.01.TAHUN 2019", Name: "PT Bali Surya Villas",
			Form: registry.FormPTPMA, DeedNumber: "12", Officers: []registry.Officer{james, made}}
		yayasan := registry.Company{RegistryNumber: "AHU-0099999.AH.01.04.TAHUN 2024", Name: "Yayasan Tunas Bangsa",
			Form: registry.FormYayasan, DeedNumber: "3"}

		c, err := s.PutCompanies(ctx, []registry.Company{villas, yayasan}, t1)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Inserted: 2}); c != want {
			t.Errorf("first PutCompanies = %+v, want %+v", c, want)
		}
		for _, want := range []registry.Company{villas, yayasan} {
			got, err := s.Company(ctx, want.RegistryNumber)
			if err != nil {
				t.Fatal(err)
			}
			want.UpdatedAt = t1
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Company mismatch (-want +got):\n%s", diff)
			}
		}

		// The officer list is replaced, not merged; the company row is
		// the same. The same batch again changes nothing.
		changed := villas
		changed.Officers = []registry.Officer{anna, made}
		for i, want := range []registry.Counts{{Updated: 1, Unchanged: 1}, {Unchanged: 2}} {
			at := t2.Add(time.Duration(i) * time.Hour)
			c, err = s.PutCompanies(ctx, []registry.Company{changed, yayasan}, at)
			if err != nil {
				t.Fatal(err)
			}
			if c != want {
				t.Errorf("PutCompanies #%d = %+v, want %+v", i+2, c, want)
			}
		}
		got, err := s.Company(ctx, villas.RegistryNumber)
		if err != nil {
			t.Fatal(err)
		}
		want := changed
		want.UpdatedAt = t2
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Company after officer replacement mismatch (-want +got):\n%s", diff)
		}

		// A changed deed with no officers removes them all.
		renamed := yayasan
		renamed.DeedNumber = "4"
		gone := changed
		gone.Officers = nil
		c, err = s.PutCompanies(ctx, []registry.Company{renamed, gone}, t2)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Updated: 2}); c != want {
			t.Errorf("PutCompanies = %+v, want %+v", c, want)
		}
		if got, err := s.Company(ctx, villas.RegistryNumber); err != nil || len(got.Officers) != 0 {
			t.Errorf("Company officers = %v, %v; want none", got.Officers, err)
		}

		_, err = s.Company(ctx, "AHU-0000000")
		if !errs.Is(errs.NotFound, err) {
			t.Errorf("Company(unknown) error = %v, want NotFound", err)
		}
	})
}

func TestRegistryImmigration(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Registry()
		james := registry.ImmigrationRecord{Passport: "PA1234567", Nationality: "AUS", Name: "James Robert Miller",
			BirthDate: day("1979-05-14"), Sex: "M", PassportExpires: day("2031-03-01"),
			StayPermitKind: registry.KITAS, StayPermitNumber: "2C21JE1234567", StayPermitExpires: day("2026-12-31")}
		// The same number issued by another country is another passport.
		other := registry.ImmigrationRecord{Passport: "PA1234567", Nationality: "NZL", Name: "Aroha Ngata",
			BirthDate: day("1990-01-02"), Sex: "F", PassportExpires: day("2030-01-01")}

		c, err := s.PutImmigration(ctx, []registry.ImmigrationRecord{james, other}, t1)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Inserted: 2}); c != want {
			t.Errorf("first PutImmigration = %+v, want %+v", c, want)
		}
		got, err := s.Immigration(ctx, "AUS", "PA1234567")
		if err != nil {
			t.Fatal(err)
		}
		want := james
		want.UpdatedAt = t1
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Immigration mismatch (-want +got):\n%s", diff)
		}

		// A KITAS that became a KITAP without an expiry date.
		kitap := james
		kitap.StayPermitKind, kitap.StayPermitNumber, kitap.StayPermitExpires = registry.KITAP, "2D11JB0076543", time.Time{}
		c, err = s.PutImmigration(ctx, []registry.ImmigrationRecord{kitap, other}, t2)
		if err != nil {
			t.Fatal(err)
		}
		if want := (registry.Counts{Updated: 1, Unchanged: 1}); c != want {
			t.Errorf("second PutImmigration = %+v, want %+v", c, want)
		}
		all, err := s.ImmigrationByPassport(ctx, "PA1234567")
		if err != nil {
			t.Fatal(err)
		}
		wantAll := []registry.ImmigrationRecord{kitap, other}
		wantAll[0].UpdatedAt, wantAll[1].UpdatedAt = t2, t1
		if diff := cmp.Diff(wantAll, all); diff != "" {
			t.Errorf("ImmigrationByPassport mismatch (-want +got):\n%s", diff)
		}

		if _, err := s.Immigration(ctx, "GBR", "PA1234567"); !errs.Is(errs.NotFound, err) {
			t.Errorf("Immigration(unknown) error = %v, want NotFound", err)
		}
		if _, err := s.ImmigrationByPassport(ctx, "XX0000000"); !errs.Is(errs.NotFound, err) {
			t.Errorf("ImmigrationByPassport(unknown) error = %v, want NotFound", err)
		}
	})
}

func TestRegistryEmptyBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, err := db.Registry().PutPeople(context.Background(), nil, t1)
		if err != nil || c != (registry.Counts{}) {
			t.Errorf("PutPeople(nil) = %+v, %v; want zero counts", c, err)
		}
	})
}
