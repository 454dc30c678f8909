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
  method                ter-monthly | daily | annual | non-employee | pph26 |
                        severance | lump-sum (required)
  status                PTKP status at the start of the year: TK/0..TK/3,
                        K/0..K/3 (ter-monthly and annual); K/I and HB are
                        refused with the reason
  gross                 the month's, day's or payment's gross, "15000000"
                        (every method but annual)
  months                annual: exactly 12 monthly grosses, January to
                        December, "0" for a month without pay
  withheld              annual: PPh 21 withheld January to November; when
                        left out it is recomputed with TER from months
  pension_contribution  annual: the employee's own pension, JHT and THT
                        contributions for the whole year
  excluded              non-taxable items paid with gross (annual: with the
                        year's months), taken out and shown as excluded:
                        [{"name": "travel at cost", "amount": "750000",
                          "reason": "optional"}]
  identity              npwp (default) | nik (NIK integrated with DJP) |
                        none: none makes every PPh 21 method 20% higher
                        (UU PPh Pasal 21(5a)); PPh 26 is not affected
  month                 tax period 1..12; places the payment for DTP
                        (default: December for annual, else January)
  dtp                   true to apply the PPh 21 DTP facility of the period
                        (PMK 10/2025, PMK 72/2025, PMK 105/2025); needs:
  sector                  footwear | textile-apparel | furniture | leather |
                          tourism
  klu                     the employer's KLU, five digits, "14111"
  employee                permanent | non-permanent (ter-monthly; annual is
                          permanent, daily non-permanent)
  regular_gross           fixed regular monthly gross of January or the
                          first month of work (default: gross, or for
                          annual the first month with pay)
  other_dtp               true when the employee has another PPh 21 DTP
  object_code           non-employee: BP21 code setting the deemed
                        percentage, "21-100-14" (100%), "21-100-07" (50%);
                        pph26: BP26 code setting rate and deemed
                        percentage, "27-100-05" (20% of 25%)
  paid_before           severance, lump-sum: what the recipient was paid
                        before of the same benefit; the layers continue
  country               pph26: ISO 3166-1 alpha-3 code of residence, "SGP"
  treaty                pph26: true to apply a tax treaty rate
  treaty_rate           pph26: the treaty rate in percent, "10"; when the
                        treaty table (CORETAX_TREATY_FILE, coretax treaty)
                        has a row for country and the income on the first
                        day of month, a rate above its maximum is refused
                        and a rate left out is the row's; without a row
                        it is required
  income                pph26 without object_code: the treaty income type,
                        dividends | interest | royalties | services |
                        branch-profit | other
  qualifying_shareholding  pph26 dividends: true for the treaty's rate of
                        a qualifying shareholding (dividends-qualifying)
  cod                   pph26: reference of the certificate of domicile
                        (SKD); required with any treaty rate
  gross_up              true when the employer bears the tax: gross is then
                        the net to receive and the tax allowance is
                        iterated to a fixed point (not for annual, not
                        with dtp)

Methods:
  ter-monthly   TER (PP 58/2023) × monthly gross: permanent employees
                January to November, non-permanent employees paid monthly
  daily         daily TER: 0 % up to Rp450.000, 0.5 % up to Rp2.500.000,
                above that Pasal 17 on 50 % of the gross
  annual        last period: Pasal 17 on (12 months' gross - biaya jabatan
                - pension contributions - PTKP), less withheld
  non-employee  Pasal 17 on 50 % of the gross of one payment, or on the
                deemed percentage of object_code
  pph26         20 % of gross, or the object code's rate and deemed base,
                or the treaty rate
  severance     final PP 68/2009 layers on severance pay paid at once:
                0 % to Rp50.000.000, 5 % to 100 M, 15 % to 500 M, 25 %
  lump-sum      final PP 68/2009 layers on a lump-sum pension benefit, THT
                or JHT: 0 % to Rp50.000.000, 5 % above

Prints the explanation, or with --json an object
{"tax": "750000", "withheld": "750000", "dtp": "0", "rate": "15%",
 "method": "annual", "category": "B",
 "steps": [{"label": ..., "amount": ..., "source": ...}], "citations": [...]}.
tax = withheld + dtp: under DTP the government bears the tax and nothing is
withheld. Bad input names the member, its value and the fix, and exits
with status 1.

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
	Withheld  money.Amount `json:"withheld"`
	DTP       money.Amount `json:"dtp"`
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
	if err := a.installTreaties(); err != nil {
		return err
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
		Withheld:  r.Withheld,
		DTP:       r.DTP,
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
	fmt.Fprintf(w, "\ntax:      %s\n", r.Tax.Display())
	if r.DTP != 0 {
		fmt.Fprintf(w, "DTP:      %s (borne by the government)\nwithheld: %s\n", r.DTP.Display(), r.Withheld.Display())
	}
	fmt.Fprintf(w, "\nsources:\n")
	for _, c := range r.Citations {
		fmt.Fprintf(w, "  %s\n", c)
	}
	return nil
}
