package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestSigningStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		st := db.Signing()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		build := func(holder int64) func(int64) (signing.Certificate, error) {
			return func(serial int64) (signing.Certificate, error) {
				return signing.Certificate{HolderID: holder, Serial: serial, Subject: "CN=x", DER: []byte{1, 2, serial2byte(serial)},
					SealedKey: "sealed", CodeHash: "h", NotBefore: at, NotAfter: at.AddDate(2, 0, 0), State: signing.Active, IssuedAt: at}, nil
			}
		}
		ev := audit.Entry{Actor: "system:test", Action: "signing.issue", TaxpayerID: w.Director.ID}
		a, err := st.IssueCertificate(ctx, w.Director.ID, build(w.Director.ID), signing.Superseded, "renewed", ev)
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.IssueCertificate(ctx, w.Employee.ID, build(w.Employee.ID), signing.Superseded, "renewed", ev)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.IssueCertificate(ctx, w.Director.ID, build(w.Director.ID), signing.Superseded, "renewed", ev)
		if err != nil {
			t.Fatal(err)
		}
		if a.Serial != 1 || b.Serial != 2 || c.Serial != 3 {
			t.Errorf("serials %d %d %d, want 1 2 3 from the counter", a.Serial, b.Serial, c.Serial)
		}
		old, err := st.Certificate(ctx, a.ID)
		if err != nil || old.State != signing.Superseded || old.EndReason != "renewed" || !old.EndedAt.Equal(at) {
			t.Errorf("first certificate after the second = %+v, %v", old, err)
		}
		act, err := st.ActiveCertificate(ctx, w.Director.ID)
		if err != nil || act.ID != c.ID || string(act.DER) != string(c.DER) || !act.NotAfter.Equal(c.NotAfter) {
			t.Errorf("active = %+v, %v; want the third", act, err)
		}
		all, err := st.Certificates(ctx, w.Director.ID)
		if err != nil || len(all) != 2 || all[0].ID != c.ID {
			t.Errorf("certificates = %d, %v; want 2, newest first", len(all), err)
		}
		if err := st.EndCertificate(ctx, a.ID, signing.Revoked, at, "x", ev); !errs.Is(errs.Conflict, err) {
			t.Errorf("ending a superseded certificate: %v, want Conflict", err)
		}
		if err := st.EndCertificate(ctx, c.ID, signing.Revoked, at, "lost", ev); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ActiveCertificate(ctx, w.Director.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("active after revocation: %v, want NotFound", err)
		}

		if l, err := st.Lock(ctx, w.Designer.ID); err != nil || l.Failures != 0 {
			t.Errorf("lock of a person who never failed = %+v, %v", l, err)
		}
		until := at.Add(15 * time.Minute)
		for i := 1; i <= 3; i++ {
			l, err := st.RecordFailure(ctx, w.Director.ID, at, func(n int) time.Time {
				if n >= 3 {
					return until
				}
				return time.Time{}
			}, audit.Entry{Actor: "x", Action: "signing.passphrase.wrong"})
			if err != nil || l.Failures != i {
				t.Fatalf("failure %d: %+v, %v", i, l, err)
			}
		}
		if l, _ := st.Lock(ctx, w.Director.ID); !l.LockedUntil.Equal(until) {
			t.Errorf("locked until %s, want %s", l.LockedUntil, until)
		}

		d, err := st.IssueCertificate(ctx, w.Director.ID, build(w.Director.ID), signing.Superseded, "new", ev)
		if err != nil {
			t.Fatal(err)
		}
		sig := signing.Signature{PublicID: "abcdefghijklmnopqrst", CertificateID: d.ID, SignerID: w.Director.ID, ActingForID: w.Company.ID,
			DocType: roles.TaxInvoice, DocHash: "00", Value: []byte{9, 9}, SignedAt: at}
		got, err := st.SaveSignature(ctx, sig, []byte("record\n"), audit.Entry{Actor: "x", Action: "signing.sign"})
		if err != nil || got.LogIndex != 0 || got.ID == 0 {
			t.Fatalf("SaveSignature = %+v, %v", got, err)
		}
		if l, _ := st.Lock(ctx, w.Director.ID); l.Failures != 0 || !l.LockedUntil.IsZero() {
			t.Errorf("lock after a signature = %+v, want reset", l)
		}
		v, err := st.SignatureView(ctx, sig.PublicID)
		if err != nil || v.Certificate.ID != d.ID || v.ActingForNPWP != string(w.Company.NPWP) || v.LogIndex != 0 || string(v.Value) != "\t\t" {
			t.Errorf("view = %+v, %v", v, err)
		}
		if _, err := st.SignatureView(ctx, "nosuch"); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown signature: %v, want NotFound", err)
		}
		if _, err := st.SaveSignature(ctx, sig, []byte("record 2\n"), audit.Entry{Actor: "x", Action: "signing.sign"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("second signature with the same public ID: %v, want Conflict", err)
		}
		if n, err := db.TransLog().Size(ctx); err != nil || n != 1 {
			t.Errorf("log size after a rolled-back signature = %d, %v; want 1", n, err)
		}
	})
}

func serial2byte(s int64) byte { return byte(s) }
