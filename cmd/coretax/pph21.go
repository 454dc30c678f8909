package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

const pph21Usage = `
Usage: coretax pph21 [--json] < input.json

Computes PPh 21 (residents' employment and service income) or PPh 26
(non-residents) for one month, day or payment, offline, and explains each
step with its legal source. The input is one JSON object on standard input;
amounts are decimal strings in rupiah. See doc/pph21.md for the full rules.

Members:
  year                  tax year, e.g. 2026 (required)
  method                ter-monthly | daily | annual | non-employee | pph26
  status                PTKP status at the start of the year: TK/0..TK/3,
                        K/0..K/3 (ter-monthly and annual)
  gross                 the month's, day's or payment's gross, "15000000"
                        (every method but annual)
  months                annual: exactly 12 monthly grosses, January to
                        December, "0" for a month without pay
  withheld              annual: PPh 21 withheld January to November; when
                        left out it is recomputed with TER from months
  pension_contribution  annual: the employee's own pension, JHT and THT
                        contributions for the whole year
  country               pph26: ISO 3166-1 alpha-3 code of residence, "SGP"
  treaty                pph26: true to apply a tax treaty rate
  treaty_rate           pph26: the treaty rate in percent, "10"; needed
                        because no treaty rates are held yet
  gross_up              true when the employer bears the tax: gross is then
                        the net to receive and the tax allowance is
                        iterated to a fixed point (not for annual)

Methods:
  ter-monthly   TER (PP 58/2023) × monthly gross: permanent employees
                January to November, non-permanent employees paid monthly
  daily         daily TER: 0 % up to Rp450.000, 0.5 % up to Rp2.500.000,
                above that Pasal 17 on 50 % of the gross
  annual        last period: Pasal 17 on (12 months' gross - biaya jabatan
                - pension contributions - PTKP), less withheld
  non-employee  Pasal 17 on 50 % of the gross of one payment
  pph26         20 % of gross, or the treaty rate

Prints the explanation, or with --json an object
{"tax": "750000", "rate": "15%", "method": "annual", "category": "B",
 "steps": [{"label": ..., "amount": ..., "source": ...}], "citations": [...]}.
Bad input names the member, its value and the fix, and exits with status 1.

Example:
  echo '{"year":2026,"status":"K/1","method":"ter-monthly","gross":"15000000"}' | coretax pph21
`

// pph21Step and pph21Output are the JSON form of a pph21.Result.
type pph21Step struct {
	Label  string       `json:"label"`
	Amount money.Amount `json:"amount"`
	Source string       `json:"source,omitempty"`
}

type pph21Output struct {
	Tax       money.Amount `json:"tax"`
	Rate      string       `json:"rate"`
	Method    string       `json:"method"`
	Category  string       `json:"category,omitempty"`
	Steps     []pph21Step  `json:"steps"`
	Citations []string     `json:"citations"`
}

func runPPh21(_ context.Context, a *app, args []string) error {
	fs := a.newFlagSet("pph21", pph21Usage)
	asJSON := fs.Bool("json", false, "print the result as a JSON object")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q; the input is read from standard input: coretax pph21 < input.json", fs.Arg(0))}
	}
	in, err := pph21.ParseInput(a.stdin)
	var r pph21.Result
	if err == nil {
		r, err = pph21.Compute(in)
	}
	if err != nil {
		if !errs.Is(errs.Invalid, err) {
			return err
		}
		writeFieldErrors(a.stderr, err)
		return &exitError{code: 1}
	}
	if *asJSON {
		return writePPh21JSON(a.stdout, r)
	}
	return writePPh21Report(a.stdout, r)
}

func writeFieldErrors(w io.Writer, err error) {
	fmt.Fprintf(w, "coretax pph21: %s\n", errs.Message(err))
	for _, f := range errs.FieldsOf(err) {
		if f.Value != "" {
			fmt.Fprintf(w, "  %s: %s: %s\n", f.Field, errs.Quote(f.Value), f.Message)
		} else {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message)
		}
	}
}

func writePPh21JSON(w io.Writer, r pph21.Result) error {
	out := pph21Output{
		Tax:       r.Tax,
		Rate:      r.Rate.String(),
		Method:    string(r.Method),
		Category:  string(r.Category),
		Steps:     make([]pph21Step, len(r.Steps)),
		Citations: r.Citations,
	}
	for i, s := range r.Steps {
		out.Steps[i] = pph21Step{Label: s.Label, Amount: s.Amount, Source: s.Source}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writePPh21Report(w io.Writer, r pph21.Result) error {
	fmt.Fprintf(w, "method:   %s\n", r.Method)
	if r.Category != "" {
		fmt.Fprintf(w, "category: TER %s\n", r.Category)
	}
	fmt.Fprintf(w, "rate:     %s\n\n", r.Rate)
	labelWidth, amountWidth := 0, 0
	for _, s := range r.Steps {
		labelWidth = max(labelWidth, utf8.RuneCountInString(s.Label))
		amountWidth = max(amountWidth, len(s.Amount.Display()))
	}
	for _, s := range r.Steps {
		fmt.Fprintf(w, "%-*s  %*s\n", labelWidth, s.Label, amountWidth, s.Amount.Display())
	}
	fmt.Fprintf(w, "\ntax:      %s\n\nsources:\n", r.Tax.Display())
	for _, c := range r.Citations {
		fmt.Fprintf(w, "  %s\n", c)
	}
	return nil
}
