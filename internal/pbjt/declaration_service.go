package pbjt

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
)

// Numberer gives a revision being stored its number and payment code
// from counter values the store takes inside its transaction, never from
// MAX()+1.
type Numberer struct {
	// Scope is the counter scope: the region and the period, as numbers
	// restart per region and month.
	Scope string
	// Number renders the declaration number of a counter value.
	Number func(seq int64) (string, error)
	// PaymentCode renders the payment code of a counter value; nil when
	// the revision asks for no payment.
	PaymentCode func(seq int64) (string, error)
}

// DeclarationStore keeps the declarations and their payments. Each
// method that changes state is one transaction that appends its audit
// entry.
type DeclarationStore interface {
	// PropertyDeclarations returns every revision of the property's
	// declarations, by period and revision.
	PropertyDeclarations(ctx context.Context, propertyID int64) ([]Declaration, error)
	// PropertyPayments returns the property's payments, by period, day
	// and ID.
	PropertyPayments(ctx context.Context, propertyID int64) ([]Payment, error)
	// FileDeclaration numbers d with n, marks the revision it amends
	// superseded and stores d as current, setting its ID, Number and
	// PaymentCode. A Conflict when the revision is taken or the revision
	// before it is no longer current.
	FileDeclaration(ctx context.Context, d *Declaration, n Numberer, e audit.Entry) error
	// AddPayment stores p and sets its ID; a Conflict when its receipt
	// was recorded for the same month.
	AddPayment(ctx context.Context, p *Payment, e audit.Entry) error
}

// Declarations are the use cases of a property's monthly declarations.
// The taxpayer the property is registered to files them (pbjt.declare:
// its own login or its main PIC) and records payments (pbjt.pay: the
// payment role); co-owners and officers holding officer.regional read
// them (pbjt.read).
type Declarations struct {
	svc      *Service
	bookings BookingStore
	store    DeclarationStore
}

// NewDeclarations returns the declarations of the properties svc serves.
func NewDeclarations(svc *Service, bookings BookingStore, store DeclarationStore) *Declarations {
	return &Declarations{svc: svc, bookings: bookings, store: store}
}

// Allow checks that the actor in ctx may perform act on the taxpayer
// named by npwp, before a transport reads a request body.
func (s *Declarations) Allow(ctx context.Context, npwp string, act actor.Action) error {
	return s.svc.Allow(ctx, npwp, act)
}

// DeclarationInput is a declaration to file.
type DeclarationInput struct {
	// Month is the tax period, "2026-10": the month of the bookings'
	// check-out.
	Month string
	// Revision is 0 for the original and n for the nth amendment, which
	// must amend revision n−1 while it is current.
	Revision int
	// Base is the base to declare in rupiah ("45000000" or "45000000.50");
	// empty declares the month's bookings' gross.
	Base string
	// Nil declares a month without bookings.
	Nil bool
	// Reason says why the base differs from the bookings' gross or what
	// an amendment corrects.
	Reason string
}

// MaxReason bounds a declaration's reason and a payment's receipt.
const (
	MaxReason  = 1000
	MaxReceipt = 64
)

// operated resolves a property registered to the taxpayer after checking
// act: a co-owner sees the property but its operator files.
func (s *Declarations) operated(ctx context.Context, npwp string, id int64, act actor.Action) (registration.Taxpayer, Property, error) {
	t, err := s.svc.allowed(ctx, npwp, act)
	if err != nil {
		return t, Property{}, err
	}
	p, err := s.svc.store.Property(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && !involves(p, t.ID) {
		return t, Property{}, errs.Errorf(errs.NotFound, "taxpayer %s has no property %d", t.NPWP, id)
	}
	if err != nil {
		return t, p, err
	}
	if p.TaxpayerID != t.ID {
		return t, p, errs.Errorf(errs.Forbidden, "property %d is registered to another taxpayer; its operator files and pays its declarations", id)
	}
	return t, p, nil
}

// monthTotal returns the bookings' totals of the property's month.
func (s *Declarations) monthTotal(ctx context.Context, propertyID int64, p Period) (MonthTotal, error) {
	bs, err := s.bookings.Bookings(ctx, propertyID, p.firstDay(), p.Next().firstDay())
	if err != nil {
		return MonthTotal{}, err
	}
	ts, err := monthTotals(bs)
	if err != nil || len(ts) == 0 {
		return MonthTotal{Period: p}, err
	}
	return ts[0], nil
}

// revisionsOf returns the revisions of period p among all, oldest first.
func revisionsOf(all []Declaration, p Period) []Declaration {
	var out []Declaration
	for _, d := range all {
		if d.Period == p {
			out = append(out, d)
		}
	}
	return out
}

// File files a declaration of the property today.
func (s *Declarations) File(ctx context.Context, npwp string, propertyID int64, in DeclarationInput) (Declaration, error) {
	return s.FileAt(ctx, npwp, propertyID, in, s.svc.now())
}

// FileAt files a declaration of the property as at the moment at, which
// may not be in the future: the transports file now (File), and demo and
// migration code records declarations filed on past days with it. The
// base defaults to the gross of the month's bookings (never the payout);
// the region is the property's, and its version in force on the period's
// last day gives the rate, the deadlines, the penalty rule and the
// numbering.
func (s *Declarations) FileAt(ctx context.Context, npwp string, propertyID int64, in DeclarationInput, at time.Time) (Declaration, error) {
	d, n, e, err := s.prepare(ctx, npwp, propertyID, in, at, ActDeclare)
	if err != nil {
		return Declaration{}, err
	}
	if err := s.store.FileDeclaration(ctx, &d, n, e); err != nil {
		return Declaration{}, err
	}
	return d, nil
}

// Preview returns the declaration File would file now, without its number
// and payment code and without storing it, for the command line's dry
// run; it needs pbjt.read on the taxpayer, which must be the property's
// operator.
func (s *Declarations) Preview(ctx context.Context, npwp string, propertyID int64, in DeclarationInput) (Declaration, error) {
	d, _, _, err := s.prepare(ctx, npwp, propertyID, in, s.svc.now(), ActRead)
	return d, err
}

// prepare checks a declaration to file at the moment at and computes it,
// with the numbering and the audit entry to store it with.
func (s *Declarations) prepare(ctx context.Context, npwp string, propertyID int64, in DeclarationInput, at time.Time, act actor.Action) (Declaration, Numberer, audit.Entry, error) {
	fail := func(err error) (Declaration, Numberer, audit.Entry, error) {
		return Declaration{}, Numberer{}, audit.Entry{}, err
	}
	t, p, err := s.operated(ctx, npwp, propertyID, act)
	if err != nil {
		return fail(err)
	}
	var fs errs.Fields
	per, err := ParsePeriod(in.Month)
	if err != nil {
		fs.Append(errs.FieldsOf(err)...)
	}
	day := calendar.Day(at)
	switch {
	case at.After(s.svc.now()):
		fs.Add("filed_at", at.UTC().Format(time.RFC3339), "is in the future; a declaration is filed now or was filed on a past day")
	case err == nil && !day.After(per.lastDay()):
		fs.Add("month", in.Month, "has not ended; a month is declared from the 1st of the next month (%s)", per.Next().firstDay().Format(time.DateOnly))
	}
	if in.Revision < 0 {
		fs.Add("revision", fmt.Sprint(in.Revision), "give 0 for the original, or the number of the amendment")
	}
	if n := utf8.RuneCountInString(in.Reason); n > MaxReason || strings.IndexFunc(in.Reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0 {
		fs.Add("reason", in.Reason, "give at most %d characters of text", MaxReason)
	}
	var base money.Amount
	given := strings.TrimSpace(in.Base) != ""
	if given {
		if base, err = money.Parse(strings.TrimSpace(in.Base)); err != nil || base < 0 {
			fs.Add("base", in.Base, "is not an amount in rupiah; write digits with at most two decimals, e.g. 45000000 or 45000000.50")
		}
		if in.Nil && base != 0 {
			fs.Add("nil", "true", "a nil declaration has no base; leave the base empty or declare it without nil")
		}
	}
	if err := fs.Err("the declaration is not valid"); err != nil {
		return fail(err)
	}
	all, err := s.store.PropertyDeclarations(ctx, p.ID)
	if err != nil {
		return fail(err)
	}
	revs := revisionsOf(all, per)
	if in.Revision != len(revs) {
		if len(revs) == 0 {
			return fail(errs.InvalidFields("there is nothing to amend", errs.Field("revision", fmt.Sprint(in.Revision), "%s has no declaration yet; file revision 0, the original", per)))
		}
		return fail(&errs.Error{Kind: errs.Conflict, Message: "the declaration changed", Fields: []errs.FieldError{errs.Field("revision", fmt.Sprint(in.Revision),
			"revision %d of %s is the current one; an amendment is revision %d", len(revs)-1, per, len(revs))}})
	}
	code := p.RegencyCode
	if len(revs) > 0 {
		// An amendment corrects the declaration filed with its region.
		code = revs[0].RegencyCode
		if last := revs[len(revs)-1]; at.Before(last.FiledAt) {
			return fail(errs.InvalidFields("the amendment is not valid", errs.Field("filed_at", at.UTC().Format(time.RFC3339), "is before revision %d was filed, %s", last.Revision, last.FiledAt.UTC().Format(time.RFC3339))))
		}
	}
	table, err := s.svc.table(ctx)
	if err != nil {
		return fail(err)
	}
	v, err := table.Lookup(code, per.lastDay())
	if err != nil {
		return fail(err)
	}
	if !v.Rate.Known() {
		return fail(errs.Errorf(errs.Invalid, "the PBJT rate of %s for %s is not known; an officer can record it (doc/pbjt.md)", v.Name(), per))
	}
	filingDue, err := v.FilingDue(per)
	if err != nil {
		return fail(err)
	}
	paymentDue, err := v.PaymentDue(per)
	if err != nil {
		return fail(err)
	}
	total, err := s.monthTotal(ctx, p.ID, per)
	if err != nil {
		return fail(err)
	}
	if in.Nil && total.Bookings > 0 {
		return fail(errs.InvalidFields("the month is not nil", errs.Field("nil", "true",
			"%s has %d booking(s) with a gross of %s; declare them, or give the base you declare", per, total.Bookings, total.Base.Display())))
	}
	if !given {
		base = total.Base
	}
	d := Declaration{TaxpayerID: t.ID, PropertyID: p.ID, RegencyCode: code, Period: per, Revision: in.Revision, Nil: base == 0,
		Base: base, BookingsGross: total.Base, Bookings: total.Bookings, Unpriced: total.Unpriced, Rate: v.Rate.Value,
		Reason: strings.TrimSpace(in.Reason), FiledOn: day, FilingDue: filingDue, PaymentDue: paymentDue,
		RegionFrom: v.From, Office: v.Office.Value, Layout: v.FormLayout.Value, Rule: RuleOf(v), Status: Current,
		FiledBy: actor.From(ctx).String(), FiledAt: at.UTC()}
	if d.Tax, err = TaxOn(base, d.Rate); err != nil {
		return fail(errs.InvalidFields("the base is too large", errs.Field("base", in.Base, "%s", errs.Message(err))))
	}
	if len(revs) == 0 {
		d.Late = day.After(filingDue)
		if d.Late && d.Rule.LateFilingFine.Known() {
			d.Fine = d.Rule.LateFilingFine.Value
		}
	} else {
		d.PriorTax = revs[len(revs)-1].Tax
		d.Late, d.Fine = revs[0].Late, revs[0].Fine
		if d.Tax < d.PriorTax {
			pays, err := s.store.PropertyPayments(ctx, p.ID)
			if err != nil {
				return fail(err)
			}
			acc, err := Settle(append(revs[:len(revs):len(revs)], d), paymentsOf(pays, per), day)
			if err != nil {
				return fail(err)
			}
			d.Overpayment = acc.Overpaid
		}
	}
	n := Numberer{Scope: code + "/" + per.String(), Number: func(seq int64) (string, error) { return v.Number(per, seq) }}
	if d.Tax > d.PriorTax {
		n.PaymentCode = func(seq int64) (string, error) { return v.PaymentCodeOf(per, seq) }
	}
	action, what := "pbjt.declaration.file", "original"
	if d.Revision > 0 {
		action, what = "pbjt.declaration.amend", fmt.Sprintf("amendment %d (tax was %s)", d.Revision, d.PriorTax.Display())
	}
	detail := fmt.Sprintf("%s of property %d for %s with %s filed on %s: base %s (bookings %s), tax %s", what, p.ID, per, v.Name(),
		day.Format(time.DateOnly), base.Display(), total.Base.Display(), d.Tax.Display())
	if d.Late {
		detail += "; late"
	}
	e := s.svc.entry(ctx, t.ID, action, detail)
	e.At = d.FiledAt
	return d, n, e, nil
}

// paymentsOf returns the payments of period p.
func paymentsOf(all []Payment, p Period) []Payment {
	var out []Payment
	for _, x := range all {
		if x.Period == p {
			out = append(out, x)
		}
	}
	return out
}

// Account returns the property's month on the day asOf (today when
// zero): every revision, the payments and what remains to pay; NotFound
// when the month was not declared.
func (s *Declarations) Account(ctx context.Context, npwp string, propertyID int64, month string, asOf time.Time) (Account, error) {
	p, err := s.readable(ctx, npwp, propertyID)
	if err != nil {
		return Account{}, err
	}
	per, err := ParsePeriod(month)
	if err != nil {
		return Account{}, err
	}
	if asOf.IsZero() {
		asOf = s.svc.Today()
	}
	all, err := s.store.PropertyDeclarations(ctx, p.ID)
	if err != nil {
		return Account{}, err
	}
	revs := revisionsOf(all, per)
	if len(revs) == 0 {
		return Account{}, errs.Errorf(errs.NotFound, "property %d has no declaration of %s", p.ID, per)
	}
	pays, err := s.store.PropertyPayments(ctx, p.ID)
	if err != nil {
		return Account{}, err
	}
	return Settle(revs, paymentsOf(pays, per), calendar.Midnight(asOf))
}

// readable resolves a property the taxpayer operates or owns, with
// pbjt.read.
func (s *Declarations) readable(ctx context.Context, npwp string, id int64) (Property, error) {
	t, err := s.svc.allowed(ctx, npwp, ActRead)
	if err != nil {
		return Property{}, err
	}
	p, err := s.svc.store.Property(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && !involves(p, t.ID) {
		return Property{}, errs.Errorf(errs.NotFound, "taxpayer %s has no property %d", t.NPWP, id)
	}
	return p, err
}

// Form is a revision with what its form shows beside it: the property
// and the filer.
type Form struct {
	Declaration Declaration
	Property    Property
	// FilerName and FilerNPWP name the taxpayer the property is
	// registered to, who filed.
	FilerName string
	FilerNPWP string
}

// Revision returns one revision of the property's month, for its PDF and
// CSV, with the property and the filer.
func (s *Declarations) Revision(ctx context.Context, npwp string, propertyID int64, month string, revision int) (Form, error) {
	t, err := s.svc.allowed(ctx, npwp, ActRead)
	if err != nil {
		return Form{}, err
	}
	acc, err := s.Account(ctx, npwp, propertyID, month, time.Time{})
	if err != nil {
		return Form{}, err
	}
	if revision < 0 || revision >= len(acc.Revisions) {
		return Form{}, errs.Errorf(errs.NotFound, "the declaration of %s has revisions 0 to %d, not %d", acc.Period, len(acc.Revisions)-1, revision)
	}
	p, err := s.svc.store.Property(ctx, propertyID)
	if err != nil {
		return Form{}, err
	}
	f := Form{Declaration: acc.Revisions[revision], Property: p}
	if f.Declaration.TaxpayerID == t.ID {
		f.FilerName, f.FilerNPWP = t.Name, string(t.NPWP)
	} else {
		// A co-owner reads the operator's declaration: the operator is
		// named among the owners.
		for _, o := range p.Owners {
			if o.TaxpayerID == f.Declaration.TaxpayerID {
				f.FilerName, f.FilerNPWP = o.Name, o.NPWP
			}
		}
	}
	return f, nil
}

// PaymentInput is a payment to record.
type PaymentInput struct {
	PaidOn  time.Time
	Amount  string
	Receipt string
}

// Pay records a payment of the property's month. The amount may be part
// of what is owed, not more than what is outstanding on the payment day;
// it settles the tax first, then interest and fine (Settle).
func (s *Declarations) Pay(ctx context.Context, npwp string, propertyID int64, month string, in PaymentInput) (Payment, Account, error) {
	t, p, err := s.operated(ctx, npwp, propertyID, ActPay)
	if err != nil {
		return Payment{}, Account{}, err
	}
	var fs errs.Fields
	per, err := ParsePeriod(month)
	if err != nil {
		fs.Append(errs.FieldsOf(err)...)
	}
	amount, err := money.Parse(strings.TrimSpace(in.Amount))
	if err != nil || amount <= 0 {
		fs.Add("amount", in.Amount, "is not a positive amount in rupiah; write digits with at most two decimals, e.g. 4500000")
	}
	receipt := strings.TrimSpace(in.Receipt)
	if receipt == "" || utf8.RuneCountInString(receipt) > MaxReceipt || strings.IndexFunc(receipt, unicode.IsControl) >= 0 {
		fs.Add("receipt", in.Receipt, "give the receipt number of the payment (NTPD or the bank's reference), 1 to %d characters", MaxReceipt)
	}
	today := s.svc.Today()
	paid := calendar.Midnight(in.PaidOn)
	switch {
	case in.PaidOn.IsZero():
		fs.Add("paid_on", "", "give the day of the payment, YYYY-MM-DD")
	case paid.After(today):
		fs.Add("paid_on", paid.Format(time.DateOnly), "is after today, %s", today.Format(time.DateOnly))
	}
	if err := fs.Err("the payment is not valid"); err != nil {
		return Payment{}, Account{}, err
	}
	all, err := s.store.PropertyDeclarations(ctx, p.ID)
	if err != nil {
		return Payment{}, Account{}, err
	}
	revs := revisionsOf(all, per)
	if len(revs) == 0 {
		return Payment{}, Account{}, errs.Errorf(errs.NotFound, "property %d has no declaration of %s; file it first", p.ID, per)
	}
	if paid.Before(revs[0].FiledOn) {
		return Payment{}, Account{}, errs.InvalidFields("the payment is not valid", errs.Field("paid_on", paid.Format(time.DateOnly),
			"is before the declaration was filed, %s, with the payment code", revs[0].FiledOn.Format(time.DateOnly)))
	}
	pays, err := s.store.PropertyPayments(ctx, p.ID)
	if err != nil {
		return Payment{}, Account{}, err
	}
	pays = paymentsOf(pays, per)
	before, err := Settle(revs, pays, paid)
	if err != nil {
		return Payment{}, Account{}, err
	}
	if amount > before.Outstanding {
		return Payment{}, Account{}, errs.InvalidFields("the payment is more than is owed", errs.Field("amount", in.Amount,
			"is more than the %s outstanding on %s (tax %s, interest %s, fine %s)", before.Outstanding.Display(), paid.Format(time.DateOnly),
			before.TaxUnpaid.Display(), before.Interest.Display(), before.Fine.Display()))
	}
	cur := revs[len(revs)-1]
	pay := Payment{PropertyID: p.ID, Period: per, DeclarationID: cur.ID, PaidOn: paid, Amount: amount, Receipt: receipt,
		RecordedBy: actor.From(ctx).String(), RecordedAt: s.svc.now().UTC()}
	e := s.svc.entry(ctx, t.ID, "pbjt.declaration.pay", fmt.Sprintf("payment of %s for property %d, %s (declaration %s), paid on %s, receipt %q",
		amount.Display(), p.ID, per, cur.Number, paid.Format(time.DateOnly), receipt))
	if err := s.store.AddPayment(ctx, &pay, e); err != nil {
		return Payment{}, Account{}, err
	}
	acc, err := Settle(revs, append(pays, pay), today)
	return pay, acc, err
}

// MonthRow is a month of a property on its declarations page: the
// bookings' totals, the declaration's account when filed, and the
// deadlines.
type MonthRow struct {
	Period  Period
	Total   MonthTotal
	Account *Account
	State   MonthState
	// FilingDue and PaymentDue are the month's deadlines; zero when the
	// region's are unknown, and DueNote says why.
	FilingDue  time.Time
	PaymentDue time.Time
	DueNote    string
	// Overdue is true for a month not filed after its filing deadline.
	Overdue bool
}

// Overview is a property's declarations page: its months, newest first,
// from the first month with a booking or a declaration to last month.
type Overview struct {
	Property Property
	// Operator is true when the viewer may file (the property is
	// registered to the taxpayer).
	Operator bool
	Today    time.Time
	Months   []MonthRow
	// Next is the oldest ended month not declared yet; zero when every
	// month is declared.
	Next *MonthRow
}

// MaxOverviewMonths bounds the months an overview lists.
const MaxOverviewMonths = 36

// Overview returns the property's months with bookings and declarations.
func (s *Declarations) Overview(ctx context.Context, npwp string, propertyID int64) (Overview, error) {
	t, err := s.svc.allowed(ctx, npwp, ActRead)
	if err != nil {
		return Overview{}, err
	}
	p, err := s.readable(ctx, npwp, propertyID)
	if err != nil {
		return Overview{}, err
	}
	today := s.svc.Today()
	last := PeriodOf(today).Prev()
	first := last
	for range MaxOverviewMonths - 1 {
		first = first.Prev()
	}
	bs, err := s.bookings.Bookings(ctx, p.ID, first.firstDay(), last.Next().firstDay())
	if err != nil {
		return Overview{}, err
	}
	totals, err := monthTotals(bs)
	if err != nil {
		return Overview{}, err
	}
	all, err := s.store.PropertyDeclarations(ctx, p.ID)
	if err != nil {
		return Overview{}, err
	}
	pays, err := s.store.PropertyPayments(ctx, p.ID)
	if err != nil {
		return Overview{}, err
	}
	start := last
	for _, m := range totals {
		if m.Period.Before(start) {
			start = m.Period
		}
	}
	for _, d := range all {
		if d.Period.Before(start) && !d.Period.Before(first) {
			start = d.Period
		}
	}
	table, err := s.svc.table(ctx)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Property: p, Operator: p.TaxpayerID == t.ID, Today: today}
	for per := last; !per.Before(start); per = per.Prev() {
		row := MonthRow{Period: per, Total: MonthTotal{Period: per}, State: NotFiled}
		for _, m := range totals {
			if m.Period == per {
				row.Total = m
			}
		}
		var notes []string
		if v, err := table.Lookup(p.RegencyCode, per.lastDay()); err != nil {
			notes = append(notes, errs.Message(err))
		} else {
			if row.FilingDue, err = v.FilingDue(per); err != nil {
				notes = append(notes, errs.Message(err))
			}
			if row.PaymentDue, err = v.PaymentDue(per); err != nil {
				notes = append(notes, errs.Message(err))
			}
		}
		row.DueNote = strings.Join(notes, "; ")
		if revs := revisionsOf(all, per); len(revs) > 0 {
			acc, err := Settle(revs, paymentsOf(pays, per), today)
			if err != nil {
				return Overview{}, err
			}
			row.Account, row.State = &acc, acc.State()
			row.FilingDue, row.PaymentDue = revs[0].FilingDue, revs[0].PaymentDue
		} else {
			row.Overdue = !row.FilingDue.IsZero() && today.After(row.FilingDue)
		}
		out.Months = append(out.Months, row)
	}
	for i := len(out.Months) - 1; i >= 0; i-- {
		if out.Months[i].Account == nil {
			out.Next = &out.Months[i]
			break
		}
	}
	return out, nil
}
