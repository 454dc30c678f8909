package booking

import (
	"strings"
)

// Columns of the booking report exported from Agoda YCS (Bookings →
// export). Agoda names columns like identifiers; the amounts are plain
// numbers in the "Currency" column's currency.
var (
	agID         = column{name: "BookingIDExternal_reference_ID", aliases: []string{"Booking ID", "BookingID"}}
	agBooked     = column{name: "BookedDate"}
	agFrom       = column{name: "StayDateFrom"}
	agTo         = column{name: "StayDateTo"}
	agCustomer   = column{name: "Customer_Name"}
	agHotel      = column{name: "Hotel_Name", aliases: []string{"HotelName"}}
	agRoomType   = column{name: "RoomType"}
	agStatus     = column{name: "Status"}
	agCurrency   = column{name: "Currency"}
	agSell       = column{name: "ReferenceSellInclusive"}
	agCommission = column{name: "Commission"}
	agNet        = column{name: "Total_inclusive_rate"}
	agNights     = column{name: "No_of_night", aliases: []string{"No_of_nights"}}
)

// agodaStatus maps Agoda's statuses: Confirmed and Amended stays take
// place; Cancelled, Rejected and Refunded ones do not. A charged no-show
// (NoShow) is a stay the guest paid for.
func agodaStatus(s string) (Status, bool) {
	l := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	switch {
	case l == "confirmed", l == "amended", l == "noshow", l == "departed", l == "checkedout":
		return Confirmed, true
	case strings.HasPrefix(l, "cancel"), l == "rejected", l == "refunded":
		return Cancelled, true
	}
	return "", false
}

// readAgoda reads the YCS booking report. Gross is ReferenceSellInclusive,
// which Agoda describes as the total amount paid by the guest; when the
// report leaves it empty or zero (Agoda does for some payment models),
// gross is the net rate plus the commission. Payout is
// Total_inclusive_rate, the net rate: the amount to the property after
// commission. The listing is Hotel_Name when the report has it, else the
// room type, which for a single villa is the villa.
func readAgoda(t *table, opt Options, res *Result) error {
	if err := t.require(AgodaBookings, agID, agFrom, agTo, agCustomer, agStatus, agCurrency, agCommission, agNet); err != nil {
		return err
	}
	order := orderOf(t.values(agFrom, agTo, agBooked), dayFirst)
	for _, rec := range t.rows {
		c := &cells{t: t, rec: rec}
		if c.blank() {
			res.Skipped = append(res.Skipped, Skip{Row: rec.line, Reason: "blank line"})
			continue
		}
		b := Booking{Channel: Agoda, Reference: c.get(agID), Guest: c.get(agCustomer), Listing: c.get(agHotel)}
		if b.Listing == "" {
			b.Listing = c.get(agRoomType)
		}
		if opt.Listing != "" {
			b.Listing = opt.Listing
		}
		required(c, agID, b.Reference, "the booking ID identifies the stay")
		if b.Listing == "" {
			c.fail(agRoomType, "", "is empty and no listing was named for the file; name the property when importing this report")
		}
		st, ok := agodaStatus(c.get(agStatus))
		if !ok {
			c.fail(agStatus, c.get(agStatus), "is not an Agoda booking status; expected Confirmed, Amended, Cancelled or NoShow")
		}
		b.Status = st
		cur, ok := parseCurrency(c.get(agCurrency))
		if !ok {
			c.fail(agCurrency, c.get(agCurrency), "is not a currency code; Agoda writes ISO 4217 codes such as IDR or USD")
		}
		b.Currency = cur
		b.CheckIn, b.CheckOut = stay(c, agFrom, agTo, agNights, order)
		b.Payout = amount(c, agNet, cur, true)
		b.Commission = amount(c, agCommission, cur, true)
		if sell := amount(c, agSell, cur, false); sell.Known && !sell.Original.IsZero() {
			b.Gross = sell
		} else if b.Payout.Known && b.Commission.Known {
			b.Gross.Known = true
			b.Gross.Original, _ = add(b.Payout.Original, b.Commission.Original)
		}
		finish(c, b, opt, res)
	}
	return nil
}
