package compliance

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/money"
)

// stay is one dated booking of a listing: check-in day and nights in
// October 2026, gross in millions.
type stay struct {
	in, nights int
	gross      int64
}

// placeListing builds a listing from stays through Listing.add, as the
// matching job does; day 0 means an undated monthly total.
func placeListing(t *testing.T, source, id, name, street, district, hostNIK string, stays ...stay) *Listing {
	t.Helper()
	l := &Listing{Source: source, ID: id}
	for i, s := range stays {
		g := money.Amount(s.gross) * 1_000_000 * money.Rupiah
		r := &Record{ID: int64(i + 1), Source: source, ListingID: id, ListingName: name, Street: street, DistrictCode: district,
			HostNIK: hostNIK, Period: "2026-10", Gross: g, Commission: g / 10, Payout: g - g/10, PayoutCountry: "IDN"}
		if district != "" {
			r.RegencyCode = district[:4]
		}
		if s.in > 0 {
			r.CheckIn = time.Date(2026, 10, s.in, 0, 0, 0, 0, time.UTC)
			r.CheckOut = r.CheckIn.AddDate(0, 0, s.nights)
		}
		if err := l.add(r, 20); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func TestPlaces(t *testing.T) {
	e := testEnv()
	const nik = "5103011507800003"
	mio := func(n int64) money.Amount { return money.Amount(n) * 1_000_000 * money.Rupiah }
	for _, tc := range []struct {
		name     string
		listings []*Listing
		flags    int
		sizes    []int          // listings per flag
		short    []money.Amount // shortfall per flag
		conf     []int
	}{
		{
			// The same host in the same district on two platforms; the
			// feeds carry no dates, so the stays may be the same: the
			// larger source counts (60 against 40), not 100.
			name: "same host on two platforms",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Laut", "", "510306", nik, stay{0, 0, 60}),
				placeListing(t, "Booking.com", "B7", "Ocean Villa Canggu", "", "510306", nik, stay{0, 0, 40}),
			},
			flags: 1, sizes: []int{2}, short: []money.Amount{mio(6)}, conf: []int{85},
		},
		{
			// The same name in two districts is two villas.
			name: "same name in two districts",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Kembang", "", "510306", "", stay{0, 0, 30}),
				placeListing(t, "Airbnb", "A2", "Villa Kembang", "", "510405", "", stay{0, 0, 20}),
			},
			flags: 2, sizes: []int{1, 1}, short: []money.Amount{mio(3), mio(2)}, conf: []int{85, 85},
		},
		{
			// A name without a district links nothing.
			name: "same name without district",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Kembang", "", "", "", stay{0, 0, 30}),
				placeListing(t, "Booking.com", "B1", "Villa Kembang", "", "", "", stay{0, 0, 20}),
			},
			flags: 2, sizes: []int{1, 1}, short: []money.Amount{0, 0}, conf: []int{60, 60},
		},
		{
			// The largest-source rule: the Booking.com month is larger.
			name: "largest source, same street",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Batu Bolong 4BR", "Jl. Pantai Batu Bolong 7", "510306", "", stay{2, 5, 30}),
				placeListing(t, "Booking.com", "B1", "Batu Bolong Retreat", "Jl. Pantai Batu Bolong 7", "510306", "", stay{4, 3, 20}, stay{20, 3, 25}),
			},
			flags: 1, sizes: []int{2}, short: []money.Amount{mio(4) + mio(5)/10}, conf: []int{80},
		},
		{
			// Dated stays whose nights do not overlap are distinct stays:
			// the sources are added.
			name: "distinct dated stays are added",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Batu Bolong", "", "510306", "", stay{2, 5, 30}),
				placeListing(t, "Booking.com", "B1", "Villa Batu Bolong", "", "510306", "", stay{10, 3, 20}),
			},
			flags: 1, sizes: []int{2}, short: []money.Amount{mio(5)}, conf: []int{75},
		},
		{
			// Two listing ids of one source are added (a platform does not
			// sell a stay twice).
			name: "two listings of one source",
			listings: []*Listing{
				placeListing(t, "Airbnb", "A1", "Villa Laut", "", "510306", nik, stay{2, 5, 30}),
				placeListing(t, "Airbnb", "A9", "Villa Laut (2)", "", "510306", nik, stay{2, 5, 20}),
			},
			flags: 1, sizes: []int{2}, short: []money.Amount{mio(5)}, conf: []int{85},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := make([]Match, len(tc.listings))
			var flags []*Flag
			for _, pl := range GroupPlaces(tc.listings, ms) {
				f, err := e.undeclared(pl)
				if err != nil {
					t.Fatal(err)
				}
				if f == nil {
					f = &Flag{Confidence: -1}
				}
				f.Evidence = append(f.Evidence, Evidence{Kind: "n", ID: int64(len(pl.Listings))})
				flags = append(flags, f)
			}
			var sizes, conf []int
			var short []money.Amount
			for _, f := range flags {
				sizes = append(sizes, int(f.Evidence[len(f.Evidence)-1].ID))
				short = append(short, f.Shortfall)
				if f.Confidence < 0 {
					conf = append(conf, 60)
				} else {
					conf = append(conf, f.Confidence)
				}
			}
			if diff := cmp.Diff(tc.sizes, sizes); diff != "" {
				t.Errorf("listings per flag (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.short, short); diff != "" {
				t.Errorf("shortfall per flag (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.conf, conf); diff != "" {
				t.Errorf("confidence per flag (-want +got):\n%s", diff)
			}
			if len(flags) != tc.flags {
				t.Fatalf("%d flags, want %d", len(flags), tc.flags)
			}
			for _, f := range flags {
				if f.Confidence < 0 || tc.sizes[0] < 2 {
					continue
				}
				var ev []string
				for _, x := range f.Evidence {
					if x.Kind == EvidenceListing {
						ev = append(ev, x.Summary[:len("listing ")+2])
					}
				}
				if diff := cmp.Diff([]string{"listing A1", "listing " + tc.listings[1].ID}, ev); diff != "" {
					t.Errorf("listing evidence (-want +got):\n%s", diff)
				}
				for _, l := range tc.listings[:2] {
					if !slices.Contains(f.Replaces, l.Key()) {
						t.Errorf("replaces %v, want listing %s among them", f.Replaces, l.Key())
					}
				}
				if slices.Contains(f.Replaces, f.Subject) {
					t.Errorf("replaces %v holds the flag's own subject", f.Replaces)
				}
			}
		})
	}
}

// A listing that joins a place later and sorts first gives the place a
// new key; the place's flag then supersedes the flags under the old key.
func TestPlaceFormerKeys(t *testing.T) {
	b := placeListing(t, "Booking.com", "B7", "Villa Laut", "", "510306", "5103011507800003", stay{0, 0, 40})
	c := placeListing(t, "Booking.com", "C9", "Villa Laut", "", "510306", "5103011507800003", stay{0, 0, 30})
	before := GroupPlaces([]*Listing{b, c}, make([]Match, 2))[0]
	a := placeListing(t, "Airbnb", "A1", "Villa Laut", "", "510306", "5103011507800003", stay{0, 0, 60})
	after := GroupPlaces([]*Listing{a, b, c}, make([]Match, 3))[0]
	if len(after.Listings) != 3 || before.Key() == after.Key() {
		t.Fatalf("places %q (%d listings) and %q (%d listings): want one place whose key changed", before.Key(), len(before.Listings), after.Key(), len(after.Listings))
	}
	former := after.Former()
	for _, want := range []string{before.Key(), a.Key(), b.Key(), c.Key()} {
		if !slices.Contains(former, want) {
			t.Errorf("former subjects %v lack %q", former, want)
		}
	}
	if slices.Contains(former, after.Key()) {
		t.Errorf("former subjects %v hold the place's own key", former)
	}
	if got := GroupPlaces([]*Listing{a}, make([]Match, 1))[0].Former(); got != nil {
		t.Errorf("a single listing's former subjects %v, want none", got)
	}
}

func TestPlaceKeyStable(t *testing.T) {
	a := placeListing(t, "Airbnb", "A1", "Villa Laut", "", "510306", "5103011507800003", stay{0, 0, 60})
	b := placeListing(t, "Booking.com", "B7", "Villa Laut", "", "510306", "", stay{0, 0, 40})
	k1 := GroupPlaces([]*Listing{a, b}, make([]Match, 2))[0].Key()
	k2 := GroupPlaces([]*Listing{b, a}, make([]Match, 2))[0].Key()
	if k1 != k2 || k1[:len("place:510306:")] != "place:510306:" {
		t.Errorf("keys %q and %q, want one place:510306: key", k1, k2)
	}
	if k := GroupPlaces([]*Listing{a}, make([]Match, 1))[0].Key(); k != a.Key() {
		t.Errorf("a single listing's key %q, want %q", k, a.Key())
	}
}
