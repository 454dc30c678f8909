// Package signing issues people their electronic certificate with the
// Kode Otorisasi DJP and signs documents with it: one service every
// document module uses. A certificate names its holder exactly as the
// register does (name, NPWP, nationality); its private key is kept only
// sealed under the holder's signing passphrase. A signature is a detached
// ECDSA P-256 signature over the SHA-256 of the document, appended to the
// transparency log in the transaction that stores it, so that anyone can
// verify it offline with a bundle (bundle.go).
//
// Every issuance, renewal, revocation, signature and refused signature is
// written to the audit log in the transaction of the change it records.
package signing

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
)

// State is the stored state of a certificate.
type State string

// The stored states. Expiry is not stored: it follows from NotAfter.
const (
	Active     State = "active"
	Superseded State = "superseded" // replaced by a renewal or a reset
	Revoked    State = "revoked"
)

// Certificate is a person's certificate as stored.
type Certificate struct {
	ID       int64
	HolderID int64
	Serial   int64
	// Subject is the certificate subject as text, for pages and audit.
	Subject   string
	DER       []byte
	SealedKey string
	// CodeHash is the HMAC-SHA256 digest of the authorization code.
	CodeHash  string
	NotBefore time.Time
	NotAfter  time.Time
	State     State
	IssuedAt  time.Time
	// EndedAt and EndReason say when and why the certificate was
	// revoked or superseded.
	EndedAt   time.Time
	EndReason string
}

// Status is what a holder sees: valid, expiring, expired or revoked.
type Status string

// The statuses.
const (
	StatusValid      Status = "valid"
	StatusExpiring   Status = "expiring"
	StatusExpired    Status = "expired"
	StatusRevoked    Status = "revoked"
	StatusSuperseded Status = "superseded"
	StatusNone       Status = "none"
)

// ExpiringWithin is how long before expiry a certificate is shown as
// expiring.
const ExpiringWithin = 30 * 24 * time.Hour

// StatusAt returns the certificate's status at t.
func (c Certificate) StatusAt(t time.Time) Status {
	switch {
	case c.State == Revoked && !t.Before(c.EndedAt):
		return StatusRevoked
	case c.State == Superseded && !t.Before(c.EndedAt):
		return StatusSuperseded
	case !t.Before(c.NotAfter) || t.Before(c.NotBefore):
		return StatusExpired
	case c.NotAfter.Sub(t) <= ExpiringWithin:
		return StatusExpiring
	}
	return StatusValid
}

// Signature is a signature as stored.
type Signature struct {
	ID int64
	// PublicID is the random identifier that names the signature in the
	// public verification URL.
	PublicID      string
	CertificateID int64
	SignerID      int64
	ActingForID   int64
	DocType       roles.Family
	// DocHash is the SHA-256 of the document, lower-case hex.
	DocHash string
	// Value is the ECDSA signature over the SHA-256 of the document
	// (ASN.1 DER, as ecdsa.SignASN1 makes it).
	Value    []byte
	SignedAt time.Time
	// LogIndex is the record's index in the transparency log, -1 when
	// the signature was made without one.
	LogIndex int64
}

// View is a signature with what its public page shows.
type View struct {
	Signature
	Certificate   Certificate
	SignerName    string
	SignerNPWP    string
	ActingForName string
	ActingForNPWP string
}

// Lock is the signing lock of a person: wrong passphrases in a row.
type Lock struct {
	Failures    int
	LockedUntil time.Time
}

// Store keeps certificates and signatures. Every method that changes
// state is one transaction that also appends its audit entry.
type Store interface {
	// TaxpayerByID reads the register.
	TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error)

	// IssueCertificate takes the next certificate serial, calls build
	// with it and stores the certificate build returns as the holder's
	// active one, first ending the holder's active certificate (if any)
	// as end with reason; all in one transaction with ev.
	IssueCertificate(ctx context.Context, holderID int64, build func(serial int64) (Certificate, error), end State, reason string, ev audit.Entry) (Certificate, error)
	// ActiveCertificate returns the holder's active certificate (which
	// may have expired), or a NotFound error.
	ActiveCertificate(ctx context.Context, holderID int64) (Certificate, error)
	// Certificates returns the holder's certificates, newest first.
	Certificates(ctx context.Context, holderID int64) ([]Certificate, error)
	// Certificate returns one certificate.
	Certificate(ctx context.Context, id int64) (Certificate, error)
	// EndCertificate revokes or supersedes an active certificate.
	EndCertificate(ctx context.Context, id int64, state State, at time.Time, reason string, ev audit.Entry) error

	// Lock returns the holder's signing lock.
	Lock(ctx context.Context, holderID int64) (Lock, error)
	// RecordFailure counts a wrong passphrase; lock says, from the new
	// number of failures in a row, until when signing is locked (the
	// zero time for not locked).
	RecordFailure(ctx context.Context, holderID int64, at time.Time, lock func(failures int) time.Time, ev audit.Entry) (Lock, error)
	// Refused records a refused signature in the audit log.
	Refused(ctx context.Context, ev audit.Entry) error

	// SaveSignature stores sig, resets the signer's failures, appends
	// record to the transparency log (setting LogIndex) and ev to the
	// audit log, in one transaction.
	SaveSignature(ctx context.Context, sig Signature, record []byte, ev audit.Entry) (Signature, error)
	// SignatureView returns a signature by its public ID.
	SignatureView(ctx context.Context, publicID string) (View, error)

	JobStore
}

// Action is the action of signing documents of a family for a taxpayer.
func Action(f roles.Family) actor.Action { return actor.Action("signing.sign." + string(f)) }

// signerRoles maps each document family to the role that signs it.
var signerRoles = map[roles.Family]roles.Role{
	roles.TaxInvoice:         roles.TaxInvoiceSigner,
	roles.Withholding2126:    roles.Withholding2126Signer,
	roles.WithholdingUnified: roles.WithholdingUnifiedSigner,
	roles.VATReturn:          roles.VATReturnSigner,
	roles.Return2126:         roles.Return2126Signer,
	roles.UnifiedReturn:      roles.UnifiedReturnSigner,
	roles.AnnualReturn:       roles.AnnualReturnSigner,
	roles.StampDutyReturn:    roles.StampDutyReturnSigner,
}

// Rules returns the access rules of signing, to be merged into the
// roles policy: a person manages their own certificate, officers with
// officer.access reset one, and signing a family's documents for a taxpayer needs that
// family's signer role (the own login of an individual, or the main PIC
// or a holder of the role for an entity).
func Rules() roles.Rules {
	out := roles.Rules{
		ActManage: {Need: roles.Self, What: "obtain, renew, revoke or see this person's certificate"},
		ActReset:  {Need: roles.OfficerOnly, Officer: roles.OfficerAccess, What: "reset this person's certificate"},
	}
	for f, r := range signerRoles {
		out[Action(f)] = roles.Rule{Need: roles.HoldsRole, Role: r, What: "sign " + string(f) + " documents for this taxpayer"}
	}
	return out
}

// Families lists the document families that can be signed.
func Families() []roles.Family {
	out := make([]roles.Family, 0, len(signerRoles))
	for _, in := range roles.Catalogue() {
		if _, ok := signerRoles[in.Family]; ok && in.Duty == "signer" {
			out = append(out, in.Family)
		}
	}
	return out
}
