// Package bench generates the world of the compliance benchmark
// (doc/compliance.md, "Performance"): registered properties with twelve
// months of declarations, and the third-party booking records of their
// listings and of unregistered ones, reproducibly and without holding the
// records in memory: they are produced a delivery at a time.
package bench

import (
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// Source is the feed the generated records come from.
const Source = "Bench OTA feed"

// districts are the Bali districts properties lie in, two per region, so
// that district i and i+4 (mod 10) lie in different regions.
var districts = []string{"510301", "510302", "510305", "510306", "510405", "510406", "510204", "510206", "517101", "517103"}

// Property is a registered property of the world: its operator's NIK
// (also its NPWP), district, name, NPWPD and the bases it declared per
// tax month (none when empty).
type Property struct {
	NIK, District, Name, NPWPD string
	Bases                      map[string]int64 // sen
}

// World is a generated world.
type World struct {
	// Properties are registered; Hidden listings are not.
	Properties []Property
	Hidden     int
	// Bookings is the number of booking records; Months the twelve tax
	// months they and the declarations cover, oldest first.
	Bookings int
	Months   []string
	// Expect counts, per rule, the flags the rule must raise: the cases
	// planted whose tax is at least MinShortfall (doc/compliance.md, "The
	// rules"). BelowThreshold counts the cases planted the same way whose
	// tax falls below it, which no rule flags: with one or two bookings a
	// listing, a property that declared its payout leaves out only the
	// commission of one or two stays.
	Expect         map[compliance.Rule]int
	BelowThreshold map[compliance.Rule]int
	// MinShortfall is the threshold Expect assumes: that of
	// compliance.DefaultConfig, with the regions' rates from the
	// configuration pbjt ships.
	MinShortfall money.Amount

	listings int
	first    time.Time // the first day of Months[0]
}

// How properties behave, by i % 20 (and i % 50 for the wrong region).
func declares(i int) string {
	switch i % 20 {
	case 0:
		return "none"
	case 1, 2:
		return "payout"
	}
	return "gross"
}

func wrongRegion(i int) bool { return i%50 == 3 }

// nik returns a valid, unique NIK for property i: its district, a birth
// day, month and year, and a serial.
func nik(i int) string {
	d := districts[i%len(districts)]
	return fmt.Sprintf("%s%02d%02d%02d%04d", d, 1+i%28, 1+(i/28)%12, 50+(i/336)%40, 1+i/13440)
}

// grossPerBooking is what each stay of listing i costs, in sen.
func grossPerBooking(i int) int64 { return int64(2_000_000+(i%9)*500_000) * 100 }

// New generates a world of n properties (plus 5 % hidden listings) and
// about bookings records, for the twelve months before asOf's month.
func New(n, bookings int, asOf time.Time) World {
	w := World{Hidden: n / 20, Bookings: bookings, listings: n + n/20, MinShortfall: compliance.DefaultConfig().MinShortfall,
		Expect: map[compliance.Rule]int{}, BelowThreshold: map[compliance.Rule]int{}}
	w.first = time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -12, 0)
	for m := range 12 {
		w.Months = append(w.Months, w.first.AddDate(0, m, 0).Format("2006-01"))
	}
	rates := pbjt.Defaults()
	for i := range n {
		p := Property{NIK: nik(i), District: districts[i%len(districts)], Name: fmt.Sprintf("Villa Bench %d", i),
			NPWPD: fmt.Sprintf("P.2.%07d.%s", i, districts[i%len(districts)][2:4]), Bases: map[string]int64{}}
		k := w.perListing(i)
		kind := declares(i)
		if kind != "none" {
			for m, month := range w.Months {
				base := int64(inMonth(k, m)) * grossPerBooking(i)
				if kind == "payout" {
					base = base * 85 / 100
				}
				p.Bases[month] = base
			}
		}
		w.Properties = append(w.Properties, p)
		if k == 0 {
			continue
		}
		// The tax a rule finds is the region's rate on what each month
		// leaves undeclared: for a listing in another region its whole
		// gross, at that region's rate; else the gross less the base.
		regency, undeclared := p.District[:4], func(month string, gross int64) int64 { return gross - p.Bases[month] }
		var rule compliance.Rule
		switch {
		case wrongRegion(i):
			rule = compliance.WrongRegency
			regency = districts[(i+4)%len(districts)][:4]
			undeclared = func(_ string, gross int64) int64 { return gross }
		case kind == "none" && i%33 == 0:
			// Paid abroad and declared nowhere: the offshore rule
			// explains the months before the undeclared one does.
			rule = compliance.OffshorePayout
		case kind == "none":
			rule = compliance.UndeclaredProperty
		case kind == "payout":
			rule = compliance.NetInsteadOfGross
		default:
			continue
		}
		w.plant(rule, w.shortfall(rates, regency, i, undeclared))
	}
	for j := range w.Hidden {
		i := n + j
		if w.perListing(i) > 0 {
			w.plant(compliance.UndeclaredProperty, w.shortfall(rates, districts[i%len(districts)][:4], i, func(_ string, gross int64) int64 { return gross }))
		}
	}
	return w
}

// plant counts a planted case of rule whose tax is shortfall: in Expect
// when it reaches MinShortfall, else in BelowThreshold.
func (w World) plant(rule compliance.Rule, shortfall money.Amount) {
	if shortfall >= w.MinShortfall {
		w.Expect[rule]++
	} else {
		w.BelowThreshold[rule]++
	}
}

// shortfall is the tax the rules estimate for listing i: per month, the
// undeclared part of its gross at the rate in force in regency on the
// month's last day, rounded down to the rupiah, summed over the months
// (compliance's estimate; doc/compliance.md, "Estimates and sanctions").
// A month whose rate is not known adds nothing, as in the rules.
func (w World) shortfall(rates pbjt.Table, regency string, i int, undeclared func(month string, gross int64) int64) money.Amount {
	k := w.perListing(i)
	var sum money.Amount
	for m, month := range w.Months {
		gross := int64(inMonth(k, m)) * grossPerBooking(i)
		u := undeclared(month, gross)
		if u <= 0 {
			continue
		}
		v, err := rates.Lookup(regency, w.first.AddDate(0, m+1, -1))
		if err != nil || !v.Rate.Known() {
			continue
		}
		tax, err := money.MulRat(money.Amount(u), int64(v.Rate.Value), 10000, money.DownToRupiah)
		if err != nil {
			// The generated amounts are far from overflowing.
			panic(fmt.Sprintf("bench: tax on %d sen at %d bp: %v", u, v.Rate.Value, err))
		}
		sum += tax
	}
	return sum
}

// inMonth is how many of a listing's k bookings fall in month m of the
// twelve: booking b is in month b % 12.
func inMonth(k, m int) int {
	c := k / 12
	if m < k%12 {
		c++
	}
	return c
}

// Listings is the number of listings: the properties' and the hidden
// ones.
func (w World) Listings() int { return w.listings }

// perListing is the number of bookings of listing i.
func (w World) perListing(i int) int {
	l := w.Listings()
	k := w.Bookings / l
	if i < w.Bookings%l {
		k++
	}
	return k
}

// record returns booking b of listing i.
func (w World) record(i, b int) compliance.RecordInput {
	month := w.Months[b%12]
	day := 1 + (b/12)%20
	in := compliance.RecordInput{FeedID: fmt.Sprintf("L%07d-B%05d", i, b), ListingID: fmt.Sprintf("L%07d", i),
		CheckIn: fmt.Sprintf("%s-%02d", month, day), CheckOut: fmt.Sprintf("%s-%02d", month, day+3), PayoutCountry: "IDN"}
	gross := grossPerBooking(i)
	n := len(w.Properties)
	if i < n {
		p := w.Properties[i]
		in.ListingName, in.DistrictCode = p.Name, p.District
		if wrongRegion(i) {
			in.DistrictCode = districts[(i+4)%len(districts)]
		}
		if i%2 == 0 {
			in.NPWPD = p.NPWPD
		} else {
			in.HostNIK = p.NIK
		}
		in.HostName = fmt.Sprintf("BENCH OWNER %d", i)
	} else {
		in.ListingName = fmt.Sprintf("Hidden Villa %d", i)
		in.DistrictCode = districts[i%len(districts)]
		in.HostName = "Unknown host"
	}
	if i%33 == 0 {
		in.PayoutCountry = "AUS"
	}
	commission := gross * 15 / 100
	in.GrossIDR = rupiah(gross)
	in.CommissionIDR = rupiah(commission)
	in.PayoutIDR = rupiah(gross - commission)
	return in
}

func rupiah(sen int64) string { return fmt.Sprintf("%d.%02d", sen/100, sen%100) }

// Deliveries produces the booking records a delivery of up to size at a
// time, listing by listing, and calls fn with each; fn may keep nothing.
func (w World) Deliveries(size int, fn func([]compliance.RecordInput) error) error {
	batch := make([]compliance.RecordInput, 0, size)
	for i := range w.Listings() {
		for b := range w.perListing(i) {
			batch = append(batch, w.record(i, b))
			if len(batch) == size {
				if err := fn(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}
