package compliance

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// lateMonths counts the months from due to asOf, a part of a month
// counting as a whole one (UU KUP; assumed for regional tax, doc/pbjt.md),
// capped at max; zero when asOf is not after due.
func lateMonths(due, asOf time.Time, max int) int {
	if !asOf.After(due) {
		return 0
	}
	m := (asOf.Year()-due.Year())*12 + int(asOf.Month()) - int(due.Month())
	if asOf.Day() > due.Day() {
		m++
	}
	if m < 1 {
		m = 1
	}
	if max > 0 && m > max {
		m = max
	}
	return m
}

// taxOn applies a rate in basis points to a base, rounding down to the
// whole rupiah as regional tax bills are in whole rupiah; an estimate
// never claims more than is due.
func taxOn(base money.Amount, bp int64) (money.Amount, error) {
	return money.MulRat(base, bp, 10000, money.DownToRupiah)
}

// estimatePBJT fills the tax, interest and surcharge of one period's
// undeclared base under the region's configuration v in force in the
// period: the shortfall is the base at the region's rate; the voluntary
// figure is the region's interest on late payment from the payment due
// day to asOf (the taxpayer corrects and pays now); the after-audit figure
// is that interest plus the SKPDKB surcharge (PBJTAuditSurcharges). It
// returns the rule text used, for the explanation.
func estimatePBJT(e *PeriodEstimate, undeclared money.Amount, v pbjt.Version, asOf time.Time) (string, error) {
	if !v.Rate.Known() {
		return fmt.Sprintf("the PBJT rate of %s is not known, so no tax is estimated", v.Name()), nil
	}
	e.Rate = int64(v.Rate.Value)
	var err error
	if e.Shortfall, err = taxOn(undeclared, int64(v.Rate.Value)); err != nil {
		return "", err
	}
	p, perr := parsePeriod(e.Period)
	if perr != nil {
		return "", perr
	}
	rule := fmt.Sprintf("%s: rate %s (%s, %s)", v.Name(), v.Rate.Value, v.Rate.Status, v.Rate.Source)
	if !v.InterestPerMonth.Known() {
		return rule + "; its interest on late payment is not known, so no penalty is estimated", nil
	}
	due, derr := v.PaymentDue(p)
	if derr != nil {
		return rule + "; its payment deadline is not known, so no penalty is estimated", nil
	}
	max := 0
	if v.InterestMaxMonths.Known() {
		max = v.InterestMaxMonths.Value
	}
	e.Months = lateMonths(due, asOf, max)
	interest, err := money.MulRat(e.Shortfall, int64(v.InterestPerMonth.Value)*int64(e.Months), 10000, money.DownToRupiah)
	if err != nil {
		return "", err
	}
	s := sanctionOn(PBJTAuditSurcharges, due)
	surcharge, err := taxOn(e.Shortfall, s.BP)
	if err != nil {
		return "", err
	}
	e.PenaltyVoluntary = interest
	if e.PenaltyAudit, err = interest.Add(surcharge); err != nil {
		return "", err
	}
	e.Due = due
	rule += fmt.Sprintf("; voluntary correction: interest %s a month from the payment deadline, a part of a month counting whole (%s, %s); after audit (SKPDKB): the same interest plus %s (%s, %s)",
		v.InterestPerMonth.Value, v.InterestPerMonth.Status, v.InterestPerMonth.Source, pbjt.Rate(s.BP), s.Status, s.Source)
	return rule, nil
}

// estimateFee fills the withholding not done on an unmatched fee paid in
// period p: the tax at FeeWithholdingRate, due on the 15th of the next
// month (PMK 81/2024 Pasal 94(2)); voluntary: T1 interest; after audit:
// T3 interest plus the Pasal 13(3) surcharge.
func estimateFee(e *PeriodEstimate, unmatched money.Amount, asOf time.Time) (string, error) {
	p, err := parsePeriod(e.Period)
	if err != nil {
		return "", err
	}
	n := p.Next()
	due := time.Date(n.Year, n.Month, 15, 0, 0, 0, 0, time.UTC)
	rate := sanctionOn(FeeWithholdingRate, due)
	e.Rate = rate.BP
	if e.Shortfall, err = taxOn(unmatched, rate.BP); err != nil {
		return "", err
	}
	e.Months, e.Due = lateMonths(due, asOf, 24), due
	vi := sanctionOn(FeeVoluntaryInterest, asOf)
	ai := sanctionOn(FeeAuditInterest, asOf)
	su := sanctionOn(FeeAuditSurcharge, due)
	if e.PenaltyVoluntary, err = money.MulRat(e.Shortfall, vi.BP*int64(e.Months), 10000, money.DownToRupiah); err != nil {
		return "", err
	}
	audit, err := money.MulRat(e.Shortfall, ai.BP*int64(e.Months), 10000, money.DownToRupiah)
	if err != nil {
		return "", err
	}
	sur, err := taxOn(e.Shortfall, su.BP)
	if err != nil {
		return "", err
	}
	if e.PenaltyAudit, err = audit.Add(sur); err != nil {
		return "", err
	}
	return fmt.Sprintf("withholding %s (%s), due on the 15th of the next month (PMK 81/2024 Pasal 94(2)); voluntary: %s a month (%s); after audit: %s a month (%s) plus %s (%s, %s)",
		pbjt.Rate(rate.BP), rate.Source, pbjt.Rate(vi.BP), vi.Source, pbjt.Rate(ai.BP), ai.Source, pbjt.Rate(su.BP), su.Status, su.Source), nil
}

// parsePeriod reads "2026-10".
func parsePeriod(s string) (pbjt.Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return pbjt.Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	return pbjt.PeriodOf(t), nil
}

// monthsText lists each period's deadline and months of interest:
// ". Per month: 2026-08 due 2026-09-20, 3 months of interest; …", to
// follow a sentence without its full stop.
func monthsText(ps []PeriodEstimate) string {
	var parts []string
	for _, p := range ps {
		if !p.Due.IsZero() {
			parts = append(parts, fmt.Sprintf("%s due %s, %d months of interest", p.Period, p.Due.Format(time.DateOnly), p.Months))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ". Per month: " + strings.Join(parts, "; ") + "."
}

// sumEstimates totals the periods into the flag.
func sumEstimates(f *Flag) error {
	var err error
	f.Shortfall, f.PenaltyVoluntary, f.PenaltyAudit = 0, 0, 0
	for _, e := range f.Periods {
		if f.Shortfall, err = f.Shortfall.Add(e.Shortfall); err != nil {
			return err
		}
		if f.PenaltyVoluntary, err = f.PenaltyVoluntary.Add(e.PenaltyVoluntary); err != nil {
			return err
		}
		if f.PenaltyAudit, err = f.PenaltyAudit.Add(e.PenaltyAudit); err != nil {
			return err
		}
	}
	if len(f.Periods) > 0 {
		f.PeriodFrom, f.PeriodTo = f.Periods[0].Period, f.Periods[len(f.Periods)-1].Period
	}
	return nil
}
