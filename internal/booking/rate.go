package booking

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/coretax/coretax/internal/money"
)

// Rates gives the rupiah value of one unit of a currency on a day: num/den
// rupiah, and a label naming the source (e.g. "KMK kurs 2026-09-30" or
// "BI JISDOR 2026-10-03"). ok is false when the table has no rate for that
// currency and day. Implementations never reach the network: the caller
// loads its rate table first.
type Rates interface {
	Rate(currency string, day time.Time) (num, den int64, source string, ok bool)
}

// RateTable is a Rates held in memory: for each currency, rates that start
// on a day and hold until the next one starts. The Kurs Menteri Keuangan is
// published this way, a week at a time.
type RateTable struct {
	byCurrency map[string][]tableRate
}

type tableRate struct {
	from     time.Time
	num, den int64
	source   string
}

// Add records that from the day from, one unit of currency is num/den
// rupiah according to source. It panics on den ≤ 0 or num ≤ 0: a rate
// table is built by the program, not typed by a user.
func (t *RateTable) Add(currency string, from time.Time, num, den int64, source string) {
	if num <= 0 || den <= 0 {
		panic(fmt.Sprintf("booking.RateTable.Add: rate %d/%d for %s is not positive", num, den, currency))
	}
	if t.byCurrency == nil {
		t.byCurrency = map[string][]tableRate{}
	}
	rs := append(t.byCurrency[currency], tableRate{from: day(from), num: num, den: den, source: source})
	sort.Slice(rs, func(i, j int) bool { return rs[i].from.Before(rs[j].from) })
	t.byCurrency[currency] = rs
}

// Rate returns the rate that holds on day: the latest one starting on or
// before it.
func (t *RateTable) Rate(currency string, d time.Time) (num, den int64, source string, ok bool) {
	rs := t.byCurrency[currency]
	d = day(d)
	i := sort.Search(len(rs), func(i int) bool { return rs[i].from.After(d) })
	if i == 0 {
		return 0, 0, "", false
	}
	r := rs[i-1]
	return r.num, r.den, r.source, true
}

func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// rateDay is the day whose rate converts a booking: its check-out date,
// when the stay has been delivered and the OTA bills or pays it
// (Booking.com invoices by check-out date). No rule was found on which
// day's rate converts a foreign-currency room charge for PBJT
// (local-tax-bali.md §7 gaps); the choice is recorded in
// doc/booking-imports.md.
func rateDay(b *Booking) time.Time { return b.CheckOut }

// convert fills b.Rate and the IDR side of every known amount. It returns
// a message for a RowError when there is no rate.
func convert(b *Booking, rates Rates) string {
	if !b.Gross.Known && !b.Commission.Known && !b.Payout.Known {
		return ""
	}
	d := rateDay(b)
	if b.Currency == "IDR" {
		b.Rate = Rate{Num: 1, Den: 1, Day: d, Source: "IDR"}
	} else {
		if rates == nil {
			return fmt.Sprintf("no exchange rate table was given; %s amounts need the %s→IDR rate of %s", b.Currency, b.Currency, d.Format(time.DateOnly))
		}
		num, den, src, ok := rates.Rate(b.Currency, d)
		if !ok {
			return fmt.Sprintf("no %s→IDR rate for %s in the rate table; add that rate and import the file again", b.Currency, d.Format(time.DateOnly))
		}
		if num <= 0 || den <= 0 {
			return fmt.Sprintf("the rate table gives %d/%d for %s on %s; a rate must be positive", num, den, b.Currency, d.Format(time.DateOnly))
		}
		b.Rate = Rate{Num: num, Den: den, Day: d, Source: src}
	}
	for _, a := range []*Amount{&b.Gross, &b.Commission, &b.Payout} {
		if !a.Known {
			continue
		}
		idr, err := toIDR(a.Original, b.Rate)
		if err != "" {
			return err
		}
		a.IDR = idr
	}
	return ""
}

// toIDR converts d at rate r to sen, rounding half away from zero to the
// sen (money.HalfUp). No regulation on rounding a converted room charge was
// found; rounding to the sen keeps the rupiah amount as close to the
// guest's price as an Amount can hold, and the declaration rounds later.
func toIDR(d Decimal, r Rate) (money.Amount, string) {
	// sen = units × num × 100 / (den × 10^scale)
	pow := int64(1)
	for range d.Scale {
		pow *= 10
	}
	if r.Num > math.MaxInt64/100 || r.Den > math.MaxInt64/pow {
		return 0, fmt.Sprintf("the rate %s is too precise to convert %s exactly", r, d)
	}
	v, err := money.MulRat(money.Amount(d.Units), r.Num*100, r.Den*pow, money.HalfUp)
	if err != nil {
		return 0, fmt.Sprintf("%s at %s rupiah is beyond the largest amount", d, r)
	}
	return v, ""
}
