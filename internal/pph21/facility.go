package pph21

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// surchargeOf returns tax raised by the UU PPh Pasal 21(5a) percentage,
// rounded down to a rupiah.
func surchargeOf(year int, tax money.Amount) (money.Amount, error) {
	v, err := pick("Pasal 21(5a) rate", year, surchargeTables)
	if err != nil {
		return 0, errs.InvalidFields("no Pasal 21(5a) rate", errs.Field("year", fmt.Sprint(year), "the higher rate is held from tax year 2009"))
	}
	return money.MulRat(tax, 100+v.Percent, 100, money.DownToRupiah)
}

// surcharge applies the higher rate of UU PPh Pasal 21(5a) for a recipient
// with neither an NPWP nor an NIK integrated with DJP (pph21.md §9): the
// tax becomes 120 % of the normal tax, which is the rate × 1.2. It adds
// the step, raises r.Rate and returns the new tax.
func surcharge(r *Result, year int, tax money.Amount) (money.Amount, error) {
	v, err := pick("Pasal 21(5a) rate", year, surchargeTables)
	if err != nil {
		return 0, errs.InvalidFields("no Pasal 21(5a) rate", errs.Field("year", fmt.Sprint(year), "the higher rate is held from tax year 2009"))
	}
	higher, err := surchargeOf(year, tax)
	if err != nil {
		return 0, err
	}
	r.cite(v.Source)
	r.Rate = Rate(int64(r.Rate) * (100 + v.Percent) / 100)
	r.step(fmt.Sprintf("recipient has neither an NPWP nor an NIK integrated with DJP: %d%% higher, %d%% of the tax, rounded down to a rupiah", v.Percent, 100+v.Percent), higher, v.Law)
	return higher, nil
}

// dtpMethods are the methods a PPh 21 DTP facility can cover: employees'
// non-final income (final income is excluded, PMK 10/2025 and PMK
// 105/2025; non-employees and non-residents are not among the recipients).
var dtpMethods = []Method{TERMonthly, Daily, Annual}

// validateDTP checks that the facts a DTP decision needs were given. Facts
// that were given but fail a criterion are not errors: the result then
// says which criterion failed.
func validateDTP(fs *errs.Fields, in Input) {
	if in.Sector == "" {
		fs.Add("sector", "", "give the employer's DTP sector: one of %s", sectorList())
	} else if !slices.Contains(Sectors, in.Sector) {
		fs.Add("sector", string(in.Sector), "use one of %s; another sector has no PPh 21 DTP", sectorList())
	}
	if !isKLU(in.KLU) {
		fs.Add("klu", in.KLU, "give the employer's KLU as registered, five digits, e.g. \"14111\"")
	}
	switch {
	case in.Employee != "" && in.Employee != Permanent && in.Employee != NonPermanent:
		fs.Add("employee", string(in.Employee), "use permanent or non-permanent")
	case in.Employee == "" && in.Method == TERMonthly:
		fs.Add("employee", "", "say whether the employee is permanent or non-permanent: the DTP test differs")
	case in.Employee == NonPermanent && in.Method == Annual:
		fs.Add("employee", string(in.Employee), "the annual computation is for permanent employees; give permanent or use ter-monthly")
	case in.Employee == Permanent && in.Method == Daily:
		fs.Add("employee", string(in.Employee), "daily pay is for non-permanent employees; give non-permanent or use ter-monthly")
	}
	if in.RegularGross < 0 {
		fs.Add("regular_gross", in.RegularGross.String(), "give an amount of 0 or more")
	}
	if in.GrossUp {
		fs.Add("gross_up", "true", "under DTP the government bears the tax, so there is no allowance to gross up; leave gross_up out")
	}
}

func isKLU(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func sectorList() string {
	names := make([]string, len(Sectors))
	for i, s := range Sectors {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// period returns the tax period the DTP decision is made for: Month when
// given, otherwise December for annual and January for the rest.
func period(in Input) (month int, given bool) {
	switch {
	case in.Month != 0:
		return in.Month, true
	case in.Method == Annual:
		return 12, false
	}
	return 1, false
}

// dtpFor returns the facilities in force during masa month/year that name
// sector, and all facilities overlapping that masa.
func dtpFor(year, month int, sector Sector) (match, overlapping []dtpVersion) {
	first := day(year, time.Month(month), 1)
	last := first.AddDate(0, 1, -1)
	for _, v := range dtpTables {
		if v.From.After(last) || (!v.To.IsZero() && !v.To.After(first)) {
			continue
		}
		overlapping = append(overlapping, v)
		if slices.Contains(v.Sectors, sector) {
			match = append(match, v)
		}
	}
	return match, overlapping
}

// applyDTP decides whether the PPh 21 DTP facility of the period covers
// r. When it does, the whole tax is borne by the government: DTP = Tax and
// Withheld = 0 (the employer pays the amount to the employee in cash and
// reports the slip with facility DTP). When it does not, one step names
// each criterion that failed and the tax stays withheld.
func applyDTP(r *Result, in Input) error {
	month, given := period(in)
	masa := fmt.Sprintf("%02d/%d", month, in.Year)
	if !given {
		masa += " (month not given)"
	}
	match, overlapping := dtpFor(in.Year, month, in.Sector)
	var failed []string
	var v dtpVersion
	switch {
	case len(match) > 0:
		v = match[0]
	case len(overlapping) > 0:
		var laws []string
		for _, o := range overlapping {
			laws = append(laws, o.Law)
		}
		failed = append(failed, fmt.Sprintf("sector %s is not covered in masa %s by %s", in.Sector, masa, strings.Join(laws, "; ")))
		v = overlapping[0]
	default:
		failed = append(failed, fmt.Sprintf("no PPh 21 DTP facility is held for masa %s (held: masa 2025 under PMK 10/2025 and PMK 72/2025, masa 2026 under PMK 105/2025)", masa))
	}
	if !slices.Contains(dtpMethods, in.Method) {
		failed = append(failed, fmt.Sprintf("method %s is not covered: the facility is for employees' non-final income, not non-employees, non-residents or final income", in.Method))
	}
	if in.Identity == IdentityNone {
		failed = append(failed, "the employee has neither an NPWP nor an NIK integrated with DJP")
	}
	if in.OtherDTP {
		failed = append(failed, "the employee already receives another PPh 21 DTP")
	}
	if v.Law != "" && slices.Contains(dtpMethods, in.Method) {
		if f := dtpIncomeTest(in, v); f != "" {
			failed = append(failed, f)
		}
	}
	if len(failed) > 0 {
		if v.Law != "" {
			r.cite(v.Source)
		}
		for _, f := range failed {
			r.step("PPh 21 DTP not granted: "+f, 0, v.Law)
		}
		r.step("withheld from the recipient", r.Withheld, "")
		return nil
	}
	r.cite(v.Source)
	// The KLU is taken as declared: the Lampiran A lists are not held.
	r.step(fmt.Sprintf("PPh 21 DTP criteria met for masa %s: sector %s, KLU %s, %s, income within the limit", masa, in.Sector, in.KLU, identityName(in.Identity)), 0, v.Law)
	if r.Tax <= 0 {
		r.step("PPh 21 borne by the government (DTP): nothing, the period's tax is not positive", 0, v.Law)
		return nil
	}
	r.DTP, r.Withheld = r.Tax, 0
	r.step("PPh 21 borne by the government (DTP), paid to the employee in cash", r.DTP, v.Law)
	r.step("withheld from the recipient", 0, v.Law)
	return nil
}

// dtpIncomeTest returns the failed income criterion, or "" when the
// income is within the limit.
func dtpIncomeTest(in Input, v dtpVersion) string {
	kind := in.Employee
	switch in.Method {
	case Annual:
		kind = Permanent
	case Daily:
		kind = NonPermanent
	}
	if in.Method == Daily {
		// The day's gross (the average per day for unit or lump-sum pay).
		if in.Gross > v.MaxDailyAverage {
			return fmt.Sprintf("average daily wage %s is above %s", in.Gross.Display(), v.MaxDailyAverage.Display())
		}
		return ""
	}
	test, what := in.Gross, "monthly gross"
	switch {
	case in.HasRegularGross:
		test, what = in.RegularGross, "fixed regular gross of January or the first month of work"
	case kind == Permanent && in.Method == Annual:
		for _, m := range in.Months {
			if m > 0 {
				test, what = m, "gross of the first month with pay (no regular_gross given)"
				break
			}
		}
	case kind == Permanent:
		what = "gross this month (no regular_gross given)"
	}
	if in.Method == TERMonthly && len(in.Excluded) > 0 && !in.HasRegularGross {
		what += ", after exclusions"
	}
	if test > v.MaxMonthlyGross {
		return fmt.Sprintf("%s employee: %s %s is above %s", kind, what, test.Display(), v.MaxMonthlyGross.Display())
	}
	return ""
}

func identityName(id Identity) string {
	if id == IdentityNIK {
		return "NIK integrated with DJP"
	}
	return "NPWP"
}
