package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
)

const complianceThresholdsUsage = `
Usage: coretax compliance thresholds [--data DIR] [--database-url URL]
       coretax compliance thresholds add --from YYYY-MM-DD --reason TEXT [--NAME VALUE ...] [--data DIR] [--database-url URL]

Without add, prints every version of the compliance engine's thresholds,
the shipped defaults first, and marks the one in force today.

add records a new version in force from --from (doc/compliance.md,
"Thresholds"). Values not given are those of the version in force the day
before --from; each is given under its API name with dashes:
--window-months, --min-shortfall-sen, --net-min-share-bp,
--net-payout-tolerance-bp, --offshore-cover-bp, --nominee-max-share-bp,
--nominee-min-gross-sen, --fee-tolerance-bp, --fee-min-gap-sen,
--max-evidence. Amounts are in sen (Rp 1 = 100 sen), shares in basis points.

Example:
  coretax compliance thresholds add --from 2027-01-01 --reason "SE-05/PJ/2026" --min-shortfall-sen 25000000
`

// runComplianceThresholds lists or adds versions of the thresholds.
func runComplianceThresholds(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("compliance thresholds", complianceThresholdsUsage)
	from := fs.String("from", "", "first day the version is in force, YYYY-MM-DD")
	reason := fs.String("reason", "", "why the thresholds change")
	given := map[string]int64{}
	for _, th := range compliance.ThresholdNames {
		name := strings.ReplaceAll(th.Name, "_", "-")
		fs.Func(name, th.What+" ("+th.Unit+")", func(v string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			given[th.Name] = n
			return nil
		})
	}
	sf := a.addStorageFlags(fs)
	operands, err := a.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	add := len(operands) == 1 && operands[0] == "add"
	if len(operands) > 0 && !add {
		return &usageError{msg: fmt.Sprintf("unknown arguments %q; use thresholds or thresholds add", strings.Join(operands, " "))}
	}
	var day time.Time
	if add {
		if *from == "" || strings.TrimSpace(*reason) == "" {
			return &usageError{msg: "add needs --from YYYY-MM-DD and --reason TEXT"}
		}
		if day, err = time.Parse(time.DateOnly, *from); err != nil {
			return &usageError{msg: fmt.Sprintf("--from %q is not a day; write YYYY-MM-DD, e.g. 2027-01-01", *from)}
		}
	} else if len(given) > 0 || *from != "" || *reason != "" {
		return &usageError{msg: "--from, --reason and the values go with add: coretax compliance thresholds add ..."}
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	engine := newCompliance(db, newPolicy(db, time.Now))
	ctx = actor.With(ctx, actor.SystemActor("compliance-cli:"+osUser()))
	w := &errWriter{w: a.stdout}
	vs, inForce, err := engine.ThresholdVersions(ctx)
	if err != nil {
		return err
	}
	if add {
		base := compliance.ThresholdsOn(vs, day.AddDate(0, 0, -1)).Config.Values()
		for i, th := range compliance.ThresholdNames {
			if v, ok := given[th.Name]; ok {
				base[i] = v
			}
		}
		t, err := engine.AddThresholds(ctx, compliance.Thresholds{From: day, Reason: *reason, Config: configOf(base)})
		if err != nil {
			return err
		}
		w.printf("thresholds from %s recorded\n", t.From.Format(time.DateOnly))
		printThresholds(w, t)
		return w.err
	}
	for _, t := range vs {
		mark := ""
		if t.From.Equal(inForce.From) {
			mark = " (in force)"
		}
		if t.Shipped() {
			w.printf("shipped%s: %s\n", mark, t.Reason)
		} else {
			w.printf("from %s%s, recorded by %s at %s: %s\n", t.From.Format(time.DateOnly), mark, t.RecordedBy, t.RecordedAt.Format(time.RFC3339), t.Reason)
		}
		printThresholds(w, t)
	}
	return w.err
}

func printThresholds(w *errWriter, t compliance.Thresholds) {
	values := t.Config.Values()
	for i, th := range compliance.ThresholdNames {
		w.printf("  %-24s %s\n", th.Name, compliance.FormatThreshold(th.Unit, values[i]))
	}
}

// configOf builds a configuration from values in the order of
// compliance.ThresholdNames.
func configOf(v []int64) compliance.Config {
	return compliance.Config{WindowMonths: int(v[0]), MinShortfall: money.Amount(v[1]), NetMinShare: v[2], NetPayoutTolerance: v[3],
		OffshoreCover: v[4], NomineeMaxShare: v[5], NomineeMinGross: money.Amount(v[6]), FeeTolerance: v[7], FeeMinGap: money.Amount(v[8]),
		MaxEvidence: int(v[9])}
}
