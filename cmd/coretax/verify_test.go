package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

// signedBundle signs doc as the demo director for the company and writes
// its bundle and the CA certificate into dir.
func signedBundle(t *testing.T, dir string, doc []byte) (bundlePath, caPath string) {
	t.Helper()
	ctx := context.Background()
	db := storagetest.SQLite(t)
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.LoadOrCreate(filepath.Join(dir, "ca"), "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(dir, "translog.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(db.TransLog(), key, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(signing.Rules()))
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	svc := signing.NewService(db.Signing(), ca, tl, policy, nil, time.Now, cfg)
	me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID, ActingForID: w.Company.ID})
	if _, err := svc.Issue(me, w.Director.ID, "Rahasia#2026"); err != nil {
		t.Fatal(err)
	}
	sig, err := svc.Sign(me, signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: "Rahasia#2026"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Bundle(ctx, sig.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	bundlePath = filepath.Join(dir, "bundle.json")
	if err := os.WriteFile(bundlePath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	return bundlePath, filepath.Join(dir, "ca", pki.CertFile)
}

func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	doc := []byte(`<faktur nomor="04002500000001" dpp="1000000"/>`)
	bundle, caFile := signedBundle(t, dir, doc)
	docFile := filepath.Join(dir, "faktur.xml")
	if err := os.WriteFile(docFile, doc, 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCoretax("verify", "--document", docFile, "--ca", caFile, bundle)
	if code != 0 || errOut != "" {
		t.Fatalf("good bundle: status %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	for _, want := range []string{"ok   document matches the signed hash", "ok   certificate chain", "ok   signature", "ok   inclusion proof", "the bundle verifies"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	tampered := append([]byte(nil), doc...)
	tampered[5] ^= 0x20
	if err := os.WriteFile(docFile, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCoretax("verify", "--document", docFile, bundle)
	if code != 1 || !strings.Contains(out, "FAIL document matches the signed hash") || !strings.Contains(out, "does NOT verify") {
		t.Errorf("tampered document: status %d, output:\n%s", code, out)
	}

	other, _, err := pki.NewCA("other", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(dir, "other.crt")
	if err := os.WriteFile(otherFile, other.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCoretax("verify", "--ca", otherFile, bundle); code != 1 || !strings.Contains(out, "FAIL certificate chain") {
		t.Errorf("pinned other CA: status %d, output:\n%s", code, out)
	}
	if code, _, _ := runCoretax("verify"); code != 2 {
		t.Errorf("no bundle: status %d, want 2", code)
	}
}
