package pph21

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21/treaty"
)

// inputJSON is the JSON form of Input documented in doc/pph21.md. Amounts
// and rates are decimal strings so that they never pass through float64.
type inputJSON struct {
	Year                int      `json:"year"`
	Status              string   `json:"status"`
	Method              string   `json:"method"`
	Gross               *string  `json:"gross"`
	Months              []string `json:"months"`
	Withheld            *string  `json:"withheld"`
	PensionContribution *string  `json:"pension_contribution"`
	Country             string   `json:"country"`
	Treaty              bool     `json:"treaty"`
	TreatyRate          *string  `json:"treaty_rate"`
	Income              string   `json:"income"`
	Qualifying          bool     `json:"qualifying_shareholding"`
	GrossUp             bool     `json:"gross_up"`

	Month        int            `json:"month"`
	Identity     string         `json:"identity"`
	DTP          bool           `json:"dtp"`
	Sector       string         `json:"sector"`
	KLU          string         `json:"klu"`
	Employee     string         `json:"employee"`
	RegularGross *string        `json:"regular_gross"`
	OtherDTP     bool           `json:"other_dtp"`
	Excluded     []excludedJSON `json:"excluded"`
	ObjectCode   string         `json:"object_code"`
	PaidBefore   *string        `json:"paid_before"`
	COD          string         `json:"cod"`
}

type excludedJSON struct {
	Name   string  `json:"name"`
	Amount *string `json:"amount"`
	Reason string  `json:"reason"`
}

// members lists the input members for the unknown-member message.
const members = "year, status, method, gross, months, withheld, pension_contribution, country, treaty, treaty_rate, income, qualifying_shareholding, cod, gross_up, month, identity, dtp, sector, klu, employee, regular_gross, other_dtp, excluded, object_code, paid_before"

// maxInput bounds the JSON read, far above any real input.
const maxInput = 1 << 20

// ParseInput reads one JSON object (doc/pph21.md) and checks it. Every
// problem is an Invalid error whose fields name the member, the value and
// the fix.
func ParseInput(r io.Reader) (Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return Input{}, fmt.Errorf("read input: %w", err)
	}
	if len(data) > maxInput {
		return Input{}, errs.InvalidFields("input too large",
			errs.Field("input", fmt.Sprintf("more than %d bytes", maxInput), "give one JSON object of a few hundred bytes"))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j inputJSON
	if err := dec.Decode(&j); err != nil {
		return Input{}, jsonError(err)
	}
	if dec.More() {
		return Input{}, errs.InvalidFields("bad input",
			errs.Field("input", "", "give exactly one JSON object; there is more after it"))
	}

	var fs errs.Fields
	in := Input{
		Year:    j.Year,
		Method:  Method(strings.TrimSpace(j.Method)),
		Country: strings.ToUpper(strings.TrimSpace(j.Country)),
		Treaty:  j.Treaty,
		GrossUp: j.GrossUp,

		Month:      j.Month,
		Identity:   Identity(strings.ToLower(strings.TrimSpace(j.Identity))),
		DTP:        j.DTP,
		Sector:     Sector(strings.ToLower(strings.TrimSpace(j.Sector))),
		KLU:        strings.TrimSpace(j.KLU),
		Employee:   Employee(strings.ToLower(strings.TrimSpace(j.Employee))),
		OtherDTP:   j.OtherDTP,
		ObjectCode: ObjectCode(strings.TrimSpace(j.ObjectCode)),
		COD:        strings.TrimSpace(j.COD),
		Income:     treaty.Income(strings.ToLower(strings.TrimSpace(j.Income))),
		Qualifying: j.Qualifying,
	}
	amount := func(field string, s *string) money.Amount {
		if s == nil {
			return 0
		}
		a, err := money.Parse(strings.TrimSpace(*s))
		if err != nil {
			fs.Add(field, *s, "give a decimal amount in rupiah such as \"15000000\" or \"1250.50\"")
			return 0
		}
		if a < 0 {
			fs.Add(field, *s, "give an amount of 0 or more")
		}
		return a
	}
	if j.Method == "" {
		fs.Add("method", "", "give one of %s", methodList)
	}
	if j.Status != "" {
		st, err := ParseStatus(j.Status)
		if err != nil {
			fs.Add("status", j.Status, "%s", statusFix(strings.ToUpper(strings.TrimSpace(j.Status))))
		}
		in.Status = st
	} else if in.Method == TERMonthly || in.Method == Annual {
		fs.Add("status", "", "give the PTKP status at the start of the year, e.g. \"K/1\"")
	}
	if j.Gross == nil && in.Method != Annual && in.Method != "" {
		fs.Add("gross", "", "give the gross as a decimal string, e.g. \"15000000\"")
	}
	if j.Gross != nil && in.Method == Annual {
		fs.Add("gross", *j.Gross, "leave gross out for annual and give the 12 monthly grosses in months")
	}
	in.Gross = amount("gross", j.Gross)
	for i := range j.Months {
		in.Months = append(in.Months, amount(fmt.Sprintf("months[%d]", i), &j.Months[i]))
	}
	in.Withheld = amount("withheld", j.Withheld)
	in.HasWithheld = j.Withheld != nil
	in.PensionContribution = amount("pension_contribution", j.PensionContribution)
	in.RegularGross = amount("regular_gross", j.RegularGross)
	in.HasRegularGross = j.RegularGross != nil
	in.PaidBefore = amount("paid_before", j.PaidBefore)
	for i, x := range j.Excluded {
		field := fmt.Sprintf("excluded[%d].amount", i)
		if x.Amount == nil {
			fs.Add(field, "", "give the item's amount as a decimal string, e.g. \"750000\"")
		}
		in.Excluded = append(in.Excluded, Excluded{
			Name:   strings.TrimSpace(x.Name),
			Amount: amount(field, x.Amount),
			Reason: strings.TrimSpace(x.Reason),
		})
	}
	if in.Income != "" && !slices.Contains(treaty.Incomes, in.Income) {
		fs.Add("income", j.Income, "is not a treaty income type; use one of dividends, dividends-qualifying, interest, royalties, services, branch-profit, other (or give object_code)")
	}
	if j.TreatyRate != nil {
		rate, err := ParseRate(*j.TreatyRate)
		if err != nil {
			fs.Add("treaty_rate", *j.TreatyRate, "give a percentage such as \"10\" or \"7.5\"")
		}
		in.TreatyRate, in.HasTreatyRate = rate, err == nil
	}
	// Add the rule checks on members that parsed, so that one run names
	// every problem.
	for _, f := range errs.FieldsOf(validate(in)) {
		if !slices.ContainsFunc(fs, func(g errs.FieldError) bool { return g.Field == f.Field }) {
			fs.Append(f)
		}
	}
	if len(fs) > 0 {
		return Input{}, fs.Err("bad input")
	}
	return in, nil
}

// ParseRate parses a percentage with at most two decimals, "10" or "7.5".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.HasPrefix(whole, "+") || strings.HasPrefix(whole, "-") {
		return 0, fmt.Errorf("bad rate %q", s)
	}
	w, err := strconv.ParseInt(whole, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad rate %q", s)
	}
	var f int64
	if frac != "" {
		if strings.ContainsAny(frac, "+-") {
			return 0, fmt.Errorf("bad rate %q", s)
		}
		if f, err = strconv.ParseInt(frac, 10, 32); err != nil {
			return 0, fmt.Errorf("bad rate %q", s)
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return Rate(w*100 + f), nil
}

// jsonError turns a decoding error into an Invalid error naming the member.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		want := "a decimal string"
		switch te.Type.Kind().String() {
		case "int":
			want = "a whole number"
		case "bool":
			want = "true or false"
		case "slice":
			want = "an array of decimal strings"
		}
		return errs.InvalidFields("bad input", errs.Field(te.Field, te.Value, "give %s", want))
	case errors.As(err, &se):
		return errs.InvalidFields("bad input", errs.Field("input", "", "not valid JSON at byte %d: %v", se.Offset, err))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return errs.InvalidFields("bad input", errs.Field(name, "", "unknown member; the members are %s", members))
	case errors.Is(err, io.EOF):
		return errs.InvalidFields("bad input", errs.Field("input", "", "empty; give one JSON object, see coretax pph21 --help"))
	}
	return errs.InvalidFields("bad input", errs.Field("input", "", "not valid JSON: %v", err))
}
