package booking

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func addSamples(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkResult holds for any input: every booking has a stay of at least
// one night with its nights counted, every error and skip names a row,
// and known amounts were converted with a rate that says where it came
// from.
func checkResult(t *testing.T, res *Result) {
	t.Helper()
	for _, b := range res.Bookings {
		if !b.CheckOut.After(b.CheckIn) || b.Nights != nightsBetween(b.CheckIn, b.CheckOut) || b.Nights < 1 {
			t.Fatalf("row %d: stay %v to %v with %d nights", b.Row, b.CheckIn, b.CheckOut, b.Nights)
		}
		if b.Row < 1 {
			t.Fatalf("booking without a row: %+v", b)
		}
		if (b.Gross.Known || b.Payout.Known) && (b.Rate.Den <= 0 || b.Rate.Source == "") {
			t.Fatalf("row %d: amounts without a rate: %+v", b.Row, b.Rate)
		}
		if b.Status != Confirmed && b.Status != Cancelled {
			t.Fatalf("row %d: status %q", b.Row, b.Status)
		}
	}
	for _, e := range res.Errors {
		if e.Row < 1 || e.Column == "" || e.Message == "" {
			t.Fatalf("error without row, column or message: %+v", e)
		}
	}
	for _, s := range res.Skipped {
		if s.Row < 1 || s.Reason == "" {
			t.Fatalf("skip without row or reason: %+v", s)
		}
	}
	Duplicates(res.Bookings)
	if _, err := GrossBasis(res.Bookings, nil); err != nil {
		t.Fatal(err)
	}
}

// FuzzReadCSV feeds arbitrary bytes to every CSV format.
func FuzzReadCSV(f *testing.F) {
	addSamples(f, "airbnb_reservations.csv", "airbnb_transactions.csv", "booking_statement.csv", "agoda_booking_report.csv", "generic.csv")
	f.Add([]byte(gHeader + "R1,Villa,A,2026-10-03,2026-10-07,4,,USD,\"1,2.3\",,,,0.0000001,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{AirbnbReservations, AirbnbTransactions, BookingStatement, BookingReservations, AgodaBookings, Generic, ""} {
			res, err := Read(bytes.NewReader(data), format, Options{Rates: testRates(), Property: villa})
			if err != nil {
				continue
			}
			checkResult(t, res)
		}
	})
}

// FuzzReadICal feeds arbitrary bytes to the iCal reader.
func FuzzReadICal(f *testing.F) {
	addSamples(f, "calendar.ics")
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261003T140000Z\nDURATION:P1W\nEND:VEVENT\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(bytes.NewReader(data), ICalendar, Options{Listing: "Villa Segara"})
		if err != nil {
			t.Fatal(err) // the iCal reader reports problems per event, never for the file
		}
		checkResult(t, res)
		for _, b := range res.Bookings {
			if b.HasAmounts() {
				t.Fatalf("row %d: an iCal booking with amounts", b.Row)
			}
		}
	})
}
