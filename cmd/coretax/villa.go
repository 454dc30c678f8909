package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/pbjt"
)

const villaUsage = `
Usage: coretax villa import FILE --channel CHANNEL --property ID --owner NPWP
                                 [--rate CUR=RUPIAH@YYYY-MM-DD]... [--listing NAME]
                                 [--payout-country ISO3] [--data DIR] [--database-url URL]
       coretax villa declare --property ID --owner NPWP --month YYYY-MM [--file]
                             (coretax villa declare --help for the rest)

import reads a booking export for one registered property and stores its
bookings, as the web page and the API do (doc/pbjt-bookings.md):

  CHANNEL  airbnb   Airbnb reservations export or transaction history
           booking  Booking.com reservation statement or reservations list
           agoda    Agoda YCS booking report
           ical     an iCal calendar feed (dates only)
           csv      the generic booking CSV (doc/booking-imports.md)

The file's exact format is detected from its header and must belong to the
channel. --rate gives the rupiah value of a currency from a day on
(USD=16250@2026-10-01, repeat for more currencies or days); a row in a
currency without a rate for its check-out day is rejected with the
currency and the day named. --listing imports only rows whose listing
starts with NAME, for an account with several villas. The same file with
the same rates imported again shows the first import.

Every row's result is printed (booking, duplicate of a kept booking,
error with column and value, or skipped with the reason), then the totals
of the file's bookings and of the property's months they fall in: the
gross the guests paid, which is the PBJT base, beside the payout. The exit
status is 1 when any row was rejected.

Example:
  coretax villa import airbnb.csv --channel airbnb --property 1 --owner 5104050502680001 --rate USD=16250@2026-10-01
`

// rateFlags collects repeated --rate flags.
type rateFlags []pbjt.RateInput

func (r *rateFlags) String() string { return "" }

func (r *rateFlags) Set(s string) error {
	in, err := pbjt.ParseRate(s)
	if err != nil {
		return fmt.Errorf("write CURRENCY=RUPIAH@FIRST-DAY, e.g. USD=16250@2026-10-01")
	}
	*r = append(*r, in)
	return nil
}

func runVilla(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("villa", villaUsage)
	channel := fs.String("channel", "", "airbnb, booking, agoda, ical or csv")
	propertyID := fs.Int64("property", 0, "the ID of the registered property the bookings belong to")
	owner := fs.String("owner", "", "the NPWP of the taxpayer the property is registered to or owned by")
	listing := fs.String("listing", "", "import only the rows whose listing starts with this name")
	country := fs.String("payout-country", "", "ISO 3166-1 alpha-3 country of the account the channel pays into (IDN, SGP)")
	var rates rateFlags
	fs.Var(&rates, "rate", "exchange rate CUR=RUPIAH@YYYY-MM-DD, from that day on; repeat as needed")
	sf := a.addStorageFlags(fs)
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use import or declare"}
	}
	switch args[0] {
	case "import":
	case "declare":
		return runVillaDeclare(ctx, a, args[1:])
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use import or declare", args[0])}
	}
	operands, err := a.parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(operands) != 1 {
		return &usageError{msg: fmt.Sprintf("give exactly one FILE; got %d arguments", len(operands))}
	}
	switch *channel {
	case "airbnb", "booking", "agoda", "ical", "csv":
	case "":
		return &usageError{msg: "missing --channel; use airbnb, booking, agoda, ical or csv"}
	default:
		return &usageError{msg: fmt.Sprintf("--channel %q: use airbnb, booking, agoda, ical or csv", *channel)}
	}
	if *propertyID <= 0 || *owner == "" {
		return &usageError{msg: "give --property ID and --owner NPWP of the property the bookings belong to"}
	}
	file, err := os.ReadFile(operands[0])
	if err != nil {
		return err
	}

	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := pbjt.NewService(db.PBJT(), db.Registration(), newPolicy(db, time.Now), time.Now)
	bk := pbjt.NewBookings(svc, db.PBJT())
	ctx = actor.With(ctx, actor.SystemActor("villa-cli:"+osUser()))
	job, created, err := bk.Import(ctx, *owner, *propertyID, file, pbjt.ImportOptions{Format: *channel, FileName: operands[0],
		Rates: rates, PayoutCountry: *country, Listing: *listing})
	if err != nil {
		return err
	}
	if err := a.printImport(ctx, bk, *owner, job, created); err != nil {
		return err
	}
	if job.Rejected > 0 {
		return &exitError{code: 1}
	}
	return nil
}

func (a *app) printImport(ctx context.Context, bk *pbjt.Bookings, owner string, job pbjt.ImportJob, created bool) error {
	w := &errWriter{w: a.stdout}
	if !created {
		w.printf("this file was imported with the same rates on %s as import %d; its results:\n",
			job.CreatedAt.UTC().Format(time.RFC3339), job.ID)
	}
	w.printf("import %d: %s, %s\n", job.ID, job.FileName, job.Format.Title())
	for _, r := range job.Results {
		switch {
		case r.Rejected():
			where := ""
			if r.Column != "" {
				where += fmt.Sprintf(" column %q", r.Column)
			}
			if r.Value != "" {
				where += fmt.Sprintf(" value %q", r.Value)
			}
			w.printf("%s:%d: error:%s: %s\n", job.FileName, r.Row, where, r.Message)
		case r.Skipped != "":
			w.printf("%s:%d: skipped: %s\n", job.FileName, r.Row, r.Skipped)
		case r.DuplicateOf != 0:
			w.printf("%s:%d: booking %d, a duplicate of booking %d\n", job.FileName, r.Row, r.BookingID, r.DuplicateOf)
		default:
			w.printf("%s:%d: booking %d\n", job.FileName, r.Row, r.BookingID)
		}
	}
	w.printf("%d rows: %d bookings (%d duplicates), %d earlier bookings replaced, %d rejected, %d skipped\n",
		job.Rows, job.Created, job.Duplicates, job.Replaced, job.Rejected, job.Skipped)
	if job.Created == 0 {
		return w.err
	}

	// The file's bookings and the months they fall in.
	var first, last time.Time
	mine, err := bookingsOf(ctx, bk, owner, job, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	var bs []booking.Booking
	var dups []booking.Duplicate
	for _, b := range mine {
		if first.IsZero() || b.CheckOut.Before(first) {
			first = b.CheckOut
		}
		if b.CheckOut.After(last) {
			last = b.CheckOut
		}
		if b.DuplicateOf != 0 {
			dups = append(dups, booking.Duplicate{Dup: len(bs)})
		}
		bs = append(bs, b.Booking)
	}
	basis, err := booking.GrossBasis(bs, dups)
	if err != nil {
		return err
	}
	w.printf("\nthis file (confirmed bookings that are not duplicates), in rupiah:\n")
	w.printf("  gross %s   commission %s   payout %s   PBJT base %s (the gross; %s more than the payout)\n",
		basis.Gross.Display(), basis.Commission.Display(), basis.Payout.Display(), basis.Gross.Display(), basis.Difference.Display())
	if n := len(basis.Unpriced); n > 0 {
		w.printf("  %d bookings without a guest price yet: import the OTA's export with amounts or enter them\n", n)
	}
	from := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	page, err := bk.List(ctx, owner, job.PropertyID, pbjt.BookingQuery{From: from, To: to, Limit: 1})
	if err != nil {
		return err
	}
	w.printf("\nproperty %d by month of check-out, all its bookings, in rupiah:\n", job.PropertyID)
	w.printf("  %-7s  %8s  %20s  %20s  %20s  %20s  %8s\n", "month", "bookings", "gross = PBJT base", "commission", "payout", "gross - payout", "unpriced")
	for _, m := range page.Months {
		w.printf("  %-7s  %8d  %20s  %20s  %20s  %20s  %8d\n", m.Period, m.Bookings, m.Base.Display(), m.Commission.Display(),
			m.Payout.Display(), m.Difference.Display(), m.Unpriced)
	}
	w.printf("  %s\n", booking.GrossRule)
	return w.err
}

// bookingsOf pages through the property's bookings and returns those of
// the job.
func bookingsOf(ctx context.Context, bk *pbjt.Bookings, owner string, job pbjt.ImportJob, from, to time.Time) ([]pbjt.Booking, error) {
	var out []pbjt.Booking
	q := pbjt.BookingQuery{From: from, To: to, Limit: pbjt.MaxBookingLimit}
	for {
		page, err := bk.List(ctx, owner, job.PropertyID, q)
		if err != nil {
			return nil, err
		}
		for _, b := range page.Bookings {
			if b.JobID == job.ID {
				out = append(out, b)
			}
		}
		if page.Next == 0 {
			return out, nil
		}
		q.After = page.Next
	}
}

// errWriter prints and keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
