package pbjt_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "booking", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rates(t *testing.T, specs ...string) []pbjt.RateInput {
	t.Helper()
	var out []pbjt.RateInput
	for _, s := range specs {
		r, err := pbjt.ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// villas registers the owner's two sample villas: Kembang in Ubud
// (Gianyar) and Segara in Canggu (Badung).
func villas(t *testing.T, svc *pbjt.Service, owner registration.Taxpayer) (kembang, segara pbjt.Property) {
	t.Helper()
	in := func(name, regency, district, postal string) pbjt.PropertyInput {
		return pbjt.PropertyInput{Name: name, Kind: "villa",
			Address: registration.AddressInput{Street: "Jl. " + name, ProvinceCode: "51", RegencyCode: regency, DistrictCode: district, PostalCode: postal},
			Units:   []pbjt.Unit{{Name: name, Rooms: 3}},
			Owners:  []pbjt.OwnerInput{{NPWP: string(owner.NPWP), Share: pbjt.WholeShare, From: day(2024, 1, 1)}}}
	}
	var err error
	if kembang, err = svc.RegisterProperty(as(owner), string(owner.NPWP), in("Villa Kembang", "5104", "510405", "80571")); err != nil {
		t.Fatal(err)
	}
	if segara, err = svc.RegisterProperty(as(owner), string(owner.NPWP), in("Villa Segara", "5103", "510306", "80351")); err != nil {
		t.Fatal(err)
	}
	return kembang, segara
}

func bookingFixture(t *testing.T, db *storage.DB) (*pbjt.Service, *pbjt.Bookings, demo.World) {
	ctx := context.Background()
	now := func() time.Time { return today }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	return svc, pbjt.NewBookings(svc, db.PBJT()), w
}

func TestImportSamples(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, bk, w := bookingFixture(t, db)
		owner := w.VillaOwner
		ctx, npwp := as(owner), string(owner.NPWP)
		kembang, segara := villas(t, svc, owner)
		usd := rates(t, "USD=16250@2026-09-01")

		for _, tt := range []struct {
			file     string
			format   string
			property pbjt.Property
			want     booking.Format
			// created, duplicates, replaced, rejected, skipped
			counts [5]int
		}{
			{"airbnb_reservations.csv", "airbnb", kembang, booking.AirbnbReservations, [5]int{3, 0, 0, 0, 3}},
			{"agoda_booking_report.csv", "agoda", kembang, booking.AgodaBookings, [5]int{3, 0, 0, 0, 0}},
			// The transaction history has the guest price of the
			// reservations imported above: those are now duplicates of
			// its records.
			{"airbnb_transactions.csv", "airbnb", kembang, booking.AirbnbTransactions, [5]int{2, 0, 2, 0, 9}},
			// The owner's own entry of Emma Thompson's stay is a
			// duplicate of the Airbnb record.
			{"generic.csv", "csv", kembang, booking.Generic, [5]int{2, 1, 0, 0, 2}},
			{"calendar.ics", "ical", segara, booking.ICalendar, [5]int{4, 0, 0, 0, 0}},
			// Pieter Jansen's stay replaces Booking.com's calendar block.
			{"booking_statement.csv", "booking", segara, booking.BookingStatement, [5]int{4, 0, 1, 0, 0}},
		} {
			listing := "Villa Kembang"
			if tt.property.ID == segara.ID {
				listing = "Villa Segara"
			}
			job, created, err := bk.Import(ctx, npwp, tt.property.ID, sample(t, tt.file),
				pbjt.ImportOptions{Format: tt.format, FileName: tt.file, Rates: usd, Listing: listing, PayoutCountry: "IDN"})
			if err != nil {
				t.Fatalf("import %s: %v", tt.file, err)
			}
			got := [5]int{job.Created, job.Duplicates, job.Replaced, job.Rejected, job.Skipped}
			if !created || job.Format != tt.want || got != tt.counts || job.ID == 0 {
				t.Errorf("import %s: created %v, format %s, counts %v; want a new %s job with %v\n%+v", tt.file, created, job.Format, got, tt.want, tt.counts, job.Results)
			}
			if n := len(job.Results); n < job.Rows {
				t.Errorf("import %s: %d results for %d rows", tt.file, n, job.Rows)
			}
			for _, r := range job.Results {
				if r.Message == "" && r.Skipped == "" && r.BookingID <= 0 {
					t.Errorf("import %s: row %d has no booking, error or skip: %+v", tt.file, r.Row, r)
				}
			}
		}

		// Kembang in October: the Airbnb reservations rows without the
		// guest price were marked duplicates of the transaction
		// history's records, which are kept.
		page, err := bk.List(ctx, npwp, kembang.ID, pbjt.BookingQuery{From: day(2026, 10, 1), To: day(2026, 11, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Months) != 1 {
			t.Fatalf("months = %+v", page.Months)
		}
		oct := page.Months[0]
		// Emma 1078.76 and Kenji 2000.00 gross, 1046.40 and 1940.00
		// payout, at 16250.
		want := pbjt.MonthTotal{Period: pbjt.Period{Year: 2026, Month: 10}, Bookings: 2, Gross: money.Amount(5_002_985_000),
			Commission: money.Amount(150_085_000), Payout: money.Amount(4_852_900_000), Base: money.Amount(5_002_985_000),
			Difference: money.Amount(150_085_000)}
		// Agoda's Nguyen Thi Mai checks out on 31 October: 690.00 gross,
		// 103.50 commission, 586.50 payout.
		want.Bookings++
		want.Gross += 1_121_250_000
		want.Base += 1_121_250_000
		want.Commission += 168_187_500
		want.Payout += 953_062_500
		want.Difference += 168_187_500
		if oct != want {
			t.Errorf("October = %+v\nwant %+v", oct, want)
		}
		if oct.Base != oct.Gross || oct.Gross == oct.Payout {
			t.Errorf("the base must be the gross, and differ from the payout: %+v", oct)
		}
		dups := 0
		for _, b := range page.Bookings {
			if b.DuplicateOf != 0 {
				dups++
				if b.Channel != booking.Airbnb && b.Channel != booking.CSV {
					t.Errorf("unexpected duplicate %+v", b)
				}
			}
		}
		if dups != 3 { // Emma and Kenji in the reservations file, Emma in the owner's file
			t.Errorf("%d duplicates in October, want 3", dups)
		}
	})
}

func TestImportDuplicatesRatesAndAccess(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, bk, w := bookingFixture(t, db)
		owner := w.VillaOwner
		ctx, npwp := as(owner), string(owner.NPWP)
		_, segara := villas(t, svc, owner)
		seg := func(file string, rs ...string) pbjt.ImportOptions {
			return pbjt.ImportOptions{FileName: file, Rates: rates(t, rs...), Listing: "Villa Segara"}
		}

		cal, _, err := bk.Import(ctx, npwp, segara.ID, sample(t, "calendar.ics"), seg("calendar.ics"))
		if err != nil || cal.Created != 4 {
			t.Fatalf("calendar: %+v, %v", cal, err)
		}
		airbnbBlock := cal.Results[1].BookingID

		// The rate starts after Daniel Müller's check-out on 1 October:
		// that row is an error naming the currency and the day.
		tx := sample(t, "airbnb_transactions.csv")
		job, created, err := bk.Import(ctx, npwp, segara.ID, tx, seg("airbnb_transactions.csv", "USD=16250@2026-10-02"))
		if err != nil {
			t.Fatal(err)
		}
		if !created || job.Created != 1 || job.Rejected != 1 {
			t.Fatalf("transactions: %+v", job)
		}
		var rowErr pbjt.RowResult
		for _, r := range job.Results {
			if r.Rejected() {
				rowErr = r
			}
		}
		if rowErr.Row != 3 || rowErr.Column != "Currency" || rowErr.Value != "USD" ||
			rowErr.Message != "no USD→IDR rate for 2026-10-01 in the rate table; add that rate and import the file again" {
			t.Errorf("row error = %+v", rowErr)
		}

		// Airbnb's block in the calendar is a duplicate of Airbnb's own
		// record of Olivia Chen's stay, imported later: the OTA record is
		// kept.
		page, err := bk.List(ctx, npwp, segara.ID, pbjt.BookingQuery{From: day(2026, 12, 1), To: day(2027, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		var olivia, block pbjt.Booking
		for _, b := range page.Bookings {
			switch b.ID {
			case airbnbBlock:
				block = b
			}
			if b.Reference == "HMLNG0042Z" {
				olivia = b
			}
		}
		if olivia.ID == 0 || olivia.DuplicateOf != 0 || block.DuplicateOf != olivia.ID ||
			block.DuplicateReason != "the airbnb record is kept over the ical entry" {
			t.Errorf("Olivia %d (dup of %d), calendar block %d dup of %d (%q)", olivia.ID, olivia.DuplicateOf, block.ID, block.DuplicateOf, block.DuplicateReason)
		}
		if olivia.Gross.IDR != money.Amount(4500_00*16250) || olivia.Rate.Num != 16250 || olivia.Rate.Den != 1 || olivia.Currency != "USD" {
			t.Errorf("Olivia's amounts: %+v rate %+v", olivia.Gross, olivia.Rate)
		}

		// The same file with the same rates returns the first job.
		again, created, err := bk.Import(ctx, npwp, segara.ID, tx, seg("copy.csv", "USD=16250@2026-10-02"))
		if err != nil || created || again.ID != job.ID || len(again.Results) != len(job.Results) {
			t.Errorf("re-import: job %d created %v, %v; want job %d", again.ID, created, err, job.ID)
		}
		got, err := bk.ImportJob(ctx, npwp, segara.ID, job.ID)
		if err != nil || got.Rejected != 1 || len(got.Results) != len(job.Results) || got.Results[0] != job.Results[0] {
			t.Errorf("ImportJob = %+v, %v", got, err)
		}

		// A direct WhatsApp booking with the guest price is kept over the
		// calendar entry of the same stay, which has no amounts.
		b, err := bk.Add(ctx, npwp, segara.ID, pbjt.BookingInput{Via: "whatsapp", Guest: "Wayan Sudarsana", CheckIn: day(2026, 12, 10),
			CheckOut: day(2026, 12, 14), Currency: "IDR", Gross: "8000000", Commission: "0", PayoutCountry: "IDN"})
		if err != nil {
			t.Fatal(err)
		}
		if b.ID == 0 || b.DuplicateOf != 0 || b.Payout.IDR != money.Amount(8_000_000_00) || b.Channel != booking.Direct || b.Via != "whatsapp" {
			t.Errorf("manual booking = %+v", b)
		}
		page, err = bk.List(ctx, npwp, segara.ID, pbjt.BookingQuery{From: day(2026, 12, 1), To: day(2027, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Bookings {
			if x.Channel == booking.ICal && x.Guest == "Wayan Sudarsana" && x.DuplicateOf != b.ID {
				t.Errorf("the calendar entry of Wayan's stay is not a duplicate of the manual booking: %+v", x)
			}
		}
		// December: Olivia's 4500 USD and Wayan's 8,000,000 IDR.
		dec := page.Months[0]
		if dec.Base != dec.Gross || dec.Gross != money.Amount(4500_00*16250+8_000_000_00) || dec.Payout != money.Amount(4365_00*16250+8_000_000_00) {
			t.Errorf("December = %+v", dec)
		}

		if _, err := bk.Add(ctx, npwp, segara.ID, pbjt.BookingInput{Via: "airbnb", Guest: "", CheckIn: day(2026, 12, 10),
			CheckOut: day(2026, 12, 9), Currency: "USD", Gross: "12,5"}); !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) != 4 {
			t.Errorf("bad manual booking: %v %+v", err, errs.FieldsOf(err))
		}
		if _, err := bk.Add(ctx, npwp, segara.ID, pbjt.BookingInput{Guest: "Made", CheckIn: day(2026, 12, 20), CheckOut: day(2026, 12, 22),
			Currency: "USD", Gross: "300"}); !errs.Is(errs.Invalid, err) || errs.FieldsOf(err)[0].Field != "rate" {
			t.Errorf("a USD booking without a rate: %v", err)
		}

		// A stranger sees nothing of the owner's bookings.
		stranger := as(w.Employee)
		if _, _, err := bk.Import(stranger, npwp, segara.ID, tx, seg("x.csv")); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger import: %v, want Forbidden", err)
		}
		if _, err := bk.List(stranger, npwp, segara.ID, pbjt.BookingQuery{From: day(2026, 12, 1), To: day(2027, 1, 1)}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger list: %v, want Forbidden", err)
		}
		if _, err := bk.ImportJob(stranger, npwp, segara.ID, job.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger job: %v, want Forbidden", err)
		}
		// An officer without officer.regional is refused as well.
		if _, err := bk.List(officer("wayan"), npwp, segara.ID, pbjt.BookingQuery{From: day(2026, 12, 1), To: day(2027, 1, 1)}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("officer without officer.regional: %v, want Forbidden", err)
		}
		// The employee's own NPWP does not reach the owner's property.
		if _, err := bk.List(stranger, string(w.Employee.NPWP), segara.ID, pbjt.BookingQuery{From: day(2026, 12, 1), To: day(2027, 1, 1)}); !errs.Is(errs.NotFound, err) {
			t.Errorf("stranger list through own NPWP: %v, want NotFound", err)
		}
	})
}
