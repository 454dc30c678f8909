package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// The villa owner's income tax page: the turnover by month, the regimes
// side by side with their conditions, steps and sources, the form that
// records the owner's choice, and the form that states a booking is a
// lease (doc/pbjt-income-tax.md).

// incomeTaxTarget checks act on the taxpayer before anything else, then
// reads the tax year from the path.
func (s *server) incomeTaxTarget(r *http.Request, act actor.Action) (*pbjt.IncomeTaxes, int, error) {
	if s.pbjtIncomeTax == nil {
		return nil, 0, errs.E(errs.Unavailable, "the income tax view is not served by this server")
	}
	if err := s.pbjtIncomeTax.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return nil, 0, errs.Errorf(errs.NotFound, "there is no tax year %q", r.PathValue("year"))
	}
	return s.pbjtIncomeTax, year, nil
}

func incomeTaxURL(npwp string, year int) string {
	return "/taxpayers/" + npwp + "/income-tax/" + strconv.Itoa(year)
}

type paramRow struct {
	Name, Value, Source string
	Verified            bool
}

type regimeChoiceOption struct {
	Value, Label string
	Selected     bool
	Disabled     bool
}

type incomeTaxPage struct {
	page
	NPWP string
	Year int
	Base string
	// PrevYear and NextYear link the neighbouring tax years.
	PrevYear, NextYear int
	PrevURL, NextURL   string
	V                  pbjt.IncomeTax
	Params             []paramRow
	Choices            []regimeChoiceOption
	Basis              string
	ChoiceErrs         *formErrors
	// Lease form.
	Candidates []pbjt.TurnoverLine
	Lease      leaseFormValues
	LeaseErrs  *formErrors
	// Expenses form: the rows of named expenses, the PTKP status (asked
	// of an individual only) and the note.
	Individual   bool
	ExpenseRows  []expenseRow
	PTKP         string
	PTKPOptions  []string
	ExpenseNote  string
	ExpensesErrs *formErrors
}

// expenseRow is one row of the expenses form with its messages.
type expenseRow struct {
	Index               int
	Label, Amount       string
	LabelErr, AmountErr string
}

// expenseRowsShown is the least number of rows the expenses form shows.
const expenseRowsShown = 5

type leaseFormValues struct {
	Booking                   string
	Tenant, Note              string
	WholeProperty, NoServices bool
}

// incomeTaxThisYear handles GET /taxpayers/{npwp}/income-tax: the view of
// the current tax year.
func (s *server) incomeTaxThisYear(w http.ResponseWriter, r *http.Request) error {
	if s.pbjtIncomeTax == nil {
		return errs.E(errs.Unavailable, "the income tax view is not served by this server")
	}
	if err := s.pbjtIncomeTax.Allow(r.Context(), r.PathValue("npwp"), pbjt.ActRead); err != nil {
		return err
	}
	return seeOther(w, r, incomeTaxURL(r.PathValue("npwp"), calendar.Day(time.Now()).Year()))
}

// incomeTax handles GET /taxpayers/{npwp}/income-tax/{year}.
func (s *server) incomeTax(w http.ResponseWriter, r *http.Request) error {
	return s.renderIncomeTax(w, r, http.StatusOK, nil, nil, nil)
}

func (s *server) renderIncomeTax(w http.ResponseWriter, r *http.Request, status int, choiceErrs, leaseErrs, expensesErrs *formErrors) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	v, err := svc.View(r.Context(), npwp, year)
	if err != nil {
		return err
	}
	p := incomeTaxPage{NPWP: npwp, Year: year, Base: incomeTaxURL(npwp, year), V: v, ChoiceErrs: choiceErrs, LeaseErrs: leaseErrs,
		PrevYear: year - 1, NextYear: year + 1, PrevURL: incomeTaxURL(npwp, year-1), NextURL: incomeTaxURL(npwp, year+1)}
	for _, row := range []struct {
		name, value string
		st          pbjt.Status
		src         string
	}{
		{"PP 55/2022 rate", v.Params.UMKMRate.Value.String(), v.Params.UMKMRate.Status, v.Params.UMKMRate.Source},
		{"Individual exemption", v.Params.Exemption.Value.Display(), v.Params.Exemption.Status, v.Params.Exemption.Source},
		{"Turnover ceiling", v.Params.Ceiling.Value.Display(), v.Params.Ceiling.Status, v.Params.Ceiling.Source},
		{"Time limit, individuals", strconv.Itoa(v.Params.YearsIndividual.Value) + " tax years", v.Params.YearsIndividual.Status, v.Params.YearsIndividual.Source},
		{"Time limit, cooperative, CV, firma", strconv.Itoa(v.Params.YearsSmallEntity.Value) + " tax years", v.Params.YearsSmallEntity.Status, v.Params.YearsSmallEntity.Source},
		{"Time limit, PT", strconv.Itoa(v.Params.YearsPT.Value) + " tax years", v.Params.YearsPT.Status, v.Params.YearsPT.Source},
		{"First year counted for earlier registrations", strconv.Itoa(v.Params.FirstYear.Value), v.Params.FirstYear.Status, v.Params.FirstYear.Source},
		{"PP 34/2017 rate", v.Params.RentRate.Value.String(), v.Params.RentRate.Status, v.Params.RentRate.Source},
		{"Payment day", strconv.Itoa(v.Params.PaymentDay.Value) + " of the following month", v.Params.PaymentDay.Status, v.Params.PaymentDay.Source},
		{"Shortest lease", strconv.Itoa(v.Params.MinLeaseNights.Value) + " nights", v.Params.MinLeaseNights.Status, v.Params.MinLeaseNights.Source},
		{"Entity rate", v.Params.EntityRate.Value.String(), v.Params.EntityRate.Status, v.Params.EntityRate.Source},
		{"Pasal 31E reduction", v.Params.ReductionShare.Value.String(), v.Params.ReductionShare.Status, v.Params.ReductionShare.Source},
		{"Pasal 31E turnover with the reduction", v.Params.ReductionTurnover.Value.Display(), v.Params.ReductionTurnover.Status, v.Params.ReductionTurnover.Source},
		{"Pasal 31E turnover ceiling", v.Params.ReductionCeiling.Value.Display(), v.Params.ReductionCeiling.Status, v.Params.ReductionCeiling.Source},
	} {
		p.Params = append(p.Params, paramRow{Name: row.name, Value: row.value, Source: row.src, Verified: row.st == pbjt.Verified})
	}
	chosen := ""
	if v.Choice != nil {
		chosen = string(v.Choice.Regime)
	}
	if r.Method == http.MethodPost && choiceErrs != nil {
		chosen, p.Basis = r.PostForm.Get("regime"), r.PostForm.Get("basis")
	}
	for _, o := range v.Options {
		label := o.Title
		if !o.Available {
			label += " (not open on the data)"
		}
		p.Choices = append(p.Choices, regimeChoiceOption{Value: string(o.Regime), Label: label, Selected: chosen == string(o.Regime), Disabled: !o.Available})
	}
	for _, l := range v.Lines {
		if l.Nights >= v.Params.MinLeaseNights.Value || l.LeaseMarked {
			p.Candidates = append(p.Candidates, l)
		}
	}
	if r.Method == http.MethodPost && leaseErrs != nil {
		f := r.PostForm
		p.Lease = leaseFormValues{Booking: f.Get("booking"), Tenant: f.Get("tenant"), Note: f.Get("note"),
			WholeProperty: f.Get("whole_property") == "true", NoServices: f.Get("no_services") == "true"}
	}
	p.Individual, p.PTKPOptions, p.ExpensesErrs = v.Taxpayer.Kind.Individual(), ptkpStatuses, expensesErrs
	var labels, amounts []string
	if r.Method == http.MethodPost && expensesErrs != nil {
		labels, amounts = r.PostForm["label"], r.PostForm["amount"]
		p.PTKP, p.ExpenseNote = r.PostForm.Get("ptkp_status"), r.PostForm.Get("note")
	} else if e := v.Expenses; e != nil {
		for _, l := range e.Lines {
			labels, amounts = append(labels, l.Label), append(amounts, l.Amount.String())
		}
		p.PTKP, p.ExpenseNote = e.PTKP, e.Note
	}
	p.ExpenseRows = expenseRows(labels, amounts, expensesErrs)
	p.page = s.newPage(w, r, "Income tax "+strconv.Itoa(year), "properties")
	s.render(w, r, status, "pbjt_incometax", p)
	return nil
}

// chooseIncomeTax handles POST /taxpayers/{npwp}/income-tax/{year}/choices:
// the owner's choice of regime with its basis. A choice the service
// refuses is shown again with its messages (422).
func (s *server) chooseIncomeTax(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	_, err = svc.Choose(r.Context(), npwp, year, pbjt.ChoiceInput{Regime: r.PostForm.Get("regime"), Basis: r.PostForm.Get("basis")})
	if errs.Is(errs.Invalid, err) {
		fe := errorsOf(err)
		fe.Prefix = "choice-"
		return s.renderIncomeTax(w, r, http.StatusUnprocessableEntity, fe, nil, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, incomeTaxURL(npwp, year)+"#choice")
}

// markLease handles POST /taxpayers/{npwp}/income-tax/{year}/leases: the
// owner's statements that a booking (booking = "property:booking") is a
// lease of the whole property without lodging services.
func (s *server) markLease(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	f := r.PostForm
	in := pbjt.LeaseInput{Tenant: f.Get("tenant"), WholeProperty: f.Get("whole_property") == "true", NoServices: f.Get("no_services") == "true",
		Note: f.Get("note")}
	prop, bk, ok := strings.Cut(f.Get("booking"), ":")
	in.PropertyID, _ = strconv.ParseInt(prop, 10, 64)
	in.BookingID, _ = strconv.ParseInt(bk, 10, 64)
	if !ok || in.PropertyID <= 0 || in.BookingID <= 0 {
		fe := errorsOf(errs.InvalidFields("choose a booking", errs.Field("booking", f.Get("booking"), "choose one of the bookings listed")))
		fe.Prefix = "lease-"
		return s.renderIncomeTax(w, r, http.StatusUnprocessableEntity, nil, fe, nil)
	}
	_, err = svc.MarkLease(r.Context(), npwp, in)
	if errs.Is(errs.Invalid, err) {
		fe := errorsOf(err)
		fe.Prefix = "lease-"
		for _, name := range []string{"booking_id", "property_id"} {
			if m, ok := fe.Fields[name]; ok {
				fe.Fields["booking"] = m
			}
		}
		return s.renderIncomeTax(w, r, http.StatusUnprocessableEntity, nil, fe, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, incomeTaxURL(npwp, year)+"#leases")
}

// expenseRows lays out the expenses form's rows from the labels and
// amounts (a statement's lines or a refused submission), with at least
// expenseRowsShown rows and one empty row to add a line.
func expenseRows(labels, amounts []string, fe *formErrors) []expenseRow {
	n := max(len(labels), len(amounts))
	rows := make([]expenseRow, max(n+1, expenseRowsShown))
	for i := range rows {
		rows[i].Index = i
		if i < len(labels) {
			rows[i].Label = labels[i]
		}
		if i < len(amounts) {
			rows[i].Amount = amounts[i]
		}
		rows[i].LabelErr = fe.Get(fmt.Sprintf("lines[%d].label", i))
		rows[i].AmountErr = fe.Get(fmt.Sprintf("lines[%d].amount", i))
	}
	return rows
}

// stateExpenses handles POST /taxpayers/{npwp}/income-tax/{year}/expenses:
// the year's deductible expenses as rows of label and amount, and an
// individual's PTKP status. A statement the service refuses is shown
// again with its messages (422).
func (s *server) stateExpenses(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	f := r.PostForm
	in := pbjt.ExpensesInput{PTKP: f.Get("ptkp_status"), Note: f.Get("note")}
	labels, amounts := f["label"], f["amount"]
	for i := range max(len(labels), len(amounts)) {
		var l pbjt.ExpenseLineInput
		if i < len(labels) {
			l.Label = labels[i]
		}
		if i < len(amounts) {
			l.Amount = amounts[i]
		}
		in.Lines = append(in.Lines, l)
	}
	_, err = svc.StateExpenses(r.Context(), npwp, year, in)
	if errs.Is(errs.Invalid, err) {
		fe := errorsOf(err)
		fe.Prefix = "expenses-"
		return s.renderIncomeTax(w, r, http.StatusUnprocessableEntity, nil, nil, fe)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, incomeTaxURL(npwp, year)+"#expenses")
}
