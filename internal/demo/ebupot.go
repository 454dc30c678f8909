package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
)

// The people of the demo payroll who are not registered taxpayers.
const (
	// CasualNIK is the casual gardener hired for the high season, paid
	// monthly as a non-permanent employee. The NIK is not registered, so
	// the slips are made on a temporary TIN (ebupot.md §7).
	CasualNIK = "5103014107950005"
	// ConsultantTIN is the Singapore tax number of the foreign
	// consultant, a non-resident withheld PPh 26.
	ConsultantTIN = "S8812345A"
)

// Payroll is the demo company's year of withholding slips.
type Payroll struct {
	Year int
	// Batch is the payroll batch of the employee's monthly slips.
	Batch ebupot.Batch
	// Monthly are the employee's signed BPMPs of January to November,
	// Corrected the correction of one of them and Annual the signed BPA1
	// of December.
	Monthly   []ebupot.Slip
	Corrected ebupot.Slip
	Annual    ebupot.Slip
	// Casual, Freelance and Foreign are the signed BP21 slips of the
	// casual gardener and the freelance designer, and the BP26 of the
	// foreign consultant.
	Casual, Freelance, Foreign []ebupot.Slip
}

// wage is the employee's monthly gross; march the corrected March gross
// (the overtime of the Nyepi week was left out of the first slip).
const (
	wage    money.Amount = 12_000_000_00
	march   money.Amount = 13_250_000_00
	pension money.Amount = 2_880_000_00 // the employee's JHT (2 %) and pension (1 %) contributions of the year, capped
)

// loadBupots runs the company's payroll of last year through e-Bupot:
// the employee, registered as the company's employee, on BPMP from
// January to November (one payroll batch) and on the BPA1 for December;
// a casual gardener on BP21 (21-100-35, monthly non-permanent) for the
// high season; the designer as a freelancer on BP21 (21-100-20,
// services); and a consultant from Singapore on BP26 (27-100-99, 20 %).
// Every slip is signed with DirectorPassphrase, and the March BPMP is
// corrected before the BPA1 is made.
func loadBupots(ctx context.Context, s Services, w *World) error {
	co := string(w.Company.NPWP)
	prof, err := s.Registration.Profile(ctx, co)
	if err != nil {
		return fmt.Errorf("demo: the company's profile: %w", err)
	}
	if _, err := s.Registration.AddParty(ctx, co, registration.PartyInput{Version: prof.Taxpayer.Version, Relation: "employee",
		NPWP: string(w.Employee.NPWP), Name: w.Employee.Name, NIK: string(w.Employee.NIK), ValidFrom: "2024-01-01"}); err != nil {
		return fmt.Errorf("demo: register the employee as the company's employee: %w", err)
	}
	if w.Fakturs == nil {
		// The e-Faktur part issues the director's certificate; without
		// it, issue it here.
		director := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID})
		if _, err := s.Signing.Issue(director, w.Director.ID, DirectorPassphrase); err != nil {
			return fmt.Errorf("demo: the director's signing certificate: %w", err)
		}
	}
	hr := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		ActingForID: w.Company.ID, ActingFor: co})
	p := Payroll{Year: s.EBupot.Today().Year() - 1}
	y := p.Year
	date := func(m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	employee := ebupot.Recipient{TIN: string(w.Employee.NPWP), Kind: objectcode.PermanentEmployee, Status: "K/1", Position: "Villa operations supervisor"}
	monthly := func(m int, gross money.Amount) ebupot.Input {
		return ebupot.Input{Type: objectcode.BPMP, Year: y, Month: m, ObjectCode: "21-100-01", Gross: gross, Recipient: employee, WithholdingDate: date(m, 25)}
	}
	var ins []ebupot.Input
	for m := 1; m <= 11; m++ {
		ins = append(ins, monthly(m, wage))
	}
	if p.Batch, err = s.EBupot.CreateBatch(hr, co, "api", ins, s.EBupotBatches); err != nil {
		return fmt.Errorf("demo: the payroll batch: %w", err)
	}
	if p.Batch.Rejected > 0 {
		return fmt.Errorf("demo: the payroll batch rejected %d rows: %v", p.Batch.Rejected, p.Batch.Rows)
	}
	var refs []ebupot.Ref
	for _, r := range p.Batch.Rows {
		refs = append(refs, ebupot.Ref{ID: r.SlipID, Version: 1})
	}
	if p.Monthly, err = s.EBupot.Sign(hr, co, refs, DirectorPassphrase); err != nil {
		return fmt.Errorf("demo: sign the monthly slips: %w", err)
	}
	third := p.Monthly[2]
	if p.Corrected, err = s.EBupot.Correct(hr, co, third.ID, third.Version, monthly(3, march), DirectorPassphrase); err != nil {
		return fmt.Errorf("demo: correct the March slip: %w", err)
	}
	a1 := monthly(12, wage)
	a1.Type, a1.MonthStart, a1.MonthEnd, a1.PensionContribution, a1.WithholdingDate = objectcode.BPA1, 1, 12, pension, date(12, 31)
	casual := ebupot.Recipient{TIN: CasualNIK, Kind: objectcode.NonPermanentEmployee, Status: "TK/0"}
	designer := ebupot.Recipient{TIN: string(w.Designer.NPWP), Kind: objectcode.NonEmployee, Status: "TK/0"}
	consultant := ebupot.Recipient{TIN: ConsultantTIN, Kind: objectcode.NonResident, Name: "Tan Wei Ming", Country: "SGP",
		Address: "8 Marina View #30-01, Singapore 018960", Passport: "K1234567P"}
	others := []ebupot.Input{a1}
	for _, m := range []int{7, 8, 9} {
		others = append(others, ebupot.Input{Type: objectcode.BP21, Year: y, Month: m, ObjectCode: "21-100-35", Gross: 4_500_000_00, Recipient: casual,
			Document: "PaymentProof", DocumentNumber: fmt.Sprintf("SKV/GRD/%02d", m), DocumentDate: date(m, 28), WithholdingDate: date(m, 28)})
	}
	for i, job := range []struct {
		month int
		gross money.Amount
		what  string
	}{{2, 7_500_000_00, "BRAND"}, {6, 10_000_000_00, "SIGNAGE"}, {10, 12_500_000_00, "WEB"}} {
		others = append(others, ebupot.Input{Type: objectcode.BP21, Year: y, Month: job.month, ObjectCode: "21-100-20", Gross: job.gross, Recipient: designer,
			Document: "Contract", DocumentNumber: fmt.Sprintf("SKV/DES/%s/%d", job.what, i+1), DocumentDate: date(job.month, 5), WithholdingDate: date(job.month, 20)})
	}
	others = append(others, ebupot.Input{Type: objectcode.BP26, Year: y, Month: 9, ObjectCode: "27-100-99", Gross: 50_000_000_00, Recipient: consultant,
		Document: "Contract", DocumentNumber: "SKV/SG/REVPAR-1", DocumentDate: date(9, 1), WithholdingDate: date(9, 30)})
	var drafts []ebupot.Ref
	for i, in := range others {
		d, err := s.EBupot.Create(hr, co, in)
		if err != nil {
			return fmt.Errorf("demo: %s slip %d: %w", in.Type, i+1, err)
		}
		drafts = append(drafts, ebupot.Ref{ID: d.ID, Version: d.Version})
	}
	signed, err := s.EBupot.Sign(hr, co, drafts, DirectorPassphrase)
	if err != nil {
		return fmt.Errorf("demo: sign the slips: %w", err)
	}
	p.Annual, p.Casual, p.Freelance, p.Foreign = signed[0], signed[1:4], signed[4:7], signed[7:]
	w.Payroll = &p
	return nil
}
