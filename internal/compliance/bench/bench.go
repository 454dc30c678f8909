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
	// Expect counts the flags each rule should raise.
	Expect map[compliance.Rule]int

	listings int
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
	w := World{Hidden: n / 20, Bookings: bookings, Expect: map[compliance.Rule]int{}, listings: n + n/20}
	first := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -12, 0)
	for m := range 12 {
		w.Months = append(w.Months, first.AddDate(0, m, 0).Format("2006-01"))
	}
	for i := range n {
		p := Property{NIK: nik(i), District: districts[i%len(districts)], Name: fmt.Sprintf("Villa Bench %d", i),
			NPWPD: fmt.Sprintf("P.2.%07d.%s", i, districts[i%len(districts)][2:4]), Bases: map[string]int64{}}
		k := w.perListing(i)
		kind := declares(i)
		if kind != "none" {
			for m, month := range w.Months {
				count := int64(k / 12)
				if m < k%12 {
					count++
				}
				base := count * grossPerBooking(i)
				if kind == "payout" {
					base = base * 85 / 100
				}
				p.Bases[month] = base
			}
		}
		if k > 0 {
			switch {
			case wrongRegion(i):
				w.Expect[compliance.WrongRegency]++
			case kind == "none" && i%33 == 0:
				// Paid abroad and declared nowhere: the offshore rule
				// explains the months before the undeclared one does.
				w.Expect[compliance.OffshorePayout]++
			case kind == "none":
				w.Expect[compliance.UndeclaredProperty]++
			case kind == "payout":
				w.Expect[compliance.NetInsteadOfGross]++
			}
		}
		w.Properties = append(w.Properties, p)
	}
	for j := range w.Hidden {
		if w.perListing(n+j) > 0 {
			w.Expect[compliance.UndeclaredProperty]++
		}
	}
	return w
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
