package pph21

import (
	"fmt"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The dated PTKP and Pasal 17(1)(a) tables, for other computations of an
// individual's annual income tax (the villa owner's normal income tax,
// doc/pbjt-income-tax.md) to use without holding a copy.

// PTKPFor returns the annual PTKP of status for tax year year and the
// source of the table in force then.
func PTKPFor(year int, status Status) (money.Amount, Source, error) {
	st, err := ParseStatus(string(status))
	if err != nil {
		return 0, Source{}, err
	}
	p, err := pick("PTKP table", year, ptkpTables)
	if err != nil {
		return 0, Source{}, errs.InvalidFields("no PTKP table", errs.Field("year", fmt.Sprint(year), "%s", err.Error()))
	}
	return p.ByStatus[normStatus(st)].PTKP, p.Source, nil
}

// Article17 applies the Pasal 17(1)(a) layers in force in tax year year
// to base: the tax, one step per layer reached and the citations.
func Article17(year int, base money.Amount) (Result, error) {
	var r Result
	err := article17(&r, year, base)
	return r, err
}
