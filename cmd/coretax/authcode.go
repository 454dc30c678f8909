package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
)

// authCodeFlags configure the authorization-code wizard.
type authCodeFlags struct {
	policy    string
	url       string
	threshold string
}

func (a *app) addAuthCodeFlags(fs *flag.FlagSet) *authCodeFlags {
	f := &authCodeFlags{}
	fs.StringVar(&f.policy, "identity-verification", a.envDefault("CORETAX_IDENTITY_VERIFICATION", "none"),
		"identity verification for authorization codes: none (DJP's practice since February 2025), manual (an officer checks in person) or external (a biometric service at --identity-verification-url) (env CORETAX_IDENTITY_VERIFICATION)")
	fs.StringVar(&f.url, "identity-verification-url", a.envDefault("CORETAX_IDENTITY_VERIFICATION_URL", ""),
		"URL the external biometric verification service answers POSTs at; see doc/signing.md (env CORETAX_IDENTITY_VERIFICATION_URL)")
	fs.StringVar(&f.threshold, "identity-match-threshold", a.envDefault("CORETAX_IDENTITY_MATCH_THRESHOLD", "0.8"),
		"least face-match score, between 0 and 1, that passes external verification (env CORETAX_IDENTITY_MATCH_THRESHOLD)")
	return f
}

// newAuthCodeService returns the wizard. issuer issues the certificates
// and codes; nil leaves issuance unavailable.
func newAuthCodeService(db *storage.DB, key [32]byte, policy actor.Policy, issuer *signing.Service, kick func(), f *authCodeFlags) (*authcode.Service, error) {
	cfg := authcode.DefaultConfig(key)
	p, ok := authcode.ParsePolicy(f.policy)
	if !ok {
		return nil, &usageError{msg: fmt.Sprintf("--identity-verification %q: choose none, manual or external", f.policy)}
	}
	cfg.Policy = p
	th, err := strconv.ParseFloat(f.threshold, 64)
	if err != nil || th < 0 || th > 1 {
		return nil, &usageError{msg: fmt.Sprintf("--identity-match-threshold %q: give a number between 0 and 1", f.threshold)}
	}
	cfg.Threshold, cfg.Kick = th, kick
	d := authcode.Deps{Store: db.AuthCode(), Taxpayers: db.Registration(), Registries: db.Registry(), Accounts: db.Access(), Policy: policy}
	if p == authcode.PolicyExternal {
		if f.url == "" {
			return nil, &usageError{msg: "--identity-verification external needs --identity-verification-url"}
		}
		d.Verifier = authcode.HTTPVerifier{URL: f.url}
	}
	if issuer != nil {
		d.Issuer, d.Revoker, d.Certificates = signingIssuer{issuer}, signingIssuer{issuer}, signingCertificates{issuer}
	}
	return authcode.NewService(d, time.Now, cfg), nil
}

// signingIssuer adapts the signing service to the wizard.
type signingIssuer struct{ s *signing.Service }

func (i signingIssuer) Issue(ctx context.Context, holder int64, passphrase string) (authcode.Issued, error) {
	return signingIssued(i.s.Issue(ctx, holder, passphrase))
}

func (i signingIssuer) Revoke(ctx context.Context, holder int64, reason string) error {
	err := i.s.OfficerReset(ctx, holder, reason)
	if errs.Is(errs.NotFound, err) {
		return nil // no active certificate: nothing to revoke
	}
	return err
}

// signingCertificates adapts the signing service to the status page.
type signingCertificates struct{ s *signing.Service }

func (c signingCertificates) Status(ctx context.Context, holder int64) (authcode.Certificate, error) {
	r, err := c.s.Status(ctx, holder)
	if err != nil {
		return authcode.Certificate{}, err
	}
	return authcode.Certificate{Status: string(r.Status), ID: r.Certificate.ID, Serial: r.Certificate.Serial,
		Subject: r.Certificate.Subject, Until: r.Until, Ended: r.Certificate.EndReason}, nil
}

func (c signingCertificates) Renew(ctx context.Context, holder int64, passphrase string) (authcode.Issued, error) {
	return signingIssued(c.s.Renew(ctx, holder, passphrase))
}

func (c signingCertificates) Revoke(ctx context.Context, holder int64, reason string) error {
	r, err := c.s.Status(ctx, holder)
	if err != nil {
		return err
	}
	if r.Certificate.ID == 0 {
		return errs.E(errs.NotFound, "you hold no certificate to revoke")
	}
	return c.s.Revoke(ctx, r.Certificate.ID, reason)
}

func signingIssued(out signing.Issued, err error) (authcode.Issued, error) {
	if err != nil {
		return authcode.Issued{}, err
	}
	return authcode.Issued{Certificate: fmt.Sprintf("serial %d, valid until %s", out.Certificate.Serial, out.Certificate.NotAfter.Format(time.DateOnly)), Code: out.Code}, nil
}
