package pbjt

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
)

// The income tax view of a villa owner (doc/pbjt-income-tax.md): the
// owner's gross turnover from the bookings of every property it owns a
// share of, and the regimes that may tax it side by side, each with its
// steps and sources (local-tax-bali.md §4, §6):
//
//   - PP 55/2022 (replacing PP 23/2018): final PPh of 0.5 % of gross
//     turnover for a taxpayer within its time limit and under the Rp 4.8
//     billion ceiling, an individual's first Rp 500 million of the year
//     untaxed;
//   - PP 34/2017: final PPh of 10 % of the gross rent of land or buildings,
//     for a genuine lease;
//   - normal income tax (UU PPh Pasal 17) on net income, which the bookings
//     alone cannot give.
//
// Whether a short-stay villa is a lodging business or the rent of a
// building is contested (local-tax-bali.md §4.1, §6): the engine shows both
// readings with their amounts and takes neither until the owner records a
// choice.

// Regime is a way of taxing a villa owner's income.
type Regime string

// The regimes.
const (
	// RegimeUMKM is PP 55/2022's final 0.5 % of gross turnover.
	RegimeUMKM Regime = "pp55"
	// RegimeRent is PP 34/2017's final 10 % of gross rent.
	RegimeRent Regime = "pp34"
	// RegimeNormal is income tax at the UU PPh Pasal 17 rates on net
	// income.
	RegimeNormal Regime = "normal"
)

// Regimes lists the regimes in the order the view shows them.
var Regimes = []Regime{RegimeUMKM, RegimeRent, RegimeNormal}

// Title names the regime as the view heads it.
func (r Regime) Title() string {
	switch r {
	case RegimeUMKM:
		return "PP 55/2022: final 0.5 % of gross turnover"
	case RegimeRent:
		return "PP 34/2017: final 10 % of gross rent of a building"
	case RegimeNormal:
		return "Normal income tax (UU PPh Pasal 17) on net income"
	}
	return string(r)
}

// IncomeTaxParams are the dated values of the income tax view, each with
// its status and source. A value the domain notes mark likely or unsure is
// Unverified; a table passed to NewIncomeTaxes replaces them.
type IncomeTaxParams struct {
	// From is the first day the values apply.
	From time.Time
	// UMKMRate is PP 55/2022's rate on gross turnover.
	UMKMRate Value[Rate]
	// Exemption is the gross turnover of a tax year an individual pays no
	// PP 55/2022 tax on.
	Exemption Value[money.Amount]
	// Ceiling is the yearly gross turnover up to which PP 55/2022 applies.
	Ceiling Value[money.Amount]
	// FirstYear is the tax year from which the time limit counts for a
	// taxpayer registered before PP 23/2018 took effect.
	FirstYear Value[int]
	// YearsIndividual, YearsSmallEntity (cooperative, CV, firma) and
	// YearsPT are the number of tax years PP 55/2022 may be used.
	YearsIndividual  Value[int]
	YearsSmallEntity Value[int]
	YearsPT          Value[int]
	// RentRate is PP 34/2017's rate on gross rent.
	RentRate Value[Rate]
	// PaymentDay is the day of the following month by which a month's
	// final tax is self-paid.
	PaymentDay Value[int]
	// MinLeaseNights is the shortest term coretax accepts as a lease
	// rather than a stay; no regulation gives one.
	MinLeaseNights Value[int]
	// EntityRate is UU PPh Pasal 17(1)(b)'s rate on an entity's taxable
	// income; ReductionShare Pasal 31E's reduction of it, on the part of
	// taxable income from the first ReductionTurnover of turnover when
	// the turnover is at most ReductionCeiling.
	EntityRate        Value[Rate]
	ReductionShare    Value[Rate]
	ReductionTurnover Value[money.Amount]
	ReductionCeiling  Value[money.Amount]
}

// DefaultIncomeTaxParams are the values the domain notes support
// (local-tax-bali.md §4; identifiers.md KAP/KJS table).
var DefaultIncomeTaxParams = []IncomeTaxParams{{
	From: time.Date(2022, 12, 30, 0, 0, 0, 0, time.UTC),
	UMKMRate: Value[Rate]{Value: 50, Status: Verified,
		Source: "PP 55/2022 Pasal 56–57: final PPh 0.5 % of gross turnover (local-tax-bali.md §4.2: sure)"},
	Exemption: Value[money.Amount]{Value: 500_000_000 * money.Rupiah, Status: Verified,
		Source: "PP 55/2022 Pasal 60(2), from UU 7/2021 (UU HPP): an individual's first Rp 500 million of gross turnover in a tax year is not taxed (local-tax-bali.md §4.2: sure)"},
	Ceiling: Value[money.Amount]{Value: 4_800_000_000 * money.Rupiah, Status: Verified,
		Source: "PP 55/2022: gross turnover not above Rp 4.8 billion in a tax year (local-tax-bali.md §4.2: sure for the threshold)"},
	FirstYear: Value[int]{Value: 2018, Status: Unverified,
		Source: "PP 55/2022 Pasal 59: the time limit counts from the tax year of registration, or from 2018 (when PP 23/2018 took effect) for a taxpayer registered earlier; the counting rule is not in the domain notes"},
	YearsIndividual: Value[int]{Value: 7, Status: Verified,
		Source: "PP 55/2022 Pasal 59: 7 tax years for individuals (local-tax-bali.md §4.2: sure); a revision making 0.5 % permanent for individuals was announced in October 2025 but is not promulgated"},
	YearsSmallEntity: Value[int]{Value: 4, Status: Verified,
		Source: "PP 55/2022 Pasal 59: 4 tax years for cooperatives, CV, firma, BUMDes and perseroan perorangan (local-tax-bali.md §4.2: sure)"},
	YearsPT: Value[int]{Value: 3, Status: Verified,
		Source: "PP 55/2022 Pasal 59: 3 tax years for a PT (local-tax-bali.md §4.2: sure)"},
	RentRate: Value[Rate]{Value: 1000, Status: Verified,
		Source: "PP 34/2017: final PPh 10 % of the gross rent of land and/or buildings (local-tax-bali.md §4.1: sure)"},
	PaymentDay: Value[int]{Value: 15, Status: Unverified,
		Source: "self-payment by the 15th of the following month (local-tax-bali.md §4.1 for PP 34/2017, KAP 411128 KJS 403: likely; the same day is assumed for PP 55/2022, KAP 411128 KJS 420, identifiers.md: likely)"},
	MinLeaseNights: Value[int]{Value: 30, Status: Unverified,
		Source: "coretax's test, not a regulation: PP 34/2017 sets no minimum term; a let shorter than 30 nights is treated as a stay"},
	EntityRate: Value[Rate]{Value: 2200, Status: Unverified,
		Source: "UU PPh Pasal 17(1)(b) as amended by UU 7/2021 (UU HPP): 22 % on an entity's taxable income (local-tax-bali.md §4.2, \"Outside PP 55/2022\": likely)"},
	ReductionShare: Value[Rate]{Value: 5000, Status: Unverified,
		Source: "UU PPh Pasal 31E(1): a 50 % reduction of the rate (local-tax-bali.md §4.2: likely)"},
	ReductionTurnover: Value[money.Amount]{Value: 4_800_000_000 * money.Rupiah, Status: Unverified,
		Source: "UU PPh Pasal 31E(1): on the part of taxable income from the first Rp 4.8 billion of turnover (local-tax-bali.md §4.2: likely)"},
	ReductionCeiling: Value[money.Amount]{Value: 50_000_000_000 * money.Rupiah, Status: Unverified,
		Source: "UU PPh Pasal 31E(1): for a domestic entity with turnover of at most Rp 50 billion (local-tax-bali.md §4.2: likely)"},
}}

// IncomeTaxParamsFor returns the values of table in force on day d (the
// last day of the tax year).
func IncomeTaxParamsFor(table []IncomeTaxParams, d time.Time) (IncomeTaxParams, error) {
	var out IncomeTaxParams
	found := false
	for _, p := range table {
		if !p.From.After(d) && (!found || p.From.After(out.From)) {
			out, found = p, true
		}
	}
	if !found {
		return out, fmt.Errorf("no income tax values in force on %s", d.Format(time.DateOnly))
	}
	return out, nil
}

// Step is one figure of the view with the rule that gives it.
type Step struct {
	Label  string
	Amount money.Amount
	// Source cites the rule the step applies, if any.
	Source string
}

// Check is one condition of a regime with its outcome.
type Check struct {
	Label  string
	OK     bool
	Detail string
	Source string
}

// LeaseMark records an owner's statement that a booking is a lease of the
// whole property to one tenant without lodging services; LeaseTest
// decides whether it is a genuine lease under PP 34/2017.
type LeaseMark struct {
	BookingID  int64
	PropertyID int64
	// TaxpayerID is the taxpayer on whose behalf it was recorded.
	TaxpayerID    int64
	Tenant        string
	WholeProperty bool
	NoServices    bool
	Note          string
	RecordedBy    string
	RecordedAt    time.Time
}

// LeaseTest applies coretax's test of a genuine lease to a booking marked
// as one and returns the reasons it fails (none when it is a lease): PP
// 34/2017 taxes the rent of land and buildings but not lodging services
// with accommodation (local-tax-bali.md §4.1), so the let must be of the
// whole property, to one tenant, without services, and for at least
// MinLeaseNights.
func LeaseTest(p IncomeTaxParams, b booking.Booking, m LeaseMark) []string {
	var why []string
	if b.Status != booking.Confirmed {
		why = append(why, "the booking is cancelled")
	}
	if strings.TrimSpace(m.Tenant) == "" {
		why = append(why, "no tenant is named")
	}
	if !m.WholeProperty {
		why = append(why, "the let is not of the whole property")
	}
	if !m.NoServices {
		why = append(why, "lodging services (cleaning, reception, meals) come with it: PP 34/2017 excludes lodging services with accommodation")
	}
	if b.Nights < p.MinLeaseNights.Value {
		why = append(why, fmt.Sprintf("%d nights is shorter than the %d-night term coretax takes as a lease", b.Nights, p.MinLeaseNights.Value))
	}
	return why
}

// TurnoverLine is the owner's part of one booking's gross.
type TurnoverLine struct {
	BookingID  int64
	PropertyID int64
	Property   string
	Channel    string
	Guest      string
	CheckOut   time.Time
	Nights     int
	// Gross is the whole booking's gross in rupiah, Share the owner's
	// basis points on the check-out day, Amount the owner's part.
	Gross  money.Amount
	Share  int
	Amount money.Amount
	// Lease is true when the booking passes LeaseTest; LeaseMarked when
	// it is marked as a lease, with NotLease the reasons the test fails.
	Lease       bool
	LeaseMarked bool
	Tenant      string
	NotLease    []string
}

// OwnerTurnover returns the taxpayer's part of the gross of the bookings
// whose check-out falls in year, in check-out order, and the number of
// confirmed bookings without a known gross. Cancelled bookings and
// duplicates are left out, as from the PBJT base (booking.GrossRule); a
// booking belongs to the day of its check-out, as on the bookings page.
// The owner's part is its share of the property on that day, rounded half
// up to the sen (ownerPart).
func OwnerTurnover(p IncomeTaxParams, taxpayerID int64, year int, props []Property, bookings map[int64][]Booking, leases map[int64]LeaseMark) ([]TurnoverLine, int, error) {
	var out []TurnoverLine
	unpriced := 0
	for _, prop := range props {
		for _, b := range bookings[prop.ID] {
			if b.CheckOut.Year() != year || b.DuplicateOf != 0 {
				continue
			}
			share := 0
			for _, o := range prop.OwnersOn(b.CheckOut) {
				if o.TaxpayerID == taxpayerID {
					share += o.Share
				}
			}
			if share == 0 {
				continue
			}
			if b.Status != booking.Confirmed {
				continue
			}
			if !b.Gross.Known {
				unpriced++
				continue
			}
			m, marked := leases[b.ID]
			part, err := ownerPart(b.Gross.IDR, share)
			if err != nil {
				return nil, 0, fmt.Errorf("booking %d: %w", b.ID, err)
			}
			l := TurnoverLine{BookingID: b.ID, PropertyID: prop.ID, Property: prop.Name, Channel: b.Via, Guest: b.Guest, CheckOut: b.CheckOut,
				Nights: b.Nights, Gross: b.Gross.IDR, Share: share, Amount: part, LeaseMarked: marked}
			if marked {
				l.Tenant = m.Tenant
				l.NotLease = LeaseTest(p, b.Booking, m)
				l.Lease = len(l.NotLease) == 0
			}
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b TurnoverLine) int {
		if c := a.CheckOut.Compare(b.CheckOut); c != 0 {
			return c
		}
		return int(a.BookingID - b.BookingID)
	})
	return out, unpriced, nil
}

// ownerPart is an owner's share (basis points) of a booking's gross,
// rounded half up to the sen: the shares of co-owners then add up to the
// gross within a sen each.
func ownerPart(gross money.Amount, share int) (money.Amount, error) {
	return money.MulRat(gross, int64(share), WholeShare, money.HalfUp)
}

// finalTax applies a final rate to a base and drops the sen: no rule on
// rounding a final tax was found, and whole rupiah is what a payment
// carries (the same practice as money.DownToRupiah documents for PPh).
func finalTax(base money.Amount, r Rate) (money.Amount, error) {
	return money.MulRat(base, int64(r), 10000, money.DownToRupiah)
}

// MonthTax is one month of a final regime: the turnover, what of it is
// exempt, the base, the tax and the day it is due.
type MonthTax struct {
	Period Period
	// Turnover is the month's gross; Cumulative the year's gross up to
	// and including the month.
	Turnover   money.Amount
	Cumulative money.Amount
	// Exempt is the part of the month's turnover within the individual's
	// exemption; Base = Turnover − Exempt.
	Exempt money.Amount
	Base   money.Amount
	Tax    money.Amount
	Due    time.Time
	// Note explains the month's base when the exemption ends in it.
	Note string
}

// Option is one regime applied to the turnover, with whether it is open to
// the owner and why, its figures and what is missing.
type Option struct {
	Regime Regime
	Title  string
	// Basis says when the regime applies to a villa, with its source.
	Basis string
	// Available is false when a condition fails (Checks says which).
	Available bool
	Checks    []Check
	// Computed is false when the data cannot give the tax (normal income
	// tax needs net income); Missing then names what is needed.
	Computed bool
	Missing  []string
	Months   []MonthTax
	Tax      money.Amount
	Steps    []Step
}

// TaxpayerGroup is how PP 55/2022 treats a kind of taxpayer.
type TaxpayerGroup struct {
	// Eligible is false for taxpayers PP 55/2022 does not cover.
	Eligible bool
	// Individual is true when the Rp 500 million exemption applies.
	Individual bool
	// Years is the time limit in tax years.
	Years Value[int]
	Label string
}

// GroupOf places a taxpayer in PP 55/2022's groups (Pasal 59): individuals
// (a foreign individual only when resident, shown by a stay permit),
// cooperatives, CV and firma, and PT; foundations, government bodies and
// other entities are outside it.
func GroupOf(p IncomeTaxParams, t registration.Taxpayer) TaxpayerGroup {
	switch t.Kind {
	case registration.ResidentIndividual:
		return TaxpayerGroup{Eligible: true, Individual: true, Years: p.YearsIndividual, Label: "resident individual"}
	case registration.ForeignIndividual:
		if t.StayPermit.Kind != "" {
			return TaxpayerGroup{Eligible: true, Individual: true, Years: p.YearsIndividual,
				Label: "foreign individual with a " + t.StayPermit.Kind + ", taken as resident"}
		}
		return TaxpayerGroup{Label: "foreign individual without a stay permit on record: PP 55/2022 is for domestic taxpayers"}
	case registration.Entity:
		switch t.EntityForm {
		case registration.PT, registration.PTPMA:
			return TaxpayerGroup{Eligible: true, Years: p.YearsPT, Label: "PT"}
		case registration.CV, registration.Firm, registration.Cooperative:
			return TaxpayerGroup{Eligible: true, Years: p.YearsSmallEntity, Label: string(t.EntityForm)}
		}
		return TaxpayerGroup{Label: fmt.Sprintf("entity of form %s: PP 55/2022 covers cooperatives, CV, firma, BUMDes, perseroan perorangan and PT only", t.EntityForm)}
	}
	return TaxpayerGroup{Label: string(t.Kind) + ": not a taxpayer PP 55/2022 covers"}
}

// RegimeChoice is the regime an owner recorded for a tax year, with the
// basis the owner gave.
type RegimeChoice struct {
	ID         int64
	TaxpayerID int64
	Year       int
	Regime     Regime
	Basis      string
	RecordedBy string
	RecordedAt time.Time
}

// IncomeTaxInput is what the view is computed from.
type IncomeTaxInput struct {
	Params   IncomeTaxParams
	Taxpayer registration.Taxpayer
	Year     int
	// Lines are the year's turnover lines (OwnerTurnover); Unpriced the
	// bookings without a gross.
	Lines    []TurnoverLine
	Unpriced int
	// PriorTurnover is the owner's gross of the year before from the
	// bookings in coretax, leases excluded.
	PriorTurnover money.Amount
	// Choices are the recorded choices for the year, oldest first.
	Choices []RegimeChoice
	// Expenses are the owner's statements of the year's deductible
	// expenses, oldest first; the latest applies.
	Expenses []Expenses
}

// IncomeTax is the view: the turnover by month, the regimes side by side,
// the one the notes lead to and the owner's recorded choice.
type IncomeTax struct {
	Year     int
	Taxpayer registration.Taxpayer
	Params   IncomeTaxParams
	Group    TaxpayerGroup
	Lines    []TurnoverLine
	Unpriced int
	// Turnover is the short-stay gross (the business turnover), Rent the
	// gross of genuine leases; PriorTurnover the year before's turnover.
	Turnover      money.Amount
	Rent          money.Amount
	PriorTurnover money.Amount
	// Leases is PP 34/2017 on the genuine leases, not contested.
	Leases *Option
	// Options are the readings of the short-stay turnover, side by side.
	Options []Option
	// Leading is the regime the notes lead to for the short-stay
	// turnover; Contested is true when that reading is disputed, so the
	// owner must choose.
	Leading   Regime
	Reasoning []string
	Contested bool
	// Choice is the latest recorded choice; History every choice.
	Choice  *RegimeChoice
	History []RegimeChoice
	// Applied is the regime the owner recorded, when it is open on the
	// data; "" while no such choice is recorded.
	Applied Regime
	// ChoiceNote says why a recorded choice is not applied.
	ChoiceNote string
	// Expenses is the latest statement of the year's expenses, nil while
	// none is stated; ExpenseHistory every version.
	Expenses       *Expenses
	ExpenseHistory []Expenses
	Notes          []string
}

// Option returns the view's option of regime r, or nil.
func (v *IncomeTax) Option(r Regime) *Option {
	for i := range v.Options {
		if v.Options[i].Regime == r {
			return &v.Options[i]
		}
	}
	return nil
}

func dec31(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC) }

func rp(a money.Amount) string { return a.Display() }

// ComputeIncomeTax computes the view from in. It applies to the short-stay
// turnover only the regime the owner recorded; until then it shows each
// with its figures and basis, and the one the usual reading leads to.
func ComputeIncomeTax(in IncomeTaxInput) (IncomeTax, error) {
	p := in.Params
	v := IncomeTax{Year: in.Year, Taxpayer: in.Taxpayer, Params: p, Group: GroupOf(p, in.Taxpayer), Lines: in.Lines,
		Unpriced: in.Unpriced, PriorTurnover: in.PriorTurnover, History: in.Choices, ExpenseHistory: in.Expenses}
	if n := len(in.Expenses); n > 0 {
		e := in.Expenses[n-1]
		v.Expenses = &e
	}
	var stay, lease [13]money.Amount
	var err error
	for _, l := range in.Lines {
		m := int(l.CheckOut.Month())
		if l.Lease {
			if lease[m], err = lease[m].Add(l.Amount); err != nil {
				return v, err
			}
			if v.Rent, err = v.Rent.Add(l.Amount); err != nil {
				return v, err
			}
			continue
		}
		if stay[m], err = stay[m].Add(l.Amount); err != nil {
			return v, err
		}
		if v.Turnover, err = v.Turnover.Add(l.Amount); err != nil {
			return v, err
		}
	}
	if v.Unpriced > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("%d confirmed booking(s) of %d have no guest price yet (calendar blocks, reservations without their transaction lines): the turnover is too low by their gross until it is imported or entered", v.Unpriced, in.Year))
	}
	v.Notes = append(v.Notes, "The turnover is the owner's share of the gross the guests paid, from the bookings recorded in coretax only: other business income of the owner counts towards the Rp 500 million and Rp 4.8 billion thresholds as well and is not in these figures.")

	if v.Rent > 0 {
		o, err := finalOption(RegimeRent, p, in.Year, lease, false, p.RentRate)
		if err != nil {
			return v, err
		}
		o.Basis = "Bookings marked as leases that pass coretax's test (whole property, one tenant, no lodging services, at least " +
			fmt.Sprint(p.MinLeaseNights.Value) + " nights) are rent of a building: " + p.RentRate.Source + ". This income is outside PP 55/2022 (income subject to another final regime is excluded, local-tax-bali.md §4.2: likely)."
		o.Available = true
		v.Leases = &o
	}

	umkm, err := umkmOption(in, &v, stay)
	if err != nil {
		return v, err
	}
	rent, err := finalOption(RegimeRent, p, in.Year, stay, false, p.RentRate)
	if err != nil {
		return v, err
	}
	rent.Available = true
	rent.Basis = "The disputed reading: a villa let bare, without services, as rent of a building. " + p.RentRate.Source +
		". PP 34/2017's definition of rental excludes lodging services with accommodation, so a short-stay villa run with cleaning or reception is commonly business income instead; whether a bare villa qualifies is disputed (local-tax-bali.md §4.1, §6: unsure)."
	normal, err := normalOption(in, &v)
	if err != nil {
		return v, err
	}
	v.Options = []Option{umkm, rent, normal}

	switch {
	case v.Turnover == 0 && v.Rent > 0:
		v.Reasoning = append(v.Reasoning, fmt.Sprintf("Every booking of %d that gives this taxpayer income is a genuine lease: PP 34/2017 taxes it (below), and there is no short-stay turnover to classify.", in.Year))
	case v.Turnover == 0:
		v.Reasoning = append(v.Reasoning, fmt.Sprintf("No booking of %d gives this taxpayer turnover: there is nothing to tax from the properties.", in.Year))
	case umkm.Available:
		v.Leading = RegimeUMKM
		v.Reasoning = append(v.Reasoning,
			"Short-stay lets of a villa with services are commonly treated as hotel-type business income, not as rent of a building (local-tax-bali.md §4.1, §6).",
			"As business income, PP 55/2022 applies while every condition holds, and all of them hold for "+fmt.Sprint(in.Year)+" on the data: final 0.5 % of gross turnover"+
				map[bool]string{true: ", the first Rp 500 million of the year untaxed.", false: "."}[v.Group.Individual],
			"The classification is contested, and the owner may elect out of PP 55/2022 into normal income tax: coretax applies no regime to the short-stay turnover until the owner records a choice.")
		if normal.Computed {
			v.Reasoning = append(v.Reasoning, compareNormal(normal.Tax, umkm.Tax))
		}
	default:
		v.Leading = RegimeNormal
		v.Reasoning = append(v.Reasoning,
			"Short-stay lets of a villa with services are commonly treated as hotel-type business income, not as rent of a building (local-tax-bali.md §4.1, §6).",
			"PP 55/2022 is not open for "+fmt.Sprint(in.Year)+" (see its conditions), so business income is taxed at the normal rates on net income (local-tax-bali.md §4.2, \"Outside PP 55/2022\": likely).")
		if normal.Computed {
			v.Reasoning = append(v.Reasoning, fmt.Sprintf("On the expenses the owner stated, normal income tax is %s for %d.", rp(normal.Tax), in.Year))
		} else {
			v.Reasoning = append(v.Reasoning, "Normal income tax cannot be computed until the owner states the year's deductible expenses (see what it needs).")
		}
		v.Reasoning = append(v.Reasoning, "The classification is contested: coretax applies no regime to the short-stay turnover until the owner records a choice.")
	}
	// With short-stay turnover the classification is contested, and only
	// the owner's choice applies a regime to it.
	v.Contested = v.Turnover > 0
	if n := len(in.Choices); n > 0 {
		c := in.Choices[n-1]
		v.Choice = &c
		if o := v.Option(c.Regime); o != nil && !o.Available {
			v.ChoiceNote = fmt.Sprintf("The recorded choice %s is not open for %d on the data (see its conditions); record another choice.", c.Regime.Title(), in.Year)
		} else {
			v.Applied = c.Regime
		}
	}
	return v, nil
}

// finalOption computes a final regime month by month on the turnover by
// month (index 1..12), with the individual exemption when exempt is set.
func finalOption(r Regime, p IncomeTaxParams, year int, months [13]money.Amount, exempt bool, rate Value[Rate]) (Option, error) {
	o := Option{Regime: r, Title: r.Title(), Computed: true}
	var cum, total, base money.Amount
	limit := p.Exemption.Value
	var err error
	for m := time.January; m <= time.December; m++ {
		t := months[m]
		if t == 0 {
			continue
		}
		mt := MonthTax{Period: Period{Year: year, Month: m}, Turnover: t}
		before := cum
		if cum, err = cum.Add(t); err != nil {
			return o, err
		}
		mt.Cumulative = cum
		mt.Base = t
		if exempt {
			// PP 55/2022 Pasal 60(2): the exemption runs on the
			// cumulative turnover of the year, so the month that crosses
			// it pays on the excess only.
			switch {
			case cum <= limit:
				mt.Exempt, mt.Base = t, 0
				mt.Note = fmt.Sprintf("within the Rp 500 million exemption (%s of it left)", rp(limit-cum))
			case before < limit:
				mt.Exempt, mt.Base = limit-before, cum-limit
				mt.Note = fmt.Sprintf("the year's turnover passes Rp 500 million this month: taxed on the excess %s only", rp(mt.Base))
			}
		}
		if mt.Tax, err = finalTax(mt.Base, rate.Value); err != nil {
			return o, err
		}
		if p.PaymentDay.Known() {
			mt.Due = dayAfter(mt.Period, p.PaymentDay.Value)
		}
		if total, err = total.Add(mt.Tax); err != nil {
			return o, err
		}
		if base, err = base.Add(mt.Base); err != nil {
			return o, err
		}
		o.Months = append(o.Months, mt)
	}
	o.Tax = total
	o.Steps = append(o.Steps, Step{Label: fmt.Sprintf("Gross of %d", year), Amount: cum, Source: "the owner's share of the gross the guests paid, by check-out day"})
	if exempt {
		ex := min(cum, limit)
		o.Steps = append(o.Steps, Step{Label: "Exempt: the first Rp 500 million of the year", Amount: ex, Source: p.Exemption.Source})
	}
	o.Steps = append(o.Steps,
		Step{Label: "Base: the gross taxed", Amount: base},
		Step{Label: fmt.Sprintf("Tax at %s, month by month, sen dropped", rate.Value), Amount: total, Source: rate.Source},
	)
	return o, nil
}

// umkmOption checks PP 55/2022's conditions and computes its tax.
func umkmOption(in IncomeTaxInput, v *IncomeTax, stay [13]money.Amount) (Option, error) {
	p, g := in.Params, v.Group
	var checks []Check
	checks = append(checks, Check{Label: "Kind of taxpayer", OK: g.Eligible, Detail: g.Label,
		Source: "PP 55/2022 Pasal 59: individuals, cooperatives, CV, firma, BUMDes, perseroan perorangan and PT (local-tax-bali.md §4.2)"})
	if g.Eligible {
		reg := in.Taxpayer.RegisteredAt.Year()
		start := max(reg, p.FirstYear.Value)
		last := start + g.Years.Value - 1
		checks = append(checks, Check{Label: "Time limit", OK: in.Year >= start && in.Year <= last,
			Detail: fmt.Sprintf("registered in %d; %d tax years counted from %d: %d to %d", reg, g.Years.Value, start, start, last),
			Source: g.Years.Source + "; " + p.FirstYear.Source})
	}
	checks = append(checks, Check{Label: "Turnover of the year before", OK: in.PriorTurnover <= p.Ceiling.Value,
		Detail: fmt.Sprintf("%s in %d from the bookings in coretax; the ceiling is %s", rp(in.PriorTurnover), in.Year-1, rp(p.Ceiling.Value)),
		Source: p.Ceiling.Source})
	o, err := finalOption(RegimeUMKM, p, in.Year, stay, g.Individual, p.UMKMRate)
	if err != nil {
		return o, err
	}
	o.Checks = checks
	o.Available = !slices.ContainsFunc(checks, func(c Check) bool { return !c.OK })
	o.Basis = "Short-stay villa operation with services as business income of a small taxpayer: " + p.UMKMRate.Source + ". Paid by the owner each month (KAP 411128, KJS 420: likely)."
	if v.Turnover > p.Ceiling.Value {
		v.Notes = append(v.Notes, fmt.Sprintf("The turnover of %d passes %s: PP 55/2022 is not open for %d (the year's rate is kept to its end, likely; check with the office).",
			in.Year, rp(p.Ceiling.Value), in.Year+1))
	}
	return o, nil
}

// compareNormal says how normal income tax compares with PP 55/2022's.
func compareNormal(normal, umkm money.Amount) string {
	switch {
	case normal < umkm:
		return fmt.Sprintf("On the expenses the owner stated, normal income tax (%s) is %s less than PP 55/2022 (%s); electing out of PP 55/2022 is the owner's choice to record.", rp(normal), rp(umkm-normal), rp(umkm))
	case normal > umkm:
		return fmt.Sprintf("On the expenses the owner stated, normal income tax (%s) is %s more than PP 55/2022 (%s).", rp(normal), rp(normal-umkm), rp(umkm))
	}
	return fmt.Sprintf("On the expenses the owner stated, normal income tax and PP 55/2022 are the same: %s.", rp(normal))
}

// normalOption computes normal income tax on the net income when the
// owner has stated the year's expenses, and otherwise says what it needs.
func normalOption(in IncomeTaxInput, v *IncomeTax) (Option, error) {
	o := Option{Regime: RegimeNormal, Title: RegimeNormal.Title(), Available: true}
	o.Steps = []Step{{Label: fmt.Sprintf("Gross turnover of %d", in.Year), Amount: v.Turnover, Source: "the starting point of the net income; genuine leases taxed under PP 34/2017 are left out"}}
	if individualOwner(in.Taxpayer) {
		o.Basis = "Business income of an individual outside PP 55/2022, or after electing out of it: taxed in the annual return at the UU PPh Pasal 17(1)(a) progressive rates (5 % to 35 %, as amended by UU 7/2021) on net income less PTKP (local-tax-bali.md §4.2: likely)."
		o.Missing = []string{
			"the year's deductible expenses of the villa business (staff, cleaning, utilities, OTA commissions, upkeep, depreciation), stated in the expenses form, and",
			"the owner's PTKP status (e.g. K/1), which registration does not hold",
		}
	} else {
		o.Basis = "Business income of an entity outside PP 55/2022: 22 % on net income, with the UU PPh Pasal 31E 50 % reduction on the part of taxable income from the first Rp 4.8 billion of turnover when turnover is at most Rp 50 billion (local-tax-bali.md §4.2: likely)."
		o.Missing = []string{"the year's deductible expenses of the villa business from bookkeeping, stated in the expenses form"}
	}
	if v.Expenses == nil {
		return o, nil
	}
	o.Missing = nil
	if err := computeNormal(in.Params, in.Taxpayer, in.Year, v.Turnover, *v.Expenses, &o); err != nil {
		return o, err
	}
	if individualOwner(in.Taxpayer) {
		v.Notes = append(v.Notes, "Normal income tax is computed on the villa income alone: the owner's other income shares the same Pasal 17 layers in the annual return and would raise the rate; a deemed net income norm (norma penghitungan penghasilan neto) is not held.")
	}
	return o, nil
}
