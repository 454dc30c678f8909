package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// SelfChecker runs the engine's rules on one taxpayer's own data without
// storing anything; the engine checks its own access rule.
type SelfChecker interface {
	SelfCheck(ctx context.Context, npwp string) ([]compliance.Flag, error)
}

// Declarations files amended PBJT declarations; the declarations service
// checks its own access rules and keeps the original.
type Declarations interface {
	// Amend files an amendment of the property's declaration for the
	// period ("2026-10") with base as the corrected base (the gross
	// guests paid), and returns the revision filed.
	Amend(ctx context.Context, npwp string, propertyID int64, period string, base money.Amount, reason string) (Amended, error)
}

// Amended is a filed amendment.
type Amended struct {
	PropertyID int64
	Period     string
	Revision   int
	Base, Tax  money.Amount
}

// WithSelfCheck lets the service serve the self-check and the voluntary
// correction: checker runs the rules, declarations files amendments (nil
// leaves the correction unavailable).
func (s *Service) WithSelfCheck(checker SelfChecker, declarations Declarations) *Service {
	s.selfCheck, s.declarations = checker, declarations
	return s
}

// SelfCheckReport is "what the tax office will see": the engine's
// findings on the taxpayer's own data, with the voluntary and after-audit
// figures side by side.
type SelfCheckReport struct {
	NPWP  string
	Flags []compliance.Flag
	// The totals over the findings.
	Shortfall, PenaltyVoluntary, PenaltyAudit money.Amount
	// Saving is what correcting now saves against an assessment after
	// an audit: PenaltyAudit − PenaltyVoluntary.
	Saving money.Amount
	// Corrections are the amendments a voluntary correction would file.
	Corrections []Correction
	// CanCorrect says whether this server files amendments.
	CanCorrect bool
}

// Correction is one amended declaration a voluntary correction files: a
// property's month whose declared base is below the third-party gross.
type Correction struct {
	FlagID     int64
	Rule       compliance.Rule
	PropertyID int64
	Period     string
	Declared   money.Amount
	// Base is the corrected base: the gross third parties report guests
	// paid (UU 1/2022 Pasal 57: the base is what the consumer pays).
	Base      money.Amount
	Shortfall money.Amount
	// PenaltyVoluntary is the sanction when corrected now.
	PenaltyVoluntary money.Amount
}

// correctable are the rules whose months a declaration amendment
// corrects: the base was declared too low. An undeclared property needs
// its registration first, a wrong region a declaration to the other
// region, a nominee pattern and unwithheld fees another kind of fix; the
// page says so.
var correctable = []compliance.Rule{compliance.NetInsteadOfGross, compliance.OffshorePayout}

// Corrections lists the amendments of flags: one per property and month
// with a base below the third-party gross, the largest gross when two
// flags cover the same month (they describe the same bookings).
func Corrections(flags []compliance.Flag) []Correction {
	var out []Correction
	index := map[string]int{}
	for _, f := range flags {
		if f.PropertyID == 0 || !slices.Contains(correctable, f.Rule) {
			continue
		}
		for _, p := range f.Periods {
			if p.ThirdPartyGross <= p.Declared {
				continue
			}
			c := Correction{FlagID: f.ID, Rule: f.Rule, PropertyID: f.PropertyID, Period: p.Period, Declared: p.Declared,
				Base: p.ThirdPartyGross, Shortfall: p.Shortfall, PenaltyVoluntary: p.PenaltyVoluntary}
			k := fmt.Sprintf("%d/%s", f.PropertyID, p.Period)
			if i, ok := index[k]; ok {
				if c.Base > out[i].Base {
					out[i] = c
				}
				continue
			}
			index[k] = len(out)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Correction) int {
		if a.PropertyID != b.PropertyID {
			return int(a.PropertyID - b.PropertyID)
		}
		return strings.Compare(a.Period, b.Period)
	})
	return out
}

func (s *Service) checker() (SelfChecker, error) {
	if s.selfCheck == nil {
		return nil, errs.E(errs.Unavailable, "the self-check is not served by this server")
	}
	return s.selfCheck, nil
}

// SelfCheck runs the engine's rules on the taxpayer's own data.
func (s *Service) SelfCheck(ctx context.Context, npwp string) (SelfCheckReport, error) {
	chk, err := s.checker()
	if err != nil {
		return SelfCheckReport{}, err
	}
	flags, err := chk.SelfCheck(ctx, npwp)
	if err != nil {
		return SelfCheckReport{}, err
	}
	r := SelfCheckReport{NPWP: npwp, Flags: flags, Corrections: Corrections(flags), CanCorrect: s.declarations != nil}
	for _, f := range flags {
		var e [3]error
		r.Shortfall, e[0] = r.Shortfall.Add(f.Shortfall)
		r.PenaltyVoluntary, e[1] = r.PenaltyVoluntary.Add(f.PenaltyVoluntary)
		r.PenaltyAudit, e[2] = r.PenaltyAudit.Add(f.PenaltyAudit)
		for _, err := range e {
			if err != nil {
				return SelfCheckReport{}, fmt.Errorf("self-check of %s: %w", npwp, err)
			}
		}
	}
	if r.Saving, err = r.PenaltyAudit.Sub(r.PenaltyVoluntary); err != nil {
		return SelfCheckReport{}, err
	}
	return r, nil
}

// Chosen names one month a taxpayer confirmed for correction, with the
// base the confirmation page showed.
type Chosen struct {
	PropertyID int64
	Period     string
	Base       money.Amount
}

// FileCorrection files the chosen amendments. The self-check runs again
// and each chosen month must still be one of its corrections with the
// same base, so that the taxpayer files exactly what was shown; nothing
// is filed when one does not match.
func (s *Service) FileCorrection(ctx context.Context, npwp string, chosen []Chosen) ([]Amended, error) {
	if err := s.Allow(ctx, npwp, ActCorrect); err != nil {
		return nil, err
	}
	if s.declarations == nil {
		return nil, errs.E(errs.Unavailable, "amended declarations are not filed by this server")
	}
	if len(chosen) == 0 {
		return nil, errs.InvalidFields("nothing to correct", errs.Field("months", "", "choose at least one month to correct"))
	}
	r, err := s.SelfCheck(ctx, npwp)
	if err != nil {
		return nil, err
	}
	var fs errs.Fields
	var todo []Correction
	for i, ch := range chosen {
		field := fmt.Sprintf("months[%d]", i)
		k := slices.IndexFunc(r.Corrections, func(c Correction) bool { return c.PropertyID == ch.PropertyID && c.Period == ch.Period })
		switch {
		case k < 0:
			fs.Add(field, fmt.Sprintf("property %d %s", ch.PropertyID, ch.Period), "is not a month the self-check finds to correct (any longer); reload the self-check")
		case r.Corrections[k].Base != ch.Base:
			fs.Add(field, ch.Base.Display(), "the self-check now gives base %s for property %d %s; reload it and confirm again", r.Corrections[k].Base.Display(), ch.PropertyID, ch.Period)
		default:
			todo = append(todo, r.Corrections[k])
		}
	}
	if err := fs.Err("the correction does not match the self-check"); err != nil {
		return nil, err
	}
	reason := "voluntary correction from the self-check by " + actor.From(ctx).String()
	var out []Amended
	for _, c := range todo {
		a, err := s.declarations.Amend(ctx, npwp, c.PropertyID, c.Period, c.Base,
			fmt.Sprintf("%s: %s, third-party gross %s against %s declared", reason, c.Rule, c.Base.Display(), c.Declared.Display()))
		if err != nil {
			return out, fmt.Errorf("amend property %d %s: %w", c.PropertyID, c.Period, err)
		}
		out = append(out, a)
	}
	return out, nil
}
