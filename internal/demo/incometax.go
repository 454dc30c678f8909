package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/pbjt"
)

// directStays are Villa Kembang's direct bookings of January to August
// 2026, in rupiah: with the OTA bookings of the autumn they take the
// villa owner's 2026 turnover past the Rp 500 million a year an
// individual pays no PP 55/2022 tax on, in July, so that the income tax
// view (doc/pbjt-income-tax.md) shows the month that pays on the excess
// only.
var directStays = []struct {
	via, ref, guest, in, out, gross, commission string
}{
	{"website", "WEB-2026-001", "Sophie Laurent", "2026-01-03", "2026-01-13", "42000000", ""},
	{"whatsapp", "WA-2026-002", "Made Sukerta", "2026-01-20", "2026-01-23", "13000000", ""},
	{"agent", "AG-2026-001", "Oliver Bennett", "2026-02-02", "2026-02-14", "48000000", "4800000"},
	{"website", "WEB-2026-006", "Hannah Schmidt", "2026-03-05", "2026-03-19", "62000000", ""},
	{"whatsapp", "WA-2026-009", "Liam O'Connor", "2026-04-01", "2026-04-16", "70000000", ""},
	{"agent", "AG-2026-004", "Chen Wei", "2026-05-04", "2026-05-20", "75000000", "7500000"},
	{"website", "WEB-2026-014", "Isabella Rossi", "2026-06-01", "2026-06-19", "85000000", ""},
	{"website", "WEB-2026-019", "Noah Williams", "2026-07-01", "2026-07-16", "72000000", ""},
	{"walk-in", "WALK-2026-002", "Amélie Dubois", "2026-07-16", "2026-07-31", "68000000", ""},
	{"agent", "AG-2026-009", "James Walker", "2026-08-02", "2026-08-28", "120000000", "12000000"},
}

// loadDirectStays enters the direct bookings of Villa Kembang.
func loadDirectStays(ctx context.Context, s Services, w *World) error {
	if w.Villa == nil {
		return nil
	}
	owner := string(w.VillaOwner.NPWP)
	for _, st := range directStays {
		in, err := time.Parse(time.DateOnly, st.in)
		if err != nil {
			return err
		}
		out, err := time.Parse(time.DateOnly, st.out)
		if err != nil {
			return err
		}
		if _, err := s.Bookings.Add(ctx, owner, w.Villa.Property.ID, pbjt.BookingInput{Via: st.via, Reference: st.ref, Guest: st.guest,
			CheckIn: in, CheckOut: out, Currency: "IDR", Gross: st.gross, Commission: st.commission, PayoutCountry: "IDN"}); err != nil {
			return fmt.Errorf("demo: direct booking %s: %w", st.ref, err)
		}
	}
	return nil
}

// villaExpenses are the villa owner's deductible costs of running Villa
// Kembang in 2026, in rupiah, stated with PTKP status K/1 so that the
// income tax view computes normal income tax beside PP 55/2022 and PP
// 34/2017.
var villaExpenses = []pbjt.ExpenseLineInput{
	{Label: "staff wages (two housekeepers, a gardener)", Amount: "96000000"},
	{Label: "cleaning, laundry and guest supplies", Amount: "28500000"},
	{Label: "electricity, water and internet", Amount: "36000000"},
	{Label: "OTA and agent commissions", Amount: "64250000"},
	{Label: "repairs and pool upkeep", Amount: "22000000"},
	{Label: "depreciation of the villa building and furniture", Amount: "75000000"},
}

// loadIncomeTaxExpenses states the villa owner's 2026 expenses.
func loadIncomeTaxExpenses(ctx context.Context, s Services, w *World) error {
	_, err := s.IncomeTax.StateExpenses(ctx, string(w.VillaOwner.NPWP), 2026, pbjt.ExpensesInput{Lines: villaExpenses, PTKP: "K/1",
		Note: "from the villa's 2026 ledger, December estimated"})
	if err != nil {
		return fmt.Errorf("demo: income tax expenses: %w", err)
	}
	return nil
}

// incomeTaxNotes are the notes of the income tax part.
func (w World) incomeTaxNotes(baseURL string) []string {
	if w.Villa == nil {
		return nil
	}
	return []string{fmt.Sprintf("Income tax: signed in as the villa owner, %s/taxpayers/%s/income-tax/2026 shows the 2026 turnover of Villa Kembang passing the Rp 500 million PP 55/2022 exemption in July, PP 55/2022, PP 34/2017 and normal income tax (on the owner's stated 2026 expenses, PTKP K/1) side by side, and asks the owner to record a regime",
		baseURL, w.VillaOwner.NPWP)}
}
