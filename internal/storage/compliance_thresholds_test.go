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

func TestComplianceThresholds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Compliance()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		cfg := compliance.DefaultConfig()
		cfg.ChunkSize = 0
		cfg.MinShortfall = 250_000 * money.Rupiah
		cfg.WindowMonths = 12
		later := compliance.Thresholds{From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Config: cfg, Reason: "SE-05/PJ/2026 narrows the review",
			RecordedAt: at, RecordedBy: "officer:7"}
		earlier := later
		earlier.From, earlier.Reason = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "pilot"
		earlier.Config.MaxEvidence = 5
		e := audit.Entry{At: at, Actor: "officer:7", AccountID: 7, Action: "compliance.configure", Detail: "thresholds from 2027-01-01"}
		for _, v := range []compliance.Thresholds{later, earlier} {
			if err := s.AddThresholds(ctx, v, e); err != nil {
				t.Fatal(err)
			}
		}
		again := later
		again.Reason = "a correction of the same day"
		if err := s.AddThresholds(ctx, again, e); !errs.Is(errs.Conflict, err) {
			t.Errorf("a second version of 2027-01-01: %v, want a Conflict", err)
		}
		got, err := s.ThresholdVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]compliance.Thresholds{earlier, later}, got); d != "" {
			t.Errorf("versions, oldest first (-want +got):\n%s", d)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{AccountID: 7, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Errorf("audit entries: %d, want 2 (the conflicting version writes none)", len(entries))
		}

		// A run records the version it used; one without thresholds
		// (as before migration 0024) reads back with none.
		r := compliance.Run{Status: compliance.RunQueued, StartedBy: "officer:7", CreatedAt: at, Thresholds: compliance.Thresholds{From: later.From, Config: cfg}}
		if err := s.CreateRun(ctx, &r, audit.Entry{At: at, Actor: "officer:7", Action: "compliance.run"}); err != nil {
			t.Fatal(err)
		}
		shipped := compliance.Run{Status: compliance.RunQueued, StartedBy: "officer:7", CreatedAt: at, Thresholds: compliance.Thresholds{Config: cfg}}
		if err := s.CreateRun(ctx, &shipped, audit.Entry{At: at, Actor: "officer:7", Action: "compliance.run"}); err != nil {
			t.Fatal(err)
		}
		bare := compliance.Run{Status: compliance.RunQueued, StartedBy: "officer:7", CreatedAt: at}
		if err := s.CreateRun(ctx, &bare, audit.Entry{At: at, Actor: "officer:7", Action: "compliance.run"}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []compliance.Run{r, shipped, bare} {
			got, err := s.Run(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want.Thresholds, got.Thresholds); d != "" {
				t.Errorf("run %d thresholds (-want +got):\n%s", want.ID, d)
			}
		}
		runs, err := s.Runs(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 3 || runs[len(runs)-1].Thresholds.From != later.From {
			t.Errorf("Runs: %+v", runs)
		}
	})
}
