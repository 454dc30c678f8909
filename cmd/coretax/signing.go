package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
)

// signingFlags choose the CA that issues people's certificates.
type signingFlags struct {
	caCert, caKey string
	caName        string
	validity      time.Duration
}

func (a *app) addSigningFlags(fs *flag.FlagSet) *signingFlags {
	f := &signingFlags{}
	host, _ := os.Hostname()
	fs.StringVar(&f.caCert, "ca-cert", a.envDefault("CORETAX_CA_CERT", ""),
		"PEM certificate of an external CA that issues signing certificates, with --ca-key; empty for the system CA in DIR/ca (env CORETAX_CA_CERT)")
	fs.StringVar(&f.caKey, "ca-key", a.envDefault("CORETAX_CA_KEY", ""),
		"PEM private key of the external CA named by --ca-cert (env CORETAX_CA_KEY)")
	fs.StringVar(&f.caName, "ca-name", a.envDefault("CORETAX_CA_NAME", host),
		"installation name appended to \"Coretax Signing CA\" when the system CA is created (env CORETAX_CA_NAME)")
	fs.DurationVar(&f.validity, "certificate-validity", pki.DefaultValidity,
		"how long a person's signing certificate is valid (two years per PER-7/PJ/2025 as reported)")
	return f
}

// loadCA returns the external CA of --ca-cert and --ca-key, or the system
// CA in DIR/ca, created on first start.
func (f *signingFlags) loadCA(dataDir string, logger *slog.Logger) (*pki.CA, error) {
	switch {
	case f.caCert != "" && f.caKey != "":
		ca, err := pki.Load(f.caCert, f.caKey)
		if err != nil {
			return nil, err
		}
		logger.Info("signing CA loaded", "ca", ca.Cert.Subject.CommonName, "cert", f.caCert)
		return ca, nil
	case f.caCert != "" || f.caKey != "":
		return nil, &usageError{msg: "--ca-cert and --ca-key go together: give both for an external CA, or neither for the system CA"}
	}
	dir := filepath.Join(dataDir, "ca")
	_, statErr := os.Stat(filepath.Join(dir, pki.CertFile))
	ca, err := pki.LoadOrCreate(dir, f.caName, time.Now())
	if err != nil {
		return nil, err
	}
	if statErr != nil {
		logger.Info("signing CA created; keep DIR/ca with the database", "ca", ca.Cert.Subject.CommonName, "dir", dir)
	}
	return ca, nil
}

// newSigning returns the signing service: certificates under ca, codes
// keyed by a key derived from the server key, the transparency log log.
func newSigning(db *storage.DB, ca *pki.CA, log signing.Log, policy actor.Policy, key access.Key, f *signingFlags) *signing.Service {
	codeKey := sha256.Sum256(append([]byte("coretax signing codes\x00"), key[:]...))
	cfg := signing.DefaultConfig(codeKey[:])
	if f.validity > 0 {
		cfg.Validity = f.validity
	}
	return signing.NewService(db.Signing(), ca, log, policy, loginPasswords{db}, time.Now, cfg)
}

// loginPasswords tells the signing service whether a passphrase is the
// person's login password.
type loginPasswords struct{ db *storage.DB }

func (l loginPasswords) SameAsLogin(ctx context.Context, taxpayerID int64, passphrase string) (bool, error) {
	h, err := l.db.Access().HolderByID(ctx, taxpayerID)
	if err != nil {
		return false, err
	}
	if h.AccountID == 0 {
		return false, nil
	}
	acc, err := l.db.Access().Account(ctx, h.AccountID)
	if err != nil {
		return false, err
	}
	ok, _, err := access.VerifyPassword(acc.PasswordHash, passphrase)
	if err != nil {
		return false, fmt.Errorf("login password: %w", err)
	}
	return ok, nil
}
