package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func TestComplianceRecords(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Compliance()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		rec := func(feed, listing string, gross int64) compliance.Record {
			return compliance.Record{Source: "Airbnb PJAP feed", FeedID: feed, Kind: compliance.KindBooking, ListingID: listing, ListingName: "Villa " + listing,
				RegencyCode: "5103", ProvinceCode: "51", DistrictCode: "510306", LatE6: -8650000, LonE6: 115130000, HasGeo: true,
				CheckIn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), CheckOut: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), Period: "2026-10",
				Gross: money.Amount(gross), Commission: money.Amount(gross / 10), Payout: money.Amount(gross - gross/10), PayoutCountry: "AUS", ReceivedAt: at}
		}
		e := audit.Entry{At: at, Actor: "system:test", Action: "compliance.ingest"}
		b := compliance.Batch{Source: "Airbnb PJAP feed", Channel: "api", Rows: 3, ReceivedBy: "system:test", ReceivedAt: at}
		recs := []compliance.Record{rec("A1", "L2", 1000), rec("A2", "L1", 2000), rec("A3", "L1", 3000)}
		out, err := s.AppendRecords(ctx, &b, recs, e)
		if err != nil {
			t.Fatal(err)
		}
		if b.ID == 0 || b.Accepted != 3 || out[0].ID == 0 || out[2].ID == 0 {
			t.Fatalf("batch %+v, outcomes %+v", b, out)
		}
		// The same ids again are duplicates; a correction names A2; a
		// correction of an unknown record is refused.
		fix := rec("A2-R1", "L1", 1500)
		fix.CorrectsFeedID = "A2"
		lost := rec("A9-R1", "L1", 1)
		lost.CorrectsFeedID = "A9"
		b2 := compliance.Batch{Source: "Airbnb PJAP feed", Channel: "api", Rows: 3, ReceivedBy: "system:test", ReceivedAt: at}
		out2, err := s.AppendRecords(ctx, &b2, []compliance.Record{rec("A1", "L2", 1000), fix, lost}, e)
		if err != nil {
			t.Fatal(err)
		}
		if !out2[0].Duplicate || out2[1].ID == 0 || !out2[2].UnknownCorrects || b2.Accepted != 1 || b2.Rejected != 2 {
			t.Errorf("second batch %+v, outcomes %+v", b2, out2)
		}
		got, err := s.Records(ctx, []int64{out[1].ID})
		if err != nil || len(got) != 1 {
			t.Fatalf("Records: %v %v", got, err)
		}
		want := recs[1]
		want.ID, want.BatchID = out[1].ID, b.ID
		if d := cmp.Diff(want, got[0]); d != "" {
			t.Errorf("stored record (-want +got):\n%s", d)
		}
		// Chunks: listing order, the corrected record left out, a cursor
		// inside a listing.
		var ids []int64
		after := compliance.BookingCursor{}
		for {
			chunk, err := s.BookingChunk(ctx, "2026-01", "2026-10", after, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range chunk {
				ids = append(ids, r.ID)
			}
			if len(chunk) < 1 {
				break
			}
			after = compliance.BookingCursor{Source: chunk[0].Source, ListingID: chunk[0].ListingID, ID: chunk[0].ID}
		}
		if d := cmp.Diff([]int64{out[2].ID, out2[1].ID, out[0].ID}, ids); d != "" {
			t.Errorf("chunked ids (-want +got):\n%s", d)
		}
		keys, err := s.CandidateListings(ctx, nil, nil, []string{"510306"})
		if err != nil || len(keys) != 2 {
			t.Errorf("candidate listings %q, %v", keys, err)
		}
	})
}

func TestComplianceFlags(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Compliance()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		run := func() int64 {
			r := compliance.Run{Status: compliance.RunQueued, StartedBy: "system:test", CreatedAt: at}
			if err := s.CreateRun(ctx, &r, audit.Entry{At: at, Actor: "system:test", Action: "compliance.run"}); err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		flag := func(rule compliance.Rule, subject string) *compliance.Flag {
			return &compliance.Flag{Rule: rule, Subject: subject, Regency: "5103", PeriodFrom: "2026-08", PeriodTo: "2026-10", Confidence: 85,
				Shortfall: 31_000_000 * money.Rupiah, PenaltyVoluntary: 1_364_000 * money.Rupiah, PenaltyAudit: 9_114_000 * money.Rupiah,
				Evidence: []compliance.Evidence{{Kind: compliance.EvidenceListing, Source: "Airbnb PJAP feed 01", Ref: "ABB-88213", Summary: "listing ABB-88213"},
					{Kind: compliance.EvidenceRecord, ID: 4, Source: "Airbnb PJAP feed 01", Ref: "AB-1001", Summary: "record 4"}, {Kind: compliance.EvidenceRecord, Summary: "and 3 more"},
					{Kind: compliance.EvidenceBooking, ID: 9, Period: "2026-10", Summary: "3 bookings"}},
				Periods:     []compliance.PeriodEstimate{{Period: "2026-08", ThirdPartyGross: 146_000_000 * money.Rupiah, Rate: 1000, Shortfall: 14_600_000 * money.Rupiah, Months: 3}},
				Explanation: "undeclared", CreatedAt: at}
		}
		r1 := run()
		first := []*compliance.Flag{flag(compliance.UndeclaredProperty, "listing:a:1"), flag(compliance.UndeclaredProperty, "listing:a:2")}
		if n, err := s.SaveFlags(ctx, r1, first); err != nil || n != 0 {
			t.Fatalf("SaveFlags: %d, %v", n, err)
		}
		got, err := s.Flag(ctx, first[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *first[0]
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stored flag (-want +got):\n%s", d)
		}
		r2 := run()
		again := []*compliance.Flag{flag(compliance.UndeclaredProperty, "listing:a:1"), flag(compliance.WrongRegency, "listing:a:2")}
		if n, err := s.SaveFlags(ctx, r2, again); err != nil || n != 1 {
			t.Fatalf("re-run superseded %d, %v; want 1", n, err)
		}
		old, _ := s.Flag(ctx, first[0].ID)
		if old.Status != compliance.StatusSuperseded || old.SupersededBy != again[0].ID {
			t.Errorf("superseded flag = %s by %d", old.Status, old.SupersededBy)
		}
		open, err := s.Flags(ctx, compliance.FlagQuery{Status: compliance.StatusOpen, Limit: 10})
		if err != nil || len(open) != 3 {
			t.Fatalf("open flags %d, %v; want 3", len(open), err)
		}
		page, err := s.Flags(ctx, compliance.FlagQuery{Status: "all", Limit: 2})
		if err != nil || len(page) != 2 || page[0].ID <= page[1].ID {
			t.Fatalf("first page %v, %v", page, err)
		}
		rest, err := s.Flags(ctx, compliance.FlagQuery{Status: "all", After: page[1].ID, Limit: 10})
		if err != nil || len(rest) != 2 {
			t.Errorf("second page %d, %v; want 2", len(rest), err)
		}
		if _, err := s.Flag(ctx, 999); !errs.Is(errs.NotFound, err) {
			t.Errorf("missing flag: %v", err)
		}
		// A place's flag supersedes the open flags of its listings of the
		// same rule, not those of another rule.
		r3 := run()
		place := flag(compliance.UndeclaredProperty, "place:510306:0123456789abcdef")
		place.Replaces = []string{"listing:a:1", "listing:a:2"}
		if n, err := s.SaveFlags(ctx, r3, []*compliance.Flag{place}); err != nil || n != 2 {
			t.Fatalf("place superseded %d, %v; want 2", n, err)
		}
		for _, id := range []int64{again[0].ID, first[1].ID} {
			if f, _ := s.Flag(ctx, id); f.Status != compliance.StatusSuperseded || f.SupersededBy != place.ID {
				t.Errorf("listing flag %d = %s by %d, want superseded by %d", id, f.Status, f.SupersededBy, place.ID)
			}
		}
		if f, _ := s.Flag(ctx, again[1].ID); f.Status != compliance.StatusOpen {
			t.Errorf("the wrong-regency flag of a listing = %s, want open", f.Status)
		}
		if n, err := s.EndInterruptedRuns(ctx, "stopped", at); err != nil || n != 3 {
			t.Errorf("EndInterruptedRuns = %d, %v", n, err)
		}
	})
}
