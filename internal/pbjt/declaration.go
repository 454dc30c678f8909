package pbjt

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The monthly declarations (SPTPD) of a property: one per property and
// month, filed with the region the property lies in, on the base of the
// month's bookings (the gross the guests paid, UU 1/2022 Pasal 57), with
// a number and a payment code; amendments (pembetulan) are new revisions
// that keep every earlier one; payments settle the tax, and interest
// accrues on the tax unpaid after the payment deadline
// (doc/pbjt-declarations.md).

// DeclarationStatus says whether a revision is the one in force.
type DeclarationStatus string

// The statuses of a revision, as stored in pbjt_declarations.status.
const (
	// Current is the latest revision of a property's month.
	Current DeclarationStatus = "current"
	// Superseded is a revision an amendment replaced; it stays readable.
	Superseded DeclarationStatus = "superseded"
)

// PenaltyRule is the region's rule on late filing and late payment, as
// configured in the version in force for the period when the declaration
// was filed; the declaration keeps it so that a later change of the
// configuration does not rewrite what was computed.
type PenaltyRule struct {
	// InterestPerMonth is charged on tax paid after the payment deadline,
	// per month or part of a month, for at most InterestMaxMonths.
	InterestPerMonth  Value[Rate]
	InterestMaxMonths Value[int]
	// LateFilingFine is the fine for an original declaration filed after
	// the filing deadline.
	LateFilingFine Value[money.Amount]
}

// RuleOf returns the penalty rule of a region's version.
func RuleOf(v Version) PenaltyRule {
	return PenaltyRule{InterestPerMonth: v.InterestPerMonth, InterestMaxMonths: v.InterestMaxMonths, LateFilingFine: v.LateFilingFine}
}

// String states the rule as a page shows it: "interest 2 % a month or
// part of a month, at most 24 months (unverified); late filing fine not
// known".
func (r PenaltyRule) String() string {
	var parts []string
	if r.InterestPerMonth.Known() && r.InterestMaxMonths.Known() {
		st := "verified"
		if r.InterestPerMonth.Status != Verified || r.InterestMaxMonths.Status != Verified {
			st = "unverified"
		}
		parts = append(parts, fmt.Sprintf("interest %s a month or part of a month on tax paid late, at most %d months (%s)",
			r.InterestPerMonth.Value, r.InterestMaxMonths.Value, st))
	} else {
		parts = append(parts, "interest on late payment not known")
	}
	if r.LateFilingFine.Known() {
		parts = append(parts, fmt.Sprintf("late filing fine %s (%s)", r.LateFilingFine.Value.Display(), r.LateFilingFine.Status))
	} else {
		parts = append(parts, "late filing fine not known")
	}
	return strings.Join(parts, "; ")
}

// Declaration is one revision of a property's declaration of a month.
type Declaration struct {
	ID int64
	// TaxpayerID is the filer: the operator the property is registered
	// to.
	TaxpayerID int64
	PropertyID int64
	// RegencyCode is the region filed with: the property's region,
	// derived from its address.
	RegencyCode string
	Period      Period
	// Revision is 0 for the original, n for the nth amendment.
	Revision int
	// Number is the declaration's number from the region's pattern;
	// PaymentCode the code the tax is paid with, empty when the revision
	// asks for no payment (nil, or an amendment that does not raise the
	// tax).
	Number      string
	PaymentCode string
	// Nil is a declaration of a month without bookings.
	Nil bool
	// Base is the declared base; BookingsGross the PBJT base of the
	// month's bookings when it was filed (MonthTotal.Base), Bookings and
	// Unpriced their counts.
	Base          money.Amount
	BookingsGross money.Amount
	Bookings      int
	Unpriced      int
	// Rate is the region's rate and Tax = TaxOn(Base, Rate).
	Rate Rate
	Tax  money.Amount
	// PriorTax is the tax of the revision amended (0 for an original);
	// Overpayment is what had been paid beyond the new, lower tax when an
	// amendment lowered it.
	PriorTax    money.Amount
	Overpayment money.Amount
	// Reason is the owner's note: why the base differs from the
	// bookings, or what an amendment corrects.
	Reason string
	// FiledOn is the day (WIB) the revision was filed; FilingDue and
	// PaymentDue the period's deadlines. Late is true when an original
	// was filed after FilingDue; Fine is then the late filing fine, when
	// the region's fine is known.
	FiledOn    time.Time
	FilingDue  time.Time
	PaymentDue time.Time
	Late       bool
	Fine       money.Amount
	// RegionFrom, Office and Layout name the region's version the
	// revision was filed under; Rule is its penalty rule.
	RegionFrom time.Time
	Office     string
	Layout     string
	Rule       PenaltyRule
	Status     DeclarationStatus
	FiledBy    string
	FiledAt    time.Time
}

// Difference is the declared base minus the bookings' gross: negative
// when the declaration declares less than the bookings show.
func (d Declaration) Difference() money.Amount { return d.Base - d.BookingsGross }

// Warnings are what a page shows beside a declaration: a base that
// differs from the bookings' gross, bookings without a guest price.
func (d Declaration) Warnings() []string {
	return baseWarnings(d.Base, d.BookingsGross, d.Unpriced)
}

func baseWarnings(base, gross money.Amount, unpriced int) []string {
	var out []string
	if diff := base - gross; diff != 0 {
		dir := "above"
		if diff < 0 {
			dir = "below"
			diff = -diff
		}
		out = append(out, fmt.Sprintf("the declared base %s is %s %s the gross of the month's bookings, %s: the region compares declarations with what booking channels and payment providers report",
			base.Display(), diff.Display(), dir, gross.Display()))
	}
	if unpriced > 0 {
		out = append(out, fmt.Sprintf("%d booking(s) of the month have no guest price (calendar blocks, reservations without earnings); import or enter their gross", unpriced))
	}
	return out
}

// TaxOn returns the PBJT on base at rate: base × rate, rounded down to a
// whole rupiah. UU 1/2022 Pasal 58 sets tax = base × rate and no Bali
// Perda's rounding was read (local-tax-bali.md §7); the tax is paid in
// whole rupiah, and coretax drops the sen as it does for PPh withheld
// (money.DownToRupiah, pph21.md §5: unsure). Unverified; see
// doc/pbjt-declarations.md.
func TaxOn(base money.Amount, rate Rate) (money.Amount, error) {
	return money.MulRat(base, int64(rate), 10000, money.DownToRupiah)
}

// MonthsLate returns the months or parts of a month from the day after
// due to paid: 0 when paid on or before due; a day late is one month, one
// month and a day late two. A month after the 31st ends on the last day
// of a shorter month.
func MonthsLate(due, paid time.Time) int {
	if !paid.After(due) {
		return 0
	}
	m := (paid.Year()-due.Year())*12 + int(paid.Month()) - int(due.Month())
	// The day of the month `m` months after due, clamped to that month's
	// length: paid beyond it starts another month.
	anchor := time.Date(due.Year(), due.Month()+time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d := due.Day(); d < anchor {
		anchor = d
	}
	if paid.Day() > anchor {
		m++
	}
	return m
}

// InterestOn returns the interest on amount paid on day paid against the
// deadline due under rule: amount × rate × months, the months capped at
// the rule's maximum, rounded down to a whole rupiah like the tax
// (TaxOn). ok is false when the region's interest is not known.
func InterestOn(amount money.Amount, due, paid time.Time, rule PenaltyRule) (interest money.Amount, months int, ok bool, err error) {
	if !rule.InterestPerMonth.Known() || !rule.InterestMaxMonths.Known() {
		return 0, 0, false, nil
	}
	months = min(MonthsLate(due, paid), rule.InterestMaxMonths.Value)
	if months == 0 || amount <= 0 {
		return 0, months, true, nil
	}
	interest, err = money.MulRat(amount, int64(rule.InterestPerMonth.Value)*int64(months), 10000, money.DownToRupiah)
	return interest, months, true, err
}

// Payment is a payment of a property's month, recorded with the receipt
// the bank or the region gave (NTPD, bukti setor).
type Payment struct {
	ID         int64
	PropertyID int64
	Period     Period
	// DeclarationID is the revision current when the payment was
	// recorded.
	DeclarationID int64
	PaidOn        time.Time
	Amount        money.Amount
	Receipt       string
	RecordedBy    string
	RecordedAt    time.Time
}

// InterestLine is the interest on one part of the tax: the part of a
// revision's tax paid on a day, or still unpaid on the account's day.
type InterestLine struct {
	// Revision is the revision whose tax (an original's, or the extra of
	// an amendment) the part is.
	Revision int
	Amount   money.Amount
	// Until is the payment day, or the account's day when Unpaid.
	Until    time.Time
	Unpaid   bool
	Months   int
	Interest money.Amount
}

// Account is a property's month on a day: its revisions, its payments,
// and what remains to pay. A payment settles the tax of the revisions
// filed by its day (the original's before an amendment's extra), then the
// interest and the fine owed so far, then the tax of later revisions;
// interest accrues on tax unpaid after the payment deadline, from that
// deadline (an amendment's extra tax from the original deadline too, as
// UU KUP Pasal 8(2) does for central taxes; doc/pbjt-declarations.md).
type Account struct {
	Period    Period
	AsOf      time.Time
	Revisions []Declaration // oldest first
	Payments  []Payment     // by payment day
	Tax       money.Amount  // the current revision's tax
	TaxPaid   money.Amount
	TaxUnpaid money.Amount
	Interest  money.Amount
	Lines     []InterestLine
	// InterestKnown is false when the region's interest rule is not
	// known: Interest is then 0 and the page says so.
	InterestKnown bool
	Fine          money.Amount
	FineKnown     bool
	// PenaltyPaid is what payments settled beyond the tax.
	PenaltyPaid money.Amount
	// Outstanding is what remains to pay; Overpaid what was paid beyond
	// everything owed (after an amendment lowered the tax).
	Outstanding money.Amount
	Overpaid    money.Amount
}

// Current returns the revision in force.
func (a Account) Current() Declaration { return a.Revisions[len(a.Revisions)-1] }

// Original returns revision 0.
func (a Account) Original() Declaration { return a.Revisions[0] }

// Paid reports whether nothing remains to pay.
func (a Account) Paid() bool { return a.Outstanding == 0 }

// Settle computes the account of one property's month on day asOf from
// its revisions (oldest first) and payments; payments after asOf are left
// out.
func Settle(revs []Declaration, pays []Payment, asOf time.Time) (Account, error) {
	if len(revs) == 0 {
		return Account{}, fmt.Errorf("settle: no declaration")
	}
	orig, cur := revs[0], revs[len(revs)-1]
	a := Account{Period: orig.Period, AsOf: asOf, Revisions: revs, Tax: cur.Tax}
	// Layers of tax: the original's, then the extra of each amendment; a
	// lower amendment takes from the newest layers.
	type layer struct {
		rev    int
		amount money.Amount
	}
	var layers []layer
	prior := money.Amount(0)
	for _, r := range revs {
		switch delta := r.Tax - prior; {
		case delta > 0:
			layers = append(layers, layer{r.Revision, delta})
		case delta < 0:
			cut := -delta
			for i := len(layers) - 1; i >= 0 && cut > 0; i-- {
				take := min(cut, layers[i].amount)
				layers[i].amount -= take
				cut -= take
			}
		}
		prior = r.Tax
	}
	rule, due := cur.Rule, orig.PaymentDue
	_, _, a.InterestKnown, _ = InterestOn(0, due, due, rule)
	a.FineKnown = rule.LateFilingFine.Known() || !orig.Late
	a.Fine = orig.Fine
	var extra money.Amount
	for _, p := range pays {
		if p.PaidOn.After(asOf) {
			continue
		}
		a.Payments = append(a.Payments, p)
	}
	slices.SortStableFunc(a.Payments, func(x, y Payment) int { return x.PaidOn.Compare(y.PaidOn) })
	// take pays up to left of the unpaid layers of the revisions filedBy
	// accepts, oldest first, with the interest of each part paid on day.
	take := func(left money.Amount, day time.Time, filedBy func(rev int) bool) (money.Amount, error) {
		for i := range layers {
			if left == 0 {
				break
			}
			l := &layers[i]
			if l.amount == 0 || !filedBy(l.rev) {
				continue
			}
			part := min(left, l.amount)
			in, months, _, err := InterestOn(part, due, day, rule)
			if err != nil {
				return left, err
			}
			a.Lines = append(a.Lines, InterestLine{Revision: l.rev, Amount: part, Until: day, Months: months, Interest: in})
			a.Interest += in
			a.TaxPaid += part
			l.amount -= part
			left -= part
		}
		return left, nil
	}
	filedOn := make(map[int]time.Time, len(revs))
	for _, r := range revs {
		filedOn[r.Revision] = r.FiledOn
	}
	for _, p := range a.Payments {
		// A payment settles the tax of the revisions filed by its day,
		// then the interest and fine owed so far; what is left goes to
		// the tax of later revisions, then stands as overpaid.
		left, err := take(p.Amount, p.PaidOn, func(rev int) bool { return !filedOn[rev].After(p.PaidOn) })
		if err != nil {
			return a, err
		}
		pen := min(left, max(a.Interest+a.Fine-a.PenaltyPaid, 0))
		a.PenaltyPaid += pen
		left -= pen
		if left, err = take(left, p.PaidOn, func(int) bool { return true }); err != nil {
			return a, err
		}
		extra += left
	}
	for _, l := range layers {
		if l.amount == 0 {
			continue
		}
		in, months, _, err := InterestOn(l.amount, due, asOf, rule)
		if err != nil {
			return a, err
		}
		a.Lines = append(a.Lines, InterestLine{Revision: l.rev, Amount: l.amount, Until: asOf, Unpaid: true, Months: months, Interest: in})
		a.Interest += in
		a.TaxUnpaid += l.amount
	}
	// Extra left after everything owed at its day pays what accrued since.
	more := min(extra, max(a.Interest+a.Fine-a.PenaltyPaid, 0))
	a.PenaltyPaid += more
	extra -= more
	switch owed := a.TaxUnpaid + a.Interest + a.Fine - a.PenaltyPaid - extra; {
	case owed >= 0:
		a.Outstanding = owed
	default:
		a.Overpaid = -owed
	}
	return a, nil
}

// MonthState is what a property's month shows on the declarations page.
type MonthState string

// The states of a month.
const (
	NotFiled MonthState = "not filed"
	Filed    MonthState = "filed"
	Late     MonthState = "late"
	Paid     MonthState = "paid"
)

// State returns the month's state on the account's day: paid when
// payments settled everything owed; late when the original was filed
// after the filing deadline or tax is unpaid after the payment deadline;
// filed otherwise (a nil month, or tax not yet due).
func (a Account) State() MonthState {
	switch {
	case a.Outstanding == 0 && len(a.Payments) > 0:
		return Paid
	case a.Original().Late, a.TaxUnpaid > 0 && a.AsOf.After(a.Original().PaymentDue):
		return Late
	}
	return Filed
}

// lastDay returns the last day of the period, UTC midnight.
func (p Period) lastDay() time.Time {
	return time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC)
}

// firstDay returns the first day of the period, UTC midnight.
func (p Period) firstDay() time.Time {
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, time.UTC)
}

// ParsePeriod reads "2026-10".
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return Period{}, errs.InvalidFields("the month is not valid", errs.Field("month", s, "is not a month; write YYYY-MM, e.g. 2026-10"))
	}
	return PeriodOf(t), nil
}

// Before reports whether p comes before q.
func (p Period) Before(q Period) bool { return p.Year*12+int(p.Month) < q.Year*12+int(q.Month) }

// ParseRevision reads a revision number as a download's path names it,
// for the API and the pages alike: 0 for the original, 1, 2, ... for
// amendments; anything else is NotFound.
func ParseRevision(s string) (int, error) {
	rev, err := strconv.Atoi(s)
	if err != nil || rev < 0 {
		return 0, errs.Errorf(errs.NotFound, "there is no revision %q; revisions are 0 (the original), 1, 2, ...", s)
	}
	return rev, nil
}
