package efaktur

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
)

// input returns the approved faktur id to the buyer npwp, after checking
// act on the buyer.
func (s *Service) input(ctx context.Context, npwp string, id int64) (Seller, Faktur, error) {
	buyer, err := s.seller(ctx, npwp, ActCredit)
	if err != nil {
		return Seller{}, Faktur{}, err
	}
	f, err := s.store.Faktur(ctx, id)
	if err != nil {
		return Seller{}, Faktur{}, err
	}
	if f.BuyerID != buyer.Profile.Taxpayer.ID || f.Status == Draft {
		return Seller{}, Faktur{}, errs.Errorf(errs.NotFound, "taxpayer %s has no input faktur %d", buyer.NPWP, id)
	}
	return buyer, f, nil
}

// CreditWindow returns the periods in which input VAT of a faktur dated
// day may be credited on day today: from the faktur's period to
// CreditPeriods periods later (UU PPN Pasal 9(9); DJP's clarification of
// 24 February 2025, efaktur-xml.md §10), and never a period that has not
// begun.
func (s *Service) CreditWindow(day, today time.Time) (from, to Period) {
	from = PeriodOf(day)
	to = from.Add(s.cfg.CreditPeriods)
	if now := PeriodOf(today); now.Before(to) {
		to = now
	}
	return from, to
}

// Credit credits the approved input faktur id (seen at version) of the
// buyer npwp in period p. Only an approved faktur is credited (an amended
// or cancelled one cannot be), by a buyer that is PKP in p, within the
// credit window.
func (s *Service) Credit(ctx context.Context, npwp string, id int64, version int, p Period) (Faktur, error) {
	buyer, f, err := s.input(ctx, npwp, id)
	if err != nil {
		return Faktur{}, err
	}
	if f.Status != Approved {
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s is %s; only an approved faktur can be credited", f.Number, f.Status)
	}
	from, to := s.CreditWindow(f.Invoice.Date, s.Today())
	if p.IsZero() || p.Before(from) || to.Before(p) {
		return Faktur{}, errs.InvalidFields("the period is outside the credit window",
			errs.Field("period", p.String(), "faktur %s dated %s can be credited from %s to %s (UU PPN Pasal 9(9): at most %d periods later)",
				f.Number, f.Invoice.Date.Format(time.DateOnly), from, to, s.cfg.CreditPeriods))
	}
	last := time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC)
	if ok, _ := buyer.Profile.PKPOn(last); !ok {
		return Faktur{}, errs.Errorf(errs.Conflict, "taxpayer %s is not a PKP in %s; only a PKP credits input VAT (UU PPN Pasal 9(2))", buyer.NPWP, p)
	}
	ev := s.entry(ctx, buyer.Profile.Taxpayer.ID, "efaktur.credit", fmt.Sprintf("input faktur %s credited in %s: PPN %s", f.Number, p, f.Totals.VAT.XML()))
	return s.store.SetCredit(ctx, id, version, Credited, p, s.now().UTC(), ev)
}

// Uncredit returns a credited or not-credited input faktur to
// uncredited, so that the seller can amend or cancel it or the buyer can
// credit it in another period.
func (s *Service) Uncredit(ctx context.Context, npwp string, id int64, version int) (Faktur, error) {
	return s.decide(ctx, npwp, id, version, Uncredited)
}

// NotCredit records that the buyer does not credit an input faktur
// (Tidak Kreditkan), e.g. because the input VAT is expensed.
func (s *Service) NotCredit(ctx context.Context, npwp string, id int64, version int) (Faktur, error) {
	return s.decide(ctx, npwp, id, version, NotCredited)
}

func (s *Service) decide(ctx context.Context, npwp string, id int64, version int, c Credit) (Faktur, error) {
	buyer, f, err := s.input(ctx, npwp, id)
	if err != nil {
		return Faktur{}, err
	}
	if f.Status != Approved {
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s is %s; its crediting can no longer change", f.Number, f.Status)
	}
	if f.Credit == c {
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s is already %s", f.Number, c)
	}
	if c == Uncredited {
		if n, err := s.store.Returs(ctx, id); err != nil {
			return Faktur{}, err
		} else if len(n) > 0 {
			return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s has %d return(s) of goods against it; it stays credited", f.Number, len(n))
		}
	}
	ev := s.entry(ctx, buyer.Profile.Taxpayer.ID, "efaktur.credit", fmt.Sprintf("input faktur %s marked %s (was %s)", f.Number, c, f.Credit))
	return s.store.SetCredit(ctx, id, version, c, Period{}, s.now().UTC(), ev)
}

// ReturnLine is a line of a return of goods as keyed in: the faktur line
// (1-based) and the quantity returned.
type ReturnLine struct {
	Line int
	Qty  Quantity
}

// Return records a return of goods (retur) by the buyer npwp against
// its credited input faktur id, dated day. Per line the returned DPP is
// the returned share of the line's DPP, its DPP Nilai Lain follows the
// line's (11/12 when the faktur used it), and the PPN and PPnBM are the
// line's rates of those (the return template of the DJP converter,
// efaktur-xml.md §11.1). Returned quantities never exceed what is left.
func (s *Service) Return(ctx context.Context, npwp string, id int64, day time.Time, lines []ReturnLine) (Retur, error) {
	buyer, f, err := s.input(ctx, npwp, id)
	if err != nil {
		return Retur{}, err
	}
	if f.Status != Approved || f.Credit != Credited {
		return Retur{}, errs.Errorf(errs.Conflict, "faktur %s is %s and %s; goods are returned against an approved faktur the buyer has credited", f.Number, f.Status, f.Credit)
	}
	day = calendar.Midnight(day)
	today := s.Today()
	switch {
	case day.IsZero():
		return Retur{}, errs.InvalidFields("the return needs a date", errs.Field("date", "", "is required; write YYYY-MM-DD"))
	case day.Before(f.Invoice.Date):
		return Retur{}, errs.InvalidFields("the return is dated before the faktur",
			errs.Field("date", day.Format(time.DateOnly), "is before the faktur date %s", f.Invoice.Date.Format(time.DateOnly)))
	case day.After(today):
		return Retur{}, errs.InvalidFields("the return is dated in the future", errs.Field("date", day.Format(time.DateOnly), "is after today, %s", today.Format(time.DateOnly)))
	}
	if len(lines) == 0 {
		return Retur{}, errs.InvalidFields("nothing is returned", errs.Field("lines", "", "name at least one faktur line and the quantity returned"))
	}
	r := Retur{FakturID: f.ID, BuyerID: buyer.Profile.Taxpayer.ID, SellerID: f.SellerID, Date: day, Period: PeriodOf(day),
		CreatedAt: s.now().UTC(), CreatedBy: s.entry(ctx, 0, "", "").Actor}
	var fields []errs.FieldError
	seen := map[int]bool{}
	for i, rl := range lines {
		name := fmt.Sprintf("lines[%d]", i)
		if rl.Line < 1 || rl.Line > len(f.Invoice.Lines) {
			fields = append(fields, errs.Field(name+".line", fmt.Sprint(rl.Line), "is not a line of faktur %s; give 1 to %d", f.Number, len(f.Invoice.Lines)))
			continue
		}
		if seen[rl.Line] {
			fields = append(fields, errs.Field(name+".line", fmt.Sprint(rl.Line), "is named twice; return a line's goods in one row"))
			continue
		}
		seen[rl.Line] = true
		l := f.Invoice.Lines[rl.Line-1]
		if rl.Qty <= 0 || rl.Qty > l.Qty {
			fields = append(fields, errs.Field(name+".quantity", rl.Qty.XML(), "give more than 0 and at most the line's quantity %s", l.Qty.XML()))
			continue
		}
		out, err := returnLine(l, rl)
		if err != nil {
			fields = append(fields, errs.Field(name, rl.Qty.XML(), "%s", err))
			continue
		}
		r.Lines = append(r.Lines, out)
	}
	if len(fields) > 0 {
		return Retur{}, errs.InvalidFields("the return cannot be recorded", fields...)
	}
	for _, l := range r.Lines {
		r.Totals.TaxBase += l.TaxBase
		r.Totals.OtherTaxBase += l.OtherTaxBase
		r.Totals.VAT += l.VAT
		r.Totals.PPnBM += l.PPnBM
	}
	ev := s.entry(ctx, buyer.Profile.Taxpayer.ID, "efaktur.retur", fmt.Sprintf("goods returned against faktur %s on %s: PPN %s", f.Number, day.Format(time.DateOnly), r.Totals.VAT.XML()))
	return s.store.CreateRetur(ctx, r, ev)
}

// returnLine computes the returned part of line l: DPP = round2(DPP ×
// returned / quantity), DPP Nilai Lain at the line's own ratio (11/12 when
// it differs from the DPP, PMK 131/2024 Pasal 3), PPN and PPnBM at the
// line's rates, each rounded half-up to the sen as on the faktur.
func returnLine(l Line, rl ReturnLine) (ReturLine, error) {
	out := ReturLine{Line: rl.Line, Qty: rl.Qty}
	var err error
	if out.TaxBase, err = mulRat(l.TaxBase, int64(rl.Qty), int64(l.Qty), grossRounding); err != nil {
		return out, err
	}
	out.OtherTaxBase = out.TaxBase
	if l.OtherTaxBase != l.TaxBase {
		if out.OtherTaxBase, err = mulRat(out.TaxBase, 11, 12, otherTaxBaseRounding); err != nil {
			return out, err
		}
	}
	if out.VAT, err = VAT(out.OtherTaxBase, l.VATRate); err != nil {
		return out, err
	}
	if out.PPnBM, err = PPnBM(out.OtherTaxBase, l.PPnBMRate); err != nil {
		return out, err
	}
	return out, nil
}

// Returs lists the returns of goods against a faktur the taxpayer npwp
// sold or bought.
func (s *Service) Returs(ctx context.Context, npwp string, id int64) ([]Retur, error) {
	if _, err := s.Faktur(ctx, npwp, id); err != nil {
		return nil, err
	}
	return s.store.Returs(ctx, id)
}
