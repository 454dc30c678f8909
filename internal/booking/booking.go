// Package booking reads the booking exports of the online travel agencies a
// Bali villa is sold through (Airbnb, Booking.com, Agoda), iCal calendar
// feeds and a documented generic CSV, and turns every row into a Booking or
// into a RowError that names the row, the column, the value and the fix.
//
// A Booking keeps what the guest paid (gross), the OTA's commission and the
// payout in the currency the channel reported, the exchange rate used and
// the same three amounts in rupiah. PBJT on accommodation is computed on the
// amount the consumer pays (UU 1/2022 Pasal 57; local-tax-bali.md §2), so
// the gross is the tax base and the payout never is: see GrossBasis.
//
// Bookings of one stay that arrive through several channels (an Airbnb
// reservation and the iCal block it created, a manual entry of a Booking.com
// stay) are found by Duplicates under a stated rule.
//
// The package is pure: it reads bytes, converts with a rate table the
// caller gives (no network) and stores nothing. The column names of each
// export, which were checked against public material and which were
// inferred, are listed in doc/booking-imports.md.
package booking

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/taxid"
)

// Channel is where a booking came from.
type Channel string

// The channels. Airbnb, BookingCom and Agoda are OTAs; ICal is a calendar
// feed (dates only); CSV is the generic file; Direct is a booking entered by
// hand (website, WhatsApp, agent).
const (
	Airbnb     Channel = "airbnb"
	BookingCom Channel = "booking"
	Agoda      Channel = "agoda"
	ICal       Channel = "ical"
	CSV        Channel = "csv"
	Direct     Channel = "direct"
)

// IsOTA reports whether c is an online travel agency, whose own export is
// the best record of a stay.
func (c Channel) IsOTA() bool { return c == Airbnb || c == BookingCom || c == Agoda }

// ParseChannel reads a channel name as written on the command line.
func ParseChannel(s string) (Channel, bool) {
	switch c := Channel(strings.ToLower(strings.TrimSpace(s))); c {
	case Airbnb, BookingCom, Agoda, ICal, CSV, Direct:
		return c, true
	}
	return "", false
}

// Status is whether the stay takes place.
type Status string

// The statuses. A no-show that was charged is Confirmed: the guest paid.
const (
	Confirmed Status = "confirmed"
	Cancelled Status = "cancelled"
)

// Decimal is an amount exactly as the channel wrote it, in the channel's
// currency: Units × 10^-Scale (126.6314 is {1266314, 4}). It never passes
// through float64.
type Decimal struct {
	Units int64
	Scale int
}

// String writes d with its decimals: "126.6314", "-5.50", "1500000".
func (d Decimal) String() string {
	neg := d.Units < 0
	u := d.Units
	if neg {
		u = -u
	}
	s := strconv.FormatInt(u, 10)
	if d.Scale > 0 {
		for len(s) <= d.Scale {
			s = "0" + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d.Units == 0 }

// Amount is one of a booking's three figures: as reported (Original, in
// Booking.Currency) and in rupiah (IDR, converted with Booking.Rate).
// Known is false when the source does not carry the figure (an iCal block
// has no amounts; Airbnb's reservations file has the payout but not the
// gross).
type Amount struct {
	Known    bool
	Original Decimal
	IDR      money.Amount
}

// Rate is the exchange rate used to convert a booking's amounts: one unit
// of the booking's currency is Num/Den rupiah. Day is the date the rate is
// for and Source names where it came from (the rate table's own label, or
// "IDR" when no conversion was needed).
type Rate struct {
	Num, Den int64
	Day      time.Time
	Source   string
}

// String writes the rate as a decimal when it is one ("16250.5"), else as
// a fraction ("48751/3").
func (r Rate) String() string {
	if r.Den == 0 {
		return ""
	}
	d, scale := r.Den, 0
	for d%10 == 0 {
		d /= 10
		scale++
	}
	if d != 1 {
		return fmt.Sprintf("%d/%d", r.Num, r.Den)
	}
	return Decimal{Units: r.Num, Scale: scale}.String()
}

// Booking is one stay as a channel reported it.
type Booking struct {
	// Row is where the booking was read: the spreadsheet row number of a
	// CSV file (the header is row 1) or the line of an iCal BEGIN:VEVENT.
	Row int
	// Channel is where the booking came from.
	Channel Channel
	// Reference is the channel's confirmation code, reservation number or
	// booking ID; an iCal event's UID.
	Reference string
	// Listing is the property or listing as the channel names it.
	Listing string
	// Property is the owner's property this booking belongs to, from
	// Options.Property; it is Listing when the caller gives no mapping.
	Property string
	// Guest is the guest's name as written; empty when the source has none
	// (most iCal feeds).
	Guest string
	// CheckIn and CheckOut are calendar dates at 00:00 UTC; Nights is the
	// number of nights between them.
	CheckIn, CheckOut time.Time
	Nights            int
	Status            Status
	// Currency is the ISO 4217 code of the Original amounts.
	Currency string
	// Gross is what the guest paid for the stay: the PBJT base.
	Gross Amount
	// Commission is what the OTA kept (commission and its payment fees).
	Commission Amount
	// Payout is what the owner received.
	Payout Amount
	// Rate converted the amounts to rupiah; zero when no amount is known.
	Rate Rate
	// PayoutCountry is the ISO 3166-1 alpha-3 country of the account the
	// payout went to; empty when not known.
	PayoutCountry taxid.Country
	// ImportedAt is when the booking was imported (Options.ImportedAt); it
	// decides between otherwise equal duplicates.
	ImportedAt time.Time
}

// HasAmounts reports whether the guest price is known, so that the booking
// can be taxed.
func (b Booking) HasAmounts() bool { return b.Gross.Known }

// RowError is a row that did not become a booking, or a problem with one
// of its cells. Message states the rule and the fix.
type RowError struct {
	Row     int
	Column  string
	Value   string
	Message string
}

// Error renders the error as a sentence a person can act on.
func (e RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "row %d", e.Row)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, ", value %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

// Skip is a row that is not a stay (a payout line, an adjustment, a blank
// line) and was passed over on purpose; Reason says why.
type Skip struct {
	Row    int
	Reason string
}

// Result is what one file gave: every data row is accounted for as a
// booking, an error or a skip.
type Result struct {
	Format   Format
	Bookings []Booking
	Errors   []RowError
	Skipped  []Skip
}
