package pbjt

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// IncomeTaxStore keeps the owners' recorded regime choices and lease
// marks. Each method that changes state is one transaction that appends
// its audit entry.
type IncomeTaxStore interface {
	// IncomeTaxChoices returns the taxpayer's recorded choices for the
	// tax year, oldest first.
	IncomeTaxChoices(ctx context.Context, taxpayerID int64, year int) ([]RegimeChoice, error)
	// AddIncomeTaxChoice stores c and sets its ID.
	AddIncomeTaxChoice(ctx context.Context, c *RegimeChoice, e audit.Entry) error
	// LeaseMarks returns the lease marks of the properties' bookings.
	LeaseMarks(ctx context.Context, propertyIDs []int64) ([]LeaseMark, error)
	// MarkLease stores m, replacing the booking's earlier mark.
	MarkLease(ctx context.Context, m LeaseMark, e audit.Entry) error
	// IncomeTaxExpenses returns the taxpayer's statements of the tax
	// year's expenses, oldest first, each with its lines in order.
	IncomeTaxExpenses(ctx context.Context, taxpayerID int64, year int) ([]Expenses, error)
	// AddIncomeTaxExpenses stores e as the next version of the year's
	// statement and sets its ID and Version.
	AddIncomeTaxExpenses(ctx context.Context, e *Expenses, a audit.Entry) error
}

// IncomeTaxes are the use cases of the owner's income tax view. Reading
// needs pbjt.read on the taxpayer, recording a choice or a lease
// pbjt.manage.
type IncomeTaxes struct {
	svc      *Service
	bookings BookingStore
	store    IncomeTaxStore
	table    []IncomeTaxParams
}

// NewIncomeTaxes returns the income tax view of the owners of the
// properties svc serves, computed with table (DefaultIncomeTaxParams when
// nil).
func NewIncomeTaxes(svc *Service, bookings BookingStore, store IncomeTaxStore, table []IncomeTaxParams) *IncomeTaxes {
	if table == nil {
		table = DefaultIncomeTaxParams
	}
	return &IncomeTaxes{svc: svc, bookings: bookings, store: store, table: table}
}

// Allow checks that the actor in ctx may perform act on the taxpayer
// named by npwp, before a transport reads a request body.
func (s *IncomeTaxes) Allow(ctx context.Context, npwp string, act actor.Action) error {
	return s.svc.Allow(ctx, npwp, act)
}

// checkYear refuses a tax year before PP 23/2018's first year or after
// next year.
func (s *IncomeTaxes) checkYear(year int) error {
	last := s.svc.Today().Year() + 1
	if year < 2018 || year > last {
		return errs.InvalidFields("the tax year is not valid", errs.Field("year", strconv.Itoa(year),
			"give a tax year from 2018 (PP 23/2018, the first small-taxpayer regime of this kind) to %d", last))
	}
	return nil
}

// farPast and farFuture bound a query for every booking of a property.
var (
	farPast   = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// View computes the taxpayer's income tax view for the tax year.
func (s *IncomeTaxes) View(ctx context.Context, npwp string, year int) (IncomeTax, error) {
	t, err := s.svc.allowed(ctx, npwp, ActRead)
	if err != nil {
		return IncomeTax{}, err
	}
	if err := s.checkYear(year); err != nil {
		return IncomeTax{}, err
	}
	p, err := IncomeTaxParamsFor(s.table, dec31(year))
	if err != nil {
		return IncomeTax{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	props, err := s.svc.store.PropertiesOf(ctx, t.ID)
	if err != nil {
		return IncomeTax{}, err
	}
	ids := make([]int64, len(props))
	bs := map[int64][]Booking{}
	from, to := time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, prop := range props {
		ids[i] = prop.ID
		if bs[prop.ID], err = s.bookings.Bookings(ctx, prop.ID, from, to); err != nil {
			return IncomeTax{}, err
		}
	}
	marks, err := s.store.LeaseMarks(ctx, ids)
	if err != nil {
		return IncomeTax{}, err
	}
	leases := map[int64]LeaseMark{}
	for _, m := range marks {
		leases[m.BookingID] = m
	}
	lines, unpriced, err := OwnerTurnover(p, t.ID, year, props, bs, leases)
	if err != nil {
		return IncomeTax{}, err
	}
	prior, _, err := OwnerTurnover(p, t.ID, year-1, props, bs, leases)
	if err != nil {
		return IncomeTax{}, err
	}
	in := IncomeTaxInput{Params: p, Taxpayer: t, Year: year, Lines: lines, Unpriced: unpriced}
	for _, l := range prior {
		if !l.Lease {
			if in.PriorTurnover, err = in.PriorTurnover.Add(l.Amount); err != nil {
				return IncomeTax{}, err
			}
		}
	}
	if in.Choices, err = s.store.IncomeTaxChoices(ctx, t.ID, year); err != nil {
		return IncomeTax{}, err
	}
	if in.Expenses, err = s.store.IncomeTaxExpenses(ctx, t.ID, year); err != nil {
		return IncomeTax{}, err
	}
	return ComputeIncomeTax(in)
}

// ChoiceInput is the owner's choice of regime for a tax year.
type ChoiceInput struct {
	Regime string
	Basis  string
}

// Choose records the owner's choice of regime for the tax year, with the
// basis the owner gives; the view shows it with its day and basis from
// then on. A regime whose conditions fail on the data is refused.
func (s *IncomeTaxes) Choose(ctx context.Context, npwp string, year int, in ChoiceInput) (RegimeChoice, error) {
	t, err := s.svc.allowed(ctx, npwp, ActManage)
	if err != nil {
		return RegimeChoice{}, err
	}
	if err := s.checkYear(year); err != nil {
		return RegimeChoice{}, err
	}
	var fs errs.Fields
	r := Regime(strings.ToLower(strings.TrimSpace(in.Regime)))
	if !slices.Contains(Regimes, r) {
		fs.Add("regime", in.Regime, "use pp55 (PP 55/2022 0.5 %%), pp34 (PP 34/2017 10 %% as rent of a building) or normal (normal income tax on net income)")
	}
	basis := strings.Join(strings.Fields(in.Basis), " ")
	switch n := utf8.RuneCountInString(basis); {
	case n < 10:
		fs.Add("basis", in.Basis, "say on what basis the regime applies, e.g. \"villa let with daily cleaning and reception: hotel-type business\" (at least 10 characters)")
	case n > 1000:
		fs.Add("basis", in.Basis, "is %d characters long; at most 1000", n)
	}
	if err := fs.Err("the choice is not valid"); err != nil {
		return RegimeChoice{}, err
	}
	v, err := s.View(ctx, npwp, year)
	if err != nil {
		return RegimeChoice{}, err
	}
	if o := v.Option(r); o != nil && !o.Available {
		var failed []string
		for _, c := range o.Checks {
			if !c.OK {
				failed = append(failed, c.Label+": "+c.Detail)
			}
		}
		return RegimeChoice{}, errs.InvalidFields("the regime is not open for this year",
			errs.Field("regime", string(r), "%s is not open for %d: %s", r.Title(), year, strings.Join(failed, "; ")))
	}
	c := RegimeChoice{TaxpayerID: t.ID, Year: year, Regime: r, Basis: basis, RecordedBy: actor.From(ctx).String(), RecordedAt: s.svc.now().UTC()}
	e := s.svc.entry(ctx, t.ID, "pbjt.incometax.choose", fmt.Sprintf("tax year %d: %s; basis: %s", year, r, basis))
	if err := s.store.AddIncomeTaxChoice(ctx, &c, e); err != nil {
		return RegimeChoice{}, err
	}
	return c, nil
}

// LeaseInput marks a booking of a property as a lease, with the owner's
// statements the test of a genuine lease needs.
type LeaseInput struct {
	PropertyID    int64
	BookingID     int64
	Tenant        string
	WholeProperty bool
	NoServices    bool
	Note          string
}

// MarkLease records the owner's statements about a booking: a lease of
// the whole property to the tenant, with or without lodging services.
// LeaseTest then decides whether PP 34/2017 taxes it; marking again
// replaces the statements.
func (s *IncomeTaxes) MarkLease(ctx context.Context, npwp string, in LeaseInput) (LeaseMark, error) {
	t, err := s.svc.allowed(ctx, npwp, ActManage)
	if err != nil {
		return LeaseMark{}, err
	}
	var fs errs.Fields
	tenant := strings.Join(strings.Fields(in.Tenant), " ")
	if n := utf8.RuneCountInString(tenant); n == 0 || n > 200 {
		fs.Add("tenant", in.Tenant, "give the tenant's name, at most 200 characters")
	}
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > 1000 {
		fs.Add("note", "", "is longer than 1000 characters")
	}
	if in.BookingID <= 0 {
		fs.Add("booking_id", strconv.FormatInt(in.BookingID, 10), "give the number of a booking of the property")
	}
	if err := fs.Err("the lease is not valid"); err != nil {
		return LeaseMark{}, err
	}
	prop, err := s.svc.store.Property(ctx, in.PropertyID)
	if errs.Is(errs.NotFound, err) || err == nil && !involves(prop, t.ID) {
		return LeaseMark{}, errs.InvalidFields("the property is not the taxpayer's", errs.Field("property_id", strconv.FormatInt(in.PropertyID, 10),
			"taxpayer %s has no property %d", t.NPWP, in.PropertyID))
	}
	if err != nil {
		return LeaseMark{}, err
	}
	all, err := s.bookings.Bookings(ctx, prop.ID, farPast, farFuture)
	if err != nil {
		return LeaseMark{}, err
	}
	i := slices.IndexFunc(all, func(b Booking) bool { return b.ID == in.BookingID })
	if i < 0 {
		return LeaseMark{}, errs.InvalidFields("the booking is not of the property", errs.Field("booking_id", strconv.FormatInt(in.BookingID, 10),
			"property %d has no booking %d", prop.ID, in.BookingID))
	}
	b := all[i]
	m := LeaseMark{BookingID: b.ID, PropertyID: prop.ID, TaxpayerID: t.ID, Tenant: tenant, WholeProperty: in.WholeProperty, NoServices: in.NoServices,
		Note: note, RecordedBy: actor.From(ctx).String(), RecordedAt: s.svc.now().UTC()}
	p, err := IncomeTaxParamsFor(s.table, b.CheckOut)
	if err != nil {
		return LeaseMark{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	outcome := "a genuine lease under PP 34/2017"
	if why := LeaseTest(p, b.Booking, m); len(why) > 0 {
		outcome = "not a lease: " + strings.Join(why, "; ")
	}
	e := s.svc.entry(ctx, t.ID, "pbjt.incometax.lease", fmt.Sprintf("property %d booking %d (%s..%s) let to %q, whole property %t, no services %t: %s",
		prop.ID, b.ID, b.CheckIn.Format(time.DateOnly), b.CheckOut.Format(time.DateOnly), tenant, in.WholeProperty, in.NoServices, outcome))
	if err := s.store.MarkLease(ctx, m, e); err != nil {
		return LeaseMark{}, err
	}
	return m, nil
}

// ExpenseLineInput is one named expense as the owner typed it.
type ExpenseLineInput struct {
	Label  string
	Amount string
}

// ExpensesInput is the owner's statement of a tax year's deductible
// expenses and, for an individual, the PTKP status.
type ExpensesInput struct {
	Lines []ExpenseLineInput
	PTKP  string
	Note  string
}

// maxExpenseLines bounds a statement: a few named lines, not a ledger.
const maxExpenseLines = 20

// StateExpenses records the owner's deductible expenses of the tax year
// (and an individual's PTKP status) as a new version; the view computes
// normal income tax from the latest. Lines without a label and amount are
// skipped, so a form may leave rows empty.
func (s *IncomeTaxes) StateExpenses(ctx context.Context, npwp string, year int, in ExpensesInput) (Expenses, error) {
	t, err := s.svc.allowed(ctx, npwp, ActManage)
	if err != nil {
		return Expenses{}, err
	}
	if err := s.checkYear(year); err != nil {
		return Expenses{}, err
	}
	var fs errs.Fields
	e := Expenses{TaxpayerID: t.ID, Year: year}
	for i, l := range in.Lines {
		label := strings.Join(strings.Fields(l.Label), " ")
		amount := strings.TrimSpace(l.Amount)
		if label == "" && amount == "" {
			continue
		}
		name := fmt.Sprintf("lines[%d]", i)
		if n := utf8.RuneCountInString(label); n == 0 || n > 100 {
			fs.Add(name+".label", l.Label, "name the cost, e.g. \"staff wages\" or \"OTA commissions\" (at most 100 characters)")
		}
		a, err := money.Parse(amount)
		switch {
		case err != nil:
			fs.Add(name+".amount", l.Amount, "give the year's amount in rupiah, e.g. 120000000 or 1500000.50")
		case a < 0:
			fs.Add(name+".amount", l.Amount, "an expense is not negative; leave out a refund or enter it as income")
		}
		e.Lines = append(e.Lines, ExpenseLine{Label: label, Amount: a})
	}
	switch {
	case len(e.Lines) == 0:
		fs.Add("lines", "", "state at least one expense with its name and amount, e.g. \"villa running costs\" 250000000")
	case len(e.Lines) > maxExpenseLines:
		fs.Add("lines", strconv.Itoa(len(e.Lines)), "give at most %d lines; group smaller costs into one", maxExpenseLines)
	}
	if _, err := e.Total(); err != nil {
		fs.Add("lines", "", "the expenses add up to more than coretax can hold")
	}
	ptkp := strings.ToUpper(strings.TrimSpace(in.PTKP))
	if individualOwner(t) {
		st, err := pph21.ParseStatus(ptkp)
		if err != nil {
			fs.Add("ptkp_status", in.PTKP, "give the owner's PTKP status at the start of the year: TK/0..TK/3 (not married) or K/0..K/3 (married), the number being the dependants")
		}
		e.PTKP = string(st)
	} else if ptkp != "" {
		fs.Add("ptkp_status", in.PTKP, "an entity has no PTKP; leave it empty")
	}
	e.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(e.Note) > 1000 {
		fs.Add("note", "", "is longer than 1000 characters")
	}
	if err := fs.Err("the expenses are not valid"); err != nil {
		return Expenses{}, err
	}
	total, _ := e.Total()
	e.RecordedBy, e.RecordedAt = actor.From(ctx).String(), s.svc.now().UTC()
	detail := fmt.Sprintf("tax year %d: %d expense line(s) totalling %s", year, len(e.Lines), total.Display())
	if e.PTKP != "" {
		detail += "; PTKP status " + e.PTKP
	}
	if err := s.store.AddIncomeTaxExpenses(ctx, &e, s.svc.entry(ctx, t.ID, "pbjt.incometax.expenses", detail)); err != nil {
		return Expenses{}, err
	}
	return e, nil
}
