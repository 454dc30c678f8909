package authcode

import (
	"context"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
)

// Certificate is the holder's newest certificate as the status page shows
// it.
type Certificate struct {
	// Status is valid, expiring (within 30 days), expired, revoked,
	// superseded or none.
	Status  string
	ID      int64
	Serial  int64
	Subject string
	Until   time.Time
	// Ended says why a revoked certificate ended.
	Ended string
}

// Certificates is what the status page needs of the signing service.
type Certificates interface {
	Status(ctx context.Context, holderID int64) (Certificate, error)
	Renew(ctx context.Context, holderID int64, passphrase string) (Issued, error)
	Revoke(ctx context.Context, holderID int64, reason string) error
}

func (s *Service) certificates() (Certificates, error) {
	if s.d.Certificates == nil {
		return nil, errs.E(errs.Unavailable, "certificates are not served on this server")
	}
	return s.d.Certificates, nil
}

// SetCertificates sets the certificate service (wiring, before serving).
func (s *Service) SetCertificates(c Certificates) { s.d.Certificates = c }

// CertificateStatus reports the person's newest certificate.
func (s *Service) CertificateStatus(ctx context.Context) (Certificate, error) {
	c, err := s.certificates()
	if err != nil {
		return Certificate{}, err
	}
	_, t, err := s.person(ctx)
	if err != nil {
		return Certificate{}, err
	}
	return c.Status(ctx, t.ID)
}

// Renew renews the person's certificate before it expires with the
// current passphrase; the new code is shown once.
func (s *Service) Renew(ctx context.Context, passphrase string) (Issued, error) {
	c, err := s.certificates()
	if err != nil {
		return Issued{}, err
	}
	_, t, err := s.person(ctx)
	if err != nil {
		return Issued{}, err
	}
	if passphrase == "" {
		return Issued{}, errs.InvalidFields("enter your passphrase", errs.Field("passphrase", "", "enter the current signing passphrase"))
	}
	return c.Renew(ctx, t.ID, passphrase)
}

// Revoke revokes the person's own certificate, e.g. when the passphrase
// or the code may be known to someone else.
func (s *Service) Revoke(ctx context.Context, reason string) error {
	c, err := s.certificates()
	if err != nil {
		return err
	}
	_, t, err := s.person(ctx)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(reason)) < 5 {
		return errs.InvalidFields("say why the certificate is revoked", errs.Field("reason", reason, "say why, e.g. \"the passphrase may be known to someone else\""))
	}
	return c.Revoke(ctx, t.ID, reason)
}

// Issuance returns the person's request whose code was issued, for the
// issuance letter; NotFound when the newest request is not issued.
func (s *Service) Issuance(ctx context.Context) (Request, error) {
	r, err := s.Current(ctx)
	if err != nil {
		return r, err
	}
	if r.State != Complete {
		return Request{}, errs.E(errs.NotFound, "no authorization code has been issued on your newest request; the letter is available once it is")
	}
	return r, nil
}

// HowVerified says how the identity behind request r was verified, for
// the issuance letter.
func HowVerified(r Request) string {
	switch {
	case r.DecidedBy != "":
		return "in person by officer " + r.DecidedBy
	case r.Policy == PolicyExternal:
		return "biometric verification (liveness and face match with the population registry photo)"
	}
	return "one-time code to the registered contact; face verification not required (DJP practice since February 2025)"
}
