package demo

import (
	"context"
	"fmt"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
)

// OffshoreStay is the feed id of the Villa Kembang stay the Airbnb feed
// reports paid out to a Singapore account, in a month the villa owner
// declared nil: what the owner's self-check finds.
const OffshoreStay = "HMK2026-0901"

// loadCases opens the demo's case, after the compliance part's run of the
// matching job: the owner who declares the payout instead of the gross
// gets a case assigned to the demo officer and the SP2DK-style letter
// (doc/compliance-cases.md). It then adds one more record to the Airbnb
// feed, after the run: a September stay at Villa Kembang paid out to an
// account in Singapore, which the villa owner's self-check ("what the tax
// office will see") finds before the office's next run does.
func loadCases(ctx context.Context, s Services, w *World) error {
	stay := feedRow{source: AirbnbFeed, id: OffshoreStay, listing: "AIR-4410735", name: "Villa Kembang", street: "Jl. Raya Sayan, Banjar Kutuh",
		district: "510405", host: "I Ketut Sudarma", nik: string(w.VillaOwner.NIK), in: "2026-09-12", out: "2026-09-18",
		gross: "21000000", commission: "630000", payout: "20370000", payee: "I KETUT SUDARMA", country: "SGP"}
	b, err := s.Compliance.Ingest(ctx, compliance.Delivery{Source: AirbnbFeed, Channel: "api", Inputs: inputs([]feedRow{stay})})
	if err != nil {
		return fmt.Errorf("demo: ingest the offshore stay: %w", err)
	}
	for _, r := range b.Results {
		if r.Rejected() {
			return fmt.Errorf("demo: ingest the offshore stay: %s %q: %s", r.Field, r.Value, r.Message)
		}
	}
	owner := w.Compliance.NetOwner
	c, err := s.Cases.Open(ctx, casework.OpenInput{Subject: casework.TaxpayerKey(owner.ID), AssignTo: "budi"})
	if err != nil {
		return fmt.Errorf("demo: open the case of %s: %w", owner.Name, err)
	}
	if c, err = s.Cases.SendLetter(ctx, c.ID, c.Version); err != nil {
		return fmt.Errorf("demo: send the letter of case %d: %w", c.ID, err)
	}
	w.Case = &c
	return nil
}

// caseNotes are the notes of the case part.
func (w World) caseNotes(baseURL string) []string {
	c := w.Case
	if c == nil || c.Letter == nil {
		return nil
	}
	return []string{
		fmt.Sprintf("Compliance cases: signed in as budi, the risk list (largest expected recovery first) at %s/officer/compliance/risks, the dashboard of declared against third-party gross at %s/officer/compliance, and case %d of %s (net instead of gross) with letter %s sent at %s/officer/compliance/cases/%d",
			baseURL, baseURL, c.ID, c.Name, c.Letter.Number, baseURL, c.ID),
		fmt.Sprintf("The letter reaches %s by e-mail (the outbox) and at %s%s; the villa owner sees what the office will see, a September stay paid out to Singapore that was declared nil, and can prepare the voluntary correction, at %s/taxpayers/%s/self-check",
			c.Name, baseURL, casework.LetterPath(c.NPWP, c.ID), baseURL, w.VillaOwner.NPWP),
	}
}
