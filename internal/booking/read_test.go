package booking

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/money"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// testRates is the rate table the samples are read with: USD at 16,250
// from September 2026 and at 16,310.50 from November 2026.
func testRates() *RateTable {
	var rt RateTable
	rt.Add("USD", date(2026, 9, 1), 1625000, 100, "Kurs Menteri Keuangan (test table)")
	rt.Add("USD", date(2026, 11, 1), 1631050, 100, "Kurs Menteri Keuangan (test table)")
	return &rt
}

var importedAt = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func readSample(t *testing.T, name string, f Format, opt Options) *Result {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if opt.Rates == nil {
		opt.Rates = testRates()
	}
	if opt.PayoutCountry == "" {
		opt.PayoutCountry = "IDN"
	}
	if opt.ImportedAt.IsZero() {
		opt.ImportedAt = importedAt
	}
	res, err := Read(fh, f, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return res
}

// line is the part of a Booking the sample tests compare.
type line struct {
	Row                          int
	Ref, Guest, Listing          string
	In, Out                      string
	Nights                       int
	Status                       Status
	Cur                          string
	Gross, Commission, Payout    string // original, "" when not known
	GrossIDR, CommIDR, PayoutIDR money.Amount
	Rate                         string
	RateDay                      string
}

func lines(bs []Booking) []line {
	out := make([]line, len(bs))
	for i, b := range bs {
		orig := func(a Amount) string {
			if !a.Known {
				return ""
			}
			return a.Original.String()
		}
		l := line{Row: b.Row, Ref: b.Reference, Guest: b.Guest, Listing: b.Listing,
			In: b.CheckIn.Format(time.DateOnly), Out: b.CheckOut.Format(time.DateOnly), Nights: b.Nights,
			Status: b.Status, Cur: b.Currency, Gross: orig(b.Gross), Commission: orig(b.Commission), Payout: orig(b.Payout),
			GrossIDR: b.Gross.IDR, CommIDR: b.Commission.IDR, PayoutIDR: b.Payout.IDR, Rate: b.Rate.String()}
		if !b.Rate.Day.IsZero() {
			l.RateDay = b.Rate.Day.Format(time.DateOnly)
		}
		out[i] = l
	}
	return out
}

const (
	kembangAirbnb = "Villa Kembang · 3BR Pool Villa in Ubud Rice Fields"
	segaraAirbnb  = "Villa Segara · Walk to Echo Beach, Canggu"
	kembangAgoda  = "Villa Kembang - Three-Bedroom Pool Villa"
)

func rp(rupiah int64) money.Amount { return money.Amount(rupiah) * money.Rupiah }

func TestReadSamples(t *testing.T) {
	tests := []struct {
		file    string
		format  Format
		want    []line
		skipped []int
	}{
		{
			file: "airbnb_reservations.csv", format: AirbnbReservations,
			want: []line{
				{Row: 2, Ref: "HMQ4K2Z8TA", Guest: "Emma Thompson", Listing: kembangAirbnb, In: "2026-10-03", Out: "2026-10-07", Nights: 4, Status: Confirmed, Cur: "USD", Payout: "1046.40", PayoutIDR: rp(17_004_000), Rate: "16250.00", RateDay: "2026-10-07"},
				{Row: 3, Ref: "HMX8PL3NRC", Guest: "Daniel Müller", Listing: segaraAirbnb, In: "2026-09-26", Out: "2026-10-01", Nights: 5, Status: Confirmed, Cur: "USD", Payout: "1455.00", PayoutIDR: rp(23_643_750), Rate: "16250.00", RateDay: "2026-10-01"},
				{Row: 4, Ref: "HMB7WQ2DKE", Guest: "Sophie Laurent", Listing: kembangAirbnb, In: "2026-10-15", Out: "2026-10-18", Nights: 3, Status: Cancelled, Cur: "USD", Payout: "0.00", Rate: "16250.00", RateDay: "2026-10-18"},
				{Row: 5, Ref: "HMT2RZ9VXF", Guest: "Kenji Watanabe", Listing: kembangAirbnb, In: "2026-10-20", Out: "2026-10-27", Nights: 7, Status: Confirmed, Cur: "USD", Payout: "1940.00", PayoutIDR: rp(31_525_000), Rate: "16250.00", RateDay: "2026-10-27"},
				// Checks out in December: the November rate, 4,365.00 × 16,310.50.
				{Row: 6, Ref: "HMLNG0042Z", Guest: "Olivia Chen", Listing: segaraAirbnb, In: "2026-11-01", Out: "2026-12-06", Nights: 35, Status: Confirmed, Cur: "USD", Payout: "4365.00", PayoutIDR: rp(71_195_332) + 50, Rate: "16310.50", RateDay: "2026-12-06"},
			},
			skipped: []int{7}, // Pending: a request, not a booking
		},
		{
			file: "airbnb_transactions.csv", format: AirbnbTransactions,
			want: []line{
				{Row: 3, Ref: "HMX8PL3NRC", Guest: "Daniel Müller", Listing: segaraAirbnb, In: "2026-09-26", Out: "2026-10-01", Nights: 5, Status: Confirmed, Cur: "USD", Gross: "1500.00", Commission: "45.00", Payout: "1455.00", GrossIDR: rp(24_375_000), CommIDR: rp(731_250), PayoutIDR: rp(23_643_750), Rate: "16250.00", RateDay: "2026-10-01"},
				// 1,078.76 × 16,250 = 17,529,850; 32.36 × 16,250 = 525,850.
				{Row: 5, Ref: "HMQ4K2Z8TA", Guest: "Emma Thompson", Listing: kembangAirbnb, In: "2026-10-03", Out: "2026-10-07", Nights: 4, Status: Confirmed, Cur: "USD", Gross: "1078.76", Commission: "32.36", Payout: "1046.40", GrossIDR: rp(17_529_850), CommIDR: rp(525_850), PayoutIDR: rp(17_004_000), Rate: "16250.00", RateDay: "2026-10-07"},
				{Row: 7, Ref: "HMT2RZ9VXF", Guest: "Kenji Watanabe", Listing: kembangAirbnb, In: "2026-10-20", Out: "2026-10-27", Nights: 7, Status: Confirmed, Cur: "USD", Gross: "2000.00", Commission: "60.00", Payout: "1940.00", GrossIDR: rp(32_500_000), CommIDR: rp(975_000), PayoutIDR: rp(31_525_000), Rate: "16250.00", RateDay: "2026-10-27"},
				// Two payout parts (rows 10 and 12) added up: 2,500 + 2,000 gross.
				{Row: 10, Ref: "HMLNG0042Z", Guest: "Olivia Chen", Listing: segaraAirbnb, In: "2026-11-01", Out: "2026-12-06", Nights: 35, Status: Confirmed, Cur: "USD", Gross: "4500.00", Commission: "135.00", Payout: "4365.00", GrossIDR: rp(73_397_250), CommIDR: rp(2_201_917) + 50, PayoutIDR: rp(71_195_332) + 50, Rate: "16310.50", RateDay: "2026-12-06"},
			},
			skipped: []int{2, 4, 6, 8, 9, 11, 12},
		},
		{
			file: "booking_statement.csv", format: BookingStatement,
			want: []line{
				{Row: 2, Ref: "4518273390", Guest: "Pieter Jansen", Listing: "Villa Segara Canggu", In: "2026-10-09", Out: "2026-10-12", Nights: 3, Status: Confirmed, Cur: "IDR", Gross: "10500000.0000", Commission: "1575000.0000", Payout: "8925000.0000", GrossIDR: rp(10_500_000), CommIDR: rp(1_575_000), PayoutIDR: rp(8_925_000), Rate: "1", RateDay: "2026-10-12"},
				// Commission plus the payment fee: 2,437,500 + 243,750.
				{Row: 3, Ref: "4520011873", Guest: "Ana Souza", Listing: "Villa Segara Canggu", In: "2026-10-14", Out: "2026-10-19", Nights: 5, Status: Confirmed, Cur: "IDR", Gross: "16250000.0000", Commission: "2681250.0000", Payout: "13568750.0000", GrossIDR: rp(16_250_000), CommIDR: rp(2_681_250), PayoutIDR: rp(13_568_750), Rate: "1", RateDay: "2026-10-19"},
				{Row: 4, Ref: "4519934410", Guest: "Liam O'Brien", Listing: "Villa Segara Canggu", In: "2026-10-21", Out: "2026-10-24", Nights: 3, Status: Cancelled, Cur: "IDR", Gross: "0.0000", Commission: "0.0000", Payout: "0.0000", Rate: "1", RateDay: "2026-10-24"},
				// A charged no-show: the guest paid, so it is a stay.
				{Row: 5, Ref: "4521108822", Guest: "Hyun-woo Park", Listing: "Villa Segara Canggu", In: "2026-10-25", Out: "2026-10-27", Nights: 2, Status: Confirmed, Cur: "IDR", Gross: "6800000.0000", Commission: "1020000.0000", Payout: "5780000.0000", GrossIDR: rp(6_800_000), CommIDR: rp(1_020_000), PayoutIDR: rp(5_780_000), Rate: "1", RateDay: "2026-10-27"},
			},
		},
		{
			file: "agoda_booking_report.csv", format: AgodaBookings,
			want: []line{
				{Row: 2, Ref: "1483920571", Guest: "Nguyen Thi Mai", Listing: kembangAgoda, In: "2026-10-28", Out: "2026-10-31", Nights: 3, Status: Confirmed, Cur: "USD", Gross: "690.00", Commission: "103.50", Payout: "586.50", GrossIDR: rp(11_212_500), CommIDR: rp(1_681_875), PayoutIDR: rp(9_530_625), Rate: "16250.00", RateDay: "2026-10-31"},
				{Row: 3, Ref: "1484110293", Guest: "Tanaka Yuki", Listing: kembangAgoda, In: "2026-11-20", Out: "2026-11-23", Nights: 3, Status: Cancelled, Cur: "USD", Gross: "0.00", Commission: "0.00", Payout: "0.00", Rate: "16310.50", RateDay: "2026-11-23"},
				// No sell price in the report: gross is net 482.80 + commission 85.20.
				{Row: 4, Ref: "1485002217", Guest: "Rahul Mehta", Listing: kembangAgoda, In: "2026-11-03", Out: "2026-11-06", Nights: 3, Status: Confirmed, Cur: "USD", Gross: "568.00", Commission: "85.20", Payout: "482.80", GrossIDR: rp(9_264_364), CommIDR: rp(1_389_654) + 60, PayoutIDR: rp(7_874_709) + 40, Rate: "16310.50", RateDay: "2026-11-06"},
			},
		},
		{
			file: "calendar.ics", format: ICalendar,
			want: []line{
				{Row: 6, Ref: "b7e4f0c2a91d5e83@booking.com", Listing: "Villa Segara Canggu", In: "2026-10-09", Out: "2026-10-12", Nights: 3, Status: Confirmed},
				{Row: 13, Ref: "1418fb94e984-9a4d2c07b35e61f8e2c4b90d7a13f5e6@airbnb.com", Listing: "Villa Segara Canggu", In: "2026-11-01", Out: "2026-12-06", Nights: 35, Status: Confirmed},
				{Row: 22, Ref: "direct-2026-12-wayan@villasegara.example", Guest: "Wayan Sudarsana", Listing: "Villa Segara Canggu", In: "2026-12-10", Out: "2026-12-14", Nights: 4, Status: Confirmed},
				{Row: 30, Ref: "direct-2026-12-cancelled@villasegara.example", Guest: "Hold for Putu", Listing: "Villa Segara Canggu", In: "2026-12-15", Out: "2026-12-17", Nights: 2, Status: Cancelled},
			},
		},
		{
			file: "generic.csv", format: Generic,
			want: []line{
				{Row: 2, Ref: "WA-2026-031", Guest: "Emma Thompson", Listing: "Villa Kembang", In: "2026-10-03", Out: "2026-10-07", Nights: 4, Status: Confirmed, Cur: "USD", Gross: "1078.76", Commission: "32.36", Payout: "1046.40", GrossIDR: rp(17_529_850), CommIDR: rp(525_850), PayoutIDR: rp(17_004_000), Rate: "16250.00", RateDay: "2026-10-07"},
				{Row: 3, Ref: "WA-2026-034", Guest: "Ketut Ariani", Listing: "Villa Kembang", In: "2026-11-12", Out: "2026-11-15", Nights: 3, Status: Confirmed, Cur: "IDR", Gross: "7500000", Commission: "0", Payout: "7500000", GrossIDR: rp(7_500_000), PayoutIDR: rp(7_500_000), Rate: "1", RateDay: "2026-11-15"},
				// The row's own rate: 1,600 × 16,285.50.
				{Row: 4, Ref: "AG-2026-007", Guest: "Marco Rossi", Listing: "Villa Segara", In: "2026-12-18", Out: "2026-12-22", Nights: 4, Status: Confirmed, Cur: "USD", Gross: "1600.00", Commission: "160.00", Payout: "1440.00", GrossIDR: rp(26_056_800), CommIDR: rp(2_605_680), PayoutIDR: rp(23_451_120), Rate: "16285.50", RateDay: "2026-12-22"},
				{Row: 5, Ref: "WA-2026-040", Guest: "Nadia Putri", Listing: "Villa Segara", In: "2026-12-27", Out: "2027-01-02", Nights: 6, Status: Confirmed},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readSample(t, tt.file, "", Options{})
			if res.Format != tt.format {
				t.Errorf("detected format %s, want %s", res.Format, tt.format)
			}
			if len(res.Errors) > 0 {
				t.Errorf("errors: %v", res.Errors)
			}
			if diff := cmp.Diff(tt.want, lines(res.Bookings)); diff != "" {
				t.Errorf("bookings (-want +got):\n%s", diff)
			}
			var skipped []int
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Row)
			}
			if diff := cmp.Diff(tt.skipped, skipped); diff != "" {
				t.Errorf("skipped rows (-want +got):\n%s", diff)
			}
			for _, b := range res.Bookings {
				if b.Channel != tt.format.Channel() || b.ImportedAt != importedAt {
					t.Errorf("row %d: channel %s imported %v, want %s and %v", b.Row, b.Channel, b.ImportedAt, tt.format.Channel(), importedAt)
				}
				if b.Rate.Source == "" && b.HasAmounts() {
					t.Errorf("row %d: rate without a source", b.Row)
				}
			}
		})
	}
}

func TestReadPayoutCountry(t *testing.T) {
	res := readSample(t, "generic.csv", Generic, Options{PayoutCountry: "AUS"})
	var got []string
	for _, b := range res.Bookings {
		got = append(got, string(b.PayoutCountry))
	}
	// The file's column wins; an empty cell takes the option.
	if diff := cmp.Diff([]string{"IDN", "IDN", "SGP", "AUS"}, got); diff != "" {
		t.Errorf("payout countries (-want +got):\n%s", diff)
	}
	if src := res.Bookings[2].Rate.Source; src != "Agent invoice rate" {
		t.Errorf("rate source %q, want the file's", src)
	}
}

func TestReadPropertyMapping(t *testing.T) {
	res := readSample(t, "agoda_booking_report.csv", AgodaBookings, Options{Property: func(c Channel, listing string) string {
		if c == Agoda && strings.HasPrefix(listing, "Villa Kembang") {
			return "P-KEMBANG"
		}
		return ""
	}})
	for _, b := range res.Bookings {
		if b.Property != "P-KEMBANG" {
			t.Errorf("row %d: property %q, want P-KEMBANG", b.Row, b.Property)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, f := range []struct {
		file string
		want Format
	}{
		{"airbnb_reservations.csv", AirbnbReservations},
		{"airbnb_transactions.csv", AirbnbTransactions},
		{"booking_statement.csv", BookingStatement},
		{"agoda_booking_report.csv", AgodaBookings},
		{"calendar.ics", ICalendar},
		{"generic.csv", Generic},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Detect(data)
		if err != nil || got != f.want {
			t.Errorf("Detect(%s) = %s, %v; want %s", f.file, got, err, f.want)
		}
	}
	if _, err := Detect([]byte("Name,Date,Total\nx,y,z\n")); err == nil || !strings.Contains(err.Error(), "Name,Date,Total") {
		t.Errorf("Detect of an unknown header: %v; want an error quoting the header", err)
	}
}

func TestReadBookingReservations(t *testing.T) {
	const file = "Book number,Booked by,Guest name(s),Check-in,Check-out,Booked on,Status,Rooms,Persons,Adults,Children,Children's age(s),Price,Commission %,Commission amount,Payment status,Payment method (Payment Provider),Remarks,Booker group,Booker country,Travel purpose,Device,Unit type,Duration (nights),Cancellation date,Address,Phone number\n" +
		"6547074679,\"Hauck, Lukas\",Lukas Hauck,2026-12-15,2026-12-17,2026-12-09 00:26:33,ok,1,2,2,0,,5400000 IDR,15,810000 IDR,Paid,Payment via Booking.com,,,de,Leisure,Mobile,Three-Bedroom Villa,2,,,\n" +
		"6547074680,\"Lee, Min\",Min Lee,2026-12-20,2026-12-23,2026-12-01 10:00:00,ok,1,2,2,0,,412.50 USD,15,61.875 USD,Paid,Payment via Booking.com,,,kr,Leisure,Desktop,Three-Bedroom Villa,3,,,\n"
	res, err := Read(strings.NewReader(file), "", Options{Rates: testRates(), Listing: "Villa Segara Canggu"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != BookingReservations || len(res.Errors) != 0 {
		t.Fatalf("format %s errors %v", res.Format, res.Errors)
	}
	want := []line{
		{Row: 2, Ref: "6547074679", Guest: "Lukas Hauck", Listing: "Villa Segara Canggu", In: "2026-12-15", Out: "2026-12-17", Nights: 2, Status: Confirmed, Cur: "IDR", Gross: "5400000", Commission: "810000", Payout: "4590000", GrossIDR: rp(5_400_000), CommIDR: rp(810_000), PayoutIDR: rp(4_590_000), Rate: "1", RateDay: "2026-12-17"},
		// 61.875 × 16,310.50 = 1,009,212.1875 → Rp1.009.212,19 (half-up to the sen).
		{Row: 3, Ref: "6547074680", Guest: "Min Lee", Listing: "Villa Segara Canggu", In: "2026-12-20", Out: "2026-12-23", Nights: 3, Status: Confirmed, Cur: "USD", Gross: "412.50", Commission: "61.875", Payout: "350.625", GrossIDR: rp(6_728_081) + 25, CommIDR: rp(1_009_212) + 19, PayoutIDR: rp(5_718_869) + 6, Rate: "16310.50", RateDay: "2026-12-23"},
	}
	if diff := cmp.Diff(want, lines(res.Bookings)); diff != "" {
		t.Errorf("bookings (-want +got):\n%s", diff)
	}
}
