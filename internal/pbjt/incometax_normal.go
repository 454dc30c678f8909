package pbjt

import (
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/registration"
)

// Normal income tax on the villa business's net income
// (doc/pbjt-income-tax.md): the owner states the year's deductible
// expenses (and, for an individual, the PTKP status); net income is the
// short-stay turnover the view computes less those expenses, and the tax
// is UU PPh Pasal 17(1)(a)'s progressive layers on an individual's net
// income less PTKP, or Pasal 17(1)(b)'s 22 % on an entity's, with Pasal
// 31E's 50 % reduction (local-tax-bali.md §4.2, "Outside PP 55/2022":
// likely).

// ExpenseLine is one named deductible cost of earning the villa income.
type ExpenseLine struct {
	Label  string
	Amount money.Amount
}

// Expenses is the owner's statement of a tax year's deductible expenses;
// each statement is a new version and the latest applies.
type Expenses struct {
	ID         int64
	TaxpayerID int64
	Year       int
	Version    int
	Lines      []ExpenseLine
	// PTKP is the individual's PTKP status ("K/1"); empty for an entity.
	PTKP       string
	Note       string
	RecordedBy string
	RecordedAt time.Time
}

// Total adds up the lines.
func (e Expenses) Total() (money.Amount, error) {
	var t money.Amount
	var err error
	for _, l := range e.Lines {
		if t, err = t.Add(l.Amount); err != nil {
			return 0, err
		}
	}
	return t, nil
}

// roundTaxableIncome rounds taxable income (penghasilan kena pajak) down
// to a whole thousand rupiah: UU PPh Pasal 17(4).
func roundTaxableIncome(a money.Amount) money.Amount {
	return a.Round(money.DownToThousandRupiah)
}

// roundIncomeTax drops the sen of a computed tax: no rule on it was
// found, and whole rupiah is what a payment carries (the practice
// money.DownToRupiah documents for PPh, and finalTax's).
func roundIncomeTax(base money.Amount, num, den int64) (money.Amount, error) {
	return money.MulRat(base, num, den, money.DownToRupiah)
}

// reducedPart is the part of an entity's taxable income that Pasal 31E's
// reduction applies to: taxable income × (the reduction's turnover ÷ the
// turnover), rounded down to the rupiah (coretax's choice; the domain
// notes give no rounding).
func reducedPart(taxable, turnover, reductionTurnover money.Amount) (money.Amount, error) {
	if turnover <= reductionTurnover {
		return taxable, nil
	}
	return money.MulRat(taxable, reductionTurnover.Sen(), turnover.Sen(), money.DownToRupiah)
}

// individualOwner reports whether the taxpayer is taxed as an
// individual (Pasal 17(1)(a)) rather than as an entity.
func individualOwner(t registration.Taxpayer) bool { return t.Kind.Individual() }

// computeNormal fills o with the normal income tax on turnover less the
// stated expenses e. It returns an error only on an impossible amount or
// a table missing for the year.
func computeNormal(p IncomeTaxParams, t registration.Taxpayer, year int, turnover money.Amount, e Expenses, o *Option) error {
	total, err := e.Total()
	if err != nil {
		return err
	}
	o.Steps = append(o.Steps, Step{Label: fmt.Sprintf("Deductible expenses of %d stated by the owner (version %d, %d line(s))", year, e.Version, len(e.Lines)),
		Amount: total, Source: "UU PPh Pasal 6(1): costs of earning, collecting and keeping the income"})
	net := turnover - total
	o.Steps = append(o.Steps, Step{Label: "Net income: turnover less expenses", Amount: net})
	if net < 0 {
		net = 0
		o.Steps = append(o.Steps, Step{Label: "A loss: no tax on this income (the loss carried forward, UU PPh Pasal 6(2), is not computed)", Amount: 0})
	}
	if individualOwner(t) {
		ptkp, src, err := pph21.PTKPFor(year, pph21.Status(e.PTKP))
		if err != nil {
			return err
		}
		o.Steps = append(o.Steps, Step{Label: "PTKP of status " + e.PTKP, Amount: ptkp, Source: src.Law})
		taxable := max(net-ptkp, 0)
		taxable = roundTaxableIncome(taxable)
		o.Steps = append(o.Steps, Step{Label: "Taxable income (PKP), rounded down to a thousand rupiah", Amount: taxable, Source: "UU PPh Pasal 17(4)"})
		r, err := pph21.Article17(year, taxable)
		if err != nil {
			return err
		}
		for _, s := range r.Steps {
			if s.Label == "tax by Pasal 17" {
				continue
			}
			o.Steps = append(o.Steps, Step{Label: s.Label, Amount: s.Amount, Source: s.Source})
		}
		o.Tax = r.Tax
		o.Steps = append(o.Steps, Step{Label: fmt.Sprintf("Income tax of %d on the villa income", year), Amount: r.Tax})
		o.Computed = true
		return nil
	}
	taxable := roundTaxableIncome(net)
	o.Steps = append(o.Steps, Step{Label: "Taxable income (PKP), rounded down to a thousand rupiah", Amount: taxable, Source: "UU PPh Pasal 17(4)"})
	rate := int64(p.EntityRate.Value)
	if turnover <= p.ReductionCeiling.Value {
		part, err := reducedPart(taxable, turnover, p.ReductionTurnover.Value)
		if err != nil {
			return err
		}
		reduced, err := roundIncomeTax(part, rate*int64(p.ReductionShare.Value), 10000*10000)
		if err != nil {
			return err
		}
		rest, err := roundIncomeTax(taxable-part, rate, 10000)
		if err != nil {
			return err
		}
		o.Steps = append(o.Steps,
			Step{Label: fmt.Sprintf("Part of the PKP with the reduction: %s ÷ turnover × PKP (all of it when the turnover is at most that)", p.ReductionTurnover.Value.Display()),
				Amount: part, Source: p.ReductionTurnover.Source},
			Step{Label: fmt.Sprintf("%s × %s × that part", p.ReductionShare.Value, p.EntityRate.Value), Amount: reduced, Source: p.ReductionShare.Source},
			Step{Label: fmt.Sprintf("%s × the rest of the PKP (%s)", p.EntityRate.Value, rp(taxable-part)), Amount: rest, Source: p.EntityRate.Source})
		if o.Tax, err = reduced.Add(rest); err != nil {
			return err
		}
	} else {
		if o.Tax, err = roundIncomeTax(taxable, rate, 10000); err != nil {
			return err
		}
		o.Steps = append(o.Steps, Step{Label: fmt.Sprintf("%s × PKP; turnover above %s, no Pasal 31E reduction", p.EntityRate.Value, rp(p.ReductionCeiling.Value)),
			Amount: o.Tax, Source: p.EntityRate.Source + "; " + p.ReductionCeiling.Source})
	}
	o.Steps = append(o.Steps, Step{Label: fmt.Sprintf("Income tax of %d on the villa income", year), Amount: o.Tax})
	o.Computed = true
	return nil
}
