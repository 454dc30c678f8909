package ebupot

import (
	"context"
	"strings"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/registration"
)

// government reports whether the withholder is a government institution
// (instansi pemerintah): registered with kind government, the kind whose
// NPWP DJP gives to government treasurers (registration: code 00). The
// domain notes say that a BPA2 is the year-end slip of civil servants,
// TNI/Polri members and state officials paid from the APBN/APBD
// (ebupot.md §1) but not how Coretax recognises the payer; this system
// takes the kind on the withholder's registration as the rule
// (doc/ebupot.md, "BPA2").
func (w withholder) government() bool { return w.Profile.Taxpayer.Kind == registration.Government }

// annualType is the year-end slip type of the withholder's permanent
// employees: BPA2 for a government institution, BPA1 otherwise.
func (w withholder) annualType() objectcode.SlipType {
	if w.government() {
		return objectcode.BPA2
	}
	return objectcode.BPA1
}

// withholderRules checks what depends on who the withholder is: a BPA2 is
// issued by a government institution and a BPA1 by any other employer
// (ebupot.md §1); the treasurer options Imprest and Direct of a unified
// slip are a government treasurer's (ebupot.md §2.1).
func withholderRules(w withholder, sl *Slip, ps *problems) {
	switch {
	case sl.Type == objectcode.BPA2 && !w.government():
		ps.add("type", string(sl.Type), "a BPA2 is issued by a government institution paying from the APBN/APBD; %s is registered as %s, so its employees' year-end slip is the BPA1",
			w.NPWP, strings.ToLower(w.Profile.Taxpayer.Kind.Label()))
	case sl.Type == objectcode.BPA1 && w.government():
		ps.add("type", string(sl.Type), "%s is registered as a government institution: the year-end slip of its civil servants, TNI/Polri members and state officials is the BPA2", w.NPWP)
	}
	if Unified(sl.Type) && sl.Treasurer != "" && sl.Treasurer != NoTreasurer && !w.government() {
		ps.add("treasurer", string(sl.Treasurer), "the options Imprest (UP) and Direct (LS) are for government treasurers; %s is not registered as a government institution: use N/A", w.NPWP)
	}
}

// sameDocument refuses a second current unified slip for the same
// recipient, code, period and reference document: a payment is withheld
// once (ebupot.md §4: one slip per recipient, code and period; per
// payment, with its document, as for BP21).
func (s *Service) sameDocument(ctx context.Context, w withholder, sl *Slip, ps *problems) error {
	others, err := s.store.List(ctx, Filter{WithholderID: w.id(), Type: sl.Type, Year: sl.Period.Year, Month: sl.Period.Month,
		RecipientTIN: sl.Recipient.TIN, ObjectCode: sl.ObjectCode, Current: true, Limit: MaxLimit})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Status != Cancelled && o.ID != sl.Replaces && o.ID != sl.ID && o.Document == sl.Document && strings.EqualFold(o.DocumentNumber, sl.DocumentNumber) {
			ps.add("document_number", sl.DocumentNumber, "%s %s already withholds %s for %s %s in %d-%02d; correct that slip instead of making a second one",
				o.Type, label(o), sl.ObjectCode, sl.Document, sl.DocumentNumber, sl.Period.Year, sl.Period.Month)
		}
	}
	return nil
}

// AnnualType returns the year-end slip type of the withholder npwp's
// permanent employees: BPA2 for a government institution, BPA1 for any
// other employer.
func (s *Service) AnnualType(ctx context.Context, npwp string) (objectcode.SlipType, error) {
	w, err := s.withholder(ctx, npwp, ActRead)
	if err != nil {
		return "", err
	}
	return w.annualType(), nil
}
