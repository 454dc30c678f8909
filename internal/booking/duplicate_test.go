package booking

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// villa maps the listing names of the samples to the owner's two
// properties, as the owner's property settings would.
func villa(_ Channel, listing string) string {
	switch {
	case strings.HasPrefix(listing, "Villa Kembang"):
		return "P-KEMBANG"
	case strings.HasPrefix(listing, "Villa Segara"):
		return "P-SEGARA"
	}
	return ""
}

// TestDuplicatesAcrossSamples imports every sample file, in the order an
// owner might (calendar and own spreadsheet first, OTA files later), and
// checks which records the rule marks as the same stay.
func TestDuplicatesAcrossSamples(t *testing.T) {
	files := []struct {
		name string
		at   time.Time
	}{
		{"calendar.ics", importedAt},
		{"generic.csv", importedAt.Add(time.Hour)},
		{"airbnb_reservations.csv", importedAt.Add(2 * time.Hour)},
		{"airbnb_transactions.csv", importedAt.Add(3 * time.Hour)},
		{"booking_statement.csv", importedAt.Add(4 * time.Hour)},
		{"agoda_booking_report.csv", importedAt.Add(5 * time.Hour)},
	}
	var all []Booking
	for _, f := range files {
		res := readSample(t, f.name, "", Options{Property: villa, ImportedAt: f.at})
		all = append(all, res.Bookings...)
	}
	type pair struct{ Dup, Kept, Reason string }
	name := func(i int) string { b := all[i]; return string(b.Channel) + ":" + b.Reference }
	var got []pair
	for _, d := range Duplicates(all) {
		got = append(got, pair{name(d.Dup), name(d.Kept), d.Reason})
	}
	want := []pair{
		// The Booking.com block in the calendar (no guest name, same dates).
		{"ical:b7e4f0c2a91d5e83@booking.com", "booking:4518273390", "the booking record is kept over the ical entry"},
		// Airbnb's block for the long stay.
		{"ical:1418fb94e984-9a4d2c07b35e61f8e2c4b90d7a13f5e6@airbnb.com", "airbnb:HMLNG0042Z", "the airbnb record is kept over the ical entry"},
		// The owner's own entry of Emma Thompson's Airbnb stay.
		{"csv:WA-2026-031", "airbnb:HMQ4K2Z8TA", "the airbnb record is kept over the csv entry"},
		// The reservations file has only the payout; the transaction
		// history of the same stays has the guest price.
		{"airbnb:HMQ4K2Z8TA", "airbnb:HMQ4K2Z8TA", "the record with the guest price is kept over the one without"},
		{"airbnb:HMX8PL3NRC", "airbnb:HMX8PL3NRC", "the record with the guest price is kept over the one without"},
		{"airbnb:HMT2RZ9VXF", "airbnb:HMT2RZ9VXF", "the record with the guest price is kept over the one without"},
		{"airbnb:HMLNG0042Z", "airbnb:HMLNG0042Z", "the record with the guest price is kept over the one without"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	for _, d := range Duplicates(all) {
		if all[d.Kept].Channel == Airbnb && !all[d.Kept].HasAmounts() {
			t.Errorf("kept %s without its guest price", name(d.Kept))
		}
	}
}

func stayOf(c Channel, guest string, in, out int, priced bool, at time.Time) Booking {
	b := Booking{Channel: c, Property: "P-SEGARA", Guest: guest, Status: Confirmed,
		CheckIn: date(2026, 10, in), CheckOut: date(2026, 10, out), ImportedAt: at}
	b.Gross.Known = priced
	return b
}

// TestDuplicateRule checks each step of DuplicateRule on its own.
func TestDuplicateRule(t *testing.T) {
	t0 := importedAt
	t1 := importedAt.Add(time.Hour)
	tests := []struct {
		name string
		bs   []Booking
		want []Duplicate
	}{
		{"OTA kept over iCal imported earlier",
			[]Booking{stayOf(ICal, "", 9, 12, false, t0), stayOf(BookingCom, "Pieter Jansen", 9, 12, true, t1)},
			[]Duplicate{{Dup: 0, Kept: 1, Reason: "the booking record is kept over the ical entry"}}},
		{"OTA kept over a direct entry with amounts",
			[]Booking{stayOf(Direct, "Pieter Jansen", 9, 12, true, t0), stayOf(Agoda, "JANSEN, Pieter", 10, 13, false, t1)},
			[]Duplicate{{Dup: 0, Kept: 1, Reason: "the agoda record is kept over the direct entry"}}},
		{"amounts kept over none between OTAs",
			[]Booking{stayOf(Airbnb, "Emma Thompson", 3, 7, false, t0), stayOf(Airbnb, "emma thompson", 3, 7, true, t1)},
			[]Duplicate{{Dup: 0, Kept: 1, Reason: "the record with the guest price is kept over the one without"}}},
		{"earliest imported kept when otherwise equal",
			[]Booking{stayOf(CSV, "Ketut Ariani", 12, 15, true, t1), stayOf(Direct, "Ketut Ariani", 12, 15, true, t0)},
			[]Duplicate{{Dup: 0, Kept: 1, Reason: "the record imported first is kept"}}},
		{"same import time: the earlier in the slice",
			[]Booking{stayOf(CSV, "Ketut Ariani", 12, 15, true, t0), stayOf(CSV, "Ketut Ariani", 12, 15, true, t0)},
			[]Duplicate{{Dup: 1, Kept: 0, Reason: "the record imported first is kept"}}},
		{"overlap of one night is enough",
			[]Booking{stayOf(Airbnb, "Ana Souza", 14, 19, true, t0), stayOf(CSV, "Ana Souza", 18, 20, true, t0)},
			[]Duplicate{{Dup: 1, Kept: 0, Reason: "the airbnb record is kept over the csv entry"}}},
		{"back to back stays are not one stay",
			[]Booking{stayOf(Airbnb, "Ana Souza", 14, 19, true, t0), stayOf(CSV, "Ana Souza", 19, 21, true, t0)}, nil},
		{"different guests are not one stay",
			[]Booking{stayOf(Airbnb, "Ana Souza", 14, 19, true, t0), stayOf(BookingCom, "Ana Silva", 14, 19, true, t0)}, nil},
		{"different properties are not one stay",
			[]Booking{stayOf(Airbnb, "Ana Souza", 14, 19, true, t0), func() Booking { b := stayOf(CSV, "Ana Souza", 14, 19, true, t0); b.Property = "P-KEMBANG"; return b }()}, nil},
		{"a nameless iCal block matches only identical dates",
			[]Booking{stayOf(ICal, "", 14, 18, false, t0), stayOf(BookingCom, "Ana Souza", 14, 19, true, t0)}, nil},
		{"cancelled bookings take no part",
			[]Booking{func() Booking { b := stayOf(Airbnb, "Ana Souza", 14, 19, true, t0); b.Status = Cancelled; return b }(), stayOf(CSV, "Ana Souza", 14, 19, true, t0)}, nil},
		{"three records of one stay all point at the kept one",
			[]Booking{stayOf(ICal, "", 9, 12, false, t0), stayOf(CSV, "Pieter Jansen", 9, 12, true, t0), stayOf(BookingCom, "Pieter Jansen", 9, 12, true, t1)},
			[]Duplicate{
				{Dup: 0, Kept: 2, Reason: "the booking record is kept over the ical entry"},
				{Dup: 1, Kept: 2, Reason: "the booking record is kept over the csv entry"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Duplicates(tt.bs)); diff != "" {
				t.Errorf("Duplicates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"Hauck, Lukas", "Lukas Hauck"},
		{"  LUKAS   HAUCK ", "lukas hauck"},
		{"Daniel Müller", "daniel muller"},
		{"José  Núñez", "Nunez, Jose"},
		{"O'Brien, Liam", "Liam O Brien"},
	} {
		if NormalizeName(tt.a) != NormalizeName(tt.b) {
			t.Errorf("NormalizeName(%q) = %q, NormalizeName(%q) = %q; want equal", tt.a, NormalizeName(tt.a), tt.b, NormalizeName(tt.b))
		}
	}
	if NormalizeName("Ana Souza") == NormalizeName("Ana Silva") {
		t.Error("different names normalised to one")
	}
}
