package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

const villaDeclareUsage = `
Usage: coretax villa declare --property ID --owner NPWP --month YYYY-MM
                             [--base RUPIAH | --nil] [--reason TEXT] [--file [--amend]]
                             [--data DIR] [--database-url URL]

declare shows a property's monthly PBJT declaration (SPTPD) as the web page
and the API do (doc/pbjt-declarations.md): the month's bookings (check-out
in the month), their gross (the PBJT base) beside the payout, the region
the property files with, the rate, the tax, the deadlines and the penalty
rule, and, when the month was declared, every revision with its payments
and what remains to pay today.

Without --file nothing is stored: the declaration that would be filed is
shown. --file files it: the original of the month, or with --amend the next
amendment (pembetulan) of a month already declared; the earlier revisions
stay. --base declares another base than the bookings' gross (warned: the
region compares declarations with third-party data); --nil declares a month
without bookings. --owner is the taxpayer the property is registered to.

Example:
  coretax villa declare --property 1 --owner 5104050502680001 --month 2026-10 --file
`

func runVillaDeclare(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("villa declare", villaDeclareUsage)
	propertyID := fs.Int64("property", 0, "the ID of the registered property")
	owner := fs.String("owner", "", "the NPWP of the taxpayer the property is registered to")
	month := fs.String("month", "", "the month to declare, YYYY-MM")
	base := fs.String("base", "", "the base to declare in rupiah; the bookings' gross when left out")
	nilReturn := fs.Bool("nil", false, "declare a month without bookings")
	reason := fs.String("reason", "", "why the base differs from the bookings, or what an amendment corrects")
	file := fs.Bool("file", false, "file the declaration (without it, only show it)")
	amend := fs.Bool("amend", false, "with --file, file the next amendment of a month already declared")
	sf := a.addStorageFlags(fs)
	operands, err := a.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(operands) != 0:
		return &usageError{msg: fmt.Sprintf("declare takes no arguments; got %q", strings.Join(operands, " "))}
	case *propertyID <= 0 || *owner == "" || *month == "":
		return &usageError{msg: "give --property ID, --owner NPWP and --month YYYY-MM"}
	case *amend && !*file:
		return &usageError{msg: "--amend files an amendment; give --file with it"}
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := pbjt.NewService(db.PBJT(), db.Registration(), newPolicy(db, time.Now), time.Now)
	dc := pbjt.NewDeclarations(svc, db.PBJT(), db.PBJT())
	ctx = actor.With(ctx, actor.SystemActor("villa-cli:"+osUser()))
	in := pbjt.DeclarationInput{Month: *month, Base: *base, Nil: *nilReturn, Reason: *reason}
	w := &errWriter{w: a.stdout}

	acc, err := dc.Account(ctx, *owner, *propertyID, *month, time.Time{})
	declared := err == nil
	if err != nil && !errs.Is(errs.NotFound, err) {
		return err
	}
	if declared {
		in.Revision = len(acc.Revisions)
	}
	switch {
	case !*file:
		if declared {
			printAccount(w, acc)
			w.printf("\nan amendment would be revision %d (--file --amend):\n", in.Revision)
		}
		d, err := dc.Preview(ctx, *owner, *propertyID, in)
		if err != nil {
			return err
		}
		printDeclaration(w, d)
		w.printf("not filed; give --file to file it\n")
		return w.err
	case declared && !*amend:
		return fmt.Errorf("%s of property %d is declared (revision %d is current); give --amend to file an amendment", *month, *propertyID, len(acc.Revisions)-1)
	case !declared && *amend:
		return fmt.Errorf("%s of property %d has no declaration to amend; file it without --amend", *month, *propertyID)
	}
	d, err := dc.File(ctx, *owner, *propertyID, in)
	if err != nil {
		return err
	}
	w.printf("filed %s\n", d.Number)
	printDeclaration(w, d)
	if acc, err = dc.Account(ctx, *owner, *propertyID, *month, time.Time{}); err != nil {
		return err
	}
	w.printf("\n")
	printAccount(w, acc)
	return w.err
}

func printDeclaration(w *errWriter, d pbjt.Declaration) {
	what := "original"
	if d.Revision > 0 {
		what = fmt.Sprintf("amendment %d", d.Revision)
	}
	w.printf("%s declaration of %s with %s (%s), revision %d (%s)\n", d.Period, d.RegencyCode, d.Office, d.Layout, d.Revision, what)
	if d.Number != "" {
		w.printf("  number         %s\n", d.Number)
	}
	if d.PaymentCode != "" {
		w.printf("  payment code   %s\n", d.PaymentCode)
	}
	w.printf("  bookings       %d, gross %s (the PBJT base of the bookings)\n", d.Bookings, d.BookingsGross.Display())
	nilNote := ""
	if d.Nil {
		nilNote = " (nil)"
	}
	w.printf("  base           %s%s\n", d.Base.Display(), nilNote)
	w.printf("  rate           %s\n", d.Rate)
	w.printf("  tax            %s\n", d.Tax.Display())
	if d.Revision > 0 {
		w.printf("  earlier tax    %s\n", d.PriorTax.Display())
	}
	if d.Overpayment > 0 {
		w.printf("  overpaid       %s\n", d.Overpayment.Display())
	}
	w.printf("  filing due     %s\n", d.FilingDue.Format(time.DateOnly))
	w.printf("  payment due    %s\n", d.PaymentDue.Format(time.DateOnly))
	if d.Late {
		w.printf("  filed late     %s after %s\n", d.FiledOn.Format(time.DateOnly), d.FilingDue.Format(time.DateOnly))
	}
	w.printf("  penalty rule   %s\n", d.Rule)
	for _, warn := range d.Warnings() {
		w.printf("  warning: %s\n", warn)
	}
}

func printAccount(w *errWriter, a pbjt.Account) {
	w.printf("%s on %s: %s\n", a.Period, a.AsOf.Format(time.DateOnly), a.State())
	for _, d := range a.Revisions {
		w.printf("  revision %d  %-26s filed %s  base %s  tax %s  %s\n", d.Revision, d.Number, d.FiledOn.Format(time.DateOnly),
			d.Base.Display(), d.Tax.Display(), d.Status)
	}
	for _, p := range a.Payments {
		w.printf("  paid %s  %s  receipt %s\n", p.PaidOn.Format(time.DateOnly), p.Amount.Display(), p.Receipt)
	}
	for _, l := range a.Lines {
		until := "paid " + l.Until.Format(time.DateOnly)
		if l.Unpaid {
			until = "unpaid on " + l.Until.Format(time.DateOnly)
		}
		w.printf("  interest on %s of revision %d, %s: %d month(s), %s\n", l.Amount.Display(), l.Revision, until, l.Months, l.Interest.Display())
	}
	interest := a.Interest.Display()
	if !a.InterestKnown {
		interest = "not known (the region's interest is not configured)"
	}
	w.printf("  tax %s, paid %s, unpaid %s; interest %s; fine %s; outstanding %s", a.Tax.Display(), a.TaxPaid.Display(), a.TaxUnpaid.Display(),
		interest, a.Fine.Display(), a.Outstanding.Display())
	if a.Overpaid > 0 {
		w.printf("; overpaid %s", a.Overpaid.Display())
	}
	w.printf("\n")
}
