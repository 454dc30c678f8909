package compliance_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// valid is a complete version of the thresholds.
func valid() compliance.Thresholds {
	c := compliance.DefaultConfig()
	c.ChunkSize = 0
	return compliance.Thresholds{From: day(2026, 12, 1), Config: c, Reason: "SE-05/PJ/2026 narrows the review to larger gaps"}
}

func TestThresholdsCheck(t *testing.T) {
	if err := valid().Check(); err != nil {
		t.Fatalf("a valid version: %v", err)
	}
	tests := []struct {
		name, field, value, fix string
		change                  func(*compliance.Thresholds)
	}{
		{"no first day", "from", "", "YYYY-MM-DD", func(v *compliance.Thresholds) { v.From = time.Time{} }},
		{"no reason", "reason", " ", "why the thresholds change", func(v *compliance.Thresholds) { v.Reason = " " }},
		{"long reason", "reason", strings.Repeat("é", 40) + "…", "at most 500", func(v *compliance.Thresholds) { v.Reason = strings.Repeat("é", 501) }},
		{"control character", "reason", "a\x00b", "control characters", func(v *compliance.Thresholds) { v.Reason = "a\x00b" }},
		{"window 0", "window_months", "0", "from 1 to 60", func(v *compliance.Thresholds) { v.Config.WindowMonths = 0 }},
		{"window 61", "window_months", "61", "from 1 to 60", func(v *compliance.Thresholds) { v.Config.WindowMonths = 61 }},
		{"shortfall 0", "min_shortfall_sen", "0", "greater than 0", func(v *compliance.Thresholds) { v.Config.MinShortfall = 0 }},
		{"net share 0", "net_min_share_bp", "0", "from 1 to 10000", func(v *compliance.Thresholds) { v.Config.NetMinShare = 0 }},
		{"net tolerance 10001", "net_payout_tolerance_bp", "10001", "from 1 to 10000", func(v *compliance.Thresholds) { v.Config.NetPayoutTolerance = 10001 }},
		{"offshore -1", "offshore_cover_bp", "-1", "from 1 to 10000", func(v *compliance.Thresholds) { v.Config.OffshoreCover = -1 }},
		{"nominee share 20000", "nominee_max_share_bp", "20000", "from 1 to 10000", func(v *compliance.Thresholds) { v.Config.NomineeMaxShare = 20000 }},
		{"nominee gross -5", "nominee_min_gross_sen", "-5", "greater than 0", func(v *compliance.Thresholds) { v.Config.NomineeMinGross = -5 }},
		{"fee tolerance 0", "fee_tolerance_bp", "0", "from 1 to 10000", func(v *compliance.Thresholds) { v.Config.FeeTolerance = 0 }},
		{"fee gap 0", "fee_min_gap_sen", "0", "greater than 0", func(v *compliance.Thresholds) { v.Config.FeeMinGap = 0 }},
		{"evidence 0", "max_evidence", "0", "from 1 to 1000", func(v *compliance.Thresholds) { v.Config.MaxEvidence = 0 }},
		{"evidence 1001", "max_evidence", "1001", "from 1 to 1000", func(v *compliance.Thresholds) { v.Config.MaxEvidence = 1001 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.change(&v)
			err := v.Check()
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("Check() = %v, want Invalid", err)
			}
			fs := errs.FieldsOf(err)
			if len(fs) != 1 || fs[0].Field != tt.field || fs[0].Value != tt.value || !strings.Contains(fs[0].Message, tt.fix) {
				t.Errorf("fields = %+v, want one on %s with value %q saying %q", fs, tt.field, tt.value, tt.fix)
			}
		})
	}
	// Bounds are inclusive.
	v := valid()
	v.Config.WindowMonths, v.Config.NetMinShare, v.Config.OffshoreCover, v.Config.MaxEvidence, v.Config.MinShortfall = 60, 10000, 1, 1000, 1
	if err := v.Check(); err != nil {
		t.Errorf("the bounds themselves: %v", err)
	}
}

func TestThresholdsOn(t *testing.T) {
	shipped := compliance.Thresholds{Config: compliance.Config{WindowMonths: 24}}
	dec := compliance.Thresholds{From: day(2026, 12, 1), Config: compliance.Config{WindowMonths: 12}}
	jan := compliance.Thresholds{From: day(2027, 1, 1), Config: compliance.Config{WindowMonths: 6}}
	vs := []compliance.Thresholds{shipped, dec, jan}
	for _, tt := range []struct {
		on   time.Time
		want int
	}{
		{day(2026, 11, 30), 24},
		{day(2026, 12, 1), 12},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), 12},
		{day(2027, 1, 1), 6},
		{day(2030, 1, 1), 6},
	} {
		if got := compliance.ThresholdsOn(vs, tt.on).Config.WindowMonths; got != tt.want {
			t.Errorf("on %s: window %d, want %d", tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
	if got := compliance.ThresholdsOn(vs[:1], day(2030, 1, 1)); !got.Shipped() {
		t.Errorf("without stored versions: %+v, want the shipped defaults", got)
	}
}

func TestConfigChanges(t *testing.T) {
	old := compliance.DefaultConfig()
	c := old
	c.WindowMonths, c.FeeMinGap = 12, 2_000_000*money.Rupiah
	got := strings.Join(c.Changes(old), "; ")
	if want := "window_months 24 → 12; fee_min_gap_sen 100000000 → 200000000"; got != want {
		t.Errorf("Changes = %q, want %q", got, want)
	}
}

// The job uses the version in force on the run's day and records it: a
// listing no property matches is flagged under the shipped minimum
// shortfall, not under a stored version raising it, and a version from a
// later day does not apply yet.
func TestJobUsesThresholdsInForce(t *testing.T) {
	db := storagetest.SQLite(t)
	var mu sync.Mutex
	clock := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), registration.OpenPolicy(), now, compliance.Config{})
	ctx := actor.With(context.Background(), actor.SystemActor("test"))
	_, err := engine.Ingest(ctx, compliance.Delivery{Source: "Airbnb PJAP feed 01", Channel: "api", Inputs: []compliance.RecordInput{
		{FeedID: "A1", ListingID: "L1", ListingName: "Villa Batu", DistrictCode: "510306", CheckIn: "2026-10-01", CheckOut: "2026-10-11", GrossIDR: "62000000", PayoutCountry: "AUS"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	raised := func(wantFrom time.Time) int64 {
		t.Helper()
		r, err := engine.Match(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := engine.RunByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !stored.Thresholds.From.Equal(wantFrom) || stored.Thresholds.Config.WindowMonths == 0 {
			t.Errorf("run %d recorded %+v, want the version from %v", r.ID, stored.Thresholds, wantFrom)
		}
		return r.FlagsRaised
	}
	if n := raised(time.Time{}); n != 1 {
		t.Fatalf("under the shipped thresholds: %d flags, want 1", n)
	}
	high := valid()
	high.From, high.Config.MinShortfall = day(2026, 11, 25), 1_000_000_000*money.Rupiah
	if _, err := engine.AddThresholds(ctx, high); err != nil {
		t.Fatal(err)
	}
	entries, err := db.Audit().List(context.Background(), audit.Filter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range entries {
		if e.Action == string(compliance.ActConfigure) {
			details = append(details, e.Detail)
		}
	}
	if want := "thresholds from 2026-11-25: min_shortfall_sen 10000000 → 100000000000; reason: " + high.Reason; len(details) != 1 || details[0] != want {
		t.Errorf("audit details %q, want [%q]", details, want)
	}
	if n := raised(time.Time{}); n != 1 {
		t.Errorf("before the version's first day: %d flags, want 1", n)
	}
	mu.Lock()
	clock = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC) // 2026-11-25 01:00 WIB
	mu.Unlock()
	if n := raised(high.From); n != 0 {
		t.Errorf("under a minimum shortfall of Rp 1 billion: %d flags, want 0", n)
	}
	vs, inForce, err := engine.ThresholdVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || !vs[0].Shipped() || !inForce.From.Equal(high.From) || inForce.RecordedBy == "" {
		t.Errorf("versions %+v, in force %+v", vs, inForce)
	}
	again := high
	again.Reason = "a correction"
	if _, err := engine.AddThresholds(ctx, again); !errs.Is(errs.Conflict, err) {
		t.Errorf("a second version of %s: %v, want a Conflict", high.From.Format(time.DateOnly), err)
	}
}

func TestAddThresholdsNeedsOfficer(t *testing.T) {
	db := storagetest.SQLite(t)
	refuse := actor.PolicyFunc(func(_ context.Context, act actor.Action, _ int64) error {
		if act == compliance.ActConfigure {
			return errs.E(errs.Forbidden, "needs officer.compliance")
		}
		return nil
	})
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), refuse, time.Now, compliance.Config{})
	ctx := context.Background()
	if _, err := engine.AddThresholds(ctx, valid()); !errs.Is(errs.Forbidden, err) {
		t.Errorf("AddThresholds = %v, want Forbidden", err)
	}
	if _, _, err := engine.ThresholdVersions(ctx); !errs.Is(errs.Forbidden, err) {
		t.Errorf("ThresholdVersions = %v, want Forbidden", err)
	}
}
