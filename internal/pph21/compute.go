package pph21

import (
	"fmt"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// Method names how the tax is computed.
type Method string

// The methods.
const (
	// TERMonthly is the monthly TER on gross: permanent employees in every
	// period but the last, and non-permanent employees paid monthly.
	TERMonthly Method = "ter-monthly"
	// Daily is the daily TER for daily or weekly pay.
	Daily Method = "daily"
	// Annual is the Pasal 17 computation of the last period (December or
	// the month of leaving), less what was withheld earlier in the year.
	Annual Method = "annual"
	// NonEmployee is Pasal 17 on 50 % of the gross of one payment to a
	// non-employee (bukan pegawai).
	NonEmployee Method = "non-employee"
	// PPh26 is 20 % of gross (or a treaty rate) for a non-resident.
	PPh26 Method = "pph26"
)

// Methods lists every method.
var Methods = []Method{TERMonthly, Daily, Annual, NonEmployee, PPh26}

// Input is one computation's facts. Amounts are never negative.
type Input struct {
	Year   int
	Status Status // ter-monthly and annual
	Method Method
	// Gross is the month's gross (ter-monthly), the day's gross (daily) or
	// the payment's gross (non-employee, pph26).
	Gross money.Amount
	// Months are the twelve monthly grosses of the year (annual); a month
	// without pay is 0.
	Months []money.Amount
	// Withheld is the PPh 21 already withheld earlier in the year (annual).
	// When HasWithheld is false it is computed with TER on Months[0:11].
	Withheld    money.Amount
	HasWithheld bool
	// PensionContribution is the employee's own pension, JHT and THT
	// contributions for the whole year (annual).
	PensionContribution money.Amount
	// Country is the ISO 3166-1 alpha-3 code of the recipient's residence
	// (pph26).
	Country string
	// Treaty asks for the treaty rate (pph26), which needs a certificate of
	// domicile. TreatyRate is the rate it states; it is required while the
	// reference data holds no rate for Country.
	Treaty        bool
	TreatyRate    Rate
	HasTreatyRate bool
	// GrossUp says the employer bears the tax: Gross is then the net the
	// recipient is to receive, and the tax allowance added to it is iterated
	// to a fixed point (every method but annual).
	GrossUp bool
}

// Step is one line of the explanation.
type Step struct {
	Label  string
	Amount money.Amount
	// Source cites the rule the step applies, if any.
	Source string
}

// Result is a computed tax with its explanation.
type Result struct {
	Method   Method
	Category Category // TER category, when one applies
	// Rate is the TER or flat rate applied, or the highest Pasal 17 layer
	// reached.
	Rate      Rate
	Tax       money.Amount
	Steps     []Step
	Citations []string
}

func (r *Result) step(label string, a money.Amount, src string) {
	r.Steps = append(r.Steps, Step{Label: label, Amount: a, Source: src})
}

func (r *Result) cite(s Source) {
	c := s.Law
	if !s.Sure {
		c += " (not certain; see doc/pph21.md)"
	}
	for _, have := range r.Citations {
		if have == c {
			return
		}
	}
	r.Citations = append(r.Citations, c)
}

// ParseStatus returns s as a Status if it is one of TK/0..TK/3, K/0..K/3.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := ptkpTables[len(ptkpTables)-1].ByStatus[st]; ok {
		return st, nil
	}
	return "", errs.InvalidFields("bad PTKP status",
		errs.Field("status", s, "use one of TK/0, TK/1, TK/2, TK/3, K/0, K/1, K/2, K/3"))
}

// Compute computes the tax for in.
func Compute(in Input) (Result, error) {
	if err := validate(in); err != nil {
		return Result{}, err
	}
	if in.GrossUp {
		return grossUp(in)
	}
	return compute(in)
}

// maxGrossUpRounds bounds the gross-up iteration. The allowance rises
// monotonically towards the fixed point and each round closes at least
// 65 % of the gap (the top rate is 35 %), so a few dozen rounds reach it
// for any amount.
const maxGrossUpRounds = 200

// grossUp finds the smallest tax allowance A with A = tax(net + A),
// starting from A = 0. Under TER the grossed-up amount can cross into a
// higher bracket, so one division by (1 − rate) is not enough
// (pph21.md §12 example 7).
func grossUp(in Input) (Result, error) {
	net := in.Gross
	var allowance money.Amount
	for round := 1; round <= maxGrossUpRounds; round++ {
		g, err := net.Add(allowance)
		if err != nil {
			return Result{}, err
		}
		in.Gross = g
		r, err := compute(in)
		if err != nil {
			return Result{}, err
		}
		if r.Tax == allowance {
			steps := []Step{
				{Label: "net the recipient is to receive (the employer bears the tax)", Amount: net},
				{Label: fmt.Sprintf("plus tax allowance, the fixed point of allowance = tax(net + allowance), reached in %d rounds", round), Amount: allowance},
			}
			r.Steps = append(steps, r.Steps...)
			return r, nil
		}
		allowance = r.Tax
	}
	return Result{}, fmt.Errorf("gross-up of %s did not settle in %d rounds", net, maxGrossUpRounds)
}

func compute(in Input) (Result, error) {
	var (
		r   Result
		err error
	)
	r.Method = in.Method
	switch in.Method {
	case TERMonthly:
		err = terMonthly(&r, in)
	case Daily:
		err = daily(&r, in)
	case Annual:
		err = annual(&r, in)
	case NonEmployee:
		err = nonEmployee(&r, in)
	case PPh26:
		err = pph26(&r, in)
	}
	if err != nil {
		return Result{}, err
	}
	return r, nil
}

func validate(in Input) error {
	var fs errs.Fields
	if in.Year < 2000 || in.Year > 9999 {
		fs.Add("year", fmt.Sprint(in.Year), "give the tax year as four digits, e.g. 2026")
	}
	known := false
	for _, m := range Methods {
		known = known || m == in.Method
	}
	if !known {
		fs.Add("method", string(in.Method), "use one of ter-monthly, daily, annual, non-employee, pph26")
	}
	if in.Method == TERMonthly || in.Method == Annual {
		if _, err := ParseStatus(string(in.Status)); err != nil {
			fs.Add("status", string(in.Status), "use one of TK/0, TK/1, TK/2, TK/3, K/0, K/1, K/2, K/3")
		}
	}
	if in.Gross < 0 {
		fs.Add("gross", in.Gross.String(), "give an amount of 0 or more")
	}
	if in.Method == Annual && len(in.Months) != 12 {
		fs.Add("months", fmt.Sprintf("%d months", len(in.Months)), "give exactly 12 monthly grosses, January to December, 0 for a month without pay")
	}
	for i, m := range in.Months {
		if m < 0 {
			fs.Add(fmt.Sprintf("months[%d]", i), m.String(), "give an amount of 0 or more")
		}
	}
	if in.Withheld < 0 {
		fs.Add("withheld", in.Withheld.String(), "give an amount of 0 or more")
	}
	if in.PensionContribution < 0 {
		fs.Add("pension_contribution", in.PensionContribution.String(), "give an amount of 0 or more")
	}
	if in.Method == PPh26 && in.Treaty && len(in.Country) != 3 {
		fs.Add("country", in.Country, "give the ISO 3166-1 alpha-3 code of the country of residence, e.g. SGP")
	}
	if in.GrossUp && in.Method == Annual {
		fs.Add("gross_up", "true", "gross-up applies to one month, day or payment; leave it out for annual")
	}
	if in.HasTreatyRate && (in.TreatyRate < 0 || in.TreatyRate > Percent(20)) {
		fs.Add("treaty_rate", in.TreatyRate.String(), "give a rate from 0 to 20 percent")
	}
	return fs.Err("cannot compute PPh 21/26")
}

// terRate returns the monthly TER rate for gross in category c.
func terRate(v terVersion, c Category, gross money.Amount) (Rate, error) {
	rows := v.ByCategory[c]
	for _, b := range rows {
		if b.UpTo == 0 || gross <= money.Amount(b.UpTo)*money.Rupiah {
			return b.Rate, nil
		}
	}
	return 0, fmt.Errorf("TER category %s has no bracket for %s", c, gross)
}

func terMonthly(r *Result, in Input) error {
	p, err := pick("PTKP table", in.Year, ptkpTables)
	if err != nil {
		return errs.InvalidFields("no PTKP table", errs.Field("year", fmt.Sprint(in.Year), "%s", err.Error()))
	}
	v, err := pick("TER table", in.Year, terMonthlyTables)
	if err != nil {
		return errs.InvalidFields("no TER table", errs.Field("year", fmt.Sprint(in.Year), "TER applies from tax year 2024"))
	}
	st := p.ByStatus[normStatus(in.Status)]
	r.Category = st.Category
	r.cite(p.Source)
	r.cite(v.Source)
	rate, err := terRate(v, st.Category, in.Gross)
	if err != nil {
		return err
	}
	r.Rate = rate
	r.step("monthly gross", in.Gross, "")
	tax, err := rate.apply(in.Gross)
	if err != nil {
		return err
	}
	r.Tax = tax
	r.step(fmt.Sprintf("TER category %s (%s) at %s, rounded down to a rupiah", st.Category, normStatus(in.Status), rate), tax, v.Law)
	return nil
}

func normStatus(s Status) Status { return Status(strings.ToUpper(strings.TrimSpace(string(s)))) }

func daily(r *Result, in Input) error {
	v, err := pick("daily TER", in.Year, dailyTables)
	if err != nil {
		return errs.InvalidFields("no daily TER", errs.Field("year", fmt.Sprint(in.Year), "TER applies from tax year 2024"))
	}
	r.cite(v.Source)
	r.step("daily gross", in.Gross, "")
	switch {
	case in.Gross <= v.ZeroUpTo:
		r.Rate = 0
		r.step(fmt.Sprintf("daily TER 0%% (gross up to %s)", v.ZeroUpTo.Display()), 0, v.Law)
		return nil
	case in.Gross <= v.TERUpTo:
		r.Rate = v.Rate
		tax, err := v.Rate.apply(in.Gross)
		if err != nil {
			return err
		}
		r.Tax = tax
		r.step(fmt.Sprintf("daily TER %s (gross above %s up to %s), rounded down to a rupiah", v.Rate, v.ZeroUpTo.Display(), v.TERUpTo.Display()), tax, v.Law)
		return nil
	}
	r.cite(Source{Law: "DJP Buku PPh 21/26 (2024): daily pay above Rp2.500.000 taxed at Pasal 17 on 50 % of gross", Sure: v.AboveSure})
	dpp, err := money.MulRat(in.Gross, v.DeemedPercent, 100, money.DownToRupiah)
	if err != nil {
		return err
	}
	r.step(fmt.Sprintf("above %s a day: tax base %d%% of gross, rounded down to a rupiah", v.TERUpTo.Display(), v.DeemedPercent), dpp, v.Law)
	return article17(r, in.Year, dpp)
}

// article17 applies the Pasal 17(1)(a) layers to base, adding one step
// per layer, and sets r.Tax and r.Rate (the highest layer reached).
func article17(r *Result, year int, base money.Amount) error {
	v, err := pick("Pasal 17 table", year, article17Tables)
	if err != nil {
		return errs.InvalidFields("no Pasal 17 rates", errs.Field("year", fmt.Sprint(year), "the rates are held from tax year 2022"))
	}
	r.cite(v.Source)
	var (
		total money.Amount
		lower money.Amount
	)
	for _, l := range v.Layers {
		if base <= lower {
			break
		}
		upper := money.Amount(l.UpTo) * money.Rupiah
		part := base - lower
		if l.UpTo != 0 && base > upper {
			part = upper - lower
		}
		t, err := l.Rate.apply(part)
		if err != nil {
			return err
		}
		if total, err = total.Add(t); err != nil {
			return err
		}
		r.Rate = l.Rate
		r.step(fmt.Sprintf("Pasal 17 %s × %s", l.Rate, part.Display()), t, v.Law)
		lower = upper
	}
	r.Tax = total
	r.step("tax by Pasal 17", total, "")
	return nil
}

func nonEmployee(r *Result, in Input) error {
	v, err := pick("non-employee rule", in.Year, nonEmployeeTables)
	if err != nil {
		return errs.InvalidFields("no non-employee rule", errs.Field("year", fmt.Sprint(in.Year), "the PMK 168/2023 rule applies from tax year 2024"))
	}
	r.cite(v.Source)
	r.step("gross of this payment", in.Gross, "")
	dpp, err := money.MulRat(in.Gross, v.DeemedPercent, 100, money.DownToRupiah)
	if err != nil {
		return err
	}
	r.step(fmt.Sprintf("tax base (DPP) %d%% of gross, rounded down to a rupiah", v.DeemedPercent), dpp, v.Law)
	return article17(r, in.Year, dpp)
}

func pph26(r *Result, in Input) error {
	v, err := pick("PPh 26 rate", in.Year, pph26Tables)
	if err != nil {
		return errs.InvalidFields("no PPh 26 rate", errs.Field("year", fmt.Sprint(in.Year), "the rate is held from tax year 2009"))
	}
	r.cite(v.Source)
	r.step("gross", in.Gross, "")
	rate := v.Rate
	label := fmt.Sprintf("PPh 26 at %s, rounded down to a rupiah", rate)
	if in.Treaty {
		country := strings.ToUpper(in.Country)
		tr, ok := v.Treaty[country]
		switch {
		case in.HasTreatyRate:
			tr = in.TreatyRate
		case !ok:
			return errs.InvalidFields("no treaty rate",
				errs.Field("treaty_rate", "", "no treaty rate for %s is held; give the rate stated with the certificate of domicile, e.g. \"10\"", country))
		}
		if tr < rate {
			rate = tr
		}
		label = fmt.Sprintf("treaty rate for %s at %s (certificate of domicile required), rounded down to a rupiah", country, rate)
		r.cite(Source{Law: "tax treaty with " + country + "; certificate of domicile per PER-25/PJ/2018"})
	}
	r.Rate = rate
	tax, err := rate.apply(in.Gross)
	if err != nil {
		return err
	}
	r.Tax = tax
	r.step(label, tax, v.Law)
	return nil
}

func annual(r *Result, in Input) error {
	p, err := pick("PTKP table", in.Year, ptkpTables)
	if err != nil {
		return errs.InvalidFields("no PTKP table", errs.Field("year", fmt.Sprint(in.Year), "%s", err.Error()))
	}
	bj, err := pick("biaya jabatan", in.Year, biayaJabatanTables)
	if err != nil {
		return errs.InvalidFields("no biaya jabatan", errs.Field("year", fmt.Sprint(in.Year), "%s", err.Error()))
	}
	status := normStatus(in.Status)
	st := p.ByStatus[status]
	r.Category = st.Category

	var gross money.Amount
	for _, m := range in.Months {
		if gross, err = gross.Add(m); err != nil {
			return err
		}
	}
	r.step("annual gross (12 months)", gross, "")

	withheld := in.Withheld
	var earlier Result
	if !in.HasWithheld {
		ter, err := pick("TER table", in.Year, terMonthlyTables)
		if err != nil {
			return errs.InvalidFields("no TER table", errs.Field("withheld", "", "give what was withheld January to November; TER applies from tax year 2024"))
		}
		for _, m := range in.Months[:11] {
			rate, err := terRate(ter, st.Category, m)
			if err != nil {
				return err
			}
			t, err := rate.apply(m)
			if err != nil {
				return err
			}
			if withheld, err = withheld.Add(t); err != nil {
				return err
			}
		}
		earlier.cite(ter.Source)
	}

	cost, err := money.MulRat(gross, bj.Percent, 100, money.DownToRupiah)
	if err != nil {
		return err
	}
	if cost > bj.CapPerYear {
		cost = bj.CapPerYear
	}
	r.cite(bj.Source)
	r.step(fmt.Sprintf("less biaya jabatan %d%%, at most %s a year", bj.Percent, bj.CapPerYear.Display()), cost, bj.Law)
	r.step("less employee pension, JHT and THT contributions", in.PensionContribution, "UU PPh Pasal 6(1)")
	net := gross - cost - in.PensionContribution
	if net < 0 {
		net = 0
	}
	r.step("net income", net, "")
	r.cite(p.Source)
	r.step(fmt.Sprintf("less PTKP %s", status), st.PTKP, p.Law)
	pkp := net - st.PTKP
	if pkp < 0 {
		pkp = 0
	}
	pkp = pkp.Round(money.DownToThousandRupiah)
	r.step("taxable income (PKP), rounded down to a thousand rupiah", pkp, "UU PPh Pasal 17(4)")
	if err := article17(r, in.Year, pkp); err != nil {
		return err
	}
	yearTax := r.Tax
	r.Citations = append(r.Citations, earlier.Citations...)
	if in.HasWithheld {
		r.step("less PPh 21 withheld earlier in the year (as given)", withheld, "PMK 168/2023")
	} else {
		r.step("less PPh 21 withheld January to November (TER on the first 11 months)", withheld, "PMK 168/2023")
	}
	r.Tax = yearTax - withheld
	if r.Tax < 0 {
		r.step("PPh 21 for the last period (negative: the employer refunds the excess)", r.Tax, "PMK 168/2023")
	} else {
		r.step("PPh 21 for the last period", r.Tax, "PMK 168/2023")
	}
	return nil
}
