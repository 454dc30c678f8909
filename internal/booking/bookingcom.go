package booking

import (
	"strings"
	"time"
)

// Columns of Booking.com's reservation statement (Finance → Reservation
// statements → Download CSV). Amounts are plain numbers with a decimal
// point and up to four decimals ("626.6400"); the currency is its own
// column.
var (
	bsNumber     = column{name: "Reservation number"}
	bsArrival    = column{name: "Arrival"}
	bsDeparture  = column{name: "Departure"}
	bsBooker     = column{name: "Booker name"}
	bsGuest      = column{name: "Guest name"}
	bsRooms      = column{name: "Rooms"}
	bsRoomNights = column{name: "Room nights"}
	bsFinal      = column{name: "Final amount"}
	bsCommission = column{name: "Commission amount"}
	bsPaymentFee = column{name: "Payment fee"}
	bsStatus     = column{name: "Status"}
	bsCurrency   = column{name: "Currency"}
	bsHotelID    = column{name: "Hotel id"}
	bsProperty   = column{name: "Property name"}
	bsBookedOn   = column{name: "Booked on"}
)

// bookingStatus maps Booking.com's statuses ("OK", "ok", "CANCELLED",
// "cancelled_by_guest", "cancelled_by_hotel", "no_show"). A no-show that
// was charged is a stay the guest paid for; one charged nothing is not.
func bookingStatus(s string, charged bool) (Status, bool) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "ok" || l == "":
		return Confirmed, true
	case strings.HasPrefix(l, "cancel"):
		return Cancelled, true
	case strings.ReplaceAll(l, "-", "_") == "no_show":
		if charged {
			return Confirmed, true
		}
		return Cancelled, true
	}
	return "", false
}

// readBookingStatement reads the reservation statement. Gross is "Final
// amount" (what the guest was charged after any change, the base of the
// commission); Commission is "Commission amount" plus "Payment fee" when
// the file has it; Payout is the gross less both.
func readBookingStatement(t *table, opt Options, res *Result) error {
	if err := t.require(BookingStatement, bsNumber, bsArrival, bsDeparture, bsGuest, bsFinal, bsCommission, bsStatus, bsCurrency); err != nil {
		return err
	}
	order := orderOf(t.values(bsArrival, bsDeparture, bsBookedOn), dayFirst)
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		b := Booking{Channel: BookingCom, Reference: c.get(bsNumber), Guest: c.get(bsGuest), Listing: c.get(bsProperty)}
		if b.Guest == "" {
			b.Guest = c.get(bsBooker)
		}
		if b.Listing == "" {
			b.Listing = c.get(bsHotelID)
		}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, bsNumber, b.Reference, "the reservation number identifies the stay")
		required(c, bsProperty, b.Listing, "the property name or hotel id tells which property was booked")
		cur, ok := parseCurrency(c.get(bsCurrency))
		if !ok {
			c.fail(bsCurrency, c.get(bsCurrency), "is not a currency code; Booking.com writes ISO 4217 codes such as IDR or USD")
		}
		b.Currency = cur
		b.CheckIn, b.CheckOut = stay(c, bsArrival, bsDeparture, column{}, order)
		roomNights(c, b)
		b.Gross = amount(c, bsFinal, cur, true)
		comm := amount(c, bsCommission, cur, true)
		fee := amount(c, bsPaymentFee, cur, false)
		b.Commission = comm
		if fee.Known {
			b.Commission.Original, _ = add(comm.Original, fee.Original)
		}
		if b.Gross.Known && b.Commission.Known {
			b.Payout.Known = true
			b.Payout.Original, _ = sub(b.Gross.Original, b.Commission.Original)
		}
		st, ok := bookingStatus(c.get(bsStatus), b.Gross.Known && !b.Gross.Original.IsZero())
		if !ok {
			c.fail(bsStatus, c.get(bsStatus), "is not a Booking.com status; expected OK, CANCELLED or no_show")
		}
		b.Status = st
		finish(c, b, opt, res)
	}
	return nil
}

// Columns of Booking.com's reservations list (Reservations → Download).
// "Price" and "Commission amount" carry their currency: "126.6314 EUR".
// The list does not name the property (one file per property), so the
// listing is Options.Listing, else the "Unit type".
var (
	brNumber     = column{name: "Book number"}
	brBookedBy   = column{name: "Booked by"}
	brGuests     = column{name: "Guest name(s)"}
	brCheckIn    = column{name: "Check-in"}
	brCheckOut   = column{name: "Check-out"}
	brBookedOn   = column{name: "Booked on"}
	brStatus     = column{name: "Status"}
	brPrice      = column{name: "Price"}
	brCommission = column{name: "Commission amount"}
	brUnit       = column{name: "Unit type"}
	brDuration   = column{name: "Duration (nights)"}
)

// readBookingReservations reads the reservations list: Gross is "Price",
// Commission "Commission amount", Payout the difference.
func readBookingReservations(t *table, opt Options, res *Result) error {
	if err := t.require(BookingReservations, brNumber, brGuests, brCheckIn, brCheckOut, brStatus, brPrice, brCommission); err != nil {
		return err
	}
	order := orderOf(t.values(brCheckIn, brCheckOut, brBookedOn), dayFirst)
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		b := Booking{Channel: BookingCom, Reference: c.get(brNumber), Guest: c.get(brGuests), Listing: c.get(brUnit)}
		if b.Guest == "" {
			b.Guest = c.get(brBookedBy)
		}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, brNumber, b.Reference, "the book number identifies the stay")
		if b.Listing == "" {
			c.fail(brUnit, "", "is empty and no listing was named for the file; name the property when importing a Booking.com reservations list")
		}
		b.CheckIn, b.CheckOut = stay(c, brCheckIn, brCheckOut, brDuration, order)
		b.Gross, b.Currency = currencyAmount(c, brPrice, opt, "")
		b.Commission, _ = currencyAmount(c, brCommission, opt, b.Currency)
		if b.Gross.Known && b.Commission.Known {
			b.Payout.Known = true
			b.Payout.Original, _ = sub(b.Gross.Original, b.Commission.Original)
		}
		st, ok := bookingStatus(c.get(brStatus), b.Gross.Known && !b.Gross.Original.IsZero())
		if !ok {
			c.fail(brStatus, c.get(brStatus), "is not a Booking.com status; expected ok, cancelled_by_guest, cancelled_by_hotel or no_show")
		}
		b.Status = st
		finish(c, b, opt, res)
	}
	return nil
}

// currencyAmount reads a cell that carries its currency ("126.63 EUR",
// "Rp 1.500.000"). want, when set, is the currency the row's other amounts
// are in; a different one is an error.
func currencyAmount(c *cells, col column, opt Options, want string) (Amount, string) {
	v := c.get(col)
	if v == "" {
		c.fail(col, "", "is empty; the export always fills it, so the file may have been edited: export it again")
		return Amount{}, want
	}
	cur, num := splitMoney(v, opt.DollarCurrency)
	if cur == "" {
		c.fail(col, v, "has no currency; write the amount with its ISO 4217 code, e.g. 1500000 IDR or 126.50 USD")
		return Amount{}, want
	}
	if want != "" && cur != want {
		c.fail(col, v, "is in %s while the price is in %s; both must be in one currency", cur, want)
		return Amount{}, want
	}
	d, msg := parseDecimal(num, cur)
	if msg != "" {
		c.fail(col, v, "%s", msg)
		return Amount{}, cur
	}
	return Amount{Known: true, Original: d}, cur
}

// roomNights checks the statement's "Room nights" against the dates:
// rooms × nights. Booking.com bills commission on room nights, so a
// mismatch means the dates or the count were edited.
func roomNights(c *cells, b Booking) {
	v := c.get(bsRoomNights)
	if v == "" || b.CheckIn.IsZero() || b.CheckOut.IsZero() {
		return
	}
	rooms, ok := atoi(c.get(bsRooms))
	if !ok || rooms == 0 {
		rooms = 1
	}
	n, ok := atoi(v)
	want := rooms * nightsBetween(b.CheckIn, b.CheckOut)
	if !ok || (n != want && n != 0) {
		c.fail(bsRoomNights, v, "does not match the stay: %d room(s) from %s to %s is %d room nights; export the statement again or correct the dates", rooms, b.CheckIn.Format(time.DateOnly), b.CheckOut.Format(time.DateOnly), want)
	}
}
