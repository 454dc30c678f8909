// Package access establishes who is signed in: taxpayer and officer
// accounts, passwords (NIST SP 800-63B), one-time codes delivered through
// the notification outbox, sign-in with throttling and locks, server-side
// sessions, two-step verification with an authenticator app (TOTP, RFC
// 6238) and recovery codes, API tokens for integrators, and the session's
// choice of the taxpayer a person acts for (impersonation).
//
// It decides identity only. What a signed-in person may do is decided by
// the Policy of each domain; whether a person may act for another taxpayer
// is asked of an ActFor rule.
//
// No secret is stored: passwords as argon2id hashes, one-time codes,
// session IDs, reset links, recovery codes and API tokens as HMAC-SHA256
// digests under the server key, authenticator secrets sealed with AES-GCM
// under a key derived from it.
package access

import (
	"strings"
	"time"
)

// AccountKind is the class of an account.
type AccountKind string

// The kinds of account.
const (
	TaxpayerAccount AccountKind = "taxpayer" // a person's or an entity's own login
	OfficerAccount  AccountKind = "officer"  // a tax officer, signing in with a user name
)

// Account is a login.
type Account struct {
	ID         int64
	Kind       AccountKind
	TaxpayerID int64  // the taxpayer whose account this is (taxpayer accounts)
	NPWP       string // that taxpayer's NPWP
	Username   string // officers
	Name       string
	// PasswordHash is the argon2id hash in its PHC string form.
	PasswordHash string
	// Failures counts consecutive failed sign-ins since the last success
	// or reset; LastFailure is the time of the last one and LockedUntil
	// the end of a temporary lock.
	Failures    int
	LastFailure time.Time
	LockedUntil time.Time
	// TOTPSecret is the sealed authenticator secret ("" when none);
	// TOTPEnabled says whether sign-in asks for the second step.
	TOTPSecret    string
	TOTPEnabled   bool
	CreatedAt     time.Time
	PasswordSetAt time.Time
}

// Login is the identifier shown for the account: the NPWP, or the officer's
// user name.
func (a Account) Login() string {
	if a.Kind == OfficerAccount {
		return a.Username
	}
	return a.NPWP
}

// Holder is a registered taxpayer as seen by activation and reset: who
// may have an account and where a code can be sent.
type Holder struct {
	TaxpayerID int64
	NPWP       string
	NIK        string
	Name       string
	Individual bool
	Email      string
	Mobile     string
	// AccountID is the taxpayer's account, 0 when not yet activated.
	AccountID int64
}

// Purpose is what a one-time code is for.
type Purpose string

// The purposes of one-time codes.
const (
	Activation    Purpose = "activation"
	PasswordReset Purpose = "password_reset"
)

// Code is a stored one-time code or reset link.
type Code struct {
	ID         int64
	TaxpayerID int64
	Purpose    Purpose
	Form       string // "code" (6 digits) or "link" (a random token in a URL)
	Channel    string // "email" or "sms"
	SecretHash string
	Attempts   int
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time
	VoidedAt   time.Time
}

// Session is a server-side session. The cookie holds a random ID; only its
// digest (IDHash) is stored.
type Session struct {
	IDHash            string
	AccountID         int64
	ActingForID       int64 // the taxpayer the person acts for; 0 for themselves
	SecondStepPending bool  // the password was right; the authenticator code is still due
	Address           string
	UserAgent         string
	CreatedAt         time.Time
	LastSeen          time.Time
	ExpiresAt         time.Time // the absolute end
	EndedAt           time.Time
	EndReason         string
}

// SessionView is a session with what a request needs to build its actor.
type SessionView struct {
	Session
	Account       Account
	ActingForNPWP string
	ActingForName string
}

// Token is an API token for an integrator.
type Token struct {
	ID         int64
	AccountID  int64
	TaxpayerID int64 // the taxpayer the token acts for
	NPWP       string
	Name       string
	Hash       string
	Scopes     []string // "registration:read", "registration:write", ...
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
	LastUsed   time.Time
}

// Allows reports whether the token grants scope. A "module:write" scope
// implies "module:read".
func (t Token) Allows(scope string) bool {
	module, _, _ := strings.Cut(scope, ":")
	for _, s := range t.Scopes {
		if s == scope || (strings.HasSuffix(scope, ":read") && s == module+":write") {
			return true
		}
	}
	return false
}

// TokenView is a token with the account it belongs to.
type TokenView struct {
	Token
	Account Account
}
