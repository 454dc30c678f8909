package pbjt

import (
	"testing"

	"github.com/coretax/coretax/internal/registration"
	"github.com/google/go-cmp/cmp"
)

func villaInput() PropertyInput {
	return PropertyInput{
		Name: " Villa  Sawah Hijau ", Kind: "villa", NPWPD: "p.2.0001234.03.05",
		Address: registration.AddressInput{Street: "Jl. Raya Ubud 8, Banjar Kutuh", ProvinceCode: "51", RegencyCode: "51.04",
			DistrictCode: "510406", PostalCode: "80571"},
		Units:  []Unit{{Name: "Villa A", Rooms: 2}, {Name: "Villa B", Rooms: 3}},
		Owners: []OwnerInput{{NPWP: "x", Share: 6000, From: day(2024, 3, 1)}, {NPWP: "y", Share: 4000, From: day(2024, 3, 1)}},
	}
}

func TestCheckProperty(t *testing.T) {
	p, fs := checkProperty(villaInput())
	if len(fs) != 0 {
		t.Fatalf("fields: %v", fs)
	}
	if p.Name != "Villa Sawah Hijau" || p.RegencyCode != "5104" || p.NPWPD != "P.2.0001234.03.05" || p.Address.DistrictCode != "510406" {
		t.Errorf("property = %+v", p)
	}
	for _, tt := range []struct {
		name  string
		edit  func(in *PropertyInput)
		field string
	}{
		{"no name", func(in *PropertyInput) { in.Name = " " }, "name"},
		{"unknown kind", func(in *PropertyInput) { in.Kind = "apartment" }, "kind"},
		{"outside Bali", func(in *PropertyInput) {
			in.Address.ProvinceCode, in.Address.RegencyCode, in.Address.DistrictCode = "31", "3171", "317101"
		}, "address.regency_code"},
		{"district of another regency", func(in *PropertyInput) { in.Address.DistrictCode = "510301" }, "address.district_code"},
		{"regency of another province", func(in *PropertyInput) { in.Address.RegencyCode = "3171" }, "address.regency_code"},
		{"bad postal code", func(in *PropertyInput) { in.Address.PostalCode = "0857" }, "address.postal_code"},
		{"bad NPWPD", func(in *PropertyInput) { in.NPWPD = "12 34" }, "npwpd"},
		{"no units", func(in *PropertyInput) { in.Units = nil }, "units"},
		{"same unit twice", func(in *PropertyInput) { in.Units[1].Name = "villa a" }, "units[1].name"},
		{"no rooms", func(in *PropertyInput) { in.Units[0].Rooms = 0 }, "units[0].rooms"},
		{"no owners", func(in *PropertyInput) { in.Owners = nil }, "owners"},
		{"shares short", func(in *PropertyInput) { in.Owners[1].Share = 3000 }, "owners"},
		{"share out of range", func(in *PropertyInput) { in.Owners[0].Share = 0 }, "owners[0].share"},
		{"until before from", func(in *PropertyInput) { in.Owners[0].Until = day(2024, 1, 1) }, "owners[0].until"},
		{"gap at a sale", func(in *PropertyInput) {
			in.Owners[1].Until = day(2025, 6, 30)
			in.Owners = append(in.Owners, OwnerInput{NPWP: "z", Share: 4000, From: day(2025, 7, 2)})
		}, "owners"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := villaInput()
			in.Units = append([]Unit(nil), in.Units...)
			in.Owners = append([]OwnerInput(nil), in.Owners...)
			tt.edit(&in)
			_, fs := checkProperty(in)
			var got []string
			for _, f := range fs {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff([]string{tt.field}, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, fs)
			}
		})
	}
}

func TestSharesAcrossASale(t *testing.T) {
	in := villaInput()
	in.Owners[1].Until = day(2025, 6, 30)
	in.Owners = append(in.Owners, OwnerInput{NPWP: "z", Share: 4000, From: day(2025, 7, 1)})
	p, fs := checkProperty(in)
	if len(fs) != 0 {
		t.Fatalf("a sale with no gap is refused: %v", fs)
	}
	if n := len(p.OwnersOn(day(2025, 6, 30))); n != 2 {
		t.Errorf("owners on the last day of the seller = %d, want 2", n)
	}
	on := p.OwnersOn(day(2025, 7, 1))
	if len(on) != 2 || on[1].Share != 4000 || !on[1].From.Equal(day(2025, 7, 1)) {
		t.Errorf("owners after the sale = %+v", on)
	}
}
