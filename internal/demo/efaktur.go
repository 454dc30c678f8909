package demo

import (
	"context"
	"fmt"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/registration"
)

// DirectorPassphrase is the passphrase of the demo director's signing
// certificate: approving, amending and cancelling the company's fakturs
// ask for it. It differs from the director's password, as the signing
// service requires.
const DirectorPassphrase = "Rahasia#2026"

// loadFakturs makes the villa owner a PKP (so that the input-VAT side has
// data), issues the director's signing certificate and keys in three
// fakturs from the company to the villa owner, dated today: two approved
// and signed, the first of them credited by the villa owner in this
// period, and one left as a draft to approve.
func loadFakturs(ctx context.Context, s Services, w *World) error {
	if _, err := s.Registration.SetPKP(ctx, string(w.VillaOwner.NPWP), w.VillaOwner.Version, registration.PKPConfirmed, "2025-01-01",
		"villa rental turnover passed Rp 4.8 billion (PMK 197/PMK.03/2013)"); err != nil {
		return fmt.Errorf("demo: make the villa owner a PKP: %w", err)
	}
	director := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID})
	if _, err := s.Signing.Issue(director, w.Director.ID, DirectorPassphrase); err != nil {
		return fmt.Errorf("demo: the director's signing certificate: %w", err)
	}
	seller := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		ActingForID: w.Company.ID, ActingFor: string(w.Company.NPWP)})
	owner := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.VillaOwner.NPWP), TaxpayerID: w.VillaOwner.ID})
	co := string(w.Company.NPWP)
	today := s.EFaktur.Today()
	buyer := efaktur.Buyer{TIN: string(w.VillaOwner.NPWP), Document: efaktur.BuyerTIN, Name: w.VillaOwner.Name,
		Address: "Jl. Raya Pengosekan, Banjar Kutuh, Ubud, Gianyar", Email: w.VillaOwner.Email}
	forms := []efaktur.Form{
		{Date: today, TrxCode: efaktur.TrxOtherValue, RefDesc: "SKV/INV/0001", Buyer: buyer,
			Lines: []efaktur.LineInput{{Kind: efaktur.Services, Code: "000000", Name: "Villa management fee", Unit: "UM.0030", Price: 15_000_000_00, Qty: 100}}},
		{Date: today, TrxCode: efaktur.TrxOtherValue, RefDesc: "SKV/INV/0002", Buyer: buyer,
			Lines: []efaktur.LineInput{
				{Kind: efaktur.Goods, Code: "000000", Name: "Teak sun lounger", Unit: "UM.0018", Price: 2_750_000_00, Qty: 400, Discount: 500_000_00},
				{Kind: efaktur.Services, Code: "000000", Name: "Pool maintenance", Unit: "UM.0030", Price: 1_250_000_00, Qty: 150},
			}},
		{Date: today, TrxCode: efaktur.TrxOtherValue, RefDesc: "SKV/INV/0003", Buyer: buyer,
			Lines: []efaktur.LineInput{{Kind: efaktur.Services, Code: "000000", Name: "Garden landscaping", Unit: "UM.0030", Price: 4_500_000_00, Qty: 100}}},
	}
	var refs []efaktur.Ref
	for i, in := range forms {
		d, err := s.EFaktur.CreateDraft(seller, co, in)
		if err != nil {
			return fmt.Errorf("demo: faktur draft %d: %w", i+1, err)
		}
		w.Fakturs = append(w.Fakturs, d)
		if i < 2 {
			refs = append(refs, efaktur.Ref{ID: d.ID, Version: d.Version})
		}
	}
	approved, err := s.EFaktur.Approve(seller, co, refs, DirectorPassphrase)
	if err != nil {
		return fmt.Errorf("demo: approve the fakturs: %w", err)
	}
	copy(w.Fakturs, approved)
	credited, err := s.EFaktur.Credit(owner, string(w.VillaOwner.NPWP), approved[0].ID, approved[0].Version, efaktur.PeriodOf(today))
	if err != nil {
		return fmt.Errorf("demo: the villa owner credits faktur %s: %w", approved[0].Number, err)
	}
	w.Fakturs[0] = credited
	return nil
}
