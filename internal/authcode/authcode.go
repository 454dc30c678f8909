// Package authcode is the acquisition of an authorization code (Kode
// Otorisasi DJP): a wizard whose state is kept by the store so that a
// request survives restarts. A person checks the prerequisites, chooses the
// taxpayer profile to authorize, confirms a one-time code sent to the
// registered mobile number (or e-mail), passes identity verification by the
// configured policy and sets a signing passphrase; the Issuer then issues
// the certificate and the code, which is shown once.
package authcode

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
)

// ActReview is the officer action of verifying identities in person,
// deciding queued requests and resetting a holder's code.
const ActReview actor.Action = "authcode.review"

// State is where a request stands in the wizard.
type State string

// The states of a request. Code, Verify, Manual and Ready are open; a
// person has at most one open request.
const (
	Code      State = "code"      // waiting for the one-time code
	Verify    State = "verify"    // waiting for automatic identity verification
	Manual    State = "manual"    // in the officer queue for verification in person
	Ready     State = "ready"     // identity verified; waiting for the passphrase
	Complete  State = "issued"    // the code and certificate were issued
	Rejected  State = "rejected"  // an officer rejected the identity verification
	Cancelled State = "cancelled" // ended by an officer's reset or a new request
)

// Open reports whether the request can still move forward.
func (s State) Open() bool { return s == Code || s == Verify || s == Manual || s == Ready }

// Label describes the state for people.
func (s State) Label() string {
	switch s {
	case Code:
		return "waiting for the one-time code"
	case Verify:
		return "waiting for identity verification"
	case Manual:
		return "waiting for an officer to verify the identity in person"
	case Ready:
		return "identity verified: set the signing passphrase"
	case Complete:
		return "issued"
	case Rejected:
		return "rejected"
	case Cancelled:
		return "cancelled"
	}
	return string(s)
}

// Policy is how identity is verified.
type Policy string

// The identity-verification policies.
const (
	// PolicyNone skips identity verification: DJP's practice since
	// February 2025, when face recognition stopped being required.
	PolicyNone Policy = "none"
	// PolicyManual queues every request for an officer.
	PolicyManual Policy = "manual"
	// PolicyExternal calls a biometric verification service.
	PolicyExternal Policy = "external"
)

// ParsePolicy reads a policy name.
func ParsePolicy(s string) (Policy, bool) {
	switch Policy(s) {
	case PolicyNone, PolicyManual, PolicyExternal:
		return Policy(s), true
	}
	return "", false
}

// Request is one acquisition of an authorization code.
type Request struct {
	ID        int64
	HolderID  int64 // the person: their own taxpayer record
	AccountID int64 // the person's account
	SubjectID int64 // the taxpayer profile authorized: the person or an entity they are PIC of
	State     State
	Policy    Policy

	CodeHash      string
	CodeChannel   notify.Channel
	CodeExpiresAt time.Time
	CodeAttempts  int

	// VerifyFailures counts failed automatic verification attempts.
	VerifyFailures int
	// Reason is the officer's reason for a rejection or reset, or why a
	// request went to the officer queue.
	Reason    string
	DecidedBy string
	// Certificate refers to the issued certificate.
	Certificate string

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int

	// Filled by the store for the officer queue.
	HolderNPWP  string
	HolderName  string
	SubjectNPWP string
	SubjectName string
}

// Verification is one identity-verification result.
type Verification struct {
	ID         int64
	RequestID  int64
	Method     string // "external" or "manual"
	Passed     bool
	Liveness   bool
	MatchScore float64
	Detail     string
	DecidedBy  string
	At         time.Time
}

// Change is a state change the store applies in one transaction: the new
// request row (checked against its version), optionally a code sent with
// its message, a verification result, and the audit entry.
type Change struct {
	Request      Request
	Version      int // the version the change was computed from; 0 for a new request
	Message      *notify.Message
	Verification *Verification
	Audit        audit.Entry
}

// Store keeps requests. Each method that changes state is one transaction
// that writes its audit entry; a request whose version changed since it was
// loaded fails with a Conflict.
type Store interface {
	// Create stores a new request, cancelling the person's open one
	// (cancelled), and sends the first code.
	Create(ctx context.Context, c Change, cancelled *Change) (Request, error)
	// Update stores a changed request.
	Update(ctx context.Context, c Change) (Request, error)
	// Request loads one request.
	Request(ctx context.Context, id int64) (Request, error)
	// Latest returns the person's newest request.
	Latest(ctx context.Context, holderID int64) (Request, error)
	// Queue lists the requests in a state, oldest first.
	Queue(ctx context.Context, state State) ([]Request, error)
	// Verifications lists a request's verification results, oldest first.
	Verifications(ctx context.Context, requestID int64) ([]Verification, error)
	// CodesSince counts the codes sent to the person since t, and returns
	// the time of the latest.
	CodesSince(ctx context.Context, holderID int64, t time.Time) (int, time.Time, error)
}

// Taxpayers is what the wizard reads from registration.
type Taxpayers interface {
	TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error)
	Profile(ctx context.Context, id int64) (registration.Profile, error)
	PartiesOf(ctx context.Context, partyID int64) ([]registration.Representation, error)
}

// Registries is what the wizard reads from the reference registries.
type Registries interface {
	Person(ctx context.Context, nik string) (registry.Person, error)
	Company(ctx context.Context, number string) (registry.Company, error)
	Immigration(ctx context.Context, nationality, passport string) (registry.ImmigrationRecord, error)
	ImmigrationByPassport(ctx context.Context, passport string) ([]registry.ImmigrationRecord, error)
}

// Accounts is what the wizard reads from access.
type Accounts interface {
	Account(ctx context.Context, id int64) (access.Account, error)
}

// Issued is what the Issuer returns: a reference to the certificate and
// the authorization code, in clear, to be shown once.
type Issued struct {
	Certificate string
	Code        string
}

// Issuer issues the certificate and authorization code for a person. The
// certificate's subject comes from the person's own registration record.
type Issuer interface {
	Issue(ctx context.Context, holderTaxpayerID int64, passphrase string) (Issued, error)
}

// Standing answers whether a taxpayer is in good standing: no unfiled
// return and no unpaid tax bill.
type Standing interface {
	Standing(ctx context.Context, taxpayerID int64) (ok bool, reason string, err error)
}

// NoRecords is today's Standing: no module records returns or bills yet,
// so every taxpayer is in good standing and the reason says why.
type NoRecords struct{}

// Standing reports good standing.
func (NoRecords) Standing(context.Context, int64) (bool, string, error) {
	return true, "no unfiled returns or unpaid bills are recorded", nil
}

// Rules returns the access rule of the wizard's officer actions, to be
// merged into the roles policy: officers with officer.access verify
// identities in person, decide queued requests and reset codes.
func Rules() roles.Rules {
	return roles.Rules{
		ActReview: {Need: roles.OfficerOnly, Officer: roles.OfficerAccess, What: "verify identities for authorization codes and reset them"},
	}
}
