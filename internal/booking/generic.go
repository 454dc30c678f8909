package booking

import (
	"strings"

	"github.com/coretax/coretax/internal/taxid"
)

// Columns of the generic booking CSV (doc/booking-imports.md §Generic).
// Required: listing, guest, check_in, check_out. When gross is given,
// currency is required too; an empty gross means the amounts are not known
// yet (a calendar entry to be priced later).
var (
	gReference = column{name: "reference"}
	gListing   = column{name: "listing"}
	gGuest     = column{name: "guest"}
	gCheckIn   = column{name: "check_in"}
	gCheckOut  = column{name: "check_out"}
	gNights    = column{name: "nights"}
	gStatus    = column{name: "status"}
	gCurrency  = column{name: "currency"}
	gGross     = column{name: "gross"}
	gComm      = column{name: "commission"}
	gPayout    = column{name: "payout"}
	gCountry   = column{name: "payout_country"}
	gRate      = column{name: "exchange_rate"}
	gRateDate  = column{name: "rate_date"}
	gRateSrc   = column{name: "rate_source"}
)

// readGeneric reads the generic CSV. Commission defaults to 0 and payout to
// gross − commission when gross is given. A row may carry the exchange rate
// it was booked at (exchange_rate, with rate_date and rate_source); the
// rate table is used otherwise.
func readGeneric(t *table, opt Options, res *Result) error {
	if err := t.require(Generic, gListing, gGuest, gCheckIn, gCheckOut); err != nil {
		return err
	}
	order := orderOf(t.values(gCheckIn, gCheckOut, gRateDate), dayFirst)
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		b := Booking{Channel: CSV, Reference: c.get(gReference), Listing: c.get(gListing), Guest: c.get(gGuest), Status: Confirmed}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, gListing, b.Listing, "write the property's name as you map it to your registered property")
		required(c, gGuest, b.Guest, "write the name of the guest who booked; duplicates across channels are found by it")
		switch v := strings.ToLower(c.get(gStatus)); v {
		case "", "confirmed":
		case "cancelled", "canceled":
			b.Status = Cancelled
		default:
			c.fail(gStatus, c.get(gStatus), "must be confirmed or cancelled (empty means confirmed)")
		}
		b.CheckIn, b.CheckOut = stay(c, gCheckIn, gCheckOut, gNights, order)
		if v := c.get(gCountry); v != "" {
			if ctry, err := taxid.ParseCountry(v); err != nil {
				c.fail(gCountry, v, "is not an ISO 3166-1 alpha-3 country code; write e.g. IDN for Indonesia, SGP for Singapore, AUS for Australia")
			} else {
				b.PayoutCountry = ctry
			}
		}
		if c.get(gGross) == "" {
			for _, col := range []column{gComm, gPayout} {
				if v := c.get(col); v != "" {
					c.fail(col, v, "is given without gross; write the gross the guest paid too, or leave all amounts empty")
				}
			}
			finish(c, b, opt, res)
			continue
		}
		cur, ok := parseCurrency(c.get(gCurrency))
		if !ok {
			c.fail(gCurrency, c.get(gCurrency), "must be an ISO 4217 currency code when gross is given, e.g. IDR, USD, AUD")
		}
		b.Currency = cur
		b.Gross = amount(c, gGross, cur, true)
		b.Commission = Amount{Known: true}
		if c.get(gComm) != "" {
			b.Commission = amount(c, gComm, cur, false)
		}
		if c.get(gPayout) != "" {
			b.Payout = amount(c, gPayout, cur, false)
		} else if b.Gross.Known && b.Commission.Known {
			b.Payout.Known = true
			b.Payout.Original, _ = sub(b.Gross.Original, b.Commission.Original)
		}
		if b.Gross.Known && b.Gross.Original.Units < 0 {
			c.fail(gGross, c.get(gGross), "is negative; the gross is what the guest paid, write a refund as a cancelled booking")
		}
		if v := c.get(gRate); v != "" && len(c.errs) == 0 {
			fileRate(c, &b, v, order, opt, res)
			continue
		}
		finish(c, b, opt, res)
	}
	return nil
}

// fileRate converts a generic row at the exchange rate the row gives.
func fileRate(c *cells, b *Booking, v string, order dateOrder, opt Options, res *Result) {
	d, msg := parseDecimal(v, "")
	if msg != "" || d.Units <= 0 {
		if msg == "" {
			msg = "must be positive"
		}
		c.fail(gRate, v, "%s; write how many rupiah one unit of the currency was, e.g. 16250.50", msg)
		finish(c, *b, opt, res)
		return
	}
	den := int64(1)
	for range d.Scale {
		den *= 10
	}
	day := b.CheckOut
	if rd := c.get(gRateDate); rd != "" {
		x, ok := parseDate(rd, order)
		if !ok {
			c.fail(gRateDate, rd, "is not a date; %s", dateHint)
		}
		day = x
	}
	src := c.get(gRateSrc)
	if src == "" {
		src = "exchange_rate column of the imported file"
	}
	// A fixed table holding only this row's rate converts it like any other.
	var one RateTable
	if b.Currency != "IDR" && len(c.errs) == 0 {
		one.Add(b.Currency, b.CheckOut.AddDate(-100, 0, 0), d.Units, den, src)
	}
	opt.Rates = &one
	n := len(res.Bookings)
	finish(c, *b, opt, res)
	if len(res.Bookings) > n && b.Currency != "IDR" {
		res.Bookings[n].Rate.Day = day
	}
}
