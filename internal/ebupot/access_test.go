package ebupot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing/signingtest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// staff makes p a related party of the company from 2024 holding rs, and
// returns p acting for the company.
func (f *fixture) staff(t *testing.T, p registration.Taxpayer, employee bool, rs ...roles.Role) context.Context {
	t.Helper()
	ctx := context.Background()
	if !employee {
		reg := registration.NewService(f.db.Registration(), f.db.Registry(), registration.OpenPolicy(), func() time.Time { return today }, registration.DefaultConfig())
		prof, err := reg.Profile(ctx, f.co)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.AddParty(ctx, f.co, registration.PartyInput{Version: prof.Taxpayer.Version, Relation: "employee",
			NPWP: string(p.NPWP), Name: p.Name, NIK: string(p.NIK), ValidFrom: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs {
		g := roles.Grant{TaxpayerID: f.w.Company.ID, PartyID: p.ID, Role: r, ValidFrom: day("2024-01-01"), GrantedAt: today, GrantedBy: "test"}
		if _, err := f.db.Roles().AddGrant(ctx, g, audit.For(ctx, today, f.w.Company.ID, "roles.grant", string(r))); err != nil {
			t.Fatal(err)
		}
	}
	return as(p, &f.w.Company)
}

func types(ss []ebupot.Slip) string {
	var out []string
	for _, s := range ss {
		out = append(out, string(s.Type))
	}
	return strings.Join(out, " ")
}

func wantRefused(t *testing.T, what string, err error, role string) {
	t.Helper()
	if !errs.Is(errs.Forbidden, err) || !strings.Contains(errs.Message(err), role) {
		t.Errorf("%s: %v, want Forbidden naming %s", what, err, role)
	}
}

// TestFamilyRoles: the unified roles alone key in, list, read, sign,
// correct and cancel BPPU and BPNR slips, and never reach the PPh 21/26
// slips; the PPh 21/26 drafter alone works on those as before and drafts
// no unified slip; the main PIC and an audit officer see everything.
func TestFamilyRoles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		// A related party with no e-Bupot role is told the role of each
		// family.
		_, err := f.svc.List(as(f.w.Employee, &f.w.Company), f.co, ebupot.Filter{})
		wantRefused(t, "no role: list", err, string(roles.Withholding2126Drafter))
		wantRefused(t, "no role: list", err, string(roles.WithholdingUnifiedDrafter))
		drafter := f.staff(t, f.w.Employee, true, roles.WithholdingUnifiedDrafter)
		signer := f.staff(t, f.w.VillaOwner, false, roles.WithholdingUnifiedSigner)
		payroll := f.staff(t, f.w.Designer, false, roles.Withholding2126Drafter)
		signingtest.Certify(t, f.sig, f.w.VillaOwner.ID, pass)
		const unifiedRole, payrollRole = string(roles.WithholdingUnifiedDrafter), string(roles.Withholding2126Drafter)

		// The main PIC's payroll slip and payroll batch.
		mp, err := f.svc.Create(f.hr, f.co, f.bpmp(1, 10_000_000_00))
		if err != nil {
			t.Fatal(err)
		}
		batch, err := f.svc.CreateBatch(f.hr, f.co, "api", []ebupot.Input{f.bpmp(2, 10_000_000_00)}, f.db.EBupot())
		if err != nil {
			t.Fatal(err)
		}

		// The unified drafter alone: computes, keys in and lists a BPPU.
		in := f.bppu("24-104-03", 25_000_000_00, string(f.w.VillaOwner.NPWP), "INV/7")
		if _, err := f.svc.Calculate(drafter, f.co, in); err != nil {
			t.Fatalf("calculate: %v\n%s", err, fields(err))
		}
		a, err := f.svc.Create(drafter, f.co, in)
		if err != nil {
			t.Fatalf("create: %v\n%s", err, fields(err))
		}
		ub, err := f.svc.CreateBatch(drafter, f.co, "api", []ebupot.Input{f.bppu("24-104-03", 1_000_000_00, string(f.w.VillaOwner.NPWP), "INV/8")}, f.db.EBupot())
		if err != nil || ub.Created != 1 {
			t.Fatalf("unified batch: %v %+v", err, ub)
		}
		if _, err := f.svc.Batch(drafter, f.co, ub.ID, f.db.EBupot()); err != nil {
			t.Errorf("read the unified batch: %v", err)
		}
		got, err := f.svc.List(drafter, f.co, ebupot.Filter{})
		if err != nil || types(got) != "BPPU BPPU" {
			t.Errorf("the unified drafter's list: %v %s", err, types(got))
		}
		got, err = f.svc.List(drafter, f.co, ebupot.Filter{Limit: 1})
		if err != nil || len(got) != 1 || got[0].ID != ub.Rows[0].SlipID {
			t.Errorf("a page of one: %v %+v", err, got)
		}
		var n int
		if err := f.svc.Each(drafter, f.co, ebupot.Filter{}, func(s *ebupot.Slip) error { n++; return nil }); err != nil || n != 2 {
			t.Errorf("export: %v, %d slips", err, n)
		}
		if _, err := f.svc.Slip(drafter, f.co, a.ID); err != nil {
			t.Errorf("read the BPPU: %v", err)
		}
		// ... and never reaches a PPh 21/26 slip.
		_, err = f.svc.Slip(drafter, f.co, mp.ID)
		wantRefused(t, "read a BPMP", err, payrollRole)
		_, err = f.svc.List(drafter, f.co, ebupot.Filter{Type: objectcode.BPMP})
		wantRefused(t, "list BPMPs", err, payrollRole)
		_, err = f.svc.Batch(drafter, f.co, batch.ID, f.db.EBupot())
		wantRefused(t, "read a payroll batch", err, payrollRole)
		_, err = f.svc.Create(drafter, f.co, f.bpmp(3, 10_000_000_00))
		wantRefused(t, "key in a BPMP", err, payrollRole)
		_, err = f.svc.Calculate(drafter, f.co, f.bpmp(3, 10_000_000_00))
		wantRefused(t, "compute a BPMP", err, payrollRole)
		_, err = f.svc.CreateBatch(drafter, f.co, "api", []ebupot.Input{f.bpmp(3, 10_000_000_00)}, f.db.EBupot())
		wantRefused(t, "a payroll batch", err, payrollRole)
		wantRefused(t, "delete a BPMP draft", f.svc.DeleteDraft(drafter, f.co, mp.ID, mp.Version), payrollRole)
		// Drafting is not signing.
		_, err = f.svc.Sign(drafter, f.co, []ebupot.Ref{{ID: a.ID, Version: a.Version}}, pass)
		wantRefused(t, "sign as drafter", err, string(roles.WithholdingUnifiedSigner))

		// The unified signer alone signs, corrects and cancels the BPPU.
		if got, err := f.svc.List(signer, f.co, ebupot.Filter{Status: ebupot.Draft}); err != nil || types(got) != "BPPU BPPU" {
			t.Errorf("the signer's drafts: %v %s", err, types(got))
		}
		signed, err := f.svc.Sign(signer, f.co, []ebupot.Ref{{ID: a.ID, Version: a.Version}}, pass)
		if err != nil {
			t.Fatalf("sign: %v\n%s", err, fields(err))
		}
		if signed[0].SignedBy != f.w.VillaOwner.Name {
			t.Errorf("signed by %q", signed[0].SignedBy)
		}
		cin := ebupot.InputOf(&signed[0])
		cin.Gross, cin.HasRate = 27_500_000_00, false
		c, err := f.svc.Correct(signer, f.co, signed[0].ID, signed[0].Version, cin, pass)
		if err != nil {
			t.Fatalf("correct: %v\n%s", err, fields(err))
		}
		if _, err := f.svc.Cancel(signer, f.co, c.ID, c.Version, "the invoice was withdrawn"); err != nil {
			t.Fatalf("cancel: %v", err)
		}
		_, err = f.svc.Sign(signer, f.co, []ebupot.Ref{{ID: mp.ID, Version: mp.Version}}, pass)
		wantRefused(t, "sign a BPMP", err, string(roles.Withholding2126Signer))
		_, err = f.svc.Slip(signer, f.co, mp.ID)
		wantRefused(t, "the signer reads a BPMP", err, payrollRole)
		_, err = f.svc.Create(signer, f.co, in)
		wantRefused(t, "the signer keys in", err, unifiedRole)

		// The PPh 21/26 drafter alone: as before, every slip is read and
		// the payroll slips keyed in, but no unified slip is drafted.
		if _, err := f.svc.Create(payroll, f.co, f.bpmp(4, 10_000_000_00)); err != nil {
			t.Errorf("key in a BPMP: %v\n%s", err, fields(err))
		}
		if got, err := f.svc.List(payroll, f.co, ebupot.Filter{}); err != nil || len(got) != 6 {
			t.Errorf("the payroll drafter's list: %v %s", err, types(got))
		}
		if _, err := f.svc.Slip(payroll, f.co, a.ID); err != nil {
			t.Errorf("the payroll drafter reads a BPPU: %v", err)
		}
		_, err = f.svc.Create(payroll, f.co, f.bppu("24-104-03", 1_000_000_00, string(f.w.VillaOwner.NPWP), "INV/9"))
		wantRefused(t, "key in a BPPU", err, unifiedRole)
		_, err = f.svc.Calculate(payroll, f.co, in)
		wantRefused(t, "compute a BPPU", err, unifiedRole)
		wantRefused(t, "delete a BPPU draft", f.svc.DeleteDraft(payroll, f.co, ub.Rows[0].SlipID, 1), unifiedRole)

		// The main PIC and an audit officer see every slip.
		if got, err := f.svc.List(f.hr, f.co, ebupot.Filter{}); err != nil || len(got) != 6 {
			t.Errorf("the main PIC's list: %v %s", err, types(got))
		}
		if err := db.Roles().AddOfficerRole(context.Background(), roles.OfficerGrant{Username: "audit", Role: roles.OfficerAudit, GrantedAt: today, GrantedBy: "test"},
			audit.For(context.Background(), today, 0, "roles.officer.grant", "audit")); err != nil {
			t.Fatal(err)
		}
		officer := actor.With(context.Background(), actor.Actor{Kind: actor.Officer, ID: "audit"})
		if got, err := f.svc.List(officer, f.co, ebupot.Filter{}); err != nil || len(got) != 6 {
			t.Errorf("the officer's list: %v %s", err, types(got))
		}
		if _, err := f.svc.Slip(officer, f.co, mp.ID); err != nil {
			t.Errorf("the officer reads a BPMP: %v", err)
		}
	})
}
