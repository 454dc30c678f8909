package ebupot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/signing/signingtest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

const pass = "Rahasia#2026"

var today = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

type fixture struct {
	db  *storage.DB
	svc *ebupot.Service
	w   demo.World
	hr  context.Context // the director acting for the company
	co  string
	sig *signing.Service
}

func as(t registration.Taxpayer, actingFor *registration.Taxpayer) context.Context {
	a := actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID, AccountID: t.ID}
	if actingFor != nil {
		a.ActingForID, a.ActingFor = actingFor.ID, string(actingFor.NPWP)
	}
	return actor.With(context.Background(), a)
}

func setup(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return today }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := reg.Profile(ctx, string(w.Company.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	// The resident employee works for the company from 2024.
	if _, err := reg.AddParty(ctx, string(w.Company.NPWP), registration.PartyInput{Version: prof.Taxpayer.Version, Relation: "employee",
		NPWP: string(w.Employee.NPWP), Name: w.Employee.Name, NIK: string(w.Employee.NIK), ValidFrom: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(ebupot.Rules()))
	sig := signingtest.New(t, db.Signing(), db.TransLog(), policy, now)
	signingtest.Certify(t, sig, w.Director.ID, pass)
	svc := ebupot.NewService(db.EBupot(), db.Registration(), sig, policy, now)
	return &fixture{db: db, svc: svc, w: w, hr: as(w.Director, &w.Company), co: string(w.Company.NPWP), sig: sig}
}

func day(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

func (f *fixture) bpmp(month int, gross money.Amount) ebupot.Input {
	return ebupot.Input{Type: objectcode.BPMP, Year: 2026, Month: month, ObjectCode: "21-100-01", Gross: gross,
		Recipient:       ebupot.Recipient{TIN: string(f.w.Employee.NPWP), Kind: objectcode.PermanentEmployee, Status: "K/1", Position: "Barista"},
		WithholdingDate: time.Date(2026, time.Month(month), 25, 0, 0, 0, 0, time.UTC)}
}

func fields(err error) string {
	var s []string
	for _, f := range errs.FieldsOf(err) {
		s = append(s, f.Field+": "+f.Message)
	}
	return strings.Join(s, "\n")
}

func TestPayrollYear(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		// January–November on BPMP, as one payroll batch.
		var ins []ebupot.Input
		for m := 1; m <= 11; m++ {
			ins = append(ins, f.bpmp(m, 15_000_000_00))
		}
		// A bad row: a freelancer on a permanent-employee code.
		bad := f.bpmp(3, 5_000_000_00)
		bad.Recipient.TIN = string(f.w.Designer.NPWP)
		ins = append(ins, bad)
		b, err := f.svc.CreateBatch(f.hr, f.co, "keyed", ins, f.db.EBupot())
		if err != nil {
			t.Fatal(err)
		}
		if b.Created != 11 || b.Rejected != 1 || len(b.Rows[11].Problems) == 0 {
			t.Fatalf("batch: %d created, %d rejected: %+v", b.Created, b.Rejected, b.Rows[11])
		}
		if msg := b.Rows[11].Problems[0].Message; !strings.Contains(msg, "21-100-01 is for permanent employees") || !strings.Contains(msg, "non-employee") {
			t.Errorf("freelancer row: %s", msg)
		}
		// The monthly TER of K/1 on 15,000,000 (PP 58/2023), as the engine
		// computes it.
		ter, err := pph21.Compute(pph21.Input{Year: 2026, Month: 1, Status: "K/1", Method: pph21.TERMonthly, Gross: 15_000_000_00, Identity: pph21.IdentityNIK})
		if err != nil {
			t.Fatal(err)
		}
		drafts, err := f.svc.List(f.hr, f.co, ebupot.Filter{BatchID: b.ID, Limit: 20})
		if err != nil || len(drafts) != 11 {
			t.Fatalf("drafts: %v %d", err, len(drafts))
		}
		if d := drafts[0]; d.Tax != ter.Tax || d.Rate != ter.Rate || d.Explanation.Category != ter.Category || len(d.Explanation.Steps) == 0 {
			t.Errorf("BPMP tax %s at %s, steps %d", d.Tax.XML(), d.Rate, len(d.Explanation.Steps))
		}
		var refs []ebupot.Ref
		for _, d := range drafts {
			refs = append(refs, ebupot.Ref{ID: d.ID, Version: d.Version})
		}
		signed, err := f.svc.Sign(f.hr, f.co, refs, pass)
		if err != nil {
			t.Fatalf("sign: %v\n%s", err, fields(err))
		}
		if !strings.HasPrefix(signed[0].Number, "BPMP26") || signed[0].PublicID == "" {
			t.Errorf("signed %+v", signed[0].Number)
		}
		// A second BPMP for the same month is refused.
		if _, err := f.svc.Create(f.hr, f.co, f.bpmp(5, 1_000_000_00)); !strings.Contains(fields(err), "one slip per recipient, object code and period") {
			t.Errorf("duplicate: %v\n%s", err, fields(err))
		}
		// December is on the BPA1 only.
		if _, err := f.svc.Create(f.hr, f.co, f.bpmp(12, 15_000_000_00)); !strings.Contains(fields(err), "December is the last period") {
			t.Errorf("December BPMP: %v\n%s", err, fields(err))
		}
		// The BPA1 assembles the eleven BPMPs and December.
		a1 := f.bpmp(12, 15_000_000_00)
		a1.Type, a1.MonthStart, a1.MonthEnd = objectcode.BPA1, 1, 12
		slip, err := f.svc.Create(f.hr, f.co, a1)
		if err != nil {
			t.Fatalf("BPA1: %v\n%s", err, fields(err))
		}
		want, err := pph21.Compute(pph21.Input{Year: 2026, Status: "K/1", Method: pph21.Annual, Months: []money.Amount{
			15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00,
			15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00, 15_000_000_00}, Withheld: 11 * ter.Tax, HasWithheld: true, Identity: pph21.IdentityNIK})
		if err != nil {
			t.Fatal(err)
		}
		if slip.Gross != 180_000_000_00 || slip.Credited != 11*ter.Tax || slip.Tax != want.Tax || slip.Withheld != want.Withheld {
			t.Errorf("BPA1 gross %s credited %s tax %s withheld %s; engine %s / %s", slip.Gross.XML(), slip.Credited.XML(), slip.Tax.XML(), slip.Withheld.XML(), want.Tax.XML(), want.Withheld.XML())
		}
		// Correct a signed BPMP: same number, next revision, same period.
		old := signed[0]
		corr := f.bpmp(old.Period.Month, 16_000_000_00)
		c, err := f.svc.Correct(f.hr, f.co, old.ID, old.Version, corr, pass)
		if err != nil {
			t.Fatalf("correct: %v\n%s", err, fields(err))
		}
		if c.Number != old.Number || c.Revision != 1 || c.Replaces != old.ID {
			t.Errorf("correction %s rev %d replaces %d", c.Number, c.Revision, c.Replaces)
		}
		was, _ := f.svc.Slip(f.hr, f.co, old.ID)
		if was.Status != ebupot.Corrected || was.ReplacedBy != c.ID {
			t.Errorf("old revision %s by %d", was.Status, was.ReplacedBy)
		}
		// The employee sees the signed slips received; never drafts.
		got, err := f.svc.Received(as(f.w.Employee, nil), string(f.w.Employee.NPWP), ebupot.Filter{Current: true, Limit: 100})
		if err != nil || len(got) != 11 {
			t.Errorf("received: %v %d", err, len(got))
		}
		// Cancel the correction.
		if _, err := f.svc.Cancel(f.hr, f.co, c.ID, c.Version, ""); !errs.Is(errs.Invalid, err) {
			t.Errorf("cancel without reason: %v", err)
		}
		x, err := f.svc.Cancel(f.hr, f.co, c.ID, c.Version, "the payment was not made")
		if err != nil || x.Status != ebupot.Cancelled {
			t.Errorf("cancel: %v %s", err, x.Status)
		}
		// Strangers see nothing.
		if _, err := f.svc.List(as(f.w.Designer, nil), f.co, ebupot.Filter{}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger: %v", err)
		}
	})
}

func TestSlipRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		check := func(name string, in ebupot.Input, want string) {
			t.Helper()
			_, err := f.svc.Calculate(f.hr, f.co, in)
			if want == "" {
				if err != nil {
					t.Errorf("%s: %v\n%s", name, err, fields(err))
				}
				return
			}
			if got := errs.Message(err) + "\n" + fields(err); err == nil || !strings.Contains(got, want) {
				t.Errorf("%s: got %v\n%s\nwant %q", name, err, fields(err), want)
			}
		}
		freelance := ebupot.Input{Type: objectcode.BP21, Year: 2026, Month: 6, ObjectCode: "21-100-07", Gross: 10_000_000_00,
			Recipient: ebupot.Recipient{TIN: string(f.w.Designer.NPWP), Kind: objectcode.NonEmployee}, Document: "PaymentProof",
			DocumentNumber: "58/EKS/VI/2026", WithholdingDate: day("2026-06-30")}
		check("freelance expert", freelance, "")
		sl, _ := f.svc.Calculate(f.hr, f.co, freelance)
		// 50 % deemed × 5 % = 250,000 on 10,000,000.
		if sl.Tax != 250_000_00 || sl.Deemed != 5000 {
			t.Errorf("BP21 tax %s deemed %s", sl.Tax.XML(), sl.Deemed)
		}
		retired := freelance
		retired.ObjectCode = "21-100-03"
		check("retired code", retired, "code 21-100-03 was retired on 2024-12-31; use 21-100-35")
		early := freelance
		early.WithholdingDate = day("2026-05-31")
		check("withholding before the period", early, "withholding_date: is before the tax period 2026-06 begins")
		rate := freelance
		rate.Rate, rate.HasRate = pph21.Percent(10), true
		check("rate mismatch", rate, "a different rate needs facility ETC")
		rate.Facility = ebupot.OtherBasis
		check("ETC allows another rate", rate, "")
		perm := freelance
		perm.Type, perm.ObjectCode, perm.Recipient.Kind, perm.Recipient.Status = objectcode.BPMP, "21-100-01", objectcode.PermanentEmployee, "TK/0"
		check("permanent code for someone not employed", perm, "is not registered as an employee of "+f.co)
		nonres := ebupot.Input{Type: objectcode.BP26, Year: 2026, Month: 6, ObjectCode: "27-100-99", Gross: 20_000_000_00,
			Recipient:       ebupot.Recipient{TIN: "S1234567A", Name: "Tan Wei Ming", Country: "SGP", Kind: objectcode.NonResident},
			WithholdingDate: day("2026-06-30")}
		check("PPh 26 at 20 %", nonres, "")
		treaty := nonres
		treaty.Facility, treaty.TreatyRate = ebupot.COD, pph21.Percent(10)
		check("treaty without a COD", treaty, "COD needs the number of the certificate of domicile")
		treaty.FacilityRef = "SKD-SGP-2026-0042"
		check("treaty with a COD", treaty, "")
		resident := nonres
		resident.Type = objectcode.BP21
		check("non-resident on a BP21", resident, "a non-resident is withheld PPh 26 on a BP26 slip")
		unknown := freelance
		unknown.Recipient.TIN = "5171010101900009"
		got, err := f.svc.Calculate(f.hr, f.co, unknown)
		if err != nil || !got.Recipient.Temporary || got.Recipient.Name != "PENERIMAPENGHASILAN#5171010101900009" {
			t.Errorf("unregistered NIK: %v %+v", err, got.Recipient)
		}
		a1 := unknown
		a1.Type, a1.ObjectCode, a1.Recipient.Kind, a1.Recipient.Status, a1.Month = objectcode.BPA1, "21-100-01", objectcode.PermanentEmployee, "TK/0", 12
		a1.WithholdingDate = day("2026-12-31")
		check("BPA1 on a temporary TIN", a1, "a BPA1 needs a registered NIK")
		// PPh 21 DTP for tourism (PMK 105/2025): a villa company's employee
		// earning at most Rp 10,000,000 a month.
		dtp := f.bpmp(6, 8_000_000_00)
		dtp.Facility, dtp.Sector, dtp.KLU, dtp.RegularGross = ebupot.DTP, pph21.SectorTourism, "55110", 8_000_000_00
		got, err = f.svc.Calculate(f.hr, f.co, dtp)
		if err != nil || got.DTPTax == 0 || got.Withheld != 0 || got.DTPTax != got.Tax {
			t.Errorf("DTP: %v tax %s withheld %s dtp %s\n%s", err, got.Tax.XML(), got.Withheld.XML(), got.DTPTax.XML(), fields(err))
		}
		dtp.Gross, dtp.RegularGross = 12_000_000_00, 12_000_000_00
		check("DTP above its ceiling", dtp, "the DTP facility does not apply")
	})
}

// TestYearByStatus runs a year of payroll for a permanent employee under
// several PTKP statuses and checks the BPA1 against the engine's annual
// computation of the same months.
func TestYearByStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		for i, st := range []string{"TK/0", "K/0", "K/3"} {
			year := 2025 + i
			gross := money.Amount(9_000_000_00 + int64(i)*4_000_000_00)
			var refs []ebupot.Ref
			var months []money.Amount
			var credited money.Amount
			for m := 1; m <= 11; m++ {
				in := f.bpmp(m, gross)
				in.Year, in.Recipient.Status, in.ObjectCode = year, st, "21-100-01"
				in.WithholdingDate = time.Date(year, time.Month(m), 25, 0, 0, 0, 0, time.UTC)
				d, err := f.svc.Create(f.hr, f.co, in)
				if err != nil {
					t.Fatalf("%s month %d: %v\n%s", st, m, err, fields(err))
				}
				refs = append(refs, ebupot.Ref{ID: d.ID, Version: d.Version})
				months = append(months, gross)
				credited += d.Tax
			}
			if _, err := f.svc.Sign(f.hr, f.co, refs, pass); err != nil {
				t.Fatal(err)
			}
			months = append(months, gross+2_000_000_00) // a December bonus
			a1 := f.bpmp(12, gross+2_000_000_00)
			a1.Type, a1.Year, a1.Recipient.Status, a1.MonthEnd = objectcode.BPA1, year, st, 12
			a1.WithholdingDate = time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
			slip, err := f.svc.Calculate(f.hr, f.co, a1)
			if err != nil {
				t.Fatalf("%s BPA1: %v\n%s", st, err, fields(err))
			}
			want, err := pph21.Compute(pph21.Input{Year: year, Status: pph21.Status(st), Method: pph21.Annual, Months: months,
				Withheld: credited, HasWithheld: true, Identity: pph21.IdentityNIK})
			if err != nil {
				t.Fatal(err)
			}
			if slip.Tax != want.Tax || slip.Credited != credited || slip.Gross != 11*gross+gross+2_000_000_00 {
				t.Errorf("%s %d: BPA1 tax %s credited %s gross %s; engine %s", st, year, slip.Tax.XML(), slip.Credited.XML(), slip.Gross.XML(), want.Tax.XML())
			}
		}
	})
}
