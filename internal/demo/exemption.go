package demo

import (
	"context"
	"fmt"

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
}

// loadExemptions records, as the KPPs would, an SKB PPh 21 for the
// freelance designer covering her design fees (21-100-20) this year, and
// a Suket PP 55/2022 for the villa owner, a small business paying the
// 0.5 % final PPh on its turnover itself (local-tax-bali.md §4.2), from
// the start of last year until revoked. A withholder paying the designer
// this year can put the SKB on a BP21 (TaxExAr21) and Coretax offers its
// number; with any other code, or for another recipient, the facility is
// refused.
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
	return nil
}
