package roles_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

type auditRow struct {
	Actor, Action, Detail string
	TaxpayerID            int64
}

func auditRows(t *testing.T, db *storage.DB, prefix string) []auditRow {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT actor, action, detail, COALESCE(taxpayer_id, 0) FROM audit_log WHERE action LIKE $1 ORDER BY seq`, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.Actor, &r.Action, &r.Detail, &r.TaxpayerID); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGrantsAndAppointmentsAreAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		pic := "taxpayer:" + string(w.pic.NPWP) + "@192.0.2.1"
		g := w.grant(t, w.director, roles.VATReturnDrafter, "2026-12-01", "2027-06-30")
		if err := w.svc.Revoke(as(w.pic), string(w.company.NPWP), g.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Revoke(as(w.pic), string(w.company.NPWP), g.ID); !errs.Is(errs.Conflict, err) {
			t.Errorf("second revocation = %v, want Conflict", err)
		}
		a := w.appoint(t, "2026-11", "2027-12", roles.TaxInvoiceDrafter, roles.Payment)
		if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, false); !errs.Is(errs.Conflict, err) {
			t.Errorf("answering twice = %v, want Conflict", err)
		}
		if err := w.svc.RevokeAppointment(as(w.pic), string(w.company.NPWP), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.GrantOfficerRole(w.sys, "budi", "officer.access"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.GrantOfficerRole(w.sys, "budi", "officer.access"); !errs.Is(errs.Conflict, err) {
			t.Errorf("granting an officer role twice = %v, want Conflict", err)
		}
		if err := w.svc.RevokeOfficerRole(w.sys, "budi", "officer.access"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.GrantOfficerRole(officer("budi"), "budi", "officer.audit"); !errs.Is(errs.Forbidden, err) {
			t.Errorf("an officer granting officer roles = %v, want Forbidden", err)
		}
		co := w.company.ID
		want := []auditRow{
			{pic, "roles.grant", "vat_return_drafter (ROLE_CTAS_PORTAL_VAT_TAX_RETURN_DRAFTER) to Made Wirawan (5171031204900003) from 2026-12-01 until 2027-06-30", co},
			{pic, "roles.revoke", "vat_return_drafter (ROLE_CTAS_PORTAL_VAT_TAX_RETURN_DRAFTER) of Made Wirawan (5171031204900003), was starts 2026-12-01", co},
			{pic, "roles.appoint", "consultant Ni Luh Putu Ayu Lestari (5171016308950002) invited for tax_invoice_drafter, payment, 2026-11 to 2027-12", co},
			{"taxpayer:5171016308950002@192.0.2.1", "roles.appointment.accepted", "consultant Ni Luh Putu Ayu Lestari (5171016308950002) for tax_invoice_drafter, payment, 2026-11 to 2027-12", co},
			{pic, "roles.appointment.revoked", "consultant Ni Luh Putu Ayu Lestari (5171016308950002), 2026-11 to 2027-12, was accepted", co},
			{"system:test", "roles.officer.grant", "officer role officer.access to budi", 0},
			{"system:test", "roles.officer.revoke", "officer role officer.access of budi", 0},
		}
		if diff := cmp.Diff(want, auditRows(t, db, "roles.")); diff != "" {
			t.Errorf("audit rows (-want +got):\n%s", diff)
		}
		ok, err := db.Audit().Verify(context.Background())
		if err != nil || !ok.OK() {
			t.Errorf("audit chain after role changes: %+v, %v", ok, err)
		}
	})
}

func TestGrantValidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		co := string(w.company.NPWP)
		for _, c := range []struct {
			in    roles.GrantInput
			field string
			want  string
		}{
			{roles.GrantInput{PartyNPWP: string(w.director.NPWP), Role: "tax_invoice_boss"}, "role", "is not a role"},
			{roles.GrantInput{PartyNPWP: string(w.director.NPWP), Role: "tax_invoice_signer", ValidFrom: "2026-11-23"}, "valid_from", "is in the past"},
			{roles.GrantInput{PartyNPWP: string(w.director.NPWP), Role: "tax_invoice_signer", ValidUntil: "2026-11-01"}, "valid_until", "is before the first day 2026-11-24"},
			{roles.GrantInput{PartyNPWP: string(w.outsider.NPWP), Role: "tax_invoice_signer"}, "party_npwp", "is not a related party of PT Surya Kencana Villas"},
			{roles.GrantInput{PartyNPWP: string(w.commissioner.NPWP), Role: "tax_invoice_signer"}, "party_npwp", "was a related party of PT Surya Kencana Villas until 2025-12-31"},
		} {
			_, err := w.svc.Grant(as(w.pic), co, c.in)
			found := false
			for _, f := range errs.FieldsOf(err) {
				if f.Field == c.field && strings.Contains(f.Message, c.want) {
					found = true
				}
			}
			if !errs.Is(errs.Invalid, err) || !found {
				t.Errorf("Grant(%+v) = %v %v, want Invalid on %s: %s", c.in, err, errs.FieldsOf(err), c.field, c.want)
			}
		}
		// The Coretax code is accepted for the role.
		g, err := w.svc.Grant(as(w.pic), co, roles.GrantInput{PartyNPWP: w.director.NPWP.Format(), Role: "ROLE_CTAS_PORTAL_STAMP_DUT_Y_TAX_RETURN_SIGNER"})
		if err != nil || g.Role != roles.StampDutyReturnSigner {
			t.Fatalf("Grant by Coretax code = %+v, %v", g, err)
		}
		if _, err := w.svc.Grant(as(w.pic), co, roles.GrantInput{PartyNPWP: string(w.director.NPWP), Role: "stamp_duty_return_signer", ValidFrom: "2027-01-01"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("overlapping grant = %v, want Conflict", err)
		}
		if _, err := w.svc.Grant(as(w.director), co, roles.GrantInput{PartyNPWP: string(w.director.NPWP), Role: "payment"}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("a director granting themselves a role = %v, want Forbidden", err)
		}
		p, err := w.svc.People(as(w.pic), co)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, pr := range p.Parties {
			line := pr.Party.Name
			if pr.PIC {
				line += " (PIC)"
			}
			for _, g := range pr.Grants {
				line += " " + string(g.Role)
			}
			got = append(got, line)
		}
		if diff := cmp.Diff([]string{"Johann Gruber (PIC)", "Made Wirawan stamp_duty_return_signer", "I Wayan Santika"}, got); diff != "" {
			t.Errorf("People (-want +got):\n%s", diff)
		}

		for _, c := range []struct {
			in    roles.AppointInput
			field string
		}{
			{roles.AppointInput{ConsultantNPWP: string(w.company.NPWP), Roles: []string{"payment"}, From: "2026-11", Until: "2026-12"}, "consultant_npwp"},
			{roles.AppointInput{ConsultantNPWP: string(w.consultant.NPWP), From: "2026-11", Until: "2026-12"}, "roles"},
			{roles.AppointInput{ConsultantNPWP: string(w.consultant.NPWP), Roles: []string{"payment"}, From: "2026-11", Until: "2026-10"}, "until"},
			{roles.AppointInput{ConsultantNPWP: string(w.consultant.NPWP), Roles: []string{"payment"}, From: "2026-01", Until: "2026-10"}, "until"},
			{roles.AppointInput{ConsultantNPWP: string(w.consultant.NPWP), Roles: []string{"payment"}, From: "11/2026", Until: "2026-12"}, "from"},
		} {
			_, err := w.svc.Appoint(as(w.pic), co, c.in)
			found := false
			for _, f := range errs.FieldsOf(err) {
				found = found || f.Field == c.field
			}
			if !errs.Is(errs.Invalid, err) || !found {
				t.Errorf("Appoint(%+v) = %v, want Invalid on %s", c.in, err, c.field)
			}
		}
	})
}
