package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/storage"
)

const complianceUsage = `
Usage: coretax compliance import FILE --source NAME [--data DIR] [--database-url URL]
       coretax compliance match [--data DIR] [--database-url URL]
       coretax compliance thresholds [add ...] [--data DIR] [--database-url URL]

import stores the third-party records of a CSV file (the columns of
doc/compliance.md: source_record_id, listing_id, district_code, host_nik,
check_in, check_out, gross_idr, commission_idr, payout_idr, payout_country,
...) append-only under the source NAME, who sent them and its feed id
("Airbnb PJAP feed 01"). Every row's result is printed; the exit status is 1
when any row was rejected.

match runs the matching job over all third-party records, properties,
declarations and expense claims now, stores its flags (superseding the open
flags of the same rule and subject) and prints them with their estimates,
under the thresholds in force today.

thresholds lists the versions of the thresholds and, with add, records a
new one (coretax compliance thresholds --help).

Example:
  coretax compliance import airbnb-2026-10.csv --source "Airbnb PJAP feed 01"
  coretax compliance match
`

// newCompliance returns the compliance engine with the default
// thresholds as the shipped version; versions officers added take
// precedence from their first day.
func newCompliance(db *storage.DB, policy actor.Policy) *compliance.Service {
	return compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), policy, time.Now, compliance.DefaultConfig())
}

func runCompliance(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("compliance", complianceUsage)
	source := fs.String("source", "", "who sent the records and its feed id, e.g. \"Airbnb PJAP feed 01\"")
	sf := a.addStorageFlags(fs)
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use import, match or thresholds"}
	}
	sub := args[0]
	switch sub {
	case "thresholds":
		return runComplianceThresholds(ctx, a, args[1:])
	case "import", "match":
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use import, match or thresholds", sub)}
	}
	operands, err := a.parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	var file []byte
	if sub == "import" {
		if len(operands) != 1 {
			return &usageError{msg: fmt.Sprintf("give exactly one FILE; got %d arguments", len(operands))}
		}
		if strings.TrimSpace(*source) == "" {
			return &usageError{msg: "missing --source: name who sent the records, e.g. --source \"Airbnb PJAP feed 01\""}
		}
		if file, err = os.ReadFile(operands[0]); err != nil {
			return err
		}
	} else if len(operands) != 0 {
		return &usageError{msg: fmt.Sprintf("match takes no arguments; got %d", len(operands))}
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	engine := newCompliance(db, newPolicy(db, time.Now))
	ctx = actor.With(ctx, actor.SystemActor("compliance-cli:"+osUser()))
	w := &errWriter{w: a.stdout}
	if sub == "import" {
		ins, lines, err := compliance.ReadCSV(strings.NewReader(string(file)))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(file)
		name := filepath.Base(operands[0])
		b, err := engine.Ingest(ctx, compliance.Delivery{Source: *source, Channel: "cli", FileName: name, SHA256: hex.EncodeToString(sum[:]), Inputs: ins, Rows: lines})
		if err != nil {
			return err
		}
		for _, r := range b.Results {
			if r.Rejected() {
				w.printf("%s:%d: error: %s %q: %s\n", name, r.Row, r.Field, r.Value, r.Message)
			} else {
				w.printf("%s:%d: record %d (%s)\n", name, r.Row, r.RecordID, r.FeedID)
			}
		}
		w.printf("batch %d from %q: %d rows, %d stored, %d rejected\n", b.ID, b.Source, b.Rows, b.Accepted, b.Rejected)
		if w.err != nil {
			return w.err
		}
		if b.Rejected > 0 {
			return &exitError{code: 1}
		}
		return nil
	}
	run, err := engine.Match(ctx)
	if err != nil {
		return err
	}
	w.printf("run %d: %d records of %d listings read in %s; %d flags raised, %d earlier flags superseded\n", run.ID, run.RecordsRead, run.Listings,
		run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond), run.FlagsRaised, run.FlagsSuperseded)
	q := compliance.FlagQuery{RunID: run.ID, Limit: 500}
	for {
		page, err := engine.Flags(ctx, q)
		if err != nil {
			return err
		}
		for _, f := range page.Flags {
			w.printf("flag %d %s %s region %s %s..%s confidence %d%%: shortfall %s, voluntary %s, after audit %s\n", f.ID, f.Rule, f.Subject,
				f.Regency, f.PeriodFrom, f.PeriodTo, f.Confidence, f.Shortfall.Display(), f.PenaltyVoluntary.Display(), f.PenaltyAudit.Display())
		}
		if page.Next == 0 {
			break
		}
		q.After = page.Next
	}
	return w.err
}
