package access

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/notify"
)

// CodeVerifier decides about a stored code: it returns the code as it
// should be written back (attempts counted, voided or used) and nil when
// the code was right, or an error when it was not. The store writes the
// returned code in any case and applies the effect only on nil.
type CodeVerifier func(c Code) (Code, error)

// Store is what the access service needs from storage. Each method that
// changes state is one transaction, and appends its audit entry ev in that
// transaction when it succeeds.
type Store interface {
	// Holder finds a registered taxpayer by NIK or 16-digit NPWP.
	Holder(ctx context.Context, id string) (Holder, error)
	// HolderByID finds a registered taxpayer by internal ID.
	HolderByID(ctx context.Context, taxpayerID int64) (Holder, error)
	// AccountByLogin finds an account by NIK, NPWP or officer user name.
	AccountByLogin(ctx context.Context, login string) (Account, error)
	// Account finds an account by ID.
	Account(ctx context.Context, id int64) (Account, error)

	// IssueCode stores a code together with the message that carries it.
	// check receives the creation times of the taxpayer's codes for the
	// same purpose in the 24 hours before c.CreatedAt; an error from it
	// stops the issue.
	IssueCode(ctx context.Context, c Code, m notify.Message, check func(recent []time.Time) error, ev audit.Entry) error
	// Activate verifies the taxpayer's latest live activation code and,
	// when it is right, creates the account.
	Activate(ctx context.Context, taxpayerID int64, at time.Time, verify CodeVerifier, a Account, ev audit.Entry) (Account, error)
	// ResetPassword verifies the taxpayer's latest live reset code and,
	// when it is right, sets the password hash, clears failures and locks
	// and ends every session of the account.
	ResetPassword(ctx context.Context, taxpayerID int64, at time.Time, verify CodeVerifier, hash string, ev audit.Entry) (Account, error)
	// ResetPasswordByLink does the same for the reset link whose secret
	// has the digest linkHash.
	ResetPasswordByLink(ctx context.Context, linkHash string, at time.Time, verify CodeVerifier, hash string, ev audit.Entry) (Account, error)

	// RecordFailure counts a failed sign-in and sets the lock that lock
	// computes from the new count of consecutive failures.
	RecordFailure(ctx context.Context, accountID int64, at time.Time, lock func(failures int) time.Time, ev audit.Entry) (Account, error)
	// Unlock clears failures and lock.
	Unlock(ctx context.Context, accountID int64, ev audit.Entry) error

	// StartSession stores a new session; a complete one (not waiting for
	// the second step) also clears the account's failures.
	StartSession(ctx context.Context, s Session, ev audit.Entry) error
	// ReplaceSession ends the session oldHash with reason and starts s.
	ReplaceSession(ctx context.Context, oldHash string, at time.Time, reason string, s Session, ev audit.Entry) error
	// Session returns a session with its account, ended or not.
	Session(ctx context.Context, idHash string) (SessionView, error)
	// TouchSession records the last use of a session.
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	// EndSession ends one session.
	EndSession(ctx context.Context, idHash string, at time.Time, reason string, ev audit.Entry) error
	// EndSessions ends every live session of the account except keep.
	EndSessions(ctx context.Context, accountID int64, keep string, at time.Time, reason string, ev audit.Entry) (int, error)
	// Sessions lists the account's sessions that have not ended, newest
	// first.
	Sessions(ctx context.Context, accountID int64) ([]Session, error)

	// SetPassword changes the password hash and ends every other session.
	SetPassword(ctx context.Context, accountID int64, hash string, at time.Time, keep string, ev audit.Entry) error
	// Rehash replaces the password hash old by new (same password,
	// stronger parameters); sessions stay.
	Rehash(ctx context.Context, accountID int64, old, new string) error
	// ForceReset sets the password hash, clears failures and locks and
	// ends every session of the account.
	ForceReset(ctx context.Context, accountID int64, hash string, at time.Time, ev audit.Entry) error
	// AddOfficer creates an officer account.
	AddOfficer(ctx context.Context, a Account, ev audit.Entry) (Account, error)

	// SetTOTP stores the sealed authenticator secret and whether it is
	// enabled, and replaces the recovery codes with the given digests.
	SetTOTP(ctx context.Context, accountID int64, sealed string, enabled bool, recovery []string, ev audit.Entry) error
	// UseTOTPStep records that the authenticator code of time step was
	// accepted; it returns false when that step or a later one was
	// accepted before, so that a code works once (RFC 6238 §5.2).
	UseTOTPStep(ctx context.Context, accountID int64, step int64) (bool, error)
	// UseRecoveryCode marks the unused recovery code with the digest as
	// used; it reports false when there is none.
	UseRecoveryCode(ctx context.Context, accountID int64, hash string, at time.Time) (bool, error)

	// CreateToken stores a token and returns it with its ID.
	CreateToken(ctx context.Context, t Token, ev audit.Entry) (Token, error)
	// TokenByHash returns a token with its account, revoked or not.
	TokenByHash(ctx context.Context, hash string) (TokenView, error)
	// TouchToken records the last use of a token.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	// Tokens lists the account's tokens, newest first.
	Tokens(ctx context.Context, accountID int64) ([]Token, error)
	// RevokeToken revokes one of the account's tokens.
	RevokeToken(ctx context.Context, accountID, id int64, at time.Time, ev audit.Entry) error

	// LastMessage returns the newest outbox message to the taxpayer for
	// the purpose (notify.Message.Purpose), or a NotFound error.
	LastMessage(ctx context.Context, taxpayerID int64, purpose string) (notify.Message, error)

	// Audit appends an entry for an event that changes nothing else (a
	// sign-in with an unknown user ID).
	Audit(ctx context.Context, ev audit.Entry) error

	// Represents reports whether person is a related party of target
	// whose relation is in force on day.
	Represents(ctx context.Context, personID, targetID int64, day time.Time) (bool, error)
}
