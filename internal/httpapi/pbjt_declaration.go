package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/pbjt/sptpd"
)

// The monthly declarations (SPTPD) of a property, their amendments and
// payments (doc/pbjt-declarations.md).

func (s *server) declarationService() (*pbjt.Declarations, error) {
	if s.pbjtDeclarations == nil {
		return nil, errs.E(errs.Unavailable, "PBJT declarations are not served by this server")
	}
	return s.pbjtDeclarations, nil
}

// declarationTarget checks act on the taxpayer before anything else is
// read, then reads the property's ID.
func (s *server) declarationTarget(r *http.Request, act actor.Action) (*pbjt.Declarations, int64, error) {
	svc, err := s.declarationService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	id, err := pathNumber(r, "id", "property")
	return svc, id, err
}

type configValueJSON struct {
	Value  any    `json:"value"`
	Status string `json:"status"`
	Source string `json:"source"`
}

type penaltyRuleJSON struct {
	Text              string          `json:"text"`
	InterestBPMonth   configValueJSON `json:"interest_bp_per_month"`
	InterestMaxMonths configValueJSON `json:"interest_max_months"`
	LateFilingFine    configValueJSON `json:"late_filing_fine_sen"`
}

func ruleOut(r pbjt.PenaltyRule) penaltyRuleJSON {
	return penaltyRuleJSON{Text: r.String(),
		InterestBPMonth:   configValueJSON{int64(r.InterestPerMonth.Value), string(r.InterestPerMonth.Status), r.InterestPerMonth.Source},
		InterestMaxMonths: configValueJSON{r.InterestMaxMonths.Value, string(r.InterestMaxMonths.Status), r.InterestMaxMonths.Source},
		LateFilingFine:    configValueJSON{r.LateFilingFine.Value.Sen(), string(r.LateFilingFine.Status), r.LateFilingFine.Source}}
}

type declarationJSON struct {
	ID            int64           `json:"id"`
	PropertyID    int64           `json:"property_id"`
	RegencyCode   string          `json:"regency_code"`
	Office        string          `json:"office"`
	Month         string          `json:"month"`
	Revision      int             `json:"revision"`
	Status        string          `json:"status"`
	Number        string          `json:"number"`
	PaymentCode   *string         `json:"payment_code"`
	Nil           bool            `json:"nil"`
	Base          int64           `json:"base_sen"`
	BookingsGross int64           `json:"bookings_gross_sen"`
	Difference    int64           `json:"difference_sen"`
	Bookings      int             `json:"bookings"`
	Unpriced      int             `json:"unpriced"`
	RateBP        int64           `json:"rate_bp"`
	Tax           int64           `json:"tax_sen"`
	PriorTax      int64           `json:"prior_tax_sen"`
	Overpayment   int64           `json:"overpayment_sen"`
	Reason        string          `json:"reason"`
	Warnings      []string        `json:"warnings"`
	FiledOn       string          `json:"filed_on"`
	FilingDue     string          `json:"filing_due"`
	PaymentDue    string          `json:"payment_due"`
	Late          bool            `json:"late"`
	Fine          int64           `json:"fine_sen"`
	Rule          penaltyRuleJSON `json:"penalty_rule"`
	Layout        string          `json:"layout"`
	FiledBy       string          `json:"filed_by"`
	FiledAt       string          `json:"filed_at"`
}

func declarationOut(d pbjt.Declaration) declarationJSON {
	out := declarationJSON{ID: d.ID, PropertyID: d.PropertyID, RegencyCode: d.RegencyCode, Office: d.Office, Month: d.Period.String(),
		Revision: d.Revision, Status: string(d.Status), Number: d.Number, Nil: d.Nil, Base: d.Base.Sen(), BookingsGross: d.BookingsGross.Sen(),
		Difference: d.Difference().Sen(), Bookings: d.Bookings, Unpriced: d.Unpriced, RateBP: int64(d.Rate), Tax: d.Tax.Sen(),
		PriorTax: d.PriorTax.Sen(), Overpayment: d.Overpayment.Sen(), Reason: d.Reason, Warnings: d.Warnings(),
		FiledOn: d.FiledOn.Format(time.DateOnly), FilingDue: d.FilingDue.Format(time.DateOnly), PaymentDue: d.PaymentDue.Format(time.DateOnly),
		Late: d.Late, Fine: d.Fine.Sen(), Rule: ruleOut(d.Rule), Layout: d.Layout, FiledBy: d.FiledBy, FiledAt: d.FiledAt.UTC().Format(time.RFC3339)}
	if d.PaymentCode != "" {
		out.PaymentCode = &d.PaymentCode
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	return out
}

type paymentJSON struct {
	ID            int64  `json:"id"`
	DeclarationID int64  `json:"declaration_id"`
	PaidOn        string `json:"paid_on"`
	Amount        int64  `json:"amount_sen"`
	Receipt       string `json:"receipt"`
	RecordedBy    string `json:"recorded_by"`
	RecordedAt    string `json:"recorded_at"`
}

type interestLineJSON struct {
	Revision int    `json:"revision"`
	Amount   int64  `json:"amount_sen"`
	Until    string `json:"until"`
	Unpaid   bool   `json:"unpaid"`
	Months   int    `json:"months"`
	Interest int64  `json:"interest_sen"`
}

type monthAccountJSON struct {
	Month         string             `json:"month"`
	AsOf          string             `json:"as_of"`
	State         string             `json:"state"`
	Revisions     []declarationJSON  `json:"revisions"`
	Payments      []paymentJSON      `json:"payments"`
	Tax           int64              `json:"tax_sen"`
	TaxPaid       int64              `json:"tax_paid_sen"`
	TaxUnpaid     int64              `json:"tax_unpaid_sen"`
	Interest      int64              `json:"interest_sen"`
	InterestKnown bool               `json:"interest_known"`
	Lines         []interestLineJSON `json:"interest_lines"`
	Fine          int64              `json:"fine_sen"`
	FineKnown     bool               `json:"fine_known"`
	PenaltyPaid   int64              `json:"penalty_paid_sen"`
	Outstanding   int64              `json:"outstanding_sen"`
	Overpaid      int64              `json:"overpaid_sen"`
	Rule          string             `json:"rule"`
}

func monthAccountOut(a pbjt.Account) monthAccountJSON {
	out := monthAccountJSON{Month: a.Period.String(), AsOf: a.AsOf.Format(time.DateOnly), State: string(a.State()),
		Revisions: make([]declarationJSON, len(a.Revisions)), Payments: make([]paymentJSON, len(a.Payments)),
		Tax: a.Tax.Sen(), TaxPaid: a.TaxPaid.Sen(), TaxUnpaid: a.TaxUnpaid.Sen(), Interest: a.Interest.Sen(), InterestKnown: a.InterestKnown,
		Lines: make([]interestLineJSON, len(a.Lines)), Fine: a.Fine.Sen(), FineKnown: a.FineKnown, PenaltyPaid: a.PenaltyPaid.Sen(),
		Outstanding: a.Outstanding.Sen(), Overpaid: a.Overpaid.Sen(), Rule: a.Current().Rule.String()}
	for i, d := range a.Revisions {
		out.Revisions[i] = declarationOut(d)
	}
	for i, p := range a.Payments {
		out.Payments[i] = paymentJSON{ID: p.ID, DeclarationID: p.DeclarationID, PaidOn: p.PaidOn.Format(time.DateOnly), Amount: p.Amount.Sen(),
			Receipt: p.Receipt, RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt.UTC().Format(time.RFC3339)}
	}
	for i, l := range a.Lines {
		out.Lines[i] = interestLineJSON{Revision: l.Revision, Amount: l.Amount.Sen(), Until: l.Until.Format(time.DateOnly), Unpaid: l.Unpaid,
			Months: l.Months, Interest: l.Interest.Sen()}
	}
	return out
}

type declarationMonthJSON struct {
	Month      string            `json:"month"`
	State      string            `json:"state"`
	Bookings   int               `json:"bookings"`
	Gross      int64             `json:"bookings_gross_sen"`
	Payout     int64             `json:"payout_sen"`
	Unpriced   int               `json:"unpriced"`
	FilingDue  *string           `json:"filing_due"`
	PaymentDue *string           `json:"payment_due"`
	DueNote    string            `json:"due_note,omitempty"`
	Overdue    bool              `json:"overdue"`
	Account    *monthAccountJSON `json:"account"`
}

func monthRowOut(m pbjt.MonthRow) declarationMonthJSON {
	out := declarationMonthJSON{Month: m.Period.String(), State: string(m.State), Bookings: m.Total.Bookings, Gross: m.Total.Base.Sen(),
		Payout: m.Total.Payout.Sen(), Unpriced: m.Total.Unpriced, FilingDue: optionalDay(m.FilingDue), PaymentDue: optionalDay(m.PaymentDue),
		DueNote: m.DueNote, Overdue: m.Overdue}
	if m.Account != nil {
		a := monthAccountOut(*m.Account)
		out.Account = &a
	}
	return out
}

// listDeclarations handles GET /taxpayers/{npwp}/properties/{id}/declarations:
// the property's months from the first with a booking or a declaration to
// last month, newest first, and the next month to declare.
func (s *server) listDeclarations(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	ov, err := svc.Overview(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	out := struct {
		PropertyID  int64                  `json:"property_id"`
		RegencyCode string                 `json:"regency_code"`
		Operator    bool                   `json:"operator"`
		Today       string                 `json:"today"`
		Next        *string                `json:"next"`
		Months      []declarationMonthJSON `json:"months"`
	}{PropertyID: ov.Property.ID, RegencyCode: ov.Property.RegencyCode, Operator: ov.Operator, Today: ov.Today.Format(time.DateOnly),
		Months: make([]declarationMonthJSON, len(ov.Months))}
	if ov.Next != nil {
		n := ov.Next.Period.String()
		out.Next = &n
	}
	for i, m := range ov.Months {
		out.Months[i] = monthRowOut(m)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type declarationForm struct {
	Month    string `json:"month"`
	Revision int    `json:"revision"`
	Base     string `json:"base"`
	Nil      bool   `json:"nil"`
	Reason   string `json:"reason"`
}

// fileDeclaration handles POST /taxpayers/{npwp}/properties/{id}/declarations:
// the original of a month (revision 0) or an amendment (revision n amends
// n−1). The answer is 201 with the revision filed.
func (s *server) fileDeclaration(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActDeclare)
	if err != nil {
		return err
	}
	var q declarationForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	d, err := svc.File(r.Context(), r.PathValue("npwp"), id, pbjt.DeclarationInput{Month: q.Month, Revision: q.Revision, Base: q.Base, Nil: q.Nil, Reason: q.Reason})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/taxpayers/"+r.PathValue("npwp")+"/properties/"+strconv.FormatInt(id, 10)+"/declarations/"+d.Period.String())
	writeJSON(w, http.StatusCreated, declarationOut(d))
	return nil
}

// declarationAccount handles GET /taxpayers/{npwp}/properties/{id}/declarations/{month}:
// every revision, the payments and what remains to pay on as_of (today
// when left out).
func (s *server) declarationAccount(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	var fs errs.Fields
	asOf := dayParam(&fs, "as_of", r.URL.Query().Get("as_of"))
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	acc, err := svc.Account(r.Context(), r.PathValue("npwp"), id, r.PathValue("month"), asOf)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, monthAccountOut(acc))
	return nil
}

type declarationPaymentForm struct {
	PaidOn  string `json:"paid_on"`
	Amount  string `json:"amount"`
	Receipt string `json:"receipt"`
}

// payDeclaration handles POST /taxpayers/{npwp}/properties/{id}/declarations/{month}/payments.
func (s *server) payDeclaration(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActPay)
	if err != nil {
		return err
	}
	var q declarationPaymentForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	var fs errs.Fields
	paid := dayParam(&fs, "paid_on", q.PaidOn)
	if err := fs.Err("the payment is not valid"); err != nil {
		return err
	}
	p, acc, err := svc.Pay(r.Context(), r.PathValue("npwp"), id, r.PathValue("month"), pbjt.PaymentInput{PaidOn: paid, Amount: q.Amount, Receipt: q.Receipt})
	if err != nil {
		return err
	}
	out := struct {
		Payment paymentJSON      `json:"payment"`
		Account monthAccountJSON `json:"account"`
	}{paymentJSON{ID: p.ID, DeclarationID: p.DeclarationID, PaidOn: p.PaidOn.Format(time.DateOnly), Amount: p.Amount.Sen(), Receipt: p.Receipt,
		RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt.UTC().Format(time.RFC3339)}, monthAccountOut(acc)}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// declarationPDF handles GET
// /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/pdf:
// the revision's form in its region's layout.
func (s *server) declarationPDF(w http.ResponseWriter, r *http.Request) error {
	return s.declarationDocument(w, r, "pdf")
}

// declarationCSV handles GET
// /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/csv.
func (s *server) declarationCSV(w http.ResponseWriter, r *http.Request) error {
	return s.declarationDocument(w, r, "csv")
}

// declarationDocument writes a revision's form as a PDF or a CSV.
func (s *server) declarationDocument(w http.ResponseWriter, r *http.Request, format string) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	rev, err := pbjt.ParseRevision(r.PathValue("revision"))
	if err != nil {
		return err
	}
	f, err := svc.Revision(r.Context(), r.PathValue("npwp"), id, r.PathValue("month"), rev)
	if err != nil {
		return err
	}
	d, err := sptpd.Render(f, format)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, d.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(d.Body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(d.Body)
	return err
}
