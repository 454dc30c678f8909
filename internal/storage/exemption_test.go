package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func TestExemptionCertificates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		s := db.Exemptions()
		at := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		c := exemption.Certificate{TaxpayerID: w.Designer.ID, Kind: exemption.SKB23, Number: "KET-00012/SKB/WPJ.17/KP.0303/2026",
			TaxTypes: []exemption.TaxType{exemption.PPh23}, ObjectCodes: []string{"24-104-01", "24-104-14"},
			ValidFrom: day("2026-01-15"), ValidUntil: day("2026-12-31"), Office: "KPP Pratama Badung Utara", RecordedBy: "budi",
			CreatedAt: at, UpdatedAt: at}
		ev := audit.Entry{At: at, Actor: "officer:budi", TaxpayerID: w.Designer.ID, Action: "exemption.record", Detail: "SKB 23"}
		if err := s.CreateCertificate(ctx, &c, ev); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Version != 1 {
			t.Fatalf("created certificate ID %d version %d, want an ID and version 1", c.ID, c.Version)
		}
		open := exemption.Certificate{TaxpayerID: w.Designer.ID, Kind: exemption.SuketPP55, Number: "SKET-123/PP55/2026",
			TaxTypes: []exemption.TaxType{exemption.PPh22, exemption.PPh23}, ValidFrom: day("2025-06-01"), Office: "KPP Pratama Gianyar",
			RecordedBy: "budi", CreatedAt: at, UpdatedAt: at}
		if err := s.CreateCertificate(ctx, &open, ev); err != nil {
			t.Fatal(err)
		}
		got, err := s.Certificate(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("Certificate (-want +got):\n%s", diff)
		}
		list, err := s.CertificatesOf(ctx, w.Designer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]exemption.Certificate{c, open}, list); diff != "" {
			t.Errorf("CertificatesOf (-want +got):\n%s", diff)
		}
		if other, err := s.CertificatesOf(ctx, w.Employee.ID); err != nil || len(other) != 0 {
			t.Errorf("CertificatesOf(employee) = %v, %v; want none", other, err)
		}
		dup := c
		dup.ID, dup.TaxpayerID = 0, w.Employee.ID
		if err := s.CreateCertificate(ctx, &dup, ev); !errs.Is(errs.Conflict, err) {
			t.Errorf("the same kind and number again: %v, want Conflict", err)
		}
		if _, err := s.Certificate(ctx, 999999); !errs.Is(errs.NotFound, err) {
			t.Errorf("Certificate(999999): %v, want NotFound", err)
		}

		later := at.Add(time.Hour)
		rev := audit.Entry{At: later, Actor: "officer:budi", TaxpayerID: w.Designer.ID, Action: "exemption.revoke", Detail: "revoked"}
		if _, err := s.RevokeCertificate(ctx, c.ID, 7, day("2026-06-01"), "wrong version", "budi", later, rev); !errs.Is(errs.Conflict, err) {
			t.Errorf("revoke at a stale version: %v, want Conflict", err)
		}
		out, err := s.RevokeCertificate(ctx, c.ID, 1, day("2026-06-01"), "the holder asked", "budi", later, rev)
		if err != nil {
			t.Fatal(err)
		}
		want := c
		want.RevokedFrom, want.RevokeReason, want.RevokedBy, want.UpdatedAt, want.Version = day("2026-06-01"), "the holder asked", "budi", later, 2
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("RevokeCertificate (-want +got):\n%s", diff)
		}
		if _, err := s.RevokeCertificate(ctx, c.ID, 2, day("2026-07-01"), "again", "budi", later, rev); !errs.Is(errs.Conflict, err) {
			t.Errorf("revoking twice: %v, want Conflict", err)
		}
		entries, err := db.Audit().List(ctx, audit.Filter{TaxpayerIDs: []int64{w.Designer.ID}, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if e.Action == "exemption.record" || e.Action == "exemption.revoke" {
				actions = append(actions, e.Action)
			}
		}
		if diff := cmp.Diff([]string{"exemption.revoke", "exemption.record", "exemption.record"}, actions); diff != "" {
			t.Errorf("audit entries, newest first (-want +got):\n%s", diff)
		}
	})
}
