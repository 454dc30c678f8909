package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/exemption"
)

// The demo's exemption certificates.
const (
	// DesignerSKB is the number of the designer's SKB PPh 21 for this
	// year (%d is the year).
	DesignerSKB = "KET-00031/SKB/WPJ.17/KP.0303/%d"
	// VillaOwnerSuket is the number of the villa owner's Suket PP 55.
	VillaOwnerSuket = "KET-00457/PP55/WPJ.17/KP.0503/%d"
)

// Exemptions are the demo's certificates.
type Exemptions struct {
	DesignerSKB, VillaOwnerSuket exemption.Certificate
	// Minibus is the signed BPPU of the December minibus rent paid to the
	// villa owner under his Suket (facility PP23), when e-Bupot was
	// loaded.
	Minibus *ebupot.Slip
}

// loadExemptions records, as the KPPs would, an SKB PPh 21 for the
// freelance designer covering her design fees (21-100-20) this year, and
// a Suket PP 55/2022 for the villa owner, a small business paying the
// 0.5 % final PPh on its turnover itself (local-tax-bali.md §4.2), from
// the start of last year until revoked. A withholder paying the designer
// this year can put the SKB on a BP21 (TaxExAr21) and Coretax offers its
// number; with any other code, or for another recipient, the facility is
// refused. With e-Bupot, the company then pays the villa owner December's
// minibus rent (24-100-02) on a BPPU under his Suket: facility PP23, the
// number taken from the register, 0.5 % final instead of 2 % PPh 23, and
// the villa owner is sent a notice.
func loadExemptions(ctx context.Context, s Services, w *World) error {
	y := s.Exemptions.Today().Year()
	skb, err := s.Exemptions.Record(ctx, string(w.Designer.NPWP), exemption.Input{Kind: string(exemption.SKB21),
		Number: fmt.Sprintf(DesignerSKB, y), ObjectCodes: []string{"21-100-20"}, ValidFrom: fmt.Sprintf("%d-01-01", y),
		ValidUntil: fmt.Sprintf("%d-12-31", y), Office: "KPP Pratama Denpasar Timur"})
	if err != nil {
		return fmt.Errorf("demo: the designer's SKB: %w", err)
	}
	suket, err := s.Exemptions.Record(ctx, string(w.VillaOwner.NPWP), exemption.Input{Kind: string(exemption.SuketPP55),
		Number: fmt.Sprintf(VillaOwnerSuket, y-1), ValidFrom: fmt.Sprintf("%d-01-01", y-1), Office: "KPP Pratama Gianyar"})
	if err != nil {
		return fmt.Errorf("demo: the villa owner's Suket PP 55: %w", err)
	}
	w.Exemptions = &Exemptions{DesignerSKB: skb, VillaOwnerSuket: suket}
	if s.EBupot == nil || s.Signing == nil || w.Payroll == nil {
		return nil
	}
	co := string(w.Company.NPWP)
	hr := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		ActingForID: w.Company.ID, ActingFor: co})
	last := y - 1
	at := func(d int) time.Time { return time.Date(last, time.December, d, 0, 0, 0, 0, time.UTC) }
	d, err := s.EBupot.Create(hr, co, ebupot.Input{Type: objectcode.BPPU, Year: last, Month: 12, ObjectCode: "24-100-02", Gross: 7_500_000_00,
		Recipient: ebupot.Recipient{TIN: string(w.VillaOwner.NPWP), Kind: objectcode.Resident}, Facility: ebupot.PP23,
		Document: "CommercialInvoice", DocumentNumber: fmt.Sprintf("KS/%d/12/031", last), DocumentDate: at(1), WithholdingDate: at(28)})
	if err != nil {
		return fmt.Errorf("demo: the minibus rent under the Suket PP 55: %w", err)
	}
	signed, err := s.EBupot.Sign(hr, co, []ebupot.Ref{{ID: d.ID, Version: d.Version}}, DirectorPassphrase)
	if err != nil {
		return fmt.Errorf("demo: sign the minibus rent under the Suket PP 55: %w", err)
	}
	w.Exemptions.Minibus = &signed[0]
	return nil
}
