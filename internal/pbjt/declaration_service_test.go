package pbjt_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

// wib returns the moment h o'clock WIB on the day.
func wib(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h-7, 0, 0, 0, time.UTC) }

func TestDeclarations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, bk, w := bookingFixture(t, db)
		dc := pbjt.NewDeclarations(svc, db.PBJT(), db.PBJT())
		owner := w.VillaOwner
		ctx, npwp := as(owner), string(owner.NPWP)
		kembang, _ := villas(t, svc, owner)
		for _, f := range []struct{ file, format string }{{"airbnb_transactions.csv", "airbnb"}, {"agoda_booking_report.csv", "agoda"}, {"generic.csv", "csv"}} {
			if _, _, err := bk.Import(ctx, npwp, kembang.ID, sample(t, f.file), pbjt.ImportOptions{Format: f.format, FileName: f.file,
				Rates: rates(t, "USD=16250@2026-09-01"), Listing: "Villa Kembang"}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := bk.List(ctx, npwp, kembang.ID, pbjt.BookingQuery{From: day(2026, 10, 1), To: day(2026, 11, 1)})
		if err != nil || len(page.Months) != 1 {
			t.Fatalf("October: %+v, %v", page.Months, err)
		}
		oct := page.Months[0]
		if oct.Base == oct.Payout {
			t.Fatalf("October's gross %s equals its payout", oct.Base)
		}

		// Refusals: not ended, in the future, nil with bookings, amending
		// nothing, another taxpayer, an officer.
		for _, c := range []struct {
			name string
			ctx  context.Context
			npwp string
			in   pbjt.DeclarationInput
			at   time.Time
			kind errs.Kind
		}{
			{"month not ended", ctx, npwp, pbjt.DeclarationInput{Month: "2026-11"}, today, errs.Invalid},
			{"filed tomorrow", ctx, npwp, pbjt.DeclarationInput{Month: "2026-10"}, today.AddDate(0, 0, 1), errs.Invalid},
			{"nil with bookings", ctx, npwp, pbjt.DeclarationInput{Month: "2026-10", Nil: true}, today, errs.Invalid},
			{"amend nothing", ctx, npwp, pbjt.DeclarationInput{Month: "2026-10", Revision: 1}, today, errs.Invalid},
			{"a bad base", ctx, npwp, pbjt.DeclarationInput{Month: "2026-10", Base: "12,5 juta"}, today, errs.Invalid},
			{"another taxpayer", as(w.Employee), npwp, pbjt.DeclarationInput{Month: "2026-10"}, today, errs.Forbidden},
			{"another taxpayer's own NPWP", as(w.Employee), string(w.Employee.NPWP), pbjt.DeclarationInput{Month: "2026-10"}, today, errs.NotFound},
			{"an officer", officer("budi"), npwp, pbjt.DeclarationInput{Month: "2026-10"}, today, errs.Forbidden},
		} {
			if _, err := dc.FileAt(c.ctx, c.npwp, kembang.ID, c.in, c.at); !errs.Is(c.kind, err) {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}

		// A preview computes without numbering or storing.
		pre, err := dc.Preview(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10"})
		if wantTax, _ := pbjt.TaxOn(oct.Base, 1000); err != nil || pre.Tax != wantTax || pre.Number != "" || pre.ID != 0 || !pre.Late {
			t.Errorf("preview = %+v, %v", pre, err)
		}

		// September had no bookings: a nil declaration, on time.
		sep, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-09", Nil: true}, wib(2026, 10, 14, 9))
		if err != nil {
			t.Fatal(err)
		}
		if !sep.Nil || sep.Tax != 0 || sep.PaymentCode != "" || sep.Late || sep.Number != "SPTPD/5104/2026/09/00001" {
			t.Errorf("September = %+v", sep)
		}

		// October declared on the payout (the classic mistake), a day
		// late (the deadline is the 20th).
		orig, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10", Base: oct.Payout.String(), Reason: "payouts received"}, wib(2026, 11, 21, 9))
		if err != nil {
			t.Fatal(err)
		}
		wantTax, _ := pbjt.TaxOn(oct.Payout, 1000)
		if orig.Tax != wantTax || !orig.Late || orig.Number != "SPTPD/5104/2026/10/00001" || orig.PaymentCode != "510420261000000001" ||
			orig.BookingsGross != oct.Base || orig.Difference() != oct.Payout-oct.Base || len(orig.Warnings()) != 1 ||
			!orig.FilingDue.Equal(day(2026, 11, 20)) || !orig.PaymentDue.Equal(day(2026, 11, 20)) || orig.RegencyCode != "5104" {
			t.Errorf("October original = %+v", orig)
		}
		if _, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10"}, today); !errs.Is(errs.Conflict, err) {
			t.Errorf("a second original: %v, want Conflict", err)
		}

		// Paid the next day with a month's interest.
		interest, _, _, _ := pbjt.InterestOn(orig.Tax, orig.PaymentDue, day(2026, 11, 22), orig.Rule)
		if _, _, err := dc.Pay(ctx, npwp, kembang.ID, "2026-10", pbjt.PaymentInput{PaidOn: day(2026, 11, 22), Amount: (orig.Tax + interest + 100).String(), Receipt: "NTPD-1"}); !errs.Is(errs.Invalid, err) {
			t.Errorf("paying more than owed: %v, want Invalid", err)
		}
		if _, _, err := dc.Pay(as(w.Employee), npwp, kembang.ID, "2026-10", pbjt.PaymentInput{PaidOn: day(2026, 11, 22), Amount: "1", Receipt: "X"}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("a stranger pays: %v, want Forbidden", err)
		}
		_, acc, err := dc.Pay(ctx, npwp, kembang.ID, "2026-10", pbjt.PaymentInput{PaidOn: day(2026, 11, 22), Amount: (orig.Tax + interest).String(), Receipt: "NTPD-1"})
		if err != nil {
			t.Fatal(err)
		}
		if acc.Outstanding != 0 || acc.Interest != interest || interest == 0 || acc.State() != pbjt.Paid {
			t.Errorf("after paying: outstanding %s, interest %s (want %s), state %s", acc.Outstanding, acc.Interest, interest, acc.State())
		}
		if _, _, err := dc.Pay(ctx, npwp, kembang.ID, "2026-10", pbjt.PaymentInput{PaidOn: day(2026, 11, 22), Amount: "1", Receipt: "NTPD-1"}); !errs.Is(errs.Invalid, err) && !errs.Is(errs.Conflict, err) {
			t.Errorf("paying again: %v", err)
		}

		// Amended to the gross: the extra tax has its own payment code and
		// interest from the original deadline.
		am, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10", Revision: 1, Reason: "the gross the guests paid, not the payout"}, wib(2026, 11, 23, 9))
		if err != nil {
			t.Fatal(err)
		}
		fullTax, _ := pbjt.TaxOn(oct.Base, 1000)
		if am.Base != oct.Base || am.Tax != fullTax || am.PriorTax != orig.Tax || am.Number != "SPTPD/5104/2026/10/00002" ||
			am.PaymentCode != "510420261000000002" || len(am.Warnings()) != 0 || !am.Late {
			t.Errorf("amendment = %+v", am)
		}
		if _, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10", Revision: 1}, today); !errs.Is(errs.Conflict, err) {
			t.Errorf("amending revision 0 again: %v, want Conflict", err)
		}
		acc, err = dc.Account(ctx, npwp, kembang.ID, "2026-10", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		// The payment settled the original's tax and interest, so what is
		// owed is the extra tax with its interest from the original
		// deadline.
		extraInterest, _, _, _ := pbjt.InterestOn(fullTax-orig.Tax, orig.PaymentDue, day(2026, 11, 24), orig.Rule)
		if len(acc.Revisions) != 2 || acc.Revisions[0].Status != pbjt.Superseded || acc.Current().Status != pbjt.Current ||
			acc.Outstanding != fullTax-orig.Tax+extraInterest || acc.State() != pbjt.Late {
			t.Errorf("account after the amendment: %+v", acc)
		}

		// A lower amendment records the overpayment.
		low, err := dc.FileAt(ctx, npwp, kembang.ID, pbjt.DeclarationInput{Month: "2026-10", Revision: 2, Base: "1000000", Reason: "test"}, today)
		if err != nil {
			t.Fatal(err)
		}
		if low.Tax != money.Amount(100_000_00) || low.Overpayment != orig.Tax+interest-low.Tax-money.Amount(2_000_00) || low.PaymentCode != "" {
			t.Errorf("lower amendment: tax %s, overpayment %s (paid %s)", low.Tax, low.Overpayment, orig.Tax+interest)
		}

		ov, err := dc.Overview(ctx, npwp, kembang.ID)
		if err != nil {
			t.Fatal(err)
		}
		var months []string
		for _, m := range ov.Months {
			months = append(months, m.Period.String()+" "+string(m.State))
		}
		if diff := cmp.Diff([]string{"2026-10 paid", "2026-09 filed"}, months); diff != "" {
			t.Errorf("overview months (-want +got):\n%s", diff)
		}
		if ov.Next != nil || !ov.Operator {
			t.Errorf("overview next = %+v, operator %v", ov.Next, ov.Operator)
		}
		if _, err := dc.Overview(as(w.Employee), npwp, kembang.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("a stranger's overview: %v, want Forbidden", err)
		}
		f, err := dc.Revision(ctx, npwp, kembang.ID, "2026-10", 0)
		if err != nil || f.Declaration.Number != orig.Number || f.Property.ID != kembang.ID || f.FilerNPWP != npwp || f.FilerName != owner.Name {
			t.Errorf("Revision 0 = %+v, %v", f, err)
		}
		if _, err := dc.Revision(ctx, npwp, kembang.ID, "2026-10", 3); !errs.Is(errs.NotFound, err) {
			t.Errorf("revision 3: %v, want NotFound", err)
		}
	})
}
