package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/pbjt"
)

// loadDeclarations files Villa Kembang's declarations on past days with
// Gianyar (doc/pbjt-declarations.md): every month before October (and
// September at least) on the 10th of the next month from its bookings'
// gross, paid the same day (a month without bookings nil); October first on the payouts (the classic
// mistake) a day after the deadline, paid the same day with a month's
// interest, then amended to the gross the guests paid, whose extra tax is
// left unpaid so that its interest runs.
func loadDeclarations(ctx context.Context, s Services, w *World) error {
	owner, id := string(w.VillaOwner.NPWP), w.Villa.Property.ID
	wib := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h-7, 0, 0, 0, time.UTC) }
	file := func(in pbjt.DeclarationInput, at time.Time) error {
		d, err := s.Declarations.FileAt(ctx, owner, id, in, at)
		if err != nil {
			return fmt.Errorf("demo: declare %s revision %d of Villa Kembang: %w", in.Month, in.Revision, err)
		}
		w.VillaDeclarations = append(w.VillaDeclarations, d)
		return nil
	}
	ov, err := s.Declarations.Overview(ctx, owner, id)
	if err != nil {
		return err
	}
	// The months before October, oldest first, and September at least:
	// a month without bookings is declared nil.
	october, september := pbjt.Period{Year: 2026, Month: 10}, pbjt.Period{Year: 2026, Month: 9}
	var oct pbjt.MonthTotal
	var months []pbjt.MonthRow
	for i := len(ov.Months) - 1; i >= 0; i-- {
		switch m := ov.Months[i]; {
		case m.Period == october:
			oct = m.Total
		case m.Period.Before(october):
			months = append(months, m)
		}
	}
	if len(months) == 0 || months[len(months)-1].Period != september {
		months = append(months, pbjt.MonthRow{Period: september})
	}
	for _, m := range months {
		n := m.Period.Next()
		if err := file(pbjt.DeclarationInput{Month: m.Period.String(), Nil: m.Total.Bookings == 0}, wib(n.Year, n.Month, 10, 9)); err != nil {
			return err
		}
		if d := w.VillaDeclarations[len(w.VillaDeclarations)-1]; d.Tax > 0 {
			if _, _, err := s.Declarations.Pay(ctx, owner, id, d.Period.String(), pbjt.PaymentInput{PaidOn: time.Date(n.Year, n.Month, 10, 0, 0, 0, 0, time.UTC),
				Amount: d.Tax.String(), Receipt: fmt.Sprintf("NTPD 5104%02d%02d10%06d", n.Year%100, int(n.Month), d.ID)}); err != nil {
				return fmt.Errorf("demo: pay %s of Villa Kembang: %w", d.Period, err)
			}
		}
	}
	if oct.Bookings == 0 {
		return fmt.Errorf("demo: Villa Kembang has no October bookings to declare")
	}
	if err := file(pbjt.DeclarationInput{Month: "2026-10", Base: oct.Payout.String(), Reason: "the payouts received from Airbnb and Agoda"},
		wib(2026, 11, 21, 10)); err != nil {
		return err
	}
	orig := w.VillaDeclarations[len(w.VillaDeclarations)-1]
	paidOn := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	interest, _, _, err := pbjt.InterestOn(orig.Tax, orig.PaymentDue, paidOn, orig.Rule)
	if err != nil {
		return err
	}
	if _, _, err := s.Declarations.Pay(ctx, owner, id, "2026-10", pbjt.PaymentInput{PaidOn: paidOn, Amount: (orig.Tax + interest).String(),
		Receipt: "NTPD 5104261121000173"}); err != nil {
		return fmt.Errorf("demo: pay October of Villa Kembang: %w", err)
	}
	return file(pbjt.DeclarationInput{Month: "2026-10", Revision: 1,
		Reason: "corrected to the gross the guests paid: the channels' commission is not deductible (UU 1/2022 Pasal 57)"}, wib(2026, 11, 23, 11))
}

// declarationNotes are the notes of the declarations part.
func (w World) declarationNotes(baseURL string) []string {
	if len(w.VillaDeclarations) == 0 || w.Villa == nil {
		return nil
	}
	path := fmt.Sprintf("%s/taxpayers/%s/properties/%d/declarations", baseURL, w.VillaOwner.NPWP, w.Villa.Property.ID)
	return []string{
		fmt.Sprintf("PBJT declarations: Villa Kembang's months were declared from its bookings and paid; October was declared on the payouts a day late, paid with a month's interest, then amended to the gross, whose extra tax accrues interest: %s", path),
		fmt.Sprintf("Declare from the command line: go run ./cmd/coretax villa declare --property %d --owner %s --month 2026-10", w.Villa.Property.ID, w.VillaOwner.NPWP),
	}
}
