package demo

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
)

// bookingFiles are the sample exports of internal/booking/testdata, kept
// identical to them (TestBookingSamplesMatch): Airbnb, Agoda and the
// owner's own sheet for Villa Kembang, and Booking.com and a calendar for
// Villa Segara, another owner's villa sold through the same accounts.
//
//go:embed bookings/*
var bookingFiles embed.FS

// DemoRate is the USD rate the demo imports with, from 1 September 2026.
const DemoRate = "USD=16250@2026-09-01"

// Villa is the villa owner's property and its imports, when the PBJT part
// was loaded.
type Villa struct {
	Property pbjt.Property
	Imports  []pbjt.ImportJob
}

// loadVilla registers Villa Kembang in Ubud (Gianyar) to the villa owner
// and imports the sample exports of its channels: the Airbnb reservations
// export (payouts only), the Airbnb transaction history (which replaces
// those with the guest price), the Agoda report and the owner's own sheet
// (whose entry of an Airbnb stay becomes a duplicate).
func loadVilla(ctx context.Context, s Services, w *World) error {
	owner := string(w.VillaOwner.NPWP)
	p, err := s.PBJT.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Kembang", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Raya Sayan, Banjar Kutuh", ProvinceCode: "51", RegencyCode: "5104",
			DistrictCode: "510405", PostalCode: "80571"},
		Units:  []pbjt.Unit{{Name: "Villa Kembang", Rooms: 3}},
		Owners: []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		return fmt.Errorf("demo: register Villa Kembang: %w", err)
	}
	rate, err := pbjt.ParseRate(DemoRate)
	if err != nil {
		return err
	}
	rate.Source = "demo rate " + DemoRate
	v := &Villa{Property: p}
	for _, f := range []struct{ name, channel string }{
		{"airbnb_reservations.csv", "airbnb"},
		{"airbnb_transactions.csv", "airbnb"},
		{"agoda_booking_report.csv", "agoda"},
		{"generic.csv", "csv"},
	} {
		data, err := bookingFiles.ReadFile("bookings/" + f.name)
		if err != nil {
			return err
		}
		job, _, err := s.Bookings.Import(ctx, owner, p.ID, data, pbjt.ImportOptions{Format: f.channel, FileName: f.name,
			Rates: []pbjt.RateInput{rate}, PayoutCountry: "IDN", Listing: "Villa Kembang"})
		if err != nil {
			return fmt.Errorf("demo: import %s: %w", f.name, err)
		}
		v.Imports = append(v.Imports, job)
	}
	w.Villa = v
	return nil
}
