package pph21

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21/treaty"
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
	// Severance is the final PPh 21 on severance pay (uang pesangon) paid
	// at once, in the layers of PP 68/2009.
	Severance Method = "severance"
	// LumpSum is the final PPh 21 on a pension benefit, THT or JHT paid in
	// a lump sum, in the layers of PP 68/2009.
	LumpSum Method = "lump-sum"
)

// Methods lists every method.
var Methods = []Method{TERMonthly, Daily, Annual, NonEmployee, PPh26, Severance, LumpSum}

// methodList is Methods for messages.
const methodList = "ter-monthly, daily, annual, non-employee, pph26, severance, lump-sum"

// Employee is the kind of employment a DTP test needs.
type Employee string

// The kinds of employee.
const (
	Permanent    Employee = "permanent"
	NonPermanent Employee = "non-permanent"
)

// Excluded is a payment made with the gross that is not taxable income of
// the recipient (an at-cost reimbursement of travel costs, for instance):
// it is taken out of the gross and shown as excluded with Reason.
type Excluded struct {
	Name   string
	Amount money.Amount
	Reason string
}

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
	// domicile. TreatyRate is the rate it states: when the treaty table
	// (Treaties) has a row for Country and the income on Date, a rate
	// above the row's maximum is refused and a rate left out is the
	// row's; without a row the rate is required (doc/pph21.md "Treaty
	// rates").
	Treaty        bool
	TreatyRate    Rate
	HasTreatyRate bool
	// Income is the treaty income type when ObjectCode does not set it
	// (pph26 without an object code); Qualifying asks for the dividend
	// rate of a qualifying shareholding (treaty.DividendsQualifying).
	Income     treaty.Income
	Qualifying bool
	// Treaties is the treaty table to look rates up in; nil means the
	// installed one (treaty.Installed).
	Treaties *treaty.Table
	// Date is the withholding date the treaty table is looked up on; zero
	// means the first day of Month (or of January) of Year.
	Date time.Time
	// GrossUp says the employer bears the tax: Gross is then the net the
	// recipient is to receive, and the tax allowance added to it is iterated
	// to a fixed point (every method but annual).
	GrossUp bool

	// Month is the tax period (masa), 1 to 12; 0 when not given. It places
	// the payment for the DTP facilities.
	Month int
	// Identity is how the recipient is identified to DJP; empty means
	// IdentityNPWP. IdentityNone brings the higher rate of UU PPh Pasal
	// 21(5a) on every PPh 21 method.
	Identity Identity
	// DTP asks for the PPh 21 DTP facility of the year; Sector, KLU,
	// Employee, RegularGross and OtherDTP are its facts. RegularGross is the
	// fixed regular monthly gross of January or the first month of work
	// (HasRegularGross says it was given); OtherDTP says the employee
	// already receives another PPh 21 DTP.
	DTP             bool
	Sector          Sector
	KLU             string
	Employee        Employee
	RegularGross    money.Amount
	HasRegularGross bool
	OtherDTP        bool
	// Excluded are non-taxable items paid with Gross (or, for annual, with
	// the year's months); they are taken out before the tax is computed.
	Excluded []Excluded
	// ObjectCode is the tax object code (non-employee, pph26): it sets the
	// deemed percentage and, for PPh 26, the rate.
	ObjectCode ObjectCode
	// PaidBefore is what the recipient was paid earlier of the same
	// severance or lump-sum benefit (severance, lump-sum): the PP 68/2009
	// layers are cumulative per recipient.
	PaidBefore money.Amount
	// COD is the reference of the certificate of domicile (SKD) that a
	// treaty rate needs (pph26).
	COD string
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
	Rate Rate
	// Tax is the tax due on the payment. Withheld is what the payer
	// withholds from the recipient and DTP what the government bears
	// (PMK 10/2025, PMK 105/2025): Tax = Withheld + DTP.
	Tax       money.Amount
	Withheld  money.Amount
	DTP       money.Amount
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
// K/I/x and HB/x are refused with the reason (statusRefusals).
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := ptkpTables[len(ptkpTables)-1].ByStatus[st]; ok {
		return st, nil
	}
	return "", errs.InvalidFields("bad PTKP status", errs.Field("status", s, "%s", statusFix(string(st))))
}

// statusFix is the fix for a status that is not held.
func statusFix(st string) string {
	for _, r := range statusRefusals {
		if strings.HasPrefix(st, r.Prefix) {
			return r.Fix
		}
	}
	return "use one of TK/0, TK/1, TK/2, TK/3, K/0, K/1, K/2, K/3"
}

// Compute computes the tax for in.
func Compute(in Input) (Result, error) {
	if err := validate(in); err != nil {
		return Result{}, err
	}
	var (
		r   Result
		err error
	)
	if in.GrossUp {
		r, err = grossUp(in)
	} else {
		r, err = compute(in)
	}
	if err != nil {
		return Result{}, err
	}
	r.Withheld = r.Tax
	if in.DTP {
		if err := applyDTP(&r, in); err != nil {
			return Result{}, err
		}
	}
	return r, nil
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
	if in.Method != Annual && len(in.Excluded) > 0 {
		r.step("gross paid", in.Gross, "")
		if in.Gross, err = exclude(&r, "gross", in.Gross, in.Excluded); err != nil {
			return Result{}, err
		}
	}
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
	case Severance:
		err = final(&r, in, "severance layers", severanceTables)
	case LumpSum:
		err = final(&r, in, "lump-sum layers", lumpSumTables)
	}
	if err != nil {
		return Result{}, err
	}
	// The annual method applies the higher rate itself, before it takes
	// off what was withheld earlier; PPh 26 is not PPh 21.
	if in.Method != Annual && in.Method != PPh26 && in.Identity == IdentityNone {
		if r.Tax, err = surcharge(&r, in.Year, r.Tax); err != nil {
			return Result{}, err
		}
	}
	return r, nil
}

// exclude takes the non-taxable items out of gross, one step each, and
// returns the taxable gross. field names the member gross comes from.
func exclude(r *Result, field string, gross money.Amount, items []Excluded) (money.Amount, error) {
	var total money.Amount
	for _, x := range items {
		reason := x.Reason
		if reason == "" {
			reason = defaultExcludedReason
		}
		r.step(fmt.Sprintf("excluded: %s (%s)", x.Name, reason), x.Amount, "")
		var err error
		if total, err = total.Add(x.Amount); err != nil {
			return 0, err
		}
	}
	if total > gross {
		return 0, errs.InvalidFields("excluded items exceed the gross",
			errs.Field("excluded", total.String(), "the excluded items add up to more than %s %s; give %s including the items, or fewer items", field, gross, field))
	}
	taxable := gross - total
	r.step("taxable gross after exclusions", taxable, "")
	return taxable, nil
}

// defaultExcludedReason is shown for an excluded item given without a
// reason.
const defaultExcludedReason = "not income of the recipient, as stated by the payer: e.g. an at-cost reimbursement of costs spent for the payer"

func validate(in Input) error {
	var fs errs.Fields
	if in.Year < 2000 || in.Year > 9999 {
		fs.Add("year", fmt.Sprint(in.Year), "give the tax year as four digits, e.g. 2026")
	}
	if !slices.Contains(Methods, in.Method) {
		fs.Add("method", string(in.Method), "use one of %s", methodList)
	}
	if in.Method == TERMonthly || in.Method == Annual {
		if _, err := ParseStatus(string(in.Status)); err != nil {
			fs.Add("status", string(in.Status), "%s", statusFix(string(normStatus(in.Status))))
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
	// A rate other than the reference needs the certificate of domicile:
	// Coretax facility COD with the SKD number (pph21.md §11).
	if in.HasTreatyRate && strings.TrimSpace(in.COD) == "" {
		fs.Add("cod", "", "Tax Rate Mismatch: rate %s needs a COD reference; give the number of the certificate of domicile (SKD) in cod, or leave treaty_rate out for the PPh 26 rate", strings.TrimSuffix(in.TreatyRate.String(), "%"))
	}
	if in.HasTreatyRate && !in.Treaty {
		fs.Add("treaty", "false", "a treaty_rate needs \"treaty\": true")
	}
	if in.Treaty && in.Method != PPh26 {
		fs.Add("treaty", "true", "treaty rates are for PPh 26 only; use method pph26 for a non-resident")
	}
	if in.Month < 0 || in.Month > 12 {
		fs.Add("month", fmt.Sprint(in.Month), "give the tax period as 1 to 12, or leave it out")
	}
	if in.Identity != "" && !slices.Contains(Identities, in.Identity) {
		fs.Add("identity", string(in.Identity), "use npwp, nik (an NIK integrated with DJP) or none (neither)")
	}
	if in.ObjectCode != "" && in.Method != NonEmployee && in.Method != PPh26 {
		fs.Add("object_code", string(in.ObjectCode), "object_code sets the deemed percentage for non-employee and pph26 only; leave it out for %s", in.Method)
	}
	if in.PaidBefore < 0 {
		fs.Add("paid_before", in.PaidBefore.String(), "give an amount of 0 or more")
	}
	if in.PaidBefore != 0 && in.Method != Severance && in.Method != LumpSum {
		fs.Add("paid_before", in.PaidBefore.String(), "paid_before is for severance and lump-sum only; leave it out")
	}
	for i, x := range in.Excluded {
		if strings.TrimSpace(x.Name) == "" {
			fs.Add(fmt.Sprintf("excluded[%d].name", i), "", "name the item, e.g. \"travel reimbursement at cost\"")
		}
		if x.Amount < 0 {
			fs.Add(fmt.Sprintf("excluded[%d].amount", i), x.Amount.String(), "give an amount of 0 or more")
		}
	}
	if in.DTP {
		validateDTP(&fs, in)
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
	deemed, law := v.DeemedPercent, v.Law
	label := fmt.Sprintf("tax base (DPP) %d%% of gross, rounded down to a rupiah", deemed)
	if in.ObjectCode != "" {
		c, rule, err := objectCode(in, bp21Codes)
		if err != nil {
			return err
		}
		if rule.Use != "" {
			return errs.InvalidFields("object code of another method",
				errs.Field("object_code", string(in.ObjectCode), "%s is for %s: use method %s", in.ObjectCode, rule.Name, rule.Use))
		}
		r.cite(c.Source)
		deemed, law = rule.Deemed, c.Law
		label = fmt.Sprintf("tax base (DPP) %d%% of gross for %s (%s), rounded down to a rupiah", deemed, in.ObjectCode, rule.Name)
	}
	dpp, err := money.MulRat(in.Gross, deemed, 100, money.DownToRupiah)
	if err != nil {
		return err
	}
	r.step(label, dpp, law)
	return article17(r, in.Year, dpp)
}

// objectCode looks up in.ObjectCode in the version of table in force in
// in.Year.
func objectCode(in Input, table []codeVersion) (codeVersion, codeRule, error) {
	c, err := pick("object code list", in.Year, table)
	if err != nil {
		return codeVersion{}, codeRule{}, errs.InvalidFields("no object code list",
			errs.Field("object_code", string(in.ObjectCode), "the Coretax object codes are held from tax year 2025; leave object_code out for %d", in.Year))
	}
	rule, ok := c.Codes[in.ObjectCode]
	if !ok {
		codes := make([]string, 0, len(c.Codes))
		for k, r := range c.Codes {
			if r.Use == "" {
				codes = append(codes, string(k))
			}
		}
		slices.Sort(codes)
		return codeVersion{}, codeRule{}, errs.InvalidFields("unknown object code",
			errs.Field("object_code", string(in.ObjectCode), "not a %s code held; use one of %s", in.Method, strings.Join(codes, ", ")))
	}
	return c, rule, nil
}

func pph26(r *Result, in Input) error {
	v, err := pick("PPh 26 rate", in.Year, pph26Tables)
	if err != nil {
		return errs.InvalidFields("no PPh 26 rate", errs.Field("year", fmt.Sprint(in.Year), "the rate is held from tax year 2009"))
	}
	r.cite(v.Source)
	r.step("gross", in.Gross, "")
	rate, base := v.Rate, in.Gross
	law := v.Law
	if in.ObjectCode != "" {
		c, rule, err := objectCode(in, pph26Codes)
		if err != nil {
			return err
		}
		r.cite(c.Source)
		rate, law = rule.Rate, c.Law
		if base, err = money.MulRat(in.Gross, rule.Deemed, 100, money.DownToRupiah); err != nil {
			return err
		}
		r.step(fmt.Sprintf("tax base %d%% of gross for %s (%s), rounded down to a rupiah", rule.Deemed, in.ObjectCode, rule.Name), base, c.Law)
	}
	label := fmt.Sprintf("PPh 26 at %s, rounded down to a rupiah", rate)
	if in.Treaty {
		tr, tlaw, err := treatyRate(r, in, rate)
		if err != nil {
			return err
		}
		rate, law = tr, tlaw
		label = fmt.Sprintf("treaty rate for %s at %s with certificate of domicile %s, rounded down to a rupiah", strings.ToUpper(in.Country), rate, in.COD)
		r.cite(Source{Law: law})
	}
	r.Rate = rate
	tax, err := rate.apply(base)
	if err != nil {
		return err
	}
	r.Tax = tax
	r.step(label, tax, law)
	return nil
}

// final applies the final PPh 21 layers of PP 68/2009 to this payment,
// continuing from what the recipient was paid before of the same benefit
// (the layers are cumulative per recipient, pph21.md §8).
func final(r *Result, in Input, what string, table []finalVersion) error {
	v, err := pick(what, in.Year, table)
	if err != nil {
		return errs.InvalidFields("no "+what, errs.Field("year", fmt.Sprint(in.Year), "the PP 68/2009 layers are held from tax year 2010"))
	}
	r.cite(v.Source)
	r.step("gross of this payment", in.Gross, "")
	if in.PaidBefore > 0 {
		r.step("paid to this recipient before, already through the layers", in.PaidBefore, v.Law)
	}
	from := in.PaidBefore
	to, err := from.Add(in.Gross)
	if err != nil {
		return err
	}
	var total, lower money.Amount
	for _, l := range v.Layers {
		upper := money.Amount(l.UpTo) * money.Rupiah
		open := l.UpTo == 0
		lo, hi := max(lower, from), to
		if !open {
			hi = min(hi, upper)
		}
		if hi > lo {
			t, err := l.Rate.apply(hi - lo)
			if err != nil {
				return err
			}
			if total, err = total.Add(t); err != nil {
				return err
			}
			r.Rate = l.Rate
			r.step(fmt.Sprintf("final %s × %s (%s)", l.Rate, (hi-lo).Display(), layerName(lower, l)), t, v.Law)
		}
		if open || to <= upper {
			break
		}
		lower = upper
	}
	r.Tax = total
	r.step("final PPh 21", total, "")
	return nil
}

// layerName describes a layer: "above Rp50.000.000 up to Rp100.000.000".
func layerName(lower money.Amount, l layer) string {
	switch {
	case l.UpTo == 0:
		return "above " + lower.Display()
	case lower == 0:
		return "up to " + (money.Amount(l.UpTo) * money.Rupiah).Display()
	}
	return fmt.Sprintf("above %s up to %s", lower.Display(), (money.Amount(l.UpTo) * money.Rupiah).Display())
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
	if len(in.Excluded) > 0 {
		if gross, err = exclude(r, "the sum of months", gross, in.Excluded); err != nil {
			return err
		}
	}

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
			if in.Identity == IdentityNone {
				if t, err = surchargeOf(in.Year, t); err != nil {
					return err
				}
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
	if in.Identity == IdentityNone {
		if yearTax, err = surcharge(r, in.Year, yearTax); err != nil {
			return err
		}
	}
	r.Citations = append(r.Citations, earlier.Citations...)
	switch {
	case in.HasWithheld:
		r.step("less PPh 21 withheld earlier in the year (as given)", withheld, "PMK 168/2023")
	case in.Identity == IdentityNone:
		r.step("less PPh 21 withheld January to November (TER on the first 11 months, each 20% higher)", withheld, "PMK 168/2023")
	default:
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
