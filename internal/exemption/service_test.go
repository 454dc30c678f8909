package exemption_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

var today = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func taxpayer(t registration.Taxpayer) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID, AccountID: t.ID})
}

func TestServicePolicy(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return today }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(exemption.Rules()))
	rs := roles.NewService(db.Roles(), policy, now)
	if _, err := rs.GrantOfficerRole(actor.With(ctx, actor.SystemActor("test")), "budi", string(roles.OfficerRegistration)); err != nil {
		t.Fatal(err)
	}
	svc := exemption.NewService(db.Exemptions(), db.Registration(), policy, now)
	officer := actor.With(ctx, actor.Actor{Kind: actor.Officer, ID: "budi"})
	stranger := actor.With(ctx, actor.Actor{Kind: actor.Officer, ID: "sari"})
	npwp := string(w.Designer.NPWP)
	in := exemption.Input{Kind: "skb-pph21", Number: "KET-00031/SKB/WPJ.17/KP.0303/2026", ObjectCodes: []string{"21-100-20"},
		ValidFrom: "2026-01-01", ValidUntil: "2026-12-31", Office: "KPP Pratama Denpasar Timur"}

	if _, err := svc.Record(taxpayer(w.Designer), npwp, in); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the holder records its own certificate: %v, want Forbidden", err)
	}
	if _, err := svc.Record(stranger, npwp, in); !errs.Is(errs.Forbidden, err) {
		t.Errorf("an officer without officer.registration records: %v, want Forbidden", err)
	}
	c, err := svc.Record(officer, npwp, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.RecordedBy != "budi" || c.NPWP != npwp || c.Version != 1 {
		t.Errorf("recorded %+v", c)
	}
	if cs, err := svc.List(taxpayer(w.Designer), npwp); err != nil || len(cs) != 1 {
		t.Errorf("the holder reads its certificates: %v, %v", cs, err)
	}
	if _, err := svc.List(taxpayer(w.VillaOwner), npwp); !errs.Is(errs.Forbidden, err) && !errs.Is(errs.NotFound, err) {
		t.Errorf("another taxpayer reads them: %v, want Forbidden", err)
	}
	if _, err := svc.Certificate(taxpayer(w.Employee), string(w.Employee.NPWP), c.ID); !errs.Is(errs.NotFound, err) {
		t.Errorf("the certificate under another taxpayer: %v, want NotFound", err)
	}

	// Covering reads without the policy, as e-Bupot does for a
	// withholder.
	for _, tt := range []struct {
		facility, code, day string
		want                string
	}{
		{"TaxExAr21", "21-100-20", "2026-06-30", "KET-00031/SKB/WPJ.17/KP.0303/2026"},
		{"TaxExAr21", "21-100-07", "2026-06-30", ""},
		{"TaxExAr23", "21-100-20", "2026-06-30", ""},
		{"N/A", "21-100-20", "2026-06-30", ""},
		{"TaxExAr21", "21-100-20", "2027-01-01", ""},
	} {
		got, err := svc.Covering(ctx, w.Designer.ID, tt.facility, tt.code, day(tt.day))
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("Covering(%s, %s, %s) = %v, %v; want %q", tt.facility, tt.code, tt.day, got, err, tt.want)
		}
	}

	if _, err := svc.Revoke(taxpayer(w.Designer), npwp, c.ID, 1, "", "no longer needed"); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the holder revokes: %v, want Forbidden", err)
	}
	if _, err := svc.Revoke(officer, npwp, c.ID, 1, "2025-12-31", "issued in error"); !errs.Is(errs.Invalid, err) {
		t.Errorf("revoked before it starts: %v, want Invalid", err)
	}
	if _, err := svc.Revoke(officer, npwp, c.ID, 3, "", "issued in error"); !errs.Is(errs.Conflict, err) {
		t.Errorf("revoke at a stale version: %v, want Conflict", err)
	}
	r, err := svc.Revoke(officer, npwp, c.ID, 1, "", "issued in error")
	if err != nil {
		t.Fatal(err)
	}
	if !r.RevokedFrom.Equal(day("2026-11-24")) || r.RevokedBy != "budi" || r.State(day("2026-11-24")) != "revoked" {
		t.Errorf("revoked %+v", r)
	}
	if got, _ := svc.Covering(ctx, w.Designer.ID, "TaxExAr21", "21-100-20", day("2026-11-24")); len(got) != 0 {
		t.Errorf("a revoked certificate still covers: %v", got)
	}
	if got, _ := svc.Covering(ctx, w.Designer.ID, "TaxExAr21", "21-100-20", day("2026-11-23")); len(got) != 1 {
		t.Errorf("the day before its revocation it covers nothing: %v", got)
	}
	entries, err := db.Audit().List(ctx, audit.Filter{TaxpayerIDs: []int64{w.Designer.ID}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 2 || entries[0].Action != "exemption.revoke" || entries[1].Action != "exemption.record" || !strings.Contains(entries[0].Detail, "issued in error") {
		t.Errorf("audit = %+v", entries[:min(len(entries), 2)])
	}
}
