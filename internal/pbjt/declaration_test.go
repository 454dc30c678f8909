package pbjt_test

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/google/go-cmp/cmp"
)

func TestMonthsLate(t *testing.T) {
	for _, c := range []struct {
		due, paid time.Time
		want      int
	}{
		{day(2026, 11, 20), day(2026, 11, 19), 0},
		{day(2026, 11, 20), day(2026, 11, 20), 0},
		{day(2026, 11, 20), day(2026, 11, 21), 1},
		{day(2026, 11, 20), day(2026, 12, 20), 1},
		{day(2026, 11, 20), day(2026, 12, 21), 2},
		{day(2026, 11, 20), day(2027, 2, 1), 3},
		{day(2026, 1, 31), day(2026, 2, 28), 1},
		{day(2026, 1, 31), day(2026, 3, 1), 2},
		{day(2026, 2, 28), day(2026, 3, 28), 1},
		{day(2026, 2, 28), day(2026, 3, 30), 2},
	} {
		if got := pbjt.MonthsLate(c.due, c.paid); got != c.want {
			t.Errorf("MonthsLate(%s, %s) = %d, want %d", c.due.Format(time.DateOnly), c.paid.Format(time.DateOnly), got, c.want)
		}
	}
}

func TestTaxOn(t *testing.T) {
	for _, c := range []struct {
		base money.Amount
		rate pbjt.Rate
		want money.Amount
	}{
		{money.Amount(45_000_000_00), 1000, money.Amount(4_500_000_00)},
		{money.Amount(12_345_678_99), 1000, money.Amount(1_234_567_00)}, // 1,234,567.899 drops the sen
		{money.Amount(0), 1000, 0},
		{money.Amount(100_00), 750, money.Amount(7_00)}, // 7.50 rounds down
	} {
		got, err := pbjt.TaxOn(c.base, c.rate)
		if err != nil || got != c.want {
			t.Errorf("TaxOn(%s, %s) = %s, %v; want %s", c.base, c.rate, got, err, c.want)
		}
	}
}

// rule is the unverified default of the Bali regions: 2 % a month, at most
// 24 months, no known fine.
var rule = pbjt.PenaltyRule{
	InterestPerMonth:  pbjt.Value[pbjt.Rate]{Value: 200, Status: pbjt.Unverified},
	InterestMaxMonths: pbjt.Value[int]{Value: 24, Status: pbjt.Unverified},
	LateFilingFine:    pbjt.Value[money.Amount]{Status: pbjt.Unknown},
}

func TestInterestOn(t *testing.T) {
	due := day(2026, 11, 20)
	got, months, ok, err := pbjt.InterestOn(money.Amount(1_000_000_00), due, day(2027, 1, 5), rule)
	if err != nil || !ok || months != 2 || got != money.Amount(40_000_00) {
		t.Errorf("2 months on Rp1.000.000 = %s (%d months, %v, %v), want Rp40.000", got, months, ok, err)
	}
	if _, months, _, _ := pbjt.InterestOn(money.Amount(100), due, day(2030, 1, 1), rule); months != 24 {
		t.Errorf("months = %d, want the cap of 24", months)
	}
	unknown := rule
	unknown.InterestPerMonth = pbjt.Value[pbjt.Rate]{Status: pbjt.Unknown}
	if _, _, ok, _ := pbjt.InterestOn(money.Amount(100), due, day(2027, 1, 1), unknown); ok {
		t.Error("interest computed with an unknown rate")
	}
}

func TestSettle(t *testing.T) {
	due := day(2026, 11, 20)
	rev := func(n int, tax int64, late bool) pbjt.Declaration {
		return pbjt.Declaration{Revision: n, Period: pbjt.Period{Year: 2026, Month: 10}, Tax: money.Amount(tax), PaymentDue: due,
			FilingDue: due, Late: late, Rule: rule}
	}
	pay := func(d time.Time, amount int64) pbjt.Payment {
		return pbjt.Payment{PaidOn: d, Amount: money.Amount(amount)}
	}
	type result struct {
		TaxPaid, TaxUnpaid, Interest, PenaltyPaid, Outstanding, Overpaid money.Amount
		Lines                                                            []pbjt.InterestLine
		State                                                            pbjt.MonthState
	}
	for _, c := range []struct {
		name string
		revs []pbjt.Declaration
		pays []pbjt.Payment
		asOf time.Time
		want result
	}{{
		name: "unpaid before the deadline",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false)},
		asOf: day(2026, 11, 15),
		want: result{TaxUnpaid: 1_000_000_00, Outstanding: 1_000_000_00, State: pbjt.Filed,
			Lines: []pbjt.InterestLine{{Amount: 1_000_000_00, Until: day(2026, 11, 15), Unpaid: true}}},
	}, {
		name: "paid on time",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false)},
		pays: []pbjt.Payment{pay(day(2026, 11, 18), 1_000_000_00)},
		asOf: day(2027, 3, 1),
		want: result{TaxPaid: 1_000_000_00, State: pbjt.Paid, Lines: []pbjt.InterestLine{{Amount: 1_000_000_00, Until: day(2026, 11, 18)}}},
	}, {
		name: "partly paid on time, the rest three months late",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false)},
		pays: []pbjt.Payment{pay(day(2026, 11, 18), 400_000_00)},
		asOf: day(2027, 2, 21),
		want: result{TaxPaid: 400_000_00, TaxUnpaid: 600_000_00, Interest: 48_000_00, Outstanding: 648_000_00, State: pbjt.Late,
			Lines: []pbjt.InterestLine{{Amount: 400_000_00, Until: day(2026, 11, 18)},
				{Amount: 600_000_00, Until: day(2027, 2, 21), Unpaid: true, Months: 4, Interest: 48_000_00}}},
	}, {
		name: "filed late, paid a day late with the interest",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, true)},
		pays: []pbjt.Payment{pay(day(2026, 11, 21), 1_020_000_00)},
		asOf: day(2026, 11, 24),
		want: result{TaxPaid: 1_000_000_00, Interest: 20_000_00, PenaltyPaid: 20_000_00, State: pbjt.Paid,
			Lines: []pbjt.InterestLine{{Amount: 1_000_000_00, Until: day(2026, 11, 21), Months: 1, Interest: 20_000_00}}},
	}, {
		name: "an amendment's extra tax carries interest from the original deadline",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false), rev(1, 1_500_000_00, false)},
		pays: []pbjt.Payment{pay(day(2026, 11, 20), 1_000_000_00)},
		asOf: day(2027, 1, 10),
		want: result{TaxPaid: 1_000_000_00, TaxUnpaid: 500_000_00, Interest: 20_000_00, Outstanding: 520_000_00, State: pbjt.Late,
			Lines: []pbjt.InterestLine{{Amount: 1_000_000_00, Until: day(2026, 11, 20)},
				{Revision: 1, Amount: 500_000_00, Until: day(2027, 1, 10), Unpaid: true, Months: 2, Interest: 20_000_00}}},
	}, {
		name: "a lower amendment leaves an overpayment",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false), rev(1, 800_000_00, false)},
		pays: []pbjt.Payment{pay(day(2026, 11, 19), 1_000_000_00)},
		asOf: day(2026, 12, 1),
		want: result{TaxPaid: 800_000_00, Overpaid: 200_000_00, State: pbjt.Paid,
			Lines: []pbjt.InterestLine{{Amount: 800_000_00, Until: day(2026, 11, 19)}}},
	}, {
		name: "payments after the day are left out",
		revs: []pbjt.Declaration{rev(0, 1_000_000_00, false)},
		pays: []pbjt.Payment{pay(day(2026, 12, 5), 1_000_000_00)},
		asOf: day(2026, 11, 30),
		want: result{TaxUnpaid: 1_000_000_00, Interest: 20_000_00, Outstanding: 1_020_000_00, State: pbjt.Late,
			Lines: []pbjt.InterestLine{{Amount: 1_000_000_00, Until: day(2026, 11, 30), Unpaid: true, Months: 1, Interest: 20_000_00}}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			a, err := pbjt.Settle(c.revs, c.pays, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			got := result{a.TaxPaid, a.TaxUnpaid, a.Interest, a.PenaltyPaid, a.Outstanding, a.Overpaid, a.Lines, a.State()}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Settle (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPenaltyRuleString(t *testing.T) {
	want := "interest 2 % a month or part of a month on tax paid late, at most 24 months (unverified); late filing fine not known"
	if got := rule.String(); got != want {
		t.Errorf("String() = %q\nwant %q", got, want)
	}
}

func TestParseRevision(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"0", 0, true}, {"2", 2, true}, {"-1", 0, false}, {"r1", 0, false}, {"", 0, false}} {
		got, err := pbjt.ParseRevision(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseRevision(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && errs.KindOf(err) != errs.NotFound {
			t.Errorf("ParseRevision(%q): kind %v, want NotFound", tt.in, errs.KindOf(err))
		}
	}
}
