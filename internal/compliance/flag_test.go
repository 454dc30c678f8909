package compliance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A listing's line of evidence carries the listing's source and its id
// there, since the listing has no row of ours to point at.
func TestListingEvidence(t *testing.T) {
	l := &Listing{Source: "Airbnb PJAP feed 01", ID: "ABB-88213", Name: "Villa Batu Bolong", Street: "Jl. Pantai Batu Bolong", DistrictCode: "510306", Records: 4}
	got := listingSummary(l)
	want := Evidence{Kind: EvidenceListing, Source: "Airbnb PJAP feed 01", Ref: "ABB-88213",
		Summary: `listing ABB-88213 "Villa Batu Bolong" on Airbnb PJAP feed 01: 4 records, Jl. Pantai Batu Bolong, district 510306`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("listingSummary (-want +got):\n%s", d)
	}
	if got, want := got.Label(), "listing ABB-88213 on Airbnb PJAP feed 01"; got != want {
		t.Errorf("Label() = %q, want %q", got, want)
	}
}

// A third-party record's line of evidence carries our id, the sender and
// the sender's own id of the record.
func TestRecordEvidence(t *testing.T) {
	r := Record{ID: 41, Source: "Booking.com feed BALI-7", FeedID: "4471902213", Kind: KindBooking, ListingID: "BDC-1201955", Period: "2026-09"}
	got := r.Evidence()
	want := Evidence{Kind: EvidenceRecord, ID: 41, Source: "Booking.com feed BALI-7", Ref: "4471902213", Summary: r.Summary()}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Evidence() (-want +got):\n%s", d)
	}
}

func TestEvidenceLabel(t *testing.T) {
	for _, tc := range []struct {
		e    Evidence
		want string
	}{
		{Evidence{Kind: EvidenceListing, Source: "Airbnb PJAP feed 01", Ref: "ABB-88213"}, "listing ABB-88213 on Airbnb PJAP feed 01"},
		// A listing stored before listings kept their source and id.
		{Evidence{Kind: EvidenceListing, Summary: "listing ABB-88213 ..."}, "listing"},
		{Evidence{Kind: EvidenceRecord, ID: 41, Source: "Airbnb PJAP feed 01", Ref: "HMC2026-0801"}, "record 41 (Airbnb PJAP feed 01 HMC2026-0801)"},
		{Evidence{Kind: EvidenceRecord, ID: 41}, "record 41"},
		{Evidence{Kind: EvidenceRecord, Summary: "and 3 more records of the same listing"}, "record"},
		{Evidence{Kind: EvidenceBooking, ID: 9, Period: "2026-10"}, "bookings of 2026-10"},
		{Evidence{Kind: EvidenceBooking, ID: 9}, "booking 9"},
		{Evidence{Kind: EvidenceSlip, ID: 3, Ref: "2600000123"}, "slip 3 (2600000123)"},
		{Evidence{Kind: EvidenceSlip, Ref: "2600000123"}, "slip 2600000123"},
		{Evidence{Kind: EvidenceDeclaration, ID: 7}, "declaration 7"},
		{Evidence{Kind: EvidenceProperty, ID: 12}, "property 12"},
	} {
		if got := tc.e.Label(); got != tc.want {
			t.Errorf("%+v.Label() = %q, want %q", tc.e, got, tc.want)
		}
	}
}
