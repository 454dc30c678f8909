package pki

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testKDF = KDF{Memory: 64, Time: 1, Threads: 1}

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ca, err := LoadOrCreate(dir, "KPP Test", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ca.Cert.Subject.CommonName, "Coretax Signing CA KPP Test"; got != want {
		t.Errorf("CA name = %q, want %q", got, want)
	}
	if !ca.Cert.IsCA || ca.Cert.NotAfter.Sub(now) < 9*365*24*time.Hour {
		t.Errorf("CA certificate: IsCA %v, not after %s", ca.Cert.IsCA, ca.Cert.NotAfter)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("ca.key mode = %v, want 0600", fi.Mode().Perm())
	}
	again, err := LoadOrCreate(dir, "other", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cert.Equal(ca.Cert) {
		t.Error("second start created a new CA instead of loading the first")
	}
	if err := os.Remove(filepath.Join(dir, KeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir, "x", now); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Errorf("LoadOrCreate with the key missing = %v, want a refusal", err)
	}
}

func TestLoadRejectsMismatchedKey(t *testing.T) {
	now := time.Now()
	a, _, err := NewCA("a", now)
	if err != nil {
		t.Fatal(err)
	}
	_, keyB, err := NewCA("b", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(a.CertPEM(), keyB); err == nil {
		t.Error("Parse accepted the key of another CA")
	}
}

func TestIssue(t *testing.T) {
	now := time.Now()
	ca, _, err := NewCA("", now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	der, err := ca.Issue(Subject{Name: "Budi Santoso", SerialNumber: "3171011501800001", Country: "IDN"}, &key.PublicKey, now, now.Add(DefaultValidity), 7)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "Budi Santoso" || cert.Subject.SerialNumber != "3171011501800001" || len(cert.Subject.Country) != 1 || cert.Subject.Country[0] != "ID" {
		t.Errorf("subject = %+v", cert.Subject)
	}
	if cert.KeyUsage != x509.KeyUsageDigitalSignature || cert.IsCA || cert.SerialNumber.Int64() != 7 {
		t.Errorf("key usage %v, IsCA %v, serial %v", cert.KeyUsage, cert.IsCA, cert.SerialNumber)
	}
	if err := VerifyChain(cert, ca.Cert, now.Add(time.Hour)); err != nil {
		t.Errorf("VerifyChain within validity: %v", err)
	}
	if err := VerifyChain(cert, ca.Cert, now.Add(DefaultValidity+time.Hour)); err == nil {
		t.Error("VerifyChain after expiry succeeded")
	}
	other, _, err := NewCA("other", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyChain(cert, other.Cert, now.Add(time.Hour)); err == nil {
		t.Error("VerifyChain against another CA succeeded")
	}
	if _, err := ca.Issue(Subject{Name: "X", SerialNumber: "1", Country: "XXZ"}, &key.PublicKey, now, now.Add(time.Hour), 8); err == nil {
		t.Error("Issue accepted an unknown country")
	}
}

func TestSealOpen(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := Seal(key, "Rahasia#2026", testKDF)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "Rahasia") || !strings.HasPrefix(sealed, "coretax-key-v1$m=64,t=1,p=1$") {
		t.Errorf("sealed = %q", sealed)
	}
	got, err := Open(sealed, "Rahasia#2026")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(key) {
		t.Error("Open returned another key")
	}
	if _, err := Open(sealed, "Rahasia#2027"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("Open with a wrong passphrase = %v, want ErrWrongPassphrase", err)
	}
	if _, err := Open("garbage", "x"); err == nil || errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("Open of garbage = %v, want a format error", err)
	}
}

func TestCheckPassphrase(t *testing.T) {
	same := func(s string) bool { return s == "Login#Pass1" }
	for _, tt := range []struct {
		pass string
		want string // substring of the message; "" for accepted
	}{
		{"Rahasia#2026", ""},
		{"Ra#2026", "at least 8 characters"},
		{"rahasia#2026", "an upper-case letter"},
		{"RAHASIA#2026", "a lower-case letter"},
		{"Rahasia#abcd", "a digit"},
		{"Rahasia2026x", "a special character"},
		{"Rahasia/2026", "may not contain"},
		{"Rahasia'2026!", "may not contain"},
		{"Rahasia+2026!", "may not contain"},
		{"Login#Pass1", "must differ from your login password"},
	} {
		f := CheckPassphrase("passphrase", tt.pass, same)
		switch {
		case tt.want == "" && f != nil:
			t.Errorf("%q refused: %s", tt.pass, f.Message)
		case tt.want != "" && (f == nil || !strings.Contains(f.Message, tt.want)):
			t.Errorf("%q: got %v, want a message with %q", tt.pass, f, tt.want)
		case f != nil && (f.Value != "" || strings.Contains(f.Message, tt.pass)):
			t.Errorf("%q: the field error echoes the passphrase", tt.pass)
		}
	}
}
