package booking

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGrossBasis checks that the base is the gross the guest paid, never
// the payout, and that the difference is what the OTA kept.
func TestGrossBasis(t *testing.T) {
	st := readSample(t, "booking_statement.csv", BookingStatement, Options{})
	cal := readSample(t, "calendar.ics", ICalendar, Options{})
	bs := append(append([]Booking{}, st.Bookings...), cal.Bookings...)
	dups := Duplicates(bs)
	got, err := GrossBasis(bs, dups)
	if err != nil {
		t.Fatal(err)
	}
	want := Basis{
		Lines: []BasisLine{
			{Index: 0, Gross: rp(10_500_000), Commission: rp(1_575_000), Payout: rp(8_925_000), Difference: rp(1_575_000)},
			{Index: 1, Gross: rp(16_250_000), Commission: rp(2_681_250), Payout: rp(13_568_750), Difference: rp(2_681_250)},
			{Index: 3, Gross: rp(6_800_000), Commission: rp(1_020_000), Payout: rp(5_780_000), Difference: rp(1_020_000)},
		},
		Gross:      rp(33_550_000),
		Commission: rp(5_276_250),
		Payout:     rp(28_273_750),
		Difference: rp(5_276_250),
		// The Airbnb long-stay block and Wayan's WhatsApp booking have no
		// price yet; the Booking.com block is a duplicate and the
		// cancelled hold is not a stay.
		Unpriced: []int{5, 6},
		Rule:     GrossRule,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GrossBasis (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Rule, "Pasal 57") || !strings.Contains(got.Rule, "never the base") {
		t.Errorf("rule %q does not state the base and its source", got.Rule)
	}
}
