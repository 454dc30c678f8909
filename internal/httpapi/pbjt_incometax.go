package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// The villa owner's income tax view: the regimes side by side, the
// recorded choice, and lease marks (doc/pbjt-income-tax.md).

// incomeTaxTarget checks act on the taxpayer before anything of the
// request is read, then reads the tax year from the path.
func (s *server) incomeTaxTarget(r *http.Request, act actor.Action) (*pbjt.IncomeTaxes, int, error) {
	if s.incomeTax == nil {
		return nil, 0, errs.E(errs.Unavailable, "the income tax view is not served by this server")
	}
	if err := s.incomeTax.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return nil, 0, errs.InvalidFields("the tax year is not valid", errs.Field("year", r.PathValue("year"), "give a tax year, e.g. 2026"))
	}
	return s.incomeTax, year, nil
}

type taxStepJSON struct {
	Label  string `json:"label"`
	Amount int64  `json:"amount_sen"`
	Source string `json:"source,omitempty"`
}

type regimeCheckJSON struct {
	Label  string `json:"label"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Source string `json:"source"`
}

type monthTaxJSON struct {
	Month      string  `json:"month"`
	Turnover   int64   `json:"turnover_sen"`
	Cumulative int64   `json:"cumulative_sen"`
	Exempt     int64   `json:"exempt_sen"`
	Base       int64   `json:"base_sen"`
	Tax        int64   `json:"tax_sen"`
	Due        *string `json:"due"`
	Note       string  `json:"note,omitempty"`
}

type optionJSON struct {
	Regime    string            `json:"regime"`
	Title     string            `json:"title"`
	Basis     string            `json:"basis"`
	Available bool              `json:"available"`
	Checks    []regimeCheckJSON `json:"checks"`
	Computed  bool              `json:"computed"`
	Missing   []string          `json:"missing"`
	Months    []monthTaxJSON    `json:"months"`
	Tax       *int64            `json:"tax_sen"`
	Steps     []taxStepJSON     `json:"steps"`
}

func optionOut(o pbjt.Option) optionJSON {
	out := optionJSON{Regime: string(o.Regime), Title: o.Title, Basis: o.Basis, Available: o.Available, Checks: []regimeCheckJSON{},
		Computed: o.Computed, Missing: o.Missing, Months: []monthTaxJSON{}, Steps: []taxStepJSON{}}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	for _, c := range o.Checks {
		out.Checks = append(out.Checks, regimeCheckJSON{Label: c.Label, OK: c.OK, Detail: c.Detail, Source: c.Source})
	}
	for _, m := range o.Months {
		out.Months = append(out.Months, monthTaxJSON{Month: m.Period.String(), Turnover: m.Turnover.Sen(), Cumulative: m.Cumulative.Sen(),
			Exempt: m.Exempt.Sen(), Base: m.Base.Sen(), Tax: m.Tax.Sen(), Due: optionalDay(m.Due), Note: m.Note})
	}
	if o.Computed {
		t := o.Tax.Sen()
		out.Tax = &t
	}
	for _, st := range o.Steps {
		out.Steps = append(out.Steps, taxStepJSON{Label: st.Label, Amount: st.Amount.Sen(), Source: st.Source})
	}
	return out
}

type choiceJSON struct {
	ID         int64  `json:"id"`
	Year       int    `json:"year"`
	Regime     string `json:"regime"`
	Basis      string `json:"basis"`
	RecordedBy string `json:"recorded_by"`
	RecordedAt string `json:"recorded_at"`
}

func choiceOut(c pbjt.RegimeChoice) choiceJSON {
	return choiceJSON{ID: c.ID, Year: c.Year, Regime: string(c.Regime), Basis: c.Basis, RecordedBy: c.RecordedBy,
		RecordedAt: c.RecordedAt.UTC().Format(time.RFC3339)}
}

type turnoverLineJSON struct {
	BookingID  int64    `json:"booking_id"`
	PropertyID int64    `json:"property_id"`
	Property   string   `json:"property"`
	Via        string   `json:"via"`
	Guest      string   `json:"guest"`
	CheckOut   string   `json:"check_out"`
	Nights     int      `json:"nights"`
	Gross      int64    `json:"gross_sen"`
	Share      int      `json:"share_bp"`
	Amount     int64    `json:"amount_sen"`
	Lease      bool     `json:"lease"`
	Marked     bool     `json:"lease_marked"`
	Tenant     string   `json:"tenant,omitempty"`
	NotLease   []string `json:"not_lease,omitempty"`
}

type paramJSON struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Status string `json:"status"`
	Source string `json:"source"`
}

type incomeTaxJSON struct {
	NPWP          string             `json:"npwp"`
	Name          string             `json:"name"`
	Year          int                `json:"year"`
	Group         string             `json:"taxpayer_group"`
	Turnover      int64              `json:"turnover_sen"`
	Rent          int64              `json:"lease_rent_sen"`
	PriorTurnover int64              `json:"prior_turnover_sen"`
	Unpriced      int                `json:"unpriced"`
	Lines         []turnoverLineJSON `json:"lines"`
	Leases        *optionJSON        `json:"leases"`
	Options       []optionJSON       `json:"options"`
	Leading       *string            `json:"leading"`
	Reasoning     []string           `json:"reasoning"`
	Contested     bool               `json:"contested"`
	Applied       *string            `json:"applied"`
	Choice        *choiceJSON        `json:"choice"`
	ChoiceNote    string             `json:"choice_note,omitempty"`
	History       []choiceJSON       `json:"history"`
	Expenses      *expensesJSON      `json:"expenses"`
	ExpenseHist   []expensesJSON     `json:"expense_history"`
	Notes         []string           `json:"notes"`
	Parameters    []paramJSON        `json:"parameters"`
}

func optionalRegime(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// incomeTaxParams lists the view's parameters as name, value, status
// and source, for the API and the page.
func incomeTaxParams(p pbjt.IncomeTaxParams) []paramJSON {
	n := func(v pbjt.Value[int]) string { return strconv.Itoa(v.Value) }
	return []paramJSON{
		{"PP 55/2022 rate", p.UMKMRate.Value.String(), string(p.UMKMRate.Status), p.UMKMRate.Source},
		{"Individual exemption", p.Exemption.Value.Display(), string(p.Exemption.Status), p.Exemption.Source},
		{"Turnover ceiling", p.Ceiling.Value.Display(), string(p.Ceiling.Status), p.Ceiling.Source},
		{"Time limit, individuals (years)", n(p.YearsIndividual), string(p.YearsIndividual.Status), p.YearsIndividual.Source},
		{"Time limit, cooperative, CV, firma (years)", n(p.YearsSmallEntity), string(p.YearsSmallEntity.Status), p.YearsSmallEntity.Source},
		{"Time limit, PT (years)", n(p.YearsPT), string(p.YearsPT.Status), p.YearsPT.Source},
		{"First year counted for earlier registrations", n(p.FirstYear), string(p.FirstYear.Status), p.FirstYear.Source},
		{"PP 34/2017 rate", p.RentRate.Value.String(), string(p.RentRate.Status), p.RentRate.Source},
		{"Payment day of the following month", n(p.PaymentDay), string(p.PaymentDay.Status), p.PaymentDay.Source},
		{"Shortest lease (nights)", n(p.MinLeaseNights), string(p.MinLeaseNights.Status), p.MinLeaseNights.Source},
		{"Entity rate", p.EntityRate.Value.String(), string(p.EntityRate.Status), p.EntityRate.Source},
		{"Pasal 31E reduction", p.ReductionShare.Value.String(), string(p.ReductionShare.Status), p.ReductionShare.Source},
		{"Pasal 31E turnover with the reduction", p.ReductionTurnover.Value.Display(), string(p.ReductionTurnover.Status), p.ReductionTurnover.Source},
		{"Pasal 31E turnover ceiling", p.ReductionCeiling.Value.Display(), string(p.ReductionCeiling.Status), p.ReductionCeiling.Source},
	}
}

func incomeTaxOut(v pbjt.IncomeTax) incomeTaxJSON {
	out := incomeTaxJSON{NPWP: string(v.Taxpayer.NPWP), Name: v.Taxpayer.Name, Year: v.Year, Group: v.Group.Label, Turnover: v.Turnover.Sen(),
		Rent: v.Rent.Sen(), PriorTurnover: v.PriorTurnover.Sen(), Unpriced: v.Unpriced, Lines: []turnoverLineJSON{}, Options: []optionJSON{},
		Leading: optionalRegime(string(v.Leading)), Reasoning: v.Reasoning, Contested: v.Contested, Applied: optionalRegime(string(v.Applied)),
		ChoiceNote: v.ChoiceNote, History: []choiceJSON{}, ExpenseHist: []expensesJSON{}, Notes: v.Notes, Parameters: incomeTaxParams(v.Params)}
	if out.Reasoning == nil {
		out.Reasoning = []string{}
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, turnoverLineJSON{BookingID: l.BookingID, PropertyID: l.PropertyID, Property: l.Property, Via: l.Channel,
			Guest: l.Guest, CheckOut: l.CheckOut.Format(time.DateOnly), Nights: l.Nights, Gross: l.Gross.Sen(), Share: l.Share, Amount: l.Amount.Sen(),
			Lease: l.Lease, Marked: l.LeaseMarked, Tenant: l.Tenant, NotLease: l.NotLease})
	}
	if v.Leases != nil {
		o := optionOut(*v.Leases)
		out.Leases = &o
	}
	for _, o := range v.Options {
		out.Options = append(out.Options, optionOut(o))
	}
	if v.Choice != nil {
		c := choiceOut(*v.Choice)
		out.Choice = &c
	}
	for _, c := range v.History {
		out.History = append(out.History, choiceOut(c))
	}
	if v.Expenses != nil {
		e := expensesOut(*v.Expenses)
		out.Expenses = &e
	}
	for _, e := range v.ExpenseHistory {
		out.ExpenseHist = append(out.ExpenseHist, expensesOut(e))
	}
	return out
}

// incomeTaxView handles GET /taxpayers/{npwp}/income-tax/{year}.
func (s *server) incomeTaxView(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	v, err := svc.View(r.Context(), r.PathValue("npwp"), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, incomeTaxOut(v))
	return nil
}

type choiceForm struct {
	Regime string `json:"regime"`
	Basis  string `json:"basis"`
}

// chooseIncomeTax handles POST /taxpayers/{npwp}/income-tax/{year}/choices:
// the owner records the regime for the year with its basis.
func (s *server) chooseIncomeTax(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	var q choiceForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	c, err := svc.Choose(r.Context(), r.PathValue("npwp"), year, pbjt.ChoiceInput{Regime: q.Regime, Basis: q.Basis})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, choiceOut(c))
	return nil
}

type leaseForm struct {
	Tenant        string `json:"tenant"`
	WholeProperty bool   `json:"whole_property"`
	NoServices    bool   `json:"no_services"`
	Note          string `json:"note"`
}

type leaseJSON struct {
	BookingID     int64  `json:"booking_id"`
	PropertyID    int64  `json:"property_id"`
	Tenant        string `json:"tenant"`
	WholeProperty bool   `json:"whole_property"`
	NoServices    bool   `json:"no_services"`
	Note          string `json:"note"`
	RecordedBy    string `json:"recorded_by"`
	RecordedAt    string `json:"recorded_at"`
}

// markLease handles PUT /taxpayers/{npwp}/properties/{id}/bookings/{booking}/lease:
// the owner's statements that the booking is a lease; they replace
// earlier ones.
func (s *server) markLease(w http.ResponseWriter, r *http.Request) error {
	if s.incomeTax == nil {
		return errs.E(errs.Unavailable, "the income tax view is not served by this server")
	}
	if err := s.incomeTax.Allow(r.Context(), r.PathValue("npwp"), pbjt.ActManage); err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "property")
	if err != nil {
		return err
	}
	bid, err := pathNumber(r, "booking", "booking")
	if err != nil {
		return err
	}
	var q leaseForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	m, err := s.incomeTax.MarkLease(r.Context(), r.PathValue("npwp"), pbjt.LeaseInput{PropertyID: id, BookingID: bid, Tenant: q.Tenant,
		WholeProperty: q.WholeProperty, NoServices: q.NoServices, Note: q.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, leaseJSON{BookingID: m.BookingID, PropertyID: m.PropertyID, Tenant: m.Tenant, WholeProperty: m.WholeProperty,
		NoServices: m.NoServices, Note: m.Note, RecordedBy: m.RecordedBy, RecordedAt: m.RecordedAt.UTC().Format(time.RFC3339)})
	return nil
}

type expenseLineJSON struct {
	Label  string `json:"label"`
	Amount int64  `json:"amount_sen"`
}

type expensesJSON struct {
	ID         int64             `json:"id"`
	Year       int               `json:"year"`
	Version    int               `json:"version"`
	Lines      []expenseLineJSON `json:"lines"`
	Total      int64             `json:"total_sen"`
	PTKP       string            `json:"ptkp_status"`
	Note       string            `json:"note"`
	RecordedBy string            `json:"recorded_by"`
	RecordedAt string            `json:"recorded_at"`
}

func expensesOut(e pbjt.Expenses) expensesJSON {
	total, _ := e.Total()
	out := expensesJSON{ID: e.ID, Year: e.Year, Version: e.Version, Lines: []expenseLineJSON{}, Total: total.Sen(), PTKP: e.PTKP, Note: e.Note,
		RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt.UTC().Format(time.RFC3339)}
	for _, l := range e.Lines {
		out.Lines = append(out.Lines, expenseLineJSON{Label: l.Label, Amount: l.Amount.Sen()})
	}
	return out
}

type expensesForm struct {
	Lines []struct {
		Label  string `json:"label"`
		Amount string `json:"amount"`
	} `json:"lines"`
	PTKP string `json:"ptkp_status"`
	Note string `json:"note"`
}

// stateIncomeTaxExpenses handles PUT
// /taxpayers/{npwp}/income-tax/{year}/expenses: the owner states the
// year's deductible expenses (and an individual's PTKP status) as a new
// version, from which the view computes normal income tax.
func (s *server) stateIncomeTaxExpenses(w http.ResponseWriter, r *http.Request) error {
	svc, year, err := s.incomeTaxTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	var q expensesForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	in := pbjt.ExpensesInput{PTKP: q.PTKP, Note: q.Note}
	for _, l := range q.Lines {
		in.Lines = append(in.Lines, pbjt.ExpenseLineInput{Label: l.Label, Amount: l.Amount})
	}
	e, err := svc.StateExpenses(r.Context(), r.PathValue("npwp"), year, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, expensesOut(e))
	return nil
}
