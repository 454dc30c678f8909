package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// The counterparts of the demo's unified slips who are not registered
// taxpayers.
const (
	// CleanerNPWP is the NPWP of CV Resik Dewata, the villas' cleaning
	// contractor. It is not registered here, so its slip is made on a
	// temporary TIN and PPh 23 is withheld at the rate 100 % higher
	// (UU PPh Pasal 23(1a)).
	CleanerNPWP = "0312345678901000"
	// LicensorTIN is the Dutch tax number of Villa Brands B.V., the
	// foreign licensor of the villas' brand, paid royalties under the
	// Indonesia–Netherlands treaty with a certificate of domicile.
	LicensorTIN = "NL859201547B01"
	// LicensorCOD is the number of the licensor's certificate of
	// domicile (the DGT form).
	LicensorCOD = "DGT-NL-2025-0042"
)

// loadUnifiedSlips adds last year's unified slips of the company
// (doc/ebupot-api.md, "The demo payroll"): three BPPU — the villa
// owner's land lease for Villa Surya Canggu (final PPh 4(2), 10 %), the
// rent of his minibus for guest transfers (PPh 23, 2 %) and the cleaning
// contractor's services on a temporary TIN (PPh 23 at 4 %) — and one BPNR
// for the royalties paid to the foreign licensor at the 10 % treaty rate
// with its certificate of domicile. All are signed together with
// DirectorPassphrase.
func loadUnifiedSlips(ctx context.Context, s Services, w *World) error {
	co := string(w.Company.NPWP)
	hr := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		ActingForID: w.Company.ID, ActingFor: co})
	y := s.EBupot.Today().Year() - 1
	at := func(m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	owner := string(w.VillaOwner.NPWP)
	bppu := func(m int, code string, base money.Amount, tin, doc, number string) ebupot.Input {
		return ebupot.Input{Type: objectcode.BPPU, Year: y, Month: m, ObjectCode: code, Gross: base,
			Recipient: ebupot.Recipient{TIN: tin, Kind: objectcode.Resident}, Document: doc, DocumentNumber: number,
			DocumentDate: at(m, 1), WithholdingDate: at(m, 28)}
	}
	ins := []ebupot.Input{
		bppu(1, "28-403-02", 120_000_000_00, owner, "Contract", fmt.Sprintf("SKV/SEWA-LAHAN/%d/01", y)),
		bppu(7, "24-100-02", 7_500_000_00, owner, "CommercialInvoice", fmt.Sprintf("KS/%d/07/014", y)),
		bppu(8, "24-104-36", 15_000_000_00, CleanerNPWP, "CommercialInvoice", fmt.Sprintf("RD-INV-%d-0812", y)),
		{Type: objectcode.BPNR, Year: y, Month: 10, ObjectCode: "27-103-01", Gross: 60_000_000_00,
			Recipient: ebupot.Recipient{TIN: LicensorTIN, Kind: objectcode.NonResident, Name: "Villa Brands B.V.", Country: "NLD",
				Address: "Keizersgracht 100, 1015 CV Amsterdam"},
			Facility: ebupot.COD, FacilityRef: LicensorCOD, TreatyRate: pph21.Percent(10),
			Document: "Contract", DocumentNumber: fmt.Sprintf("LIC/SKV/%d/NL", y), DocumentDate: at(10, 1), WithholdingDate: at(10, 30)},
	}
	var refs []ebupot.Ref
	for _, in := range ins {
		sl, err := s.EBupot.Create(hr, co, in)
		if err != nil {
			return fmt.Errorf("demo: %s %s: %w", in.Type, in.ObjectCode, err)
		}
		refs = append(refs, ebupot.Ref{ID: sl.ID, Version: sl.Version})
	}
	if _, err := s.EBupot.Sign(hr, co, refs, DirectorPassphrase); err != nil {
		return fmt.Errorf("demo: sign the unified slips: %w", err)
	}
	return nil
}
