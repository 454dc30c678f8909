package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/pbjt/sptpd"
)

// The declarations page of a property: its months with the bookings'
// gross, the declared base, the tax, the state and the deadlines; a
// month's revisions, payments and penalties; the forms that file, amend
// and pay; and the downloads of each revision's SPTPD
// (doc/pbjt-declarations.md).

func (s *server) declarationService() (*pbjt.Declarations, error) {
	if s.pbjtDeclarations == nil {
		return nil, errs.E(errs.Unavailable, "the declarations of properties are not served by this server")
	}
	return s.pbjtDeclarations, nil
}

// declarationTarget checks act on the taxpayer before anything of the
// request is read, then reads the property's number from the path.
func (s *server) declarationTarget(r *http.Request, act actor.Action) (*pbjt.Declarations, int64, error) {
	svc, err := s.declarationService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	id, err := formID(r, "property")
	return svc, id, err
}

func declarationsURL(npwp string, id int64) string {
	return "/taxpayers/" + npwp + "/properties/" + strconv.FormatInt(id, 10) + "/declarations"
}

// declarationFlashes confirm the forms, keyed by the done parameter.
var declarationFlashes = map[string]string{
	"filed":   "The declaration is filed. Pay the tax with its payment code by the payment deadline.",
	"amended": "The amendment is filed; the earlier revisions are kept.",
	"paid":    "The payment is recorded.",
}

type declMonthView struct {
	Month, State                   string
	Bookings, Unpriced, Revision   int
	Gross, Payout                  string
	Base, Tax, Outstanding         string
	HasAccount, Overdue, Late      bool
	Warning, Selected              bool
	FilingDue, PaymentDue, DueNote string
}

type declRevisionView struct {
	Revision                                 int
	Number, PaymentCode, Status, FiledOn     string
	Base, Gross, Difference, Tax, PriorTax   string
	Overpayment, Reason, Fine                string
	Late, Nil, HasOverpayment, HasDifference bool
	Warnings                                 []string
	PDF, CSV                                 string
}

type declPaymentView struct {
	PaidOn, Amount, Receipt string
}

type declLineView struct {
	Revision                int
	Amount, Until, Interest string
	Unpaid                  bool
	Months                  int
}

type declAccountView struct {
	Month, AsOf, State                                   string
	Tax, TaxPaid, TaxUnpaid, Interest, Fine, PenaltyPaid string
	Outstanding, Overpaid                                string
	InterestKnown, FineKnown, HasOverpaid                bool
	Rule                                                 string
	Revisions                                            []declRevisionView
	Payments                                             []declPaymentView
	Lines                                                []declLineView
	NextRevision                                         int
}

// declForm is the file or amend form as sent.
type declForm struct {
	Month, Base, Reason string
	Revision            int
	Nil                 bool
}

// payForm is the payment form as sent.
type payForm struct {
	PaidOn, Amount, Receipt string
}

type declarationsPage struct {
	page
	NPWP, Base      string
	Property        pbjt.Property
	Region          string
	Operator        bool
	Today           string
	Flash           string
	Months          []declMonthView
	Next            string
	Account         *declAccountView
	File            declForm
	FileErrors      *formErrors
	Pay             payForm
	PayErrors       *formErrors
	Preview         *declRevisionView
	PreviewRuleText string
	PreviewTaxDue   string
	PreviewPayDue   string
}

// declarations handles GET /taxpayers/{npwp}/properties/{id}/declarations:
// the months, and with month= that month's account and forms.
func (s *server) declarations(w http.ResponseWriter, r *http.Request) error {
	return s.renderDeclarations(w, r, http.StatusOK, nil, nil)
}

func (s *server) renderDeclarations(w http.ResponseWriter, r *http.Request, status int, fileErr, payErr *formErrors) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	ctx := r.Context()
	ov, err := svc.Overview(ctx, npwp, id)
	if err != nil {
		return err
	}
	base := declarationsURL(npwp, id)
	p := declarationsPage{NPWP: npwp, Base: base, Property: ov.Property, Region: areaName(ov.Property.RegencyCode) + " (" + ov.Property.RegencyCode + ")",
		Operator: ov.Operator, Today: date(ov.Today), Flash: declarationFlashes[r.URL.Query().Get("done")], FileErrors: fileErr, PayErrors: payErr}
	month := strings.TrimSpace(r.URL.Query().Get("month"))
	if ov.Next != nil {
		p.Next = ov.Next.Period.String()
	}
	if month == "" {
		month = p.Next
	}
	for _, m := range ov.Months {
		v := declMonthView{Month: m.Period.String(), State: string(m.State), Bookings: m.Total.Bookings, Unpriced: m.Total.Unpriced,
			Gross: m.Total.Base.Display(), Payout: m.Total.Payout.Display(), FilingDue: date(m.FilingDue), PaymentDue: date(m.PaymentDue),
			DueNote: m.DueNote, Overdue: m.Overdue, Selected: m.Period.String() == month}
		if a := m.Account; a != nil {
			cur := a.Current()
			v.HasAccount, v.Base, v.Tax, v.Outstanding, v.Revision, v.Late = true, cur.Base.Display(), cur.Tax.Display(), a.Outstanding.Display(), cur.Revision, a.Original().Late
			v.Warning = len(cur.Warnings()) > 0
		}
		p.Months = append(p.Months, v)
	}
	if month != "" {
		per, err := pbjt.ParsePeriod(month)
		if err != nil {
			return err
		}
		p.File.Month = per.String()
		acc, err := svc.Account(ctx, npwp, id, per.String(), time.Time{})
		switch {
		case errs.Is(errs.NotFound, err):
		case err != nil:
			return err
		default:
			av := accountView(acc, base)
			p.Account = &av
			p.File.Revision = len(acc.Revisions)
		}
		if p.Operator && fileErr == nil {
			// What filing now would declare: the month's bookings' gross.
			if d, err := svc.Preview(ctx, npwp, id, pbjt.DeclarationInput{Month: per.String(), Revision: p.File.Revision}); err == nil {
				rv := revisionView(d, "")
				p.Preview, p.PreviewRuleText = &rv, d.Rule.String()
				p.PreviewTaxDue, p.PreviewPayDue = date(d.FilingDue), date(d.PaymentDue)
			}
		}
	}
	if r.Method == http.MethodPost {
		f := r.PostForm
		if fileErr != nil {
			p.File.Base, p.File.Reason, p.File.Nil = f.Get("base"), f.Get("reason"), f.Get("nil") == "true"
		}
		if payErr != nil {
			p.Pay = payForm{PaidOn: f.Get("paid_on"), Amount: f.Get("amount"), Receipt: f.Get("receipt")}
		}
	}
	if p.Pay.PaidOn == "" {
		p.Pay.PaidOn = p.Today
	}
	if p.Account != nil && p.Pay.Amount == "" && p.Account.Outstanding != "Rp0" {
		p.Pay.Amount = strings.NewReplacer("Rp", "", ".", "", ",", ".").Replace(p.Account.Outstanding)
	}
	p.page = s.newPage(w, r, "Declarations", "properties")
	s.render(w, r, status, "pbjt_declarations", p)
	return nil
}

func revisionView(d pbjt.Declaration, base string) declRevisionView {
	v := declRevisionView{Revision: d.Revision, Number: d.Number, PaymentCode: d.PaymentCode, Status: string(d.Status), FiledOn: date(d.FiledOn),
		Base: d.Base.Display(), Gross: d.BookingsGross.Display(), Difference: d.Difference().Display(), Tax: d.Tax.Display(),
		PriorTax: d.PriorTax.Display(), Overpayment: d.Overpayment.Display(), Reason: d.Reason, Late: d.Late && d.Revision == 0, Nil: d.Nil,
		HasOverpayment: d.Overpayment > 0, HasDifference: d.Difference() != 0, Warnings: d.Warnings()}
	switch {
	case !d.Late:
	case !d.Rule.LateFilingFine.Known():
		v.Fine = "not known: the region's fine for late filing is not configured"
	default:
		v.Fine = d.Fine.Display()
	}
	if base != "" {
		rev := base + "/" + d.Period.String() + "/revisions/" + strconv.Itoa(d.Revision)
		v.PDF, v.CSV = rev+"/pdf", rev+"/csv"
	}
	return v
}

func accountView(a pbjt.Account, base string) declAccountView {
	v := declAccountView{Month: a.Period.String(), AsOf: date(a.AsOf), State: string(a.State()), Tax: a.Tax.Display(), TaxPaid: a.TaxPaid.Display(),
		TaxUnpaid: a.TaxUnpaid.Display(), Interest: a.Interest.Display(), Fine: a.Fine.Display(), PenaltyPaid: a.PenaltyPaid.Display(),
		Outstanding: a.Outstanding.Display(), Overpaid: a.Overpaid.Display(), InterestKnown: a.InterestKnown, FineKnown: a.FineKnown,
		HasOverpaid: a.Overpaid > 0, Rule: a.Current().Rule.String(), NextRevision: len(a.Revisions)}
	for i := len(a.Revisions) - 1; i >= 0; i-- {
		v.Revisions = append(v.Revisions, revisionView(a.Revisions[i], base))
	}
	for _, p := range a.Payments {
		v.Payments = append(v.Payments, declPaymentView{PaidOn: date(p.PaidOn), Amount: p.Amount.Display(), Receipt: p.Receipt})
	}
	for _, l := range a.Lines {
		v.Lines = append(v.Lines, declLineView{Revision: l.Revision, Amount: l.Amount.Display(), Until: date(l.Until), Unpaid: l.Unpaid,
			Months: l.Months, Interest: l.Interest.Display()})
	}
	return v
}

// fileDeclaration handles POST /taxpayers/{npwp}/properties/{id}/declarations:
// the original of a month or its next amendment. The browser is sent to
// the month; a declaration the service refuses is shown again with its
// messages (422).
func (s *server) fileDeclaration(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActDeclare)
	if err != nil {
		return err
	}
	npwp, f := r.PathValue("npwp"), r.PostForm
	back := func(err error) error {
		fe := errorsOf(err)
		fe.Prefix = "decl-"
		r.URL.RawQuery = url.Values{"month": {f.Get("month")}}.Encode()
		return s.renderDeclarations(w, r, http.StatusUnprocessableEntity, fe, nil)
	}
	rev, err := strconv.Atoi(strings.TrimSpace(f.Get("revision")))
	if err != nil {
		return back(errs.InvalidFields("the declaration is not valid", errs.Field("revision", f.Get("revision"), "is not a revision number")))
	}
	d, err := svc.File(r.Context(), npwp, id, pbjt.DeclarationInput{Month: f.Get("month"), Revision: rev, Base: f.Get("base"),
		Nil: f.Get("nil") == "true", Reason: f.Get("reason")})
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return back(err)
	}
	if err != nil {
		return err
	}
	done := "filed"
	if d.Revision > 0 {
		done = "amended"
	}
	return seeOther(w, r, declarationsURL(npwp, id)+"?"+url.Values{"month": {d.Period.String()}, "done": {done}}.Encode()+"#month")
}

// payDeclaration handles POST /taxpayers/{npwp}/properties/{id}/declarations/{month}/payments.
func (s *server) payDeclaration(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.declarationTarget(r, pbjt.ActPay)
	if err != nil {
		return err
	}
	npwp, f, month := r.PathValue("npwp"), r.PostForm, r.PathValue("month")
	back := func(err error) error {
		fe := errorsOf(err)
		fe.Prefix = "pay-"
		r.URL.RawQuery = url.Values{"month": {month}}.Encode()
		return s.renderDeclarations(w, r, http.StatusUnprocessableEntity, nil, fe)
	}
	var paid time.Time
	if v := strings.TrimSpace(f.Get("paid_on")); v != "" {
		if paid, err = time.Parse(time.DateOnly, v); err != nil {
			return back(errs.InvalidFields("the payment is not valid", errs.Field("paid_on", v, "is not a day; write YYYY-MM-DD, e.g. 2026-11-20")))
		}
	}
	_, _, err = svc.Pay(r.Context(), npwp, id, month, pbjt.PaymentInput{PaidOn: paid, Amount: f.Get("amount"), Receipt: f.Get("receipt")})
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return back(err)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, declarationsURL(npwp, id)+"?"+url.Values{"month": {month}, "done": {"paid"}}.Encode()+"#month")
}

// declarationPDF handles GET
// /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/pdf.
func (s *server) declarationPDF(w http.ResponseWriter, r *http.Request) error {
	return s.declarationDocument(w, r, "pdf")
}

// declarationCSV handles GET
// /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/csv.
func (s *server) declarationCSV(w http.ResponseWriter, r *http.Request) error {
	return s.declarationDocument(w, r, "csv")
}

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
	_, err = w.Write(d.Body)
	return err
}
