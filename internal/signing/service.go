package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
)

// The actions of certificate management, decided by the Policy.
const (
	// ActManage: obtain, renew, revoke and see one's own certificate.
	ActManage actor.Action = "signing.manage"
	// ActReset: revoke a person's certificate after verifying them in
	// person, so that they can request a new one.
	ActReset actor.Action = "signing.reset"
)

// Config holds the signing service's parameters.
type Config struct {
	// Validity is how long a certificate is valid (pki.DefaultValidity).
	Validity time.Duration
	// KDF are the argon2id parameters that seal private keys.
	KDF pki.KDF
	// MaxFailures wrong passphrases in a row lock signing for LockFor.
	MaxFailures int
	LockFor     time.Duration
	// CodeKey is the HMAC key under which authorization codes are
	// stored.
	CodeKey []byte
}

// DefaultConfig returns the production parameters: certificates valid two
// years, five wrong passphrases in a row lock signing for 15 minutes.
func DefaultConfig(codeKey []byte) Config {
	return Config{Validity: pki.DefaultValidity, KDF: pki.DefaultKDF, MaxFailures: 5, LockFor: 15 * time.Minute, CodeKey: codeKey}
}

// LoginPasswords tells whether a passphrase equals a person's login
// password, which a signing passphrase must not.
type LoginPasswords interface {
	SameAsLogin(ctx context.Context, taxpayerID int64, passphrase string) (bool, error)
}

// Service issues certificates and signs documents.
type Service struct {
	store  Store
	ca     *pki.CA
	log    Log
	policy actor.Policy
	logins LoginPasswords
	now    func() time.Time
	cfg    Config
}

// NewService returns a Service issuing under ca. log answers the
// inclusion proofs of bundles; with a nil log bundles carry none.
func NewService(store Store, ca *pki.CA, log Log, policy actor.Policy, logins LoginPasswords, now func() time.Time, cfg Config) *Service {
	return &Service{store: store, ca: ca, log: log, policy: policy, logins: logins, now: now, cfg: cfg}
}

// CA returns the certificate authority the service issues under.
func (s *Service) CA() *pki.CA { return s.ca }

// The refusals of Sign, each its own error so that callers and tests can
// tell them apart with errors.Is; the errs kind and message say the same
// to people.
var (
	ErrWrongPassphrase = errors.New("wrong signing passphrase")
	ErrLocked          = errors.New("signing locked")
	ErrNoCertificate   = errors.New("no certificate")
	ErrExpired         = errors.New("certificate expired")
	ErrRevoked         = errors.New("certificate revoked")
	ErrNoSignerRole    = errors.New("signer role missing")
	ErrNotAuthorized   = errors.New("taxpayer not authorized")
)

// Issued is a new certificate with its authorization code, which is shown
// once and never stored in clear.
type Issued struct {
	Certificate Certificate
	Code        string
}

// codeAlphabet are the characters of an authorization code: upper-case
// letters and digits without 0, O, 1, I and L, which people confuse.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is the length of an authorization code.
const CodeLength = 10

func newCode() string {
	b := make([]byte, CodeLength)
	for i := range b {
		b[i] = codeAlphabet[randIntn(len(codeAlphabet))]
	}
	return string(b)
}

// randIntn returns a uniform random number in [0, n) by rejection.
func randIntn(n int) int {
	var b [1]byte
	limit := 256 - 256%n
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

func (s *Service) codeHash(holderID int64, code string) string {
	m := hmac.New(sha256.New, s.cfg.CodeKey)
	fmt.Fprintf(m, "signing-code\x00%d\x00%s", holderID, strings.ToUpper(strings.TrimSpace(code)))
	return hex.EncodeToString(m.Sum(nil))
}

// subject returns whom a certificate for holder names: always the
// holder's own registration record, never anything a caller supplies.
// Only individuals hold certificates: Coretax has no entity certificates,
// an entity's documents are signed by a person acting for it
// (coretax-modules.md §6).
func subject(t registration.Taxpayer) (pki.Subject, error) {
	if !t.Kind.Individual() {
		return pki.Subject{}, errs.Errorf(errs.Invalid, "%s is not a person: certificates are issued to people, who sign for an entity while acting for it", t.NPWP)
	}
	country := t.Nationality
	if country == "" && t.Kind == registration.ResidentIndividual {
		country = "IDN" // resident individuals register as Indonesian citizens with their NIK
	}
	return pki.Subject{Name: t.Name, SerialNumber: string(t.NPWP), Country: country}, nil
}

func (s *Service) checkPassphrase(ctx context.Context, holderID int64, pass string) error {
	var lookupErr error
	same := func(p string) bool {
		if s.logins == nil {
			return false
		}
		ok, err := s.logins.SameAsLogin(ctx, holderID, p)
		lookupErr = err
		return ok
	}
	f := pki.CheckPassphrase("passphrase", pass, same)
	if lookupErr != nil {
		return fmt.Errorf("compare passphrase with login password: %w", lookupErr)
	}
	if f != nil {
		return errs.InvalidFields("the signing passphrase does not meet the rules", *f)
	}
	return nil
}

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) audit.Entry {
	return audit.For(ctx, s.now(), taxpayerID, action, detail)
}

// Issue gives holder a new key pair and certificate, with its private key
// sealed under passphrase, and a new authorization code. The subject is
// read from the holder's registration record; nothing the caller passes
// can change whom the certificate names. The holder must not already
// hold a certificate that is still valid (renew or revoke it instead); an
// expired one is superseded. The acquisition wizard calls Issue at its
// last step with the person in ctx (or the system).
func (s *Service) Issue(ctx context.Context, holderID int64, passphrase string) (Issued, error) {
	if err := s.policy.Allow(ctx, ActManage, holderID); err != nil {
		return Issued{}, err
	}
	cur, err := s.store.ActiveCertificate(ctx, holderID)
	switch {
	case err == nil:
		if st := cur.StatusAt(s.now()); st == StatusValid || st == StatusExpiring {
			return Issued{}, errs.Errorf(errs.Conflict, "you already hold certificate %d, valid until %s; renew or revoke it instead", cur.Serial, cur.NotAfter.Format(time.DateOnly))
		}
	case !errs.Is(errs.NotFound, err):
		return Issued{}, err
	}
	return s.issue(ctx, holderID, passphrase, "signing.issue", "issued")
}

func (s *Service) issue(ctx context.Context, holderID int64, passphrase, action, verb string) (Issued, error) {
	if err := s.checkPassphrase(ctx, holderID, passphrase); err != nil {
		return Issued{}, err
	}
	t, err := s.store.TaxpayerByID(ctx, holderID)
	if err != nil {
		return Issued{}, err
	}
	subj, err := subject(t)
	if err != nil {
		return Issued{}, err
	}
	key, err := pki.GenerateKey()
	if err != nil {
		return Issued{}, err
	}
	sealed, err := pki.Seal(key, passphrase, s.cfg.KDF)
	if err != nil {
		return Issued{}, err
	}
	code := newCode()
	now := s.now()
	notBefore, notAfter := now.Add(-time.Minute).Truncate(time.Second), now.Add(s.cfg.Validity).Truncate(time.Second)
	text := fmt.Sprintf("CN=%s, serialNumber=%s", subj.Name, subj.SerialNumber)
	if subj.Country != "" {
		c, err := pki.Alpha2(subj.Country)
		if err != nil {
			return Issued{}, fmt.Errorf("nationality of taxpayer %d: %w", holderID, err)
		}
		text += ", C=" + c
	}
	build := func(serial int64) (Certificate, error) {
		der, err := s.ca.Issue(subj, &key.PublicKey, notBefore, notAfter, serial)
		if err != nil {
			return Certificate{}, err
		}
		return Certificate{HolderID: holderID, Serial: serial, Subject: text, DER: der, SealedKey: sealed,
			CodeHash: s.codeHash(holderID, code), NotBefore: notBefore.UTC(), NotAfter: notAfter.UTC(), State: Active, IssuedAt: now}, nil
	}
	ev := s.entry(ctx, holderID, action, fmt.Sprintf("certificate %s for %s, valid until %s", verb, text, notAfter.UTC().Format(time.DateOnly)))
	c, err := s.store.IssueCertificate(ctx, holderID, build, Superseded, verb+" a new certificate", ev)
	if err != nil {
		return Issued{}, err
	}
	return Issued{Certificate: c, Code: code}, nil
}

// Renew replaces holder's certificate before it expires: a new key pair
// and certificate under the same passphrase (which must open the current
// key; a wrong one counts toward the lock) and a new authorization code.
// The old certificate is superseded.
func (s *Service) Renew(ctx context.Context, holderID int64, passphrase string) (Issued, error) {
	if err := s.policy.Allow(ctx, ActManage, holderID); err != nil {
		return Issued{}, err
	}
	cur, err := s.current(ctx, holderID)
	if err != nil {
		return Issued{}, err
	}
	if _, err := s.open(ctx, holderID, cur, passphrase, "renewal"); err != nil {
		return Issued{}, err
	}
	return s.issue(ctx, holderID, passphrase, "signing.renew", "renewed")
}

// current returns holder's usable certificate or a refusal saying why
// there is none.
func (s *Service) current(ctx context.Context, holderID int64) (Certificate, error) {
	c, err := s.store.ActiveCertificate(ctx, holderID)
	if errs.Is(errs.NotFound, err) {
		all, lerr := s.store.Certificates(ctx, holderID)
		if lerr != nil {
			return Certificate{}, lerr
		}
		if len(all) > 0 && all[0].State == Revoked {
			return Certificate{}, errs.Errorf(errs.Forbidden, "your certificate %d was revoked on %s (%s); request a new authorization code", all[0].Serial, all[0].EndedAt.Format(time.DateOnly), all[0].EndReason).Wrap(ErrRevoked)
		}
		return Certificate{}, errs.E(errs.Forbidden, "you hold no certificate; request an authorization code (Kode Otorisasi DJP) first").Wrap(ErrNoCertificate)
	}
	if err != nil {
		return Certificate{}, err
	}
	if c.StatusAt(s.now()) == StatusExpired {
		return Certificate{}, errs.Errorf(errs.Forbidden, "your certificate %d expired on %s; request a new authorization code", c.Serial, c.NotAfter.Format(time.DateOnly)).Wrap(ErrExpired)
	}
	return c, nil
}

// open checks the lock and opens c's key with passphrase, counting a
// wrong one.
func (s *Service) open(ctx context.Context, holderID int64, c Certificate, passphrase, what string) (*ecdsa.PrivateKey, error) {
	l, err := s.store.Lock(ctx, holderID)
	if err != nil {
		return nil, err
	}
	if now := s.now(); now.Before(l.LockedUntil) {
		return nil, errs.Errorf(errs.Forbidden, "signing is locked until %s after %d wrong passphrases in a row", l.LockedUntil.In(calendar.WIB).Format("15:04 MST"), l.Failures).Wrap(ErrLocked)
	}
	key, err := pki.Open(c.SealedKey, passphrase)
	if errors.Is(err, pki.ErrWrongPassphrase) {
		lock := func(n int) time.Time {
			if n >= s.cfg.MaxFailures {
				return s.now().Add(s.cfg.LockFor)
			}
			return time.Time{}
		}
		ev := s.entry(ctx, holderID, "signing.passphrase.wrong", fmt.Sprintf("wrong signing passphrase for %s with certificate %d", what, c.Serial))
		l, ferr := s.store.RecordFailure(ctx, holderID, s.now(), lock, ev)
		if ferr != nil {
			return nil, ferr
		}
		msg := fmt.Sprintf("is wrong; %d more wrong attempts lock signing for %s", max(s.cfg.MaxFailures-l.Failures, 0), s.cfg.LockFor)
		if !l.LockedUntil.IsZero() {
			msg = fmt.Sprintf("is wrong; signing is now locked until %s", l.LockedUntil.In(calendar.WIB).Format("15:04 MST"))
		}
		return nil, &errs.Error{Kind: errs.Invalid, Message: "the signing passphrase is wrong", Fields: []errs.FieldError{errs.Field("passphrase", "", "%s", msg)}, Err: ErrWrongPassphrase}
	}
	if err != nil {
		return nil, fmt.Errorf("open key of certificate %d: %w", c.Serial, err)
	}
	return key, nil
}

// Revoke revokes the holder's own certificate.
func (s *Service) Revoke(ctx context.Context, certID int64, reason string) error {
	c, err := s.store.Certificate(ctx, certID)
	if err != nil {
		return err
	}
	if err := s.policy.Allow(ctx, ActManage, c.HolderID); err != nil {
		return err
	}
	return s.end(ctx, c, reason, "signing.revoke")
}

// OfficerReset revokes a person's active certificate after an officer has
// verified them in person, so that the acquisition wizard can start a new
// request.
func (s *Service) OfficerReset(ctx context.Context, holderID int64, reason string) error {
	if err := s.policy.Allow(ctx, ActReset, holderID); err != nil {
		return err
	}
	c, err := s.store.ActiveCertificate(ctx, holderID)
	if err != nil {
		return err
	}
	return s.end(ctx, c, "officer reset: "+reason, "signing.reset")
}

func (s *Service) end(ctx context.Context, c Certificate, reason, action string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errs.InvalidFields("say why the certificate is revoked", errs.Field("reason", "", "is required"))
	}
	if c.State != Active {
		return errs.Errorf(errs.Conflict, "certificate %d is already %s", c.Serial, c.State)
	}
	ev := s.entry(ctx, c.HolderID, action, fmt.Sprintf("certificate %d revoked: %s", c.Serial, reason))
	return s.store.EndCertificate(ctx, c.ID, Revoked, s.now(), reason, ev)
}

// Report is a holder's certificate status.
type Report struct {
	Status Status
	// Certificate is the newest certificate (zero when there is none).
	Certificate Certificate
	// Until is the expiry date for valid and expiring certificates.
	Until time.Time
	Lock  Lock
}

// Status reports the holder's newest certificate: valid, expiring within
// 30 days (with the date), expired, revoked, or none.
func (s *Service) Status(ctx context.Context, holderID int64) (Report, error) {
	if err := s.policy.Allow(ctx, ActManage, holderID); err != nil {
		return Report{}, err
	}
	all, err := s.store.Certificates(ctx, holderID)
	if err != nil {
		return Report{}, err
	}
	l, err := s.store.Lock(ctx, holderID)
	if err != nil {
		return Report{}, err
	}
	if len(all) == 0 {
		return Report{Status: StatusNone, Lock: l}, nil
	}
	c := all[0]
	return Report{Status: c.StatusAt(s.now()), Certificate: c, Until: c.NotAfter, Lock: l}, nil
}

// CheckCode reports whether code is the authorization code of holder's
// active certificate.
func (s *Service) CheckCode(ctx context.Context, holderID int64, code string) (bool, error) {
	if err := s.policy.Allow(ctx, ActManage, holderID); err != nil {
		return false, err
	}
	c, err := s.store.ActiveCertificate(ctx, holderID)
	if errs.Is(errs.NotFound, err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(c.CodeHash), []byte(s.codeHash(holderID, code))), nil
}

// ParseCertificate parses a stored certificate's DER.
func (c Certificate) Parse() (*x509.Certificate, error) { return x509.ParseCertificate(c.DER) }
