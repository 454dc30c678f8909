package booking

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// Format is a file layout the package reads.
type Format string

// The formats. Each is described, column by column, in
// doc/booking-imports.md.
const (
	// AirbnbReservations is Airbnb's Reservations page export (Hosting →
	// Reservations → Export): the payout ("Earnings") but no guest price.
	AirbnbReservations Format = "airbnb-reservations"
	// AirbnbTransactions is Airbnb's transaction history (Earnings →
	// Paid/Upcoming → Export CSV): gross earnings, service fee, payout.
	AirbnbTransactions Format = "airbnb-transactions"
	// BookingStatement is Booking.com's reservation statement (Finance →
	// Reservation statements → Download CSV).
	BookingStatement Format = "booking-statement"
	// BookingReservations is Booking.com's reservations list (Reservations
	// → Download), whose amounts carry their currency ("126.63 EUR").
	BookingReservations Format = "booking-reservations"
	// AgodaBookings is the booking report exported from Agoda YCS.
	AgodaBookings Format = "agoda-bookings"
	// ICalendar is an RFC 5545 calendar feed: dates only.
	ICalendar Format = "ical"
	// Generic is the documented CSV for any other source.
	Generic Format = "generic"
)

// Formats lists every format, in the order Detect tries them.
var Formats = []Format{AirbnbTransactions, AirbnbReservations, BookingStatement, BookingReservations, AgodaBookings, ICalendar, Generic}

// Channel is the channel a format's bookings come from.
func (f Format) Channel() Channel {
	switch f {
	case AirbnbReservations, AirbnbTransactions:
		return Airbnb
	case BookingStatement, BookingReservations:
		return BookingCom
	case AgodaBookings:
		return Agoda
	case ICalendar:
		return ICal
	}
	return CSV
}

// Title names the format for people.
func (f Format) Title() string {
	switch f {
	case AirbnbReservations:
		return "Airbnb reservations"
	case AirbnbTransactions:
		return "Airbnb transaction history"
	case BookingStatement:
		return "Booking.com reservation statement"
	case BookingReservations:
		return "Booking.com reservations"
	case AgodaBookings:
		return "Agoda YCS booking report"
	case ICalendar:
		return "iCal calendar"
	case Generic:
		return "generic booking CSV"
	}
	return string(f)
}

// Options are what the caller knows about a file that the file does not say.
type Options struct {
	// Rates converts foreign-currency amounts to rupiah. A row whose
	// currency has no rate for its day is a row error.
	Rates Rates
	// PayoutCountry is the country of the account the channel pays into
	// (ISO 3166-1 alpha-3). No OTA export carries it; the generic CSV may
	// give it per row.
	PayoutCountry taxid.Country
	// Property maps a channel's listing name to the owner's property, so
	// that Duplicates can compare stays across channels. Nil keeps the
	// listing name.
	Property func(c Channel, listing string) string
	// Listing names the listing of a file that does not (an iCal feed, a
	// Booking.com reservations list); it overrides the file's own name.
	Listing string
	// DollarCurrency is the currency of amounts written with a bare "$";
	// USD when empty.
	DollarCurrency string
	// ImportedAt is stamped on every booking.
	ImportedAt time.Time
}

// MaxFileSize is the largest file Read accepts: an export of several
// thousand bookings is well under 1 MiB.
const MaxFileSize = 16 << 20

// Read parses one file in format f; an empty f is detected from the file
// (see Detect). The error is for the file as a whole (too large, not CSV,
// a header without the format's columns); problems with single rows are in
// Result.Errors.
func Read(r io.Reader, f Format, opt Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read booking file: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, errs.Errorf(errs.Invalid, "the file is larger than %d MiB; export a shorter period", MaxFileSize>>20)
	}
	if f == "" {
		if f, err = Detect(data); err != nil {
			return nil, err
		}
	}
	if opt.DollarCurrency == "" {
		opt.DollarCurrency = "USD"
	}
	res := &Result{Format: f}
	switch f {
	case ICalendar:
		err = readICal(data, opt, res)
	case AirbnbReservations, AirbnbTransactions, BookingStatement, BookingReservations, AgodaBookings, Generic:
		var t *table
		if t, err = readTable(data); err != nil {
			return nil, err
		}
		switch f {
		case AirbnbReservations:
			err = readAirbnbReservations(t, opt, res)
		case AirbnbTransactions:
			err = readAirbnbTransactions(t, opt, res)
		case BookingStatement:
			err = readBookingStatement(t, opt, res)
		case BookingReservations:
			err = readBookingReservations(t, opt, res)
		case AgodaBookings:
			err = readAgoda(t, opt, res)
		case Generic:
			err = readGeneric(t, opt, res)
		}
	default:
		return nil, errs.Errorf(errs.Invalid, "format %s is not one this system reads; use one of %s", errs.Quote(string(f)), formatList())
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// signatures are the header columns that identify each CSV format.
var signatures = []struct {
	f    Format
	cols []string
}{
	{AirbnbTransactions, []string{"type", "confirmation code", "paid out"}},
	{AirbnbReservations, []string{"confirmation code", "guest name", "earnings"}},
	{BookingStatement, []string{"reservation number", "final amount"}},
	{BookingReservations, []string{"book number", "guest name(s)"}},
	{AgodaBookings, []string{"bookingidexternal_reference_id"}},
	{Generic, []string{"listing", "check_in", "check_out"}},
}

// Detect tells the format of a file from its first line: BEGIN:VCALENDAR
// for iCal, else the CSV header's identifying columns.
func Detect(data []byte) (Format, error) {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	if bytes.HasPrefix(bytes.ToUpper(d[:min(len(d), 15)]), []byte("BEGIN:VCALENDAR")) {
		return ICalendar, nil
	}
	t, err := readTable(firstLine(d))
	if err != nil {
		return "", err
	}
	for _, s := range signatures {
		ok := true
		for _, c := range s.cols {
			if t.col(c) < 0 {
				ok = false
				break
			}
		}
		if ok {
			return s.f, nil
		}
	}
	return "", errs.Errorf(errs.Invalid, "the file's header (%s) is not that of an export this system reads; name the format (%s) or use the generic CSV columns in doc/booking-imports.md",
		errs.Quote(strings.Join(t.header, ",")), formatList())
}

func firstLine(d []byte) []byte {
	if i := bytes.IndexByte(d, '\n'); i >= 0 {
		return d[:i+1]
	}
	return d
}

// finish completes a booking read from a row: the property, the nights,
// the payout country, the conversion to rupiah; and appends it to res or
// its errors.
func finish(c *cells, b Booking, opt Options, res *Result) {
	b.Row = c.rec.line
	if opt.Property != nil {
		b.Property = opt.Property(b.Channel, b.Listing)
	} else {
		b.Property = b.Listing
	}
	if b.PayoutCountry == "" {
		b.PayoutCountry = opt.PayoutCountry
	}
	b.ImportedAt = opt.ImportedAt
	if !b.CheckIn.IsZero() && !b.CheckOut.IsZero() {
		b.Nights = nightsBetween(b.CheckIn, b.CheckOut)
	}
	if len(c.errs) == 0 {
		if msg := convert(&b, opt.Rates); msg != "" {
			c.errs = append(c.errs, RowError{Row: b.Row, Column: "Currency", Value: b.Currency, Message: msg})
		}
	}
	if len(c.errs) > 0 {
		res.Errors = append(res.Errors, c.errs...)
		return
	}
	res.Bookings = append(res.Bookings, b)
}

// stay reads and checks the dates of a row: both present, in a form
// parseDate reads, check-out after check-in, and (when the file states
// the nights) agreeing with them.
func stay(c *cells, in, out, nights column, o dateOrder) (time.Time, time.Time) {
	var ci, co time.Time
	for _, x := range []struct {
		col column
		dst *time.Time
	}{{in, &ci}, {out, &co}} {
		v := c.get(x.col)
		if v == "" {
			c.fail(x.col, "", "is empty; every booking needs its check-in and check-out dates")
			continue
		}
		d, ok := parseDate(v, o)
		if !ok {
			c.fail(x.col, v, "is not a date; %s", dateHint)
			continue
		}
		*x.dst = d
	}
	if ci.IsZero() || co.IsZero() {
		return ci, co
	}
	if !co.After(ci) {
		c.fail(out, c.get(out), "is not after the check-in date %s; a stay lasts at least one night", ci.Format(time.DateOnly))
		return ci, co
	}
	if nights.name != "" {
		if v := c.get(nights); v != "" {
			n, ok := atoi(v)
			if want := nightsBetween(ci, co); !ok || n != want {
				c.fail(nights, v, "does not match the dates: %s to %s is %d nights; correct the dates or the nights", ci.Format(time.DateOnly), co.Format(time.DateOnly), want)
			}
		}
	}
	return ci, co
}

// amount reads a money cell in currency cur; empty is "not known" unless
// required.
func amount(c *cells, col column, cur string, required bool) Amount {
	v := c.get(col)
	if v == "" {
		if required {
			c.fail(col, "", "is empty; the export always fills it, so the file may have been edited: export it again")
		}
		return Amount{}
	}
	d, msg := parseDecimal(v, cur)
	if msg != "" {
		c.fail(col, v, "%s", msg)
		return Amount{}
	}
	return Amount{Known: true, Original: d}
}

func atoi(s string) (int, bool) {
	n := 0
	if s == "" || len(s) > 6 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// sumLimit bounds a sum of amounts: parseDecimal keeps each one below
// 10^18 units at maxScale, and sums stop at 4·10^18, inside int64.
const sumLimit = 4_000_000_000_000_000_000

// sub returns a − b at the larger of their scales; ok is false when the
// result would leave ±sumLimit.
func sub(a, b Decimal) (Decimal, bool) {
	for a.Scale < b.Scale {
		if a.Units > sumLimit/10 || a.Units < -sumLimit/10 {
			return Decimal{}, false
		}
		a.Units *= 10
		a.Scale++
	}
	for b.Scale < a.Scale {
		if b.Units > sumLimit/10 || b.Units < -sumLimit/10 {
			return Decimal{}, false
		}
		b.Units *= 10
		b.Scale++
	}
	r := a.Units - b.Units
	if r > sumLimit || r < -sumLimit || a.Units > sumLimit || a.Units < -sumLimit || b.Units > sumLimit || b.Units < -sumLimit {
		return Decimal{}, false
	}
	return Decimal{Units: r, Scale: a.Scale}, true
}

// add returns a + b; ok as for sub.
func add(a, b Decimal) (Decimal, bool) { return sub(a, Decimal{Units: -b.Units, Scale: b.Scale}) }
