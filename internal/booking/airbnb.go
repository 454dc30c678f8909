package booking

import (
	"strconv"
	"strings"
)

// Columns of Airbnb's reservations export (Hosting → Reservations →
// Export). Verified names: doc/booking-imports.md.
var (
	abConfirmation = column{name: "Confirmation code"}
	abStatus       = column{name: "Status"}
	abGuestName    = column{name: "Guest name"}
	abStart        = column{name: "Start date"}
	abEnd          = column{name: "End date"}
	abNightsR      = column{name: "# of nights"}
	abListing      = column{name: "Listing"}
	abEarnings     = column{name: "Earnings"}
)

// Columns of Airbnb's transaction history (Earnings → Export CSV). Older
// files lack "End date" and name the fee "Host Fee"; newer ones have
// "Airbnb remitted tax" where others have "Occupancy taxes".
var (
	atType       = column{name: "Type"}
	atConfirm    = column{name: "Confirmation code"}
	atStart      = column{name: "Start date"}
	atEnd        = column{name: "End date"}
	atNights     = column{name: "Nights"}
	atGuest      = column{name: "Guest"}
	atListing    = column{name: "Listing"}
	atCurrency   = column{name: "Currency"}
	atAmount     = column{name: "Amount"}
	atServiceFee = column{name: "Service fee", aliases: []string{"Host Fee"}}
	atFastPay    = column{name: "Fast pay fee"}
	atGross      = column{name: "Gross earnings"}
	atDate       = column{name: "Date"}
	atBooking    = column{name: "Booking date"}
)

// airbnbStatus maps the Status column of the reservations export. Airbnb
// writes the state of the stay as the host sees it ("Confirmed",
// "Currently hosting", "Past guest", "Canceled by guest", ...); requests
// and inquiries are not bookings.
func airbnbStatus(s string) (Status, bool) {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "cancel"):
		return Cancelled, true
	case strings.Contains(l, "pending"), strings.Contains(l, "request"), strings.Contains(l, "inquiry"),
		strings.Contains(l, "expired"), strings.Contains(l, "declined"):
		return "", false
	}
	return Confirmed, true
}

// readAirbnbReservations reads the reservations export. It has the payout
// ("Earnings", with its currency sign) but neither the guest price nor
// Airbnb's fee, so Gross and Commission stay unknown: the transaction
// history of the same stays supplies them, and Duplicates keeps that record.
func readAirbnbReservations(t *table, opt Options, res *Result) error {
	if err := t.require(AirbnbReservations, abConfirmation, abStatus, abGuestName, abStart, abEnd, abListing, abEarnings); err != nil {
		return err
	}
	order := orderOf(t.values(abStart, abEnd), monthFirst)
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		st, ok := airbnbStatus(c.get(abStatus))
		if !ok {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "status " + c.get(abStatus) + " is not a booking yet"})
			continue
		}
		b := Booking{Channel: Airbnb, Status: st, Reference: c.get(abConfirmation), Guest: c.get(abGuestName), Listing: c.get(abListing)}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, abConfirmation, b.Reference, "the confirmation code identifies the stay")
		required(c, abListing, b.Listing, "the listing tells which property was booked")
		b.CheckIn, b.CheckOut = stay(c, abStart, abEnd, abNightsR, order)
		if v := c.get(abEarnings); v != "" {
			cur, num := splitMoney(v, opt.DollarCurrency)
			if cur == "" {
				c.fail(abEarnings, v, "has no currency sign or code; Airbnb writes it (€300.00, Rp1.500.000, 120.00 USD): export the file again")
			} else {
				b.Currency = cur
				if d, msg := parseDecimal(num, cur); msg != "" {
					c.fail(abEarnings, v, "%s", msg)
				} else {
					b.Payout = Amount{Known: true, Original: d}
				}
			}
		}
		finish(c, b, opt, res)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// required records an empty required cell.
func required(c *cells, col column, v, why string) {
	if v == "" {
		c.fail(col, "", "is empty; %s", why)
	}
}

// readAirbnbTransactions reads the transaction history. Only "Reservation"
// lines are stays; payouts, adjustments and resolutions are skipped with
// their reason. A long stay paid out in several parts has one Reservation
// line per part: they are added up into one booking, kept at the row of
// its first line.
//
// Gross is "Gross earnings" (the host's price with the cleaning fee, before
// Airbnb's host service fee); when a file has no such column it is Amount
// plus the service fee. Commission is the service fee plus any fast pay
// fee; Payout is Amount. Occupancy taxes Airbnb collects and remits are
// not the host's price and are left out. The guest service fee Airbnb
// charges the guest on top is not in the host's export at all.
func readAirbnbTransactions(t *table, opt Options, res *Result) error {
	if err := t.require(AirbnbTransactions, atType, atConfirm, atStart, atGuest, atListing, atCurrency, atAmount); err != nil {
		return err
	}
	if !t.has(atEnd) && !t.has(atNights) {
		return t.require(AirbnbTransactions, atEnd)
	}
	order := orderOf(t.values(atDate, atStart, atEnd, atBooking), monthFirst)
	byCode := map[string]int{} // confirmation code → index in res.Bookings
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		typ := c.get(atType)
		if !strings.EqualFold(typ, "Reservation") {
			reason := "a " + typ + " line, not a stay"
			if strings.EqualFold(typ, "Payout") {
				reason = "a payout to the bank account, not a stay; its stays are the Reservation lines"
			}
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: reason})
			continue
		}
		b := Booking{Channel: Airbnb, Status: Confirmed, Reference: c.get(atConfirm), Guest: c.get(atGuest), Listing: c.get(atListing)}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, atConfirm, b.Reference, "the confirmation code identifies the stay")
		required(c, atListing, b.Listing, "the listing tells which property was booked")
		cur, ok := parseCurrency(c.get(atCurrency))
		if !ok {
			c.fail(atCurrency, c.get(atCurrency), "is not a currency code; Airbnb writes ISO 4217 codes such as USD or IDR")
		}
		b.Currency = cur
		if t.has(atEnd) && c.get(atEnd) != "" {
			b.CheckIn, b.CheckOut = stay(c, atStart, atEnd, atNights, order)
		} else {
			// Older files: the start date and the nights.
			v := c.get(atStart)
			in, ok := parseDate(v, order)
			n, nok := atoi(c.get(atNights))
			switch {
			case !ok:
				c.fail(atStart, v, "is not a date; %s", dateHint)
			case !nok || n == 0:
				c.fail(atNights, c.get(atNights), "is not a number of nights; without an End date column the nights give the check-out")
			default:
				b.CheckIn, b.CheckOut = in, in.AddDate(0, 0, n)
			}
		}
		b.Payout = amount(c, atAmount, cur, true)
		fee := amount(c, atServiceFee, cur, false)
		fast := amount(c, atFastPay, cur, false)
		b.Commission = Amount{Known: true}
		for _, f := range []Amount{fee, fast} {
			if f.Known {
				b.Commission.Original, _ = add(b.Commission.Original, f.Original)
			}
		}
		if g := amount(c, atGross, cur, false); g.Known {
			b.Gross = g
		} else if b.Payout.Known {
			b.Gross.Known = true
			b.Gross.Original, _ = add(b.Payout.Original, b.Commission.Original)
		}
		if i, seen := byCode[b.Reference]; seen && b.Reference != "" && len(c.errs) == 0 {
			if mergeInto(&res.Bookings[i], b, opt) {
				res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "another payout part of confirmation code " + b.Reference + ", added to the booking of row " + itoa(res.Bookings[i].Row)})
				continue
			}
			c.fail(atAmount, c.get(atAmount), "cannot be added to the earlier part of confirmation code %s (row %d): the currency, the dates or the sum differ; check the export", b.Reference, res.Bookings[i].Row)
		}
		n := len(res.Bookings)
		finish(c, b, opt, res)
		if len(res.Bookings) > n {
			byCode[b.Reference] = n
		}
	}
	return nil
}

// mergeInto adds part's amounts to the booking of the same confirmation
// code read earlier, and converts the sums again. It reports false when
// the two cannot be one stay.
func mergeInto(b *Booking, part Booking, opt Options) bool {
	if b.Currency != part.Currency || !b.CheckIn.Equal(part.CheckIn) {
		return false
	}
	m := *b
	var ok1, ok2, ok3 bool
	m.Gross.Original, ok1 = add(b.Gross.Original, part.Gross.Original)
	m.Commission.Original, ok2 = add(b.Commission.Original, part.Commission.Original)
	m.Payout.Original, ok3 = add(b.Payout.Original, part.Payout.Original)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	if part.CheckOut.After(m.CheckOut) {
		m.CheckOut = part.CheckOut
		m.Nights = nightsBetween(m.CheckIn, m.CheckOut)
	}
	if convert(&m, opt.Rates) != "" {
		return false
	}
	*b = m
	return true
}
