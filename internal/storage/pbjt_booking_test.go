package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/taxid"
	"github.com/google/go-cmp/cmp"
)

func TestPBJTBookings(t *testing.T) {
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
		block := pbjt.Booking{PropertyID: p.ID, TaxpayerID: owner.ID, Via: "ical", CreatedBy: "system:test", CreatedAt: t1,
			Booking: booking.Booking{Row: 8, Channel: booking.ICal, Reference: "uid-1@airbnb.com", Listing: "Kembang calendar",
				CheckIn: day("2026-10-03"), CheckOut: day("2026-10-07"), Nights: 4, Status: booking.Confirmed}}
		if err := s.AddBooking(ctx, &block, nil, audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.booking.add"}); err != nil {
			t.Fatal(err)
		}
		manual := pbjt.Booking{PropertyID: p.ID, TaxpayerID: owner.ID, Via: "whatsapp", CreatedBy: "system:test", CreatedAt: t1,
			Booking: booking.Booking{Channel: booking.Direct, Guest: "Emma Thompson", Listing: "Villa Kembang",
				CheckIn: day("2026-10-03"), CheckOut: day("2026-10-07"), Nights: 4, Status: booking.Confirmed}}
		// The manual entry without amounts was a duplicate of the block.
		if err := s.AddBooking(ctx, &manual, []pbjt.Link{{Dup: pbjt.Ref{}, Kept: pbjt.Ref{ID: block.ID}, Reason: "the record imported first is kept"}},
			audit.Entry{At: t1, Actor: "system:test", Action: "pbjt.booking.add"}); err != nil {
			t.Fatal(err)
		}
		if manual.DuplicateOf != block.ID {
			t.Fatalf("manual duplicate of %d, want %d", manual.DuplicateOf, block.ID)
		}

		usd := func(units int64, scale int, sen int64) booking.Amount {
			return booking.Amount{Known: true, Original: booking.Decimal{Units: units, Scale: scale}, IDR: money.Amount(sen)}
		}
		airbnb := pbjt.Booking{PropertyID: p.ID, TaxpayerID: owner.ID, Via: "airbnb-transactions", CreatedBy: "owner", CreatedAt: t1,
			Booking: booking.Booking{Row: 5, Channel: booking.Airbnb, Reference: "HMQ4K2Z8TA", Listing: "Villa Kembang · 3BR", Guest: "Emma Thompson",
				CheckIn: day("2026-10-03"), CheckOut: day("2026-10-07"), Nights: 4, Status: booking.Confirmed, Currency: "USD",
				Gross: usd(107876, 2, 1_752_985_000), Commission: usd(3236, 2, 52_585_000), Payout: usd(104640, 2, 1_700_400_000),
				Rate:          booking.Rate{Num: 16250, Den: 1, Day: day("2026-10-07"), Source: "rate given with the import: USD=16250@2026-10-01"},
				PayoutCountry: taxid.Country("IDN")}}
		copyOf := airbnb
		copyOf.Row = 9
		job := pbjt.ImportJob{PropertyID: p.ID, TaxpayerID: owner.ID, Format: booking.AirbnbTransactions, FileName: "t.csv", SHA256: "abc",
			RatesKey: "k", Rows: 4, Created: 2, Duplicates: 1, Replaced: 1, Rejected: 1, Skipped: 0, CreatedBy: "owner", CreatedAt: t1,
			Results: []pbjt.RowResult{{Row: 5, BookingID: -1}, {Row: 7, Column: "Currency", Value: "EUR", Message: "no EUR→IDR rate"},
				{Row: 9, BookingID: -2, DuplicateOf: -1}}}
		links := []pbjt.Link{
			{Dup: pbjt.Ref{ID: block.ID}, Kept: pbjt.Ref{New: 0}, Reason: "the airbnb record is kept over the ical entry"},
			{Dup: pbjt.Ref{New: 1}, Kept: pbjt.Ref{New: 0}, Reason: "the record imported first is kept"},
		}
		bs := []pbjt.Booking{airbnb, copyOf}
		if err := s.SaveImport(ctx, &job, bs, links, audit.Entry{At: t1, Actor: "owner", TaxpayerID: owner.ID, Action: "pbjt.booking.import"}); err != nil {
			t.Fatal(err)
		}
		if job.ID == 0 || bs[0].ID == 0 || bs[0].JobID != job.ID || job.Results[0].BookingID != bs[0].ID || job.Results[2].DuplicateOf != bs[0].ID {
			t.Fatalf("saved job %+v, bookings %d %d", job, bs[0].ID, bs[1].ID)
		}
		got, err := s.ImportJob(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(job, got); diff != "" {
			t.Errorf("ImportJob (-want +got):\n%s", diff)
		}
		if again, err := s.ImportByFile(ctx, p.ID, "abc", "k"); err != nil || again.ID != job.ID {
			t.Errorf("ImportByFile = %d, %v", again.ID, err)
		}
		if _, err := s.ImportByFile(ctx, p.ID, "abc", "other rates"); !errs.Is(errs.NotFound, err) {
			t.Errorf("ImportByFile with other rates: %v, want NotFound", err)
		}
		dupJob := job
		if err := s.SaveImport(ctx, &dupJob, nil, nil, audit.Entry{At: t1, Actor: "owner", Action: "pbjt.booking.import"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("the same file twice: %v, want Conflict", err)
		}

		kept, err := s.KeptBookings(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) != 1 || kept[0].ID != bs[0].ID {
			t.Fatalf("kept = %+v, want only the Airbnb record", kept)
		}
		want := bs[0]
		want.ImportedAt = t1
		if diff := cmp.Diff(want, kept[0]); diff != "" {
			t.Errorf("stored booking (-want +got):\n%s", diff)
		}
		all, err := s.Bookings(ctx, p.ID, day("2026-10-01"), day("2026-11-01"))
		if err != nil {
			t.Fatal(err)
		}
		// The block and the manual entry that was its duplicate both
		// name the Airbnb record now.
		for _, b := range all {
			if b.ID != bs[0].ID && b.DuplicateOf != bs[0].ID {
				t.Errorf("booking %d (%s) is a duplicate of %d, want %d", b.ID, b.Channel, b.DuplicateOf, bs[0].ID)
			}
		}
		if len(all) != 4 || all[0].Gross.Known || all[0].Rate.Day != (time.Time{}) {
			t.Errorf("bookings = %d, first %+v", len(all), all[0])
		}
		if none, err := s.Bookings(ctx, p.ID, day("2026-10-08"), day("2026-11-01")); err != nil || len(none) != 0 {
			t.Errorf("bookings after the check-out: %d, %v", len(none), err)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if diff := cmp.Diff([]string{"pbjt.booking.import", "pbjt.booking.add", "pbjt.booking.add"}, actions); diff != "" {
			t.Errorf("audit actions (-want +got):\n%s", diff)
		}
	})
}
