package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestAuthCodeIssuesThroughTheSigningService runs the wizard as served:
// the demo director obtains a code and certificate from the real signing
// service, and an officer's reset revokes it.
func TestAuthCodeIssuesThroughTheSigningService(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		policy := newPolicy(db, time.Now)
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		key := access.Key{5}
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(key))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc, Roles: roles.NewService(db.Roles(), policy, time.Now)})
		if err != nil {
			t.Fatal(err)
		}
		ca, _, err := pki.NewCA("test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		signer := newSigning(db, ca, nil, policy, key, &signingFlags{})
		svc, err := newAuthCodeService(db, key, policy, signer, nil, &authCodeFlags{policy: "none", threshold: "0.8"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.Access().AccountByLogin(ctx, string(w.Director.NPWP))
		if err != nil {
			t.Fatal(err)
		}
		me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), AccountID: a.ID, TaxpayerID: w.Director.ID})
		r, _, err := svc.Start(me, w.Company.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var body string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE purpose = 'authcode_code' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if r, err = svc.Confirm(me, r.ID, regexp.MustCompile(`\d{6}`).FindString(body)); err != nil || r.State != authcode.Ready {
			t.Fatalf("Confirm = %+v, %v", r, err)
		}
		r, out, err := svc.Issue(me, r.ID, "Matahari#2026", "Matahari#2026")
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Code) != 10 || r.State != authcode.Complete || !strings.HasPrefix(r.Certificate, "serial ") {
			t.Fatalf("Issue = %+v, %+v", r, out)
		}
		if ok, err := signer.CheckCode(me, w.Director.ID, out.Code); err != nil || !ok {
			t.Errorf("CheckCode(the shown code) = %v, %v", ok, err)
		}
		rep, err := signer.Status(me, w.Director.ID)
		if err != nil || rep.Status != signing.StatusValid || !strings.Contains(strings.ToUpper(rep.Certificate.Subject), "GRUBER") {
			t.Fatalf("Status = %+v, %v", rep, err)
		}

		if c, err := svc.CertificateStatus(me); err != nil || c.Status != "valid" || c.Serial != rep.Certificate.Serial {
			t.Errorf("CertificateStatus = %+v, %v", c, err)
		}
		if _, err := svc.Renew(me, "Wrong#Passphrase1"); err == nil {
			t.Error("renewal with a wrong passphrase succeeded")
		}
		renewed, err := svc.Renew(me, "Matahari#2026")
		if err != nil || len(renewed.Code) != 10 || renewed.Code == out.Code {
			t.Fatalf("Renew = %+v, %v", renewed, err)
		}
		officer := actor.With(ctx, actor.Actor{Kind: actor.Officer, ID: "budi"})
		n, err := svc.Reset(officer, w.Director.ID, "phone lost; passport and KITAS checked at the counter")
		if err != nil || n.State != authcode.Ready {
			t.Fatalf("Reset = %+v, %v", n, err)
		}
		if rep, err = signer.Status(me, w.Director.ID); err != nil || rep.Status != signing.StatusRevoked {
			t.Errorf("Status after the reset = %+v, %v", rep.Status, err)
		}
		if _, _, err := svc.Issue(me, n.ID, "Matahari#2027", "Matahari#2027"); err != nil {
			t.Errorf("Issue after the reset: %v", err)
		}
		if err := svc.Revoke(me, "the passphrase may be known to a colleague"); err != nil {
			t.Fatal(err)
		}
		if c, err := svc.CertificateStatus(me); err != nil || c.Status != "revoked" {
			t.Errorf("CertificateStatus after revocation = %+v, %v", c, err)
		}
	})
}
