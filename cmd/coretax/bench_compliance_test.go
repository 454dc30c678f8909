package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/compliance"
)

// TestBenchComplianceCounts runs coretax bench compliance on worlds of
// many bookings a listing and of one or two, and requires the flags of
// every rule to be exactly those the generator says the rules must raise.
// At one or two bookings a listing a property declared on the payout has
// so small a gap that its tax is below compliance.Config.MinShortfall:
// those properties are counted apart, not as planted flags.
func TestBenchComplianceCounts(t *testing.T) {
	for _, tc := range []struct {
		properties, bookings int
		net, below           int
	}{
		// 42 listings, 20 bookings each: every payout declarer is found.
		{40, 840, 4, 0},
		// 210 listings: the first 90 have two bookings, the others one.
		// Of the twenty payout declarers, six have two bookings of at
		// least Rp 3.5 million (a gap of 2 × 15 %, tax Rp 105,000 or
		// more); the rest fall below Rp 100,000 of tax.
		{200, 300, 6, 14},
		// 210 listings, the first 100 with one booking, the others none.
		{200, 100, 0, 10},
	} {
		t.Run(fmt.Sprintf("properties=%d/bookings=%d", tc.properties, tc.bookings), func(t *testing.T) {
			code, out, errOut := run(t, nil, "bench", "compliance", "--properties", fmt.Sprint(tc.properties), "--bookings", fmt.Sprint(tc.bookings), "--json")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			var r benchComplianceResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, rule := range compliance.Rules {
				if got, want := r.Flags[string(rule)], r.Expected[string(rule)]; got != want {
					t.Errorf("%s: %d flags, the generator planted %d", rule, got, want)
				}
			}
			if got := r.Expected[string(compliance.NetInsteadOfGross)]; got != tc.net {
				t.Errorf("planted %d net-instead-of-gross, want %d", got, tc.net)
			}
			if got := r.BelowThreshold[string(compliance.NetInsteadOfGross)]; got != tc.below {
				t.Errorf("%d net-instead-of-gross below the threshold, want %d", got, tc.below)
			}
		})
	}
}

func TestBenchComplianceText(t *testing.T) {
	code, out, errOut := run(t, nil, "bench", "compliance", "--properties", "200", "--bookings", "300")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"200 properties, 210 listings, 300 bookings", "flags net-instead-of-gross", "(planted 6; 14 more below the Rp100.000 threshold)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
