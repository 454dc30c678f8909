package access

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// errSignIn is the one answer to every failed sign-in, whether the user ID
// is unknown, the password wrong or the account paused: it never tells
// which.
var errSignIn = errs.E(errs.Unauthenticated,
	"sign-in failed: the user ID or the password is not right, or sign-in to this account is paused for a while after repeated failures. "+
		"Check both and try again in a few minutes, or reset the password (a reset also lifts a pause)")

// Client describes where a request comes from, for rate limits and the
// list of sessions.
type Client struct {
	Address   string
	UserAgent string
}

// LoginResult is the outcome of a password check: a session ID for the
// cookie, and whether it still waits for the authenticator code.
type LoginResult struct {
	SessionID  string
	SecondStep bool
	Account    Account
}

// lockUntil is the throttle after n consecutive failures at time at: no
// delay for the first three, then 2^(n-3) seconds up to a minute; a pause
// of LockFor after every LockAfter failures; and after MaxFailures a lock
// that only a reset or an officer lifts (NIST SP 800-63B §5.2.2 allows at
// most 100 consecutive failures).
func (s *Service) lockUntil(n int, at time.Time) time.Time {
	switch {
	case n >= s.cfg.MaxFailures:
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	case n%s.cfg.LockAfter == 0:
		return at.Add(s.cfg.LockFor)
	case n <= 3:
		return time.Time{}
	}
	return at.Add(min(time.Minute, time.Second<<min(n-3, 6)))
}

// Login checks a user ID (NIK, NPWP or officer user name) and password
// and starts a session; with two-step verification on, the session waits
// for SecondStep.
func (s *Service) Login(ctx context.Context, login, password string, c Client) (LoginResult, error) {
	if err := s.limitAddress(c.Address); err != nil {
		return LoginResult{}, err
	}
	login = normalizeLogin(login)
	a, err := s.store.AccountByLogin(ctx, login)
	if isNotFound(err) {
		_, _, _ = VerifyPassword(dummyHash(), password)
		if err := s.store.Audit(ctx, s.event(ctx, "", "login.failed", 0, 0, "sign-in with an unknown user ID %q", clip(login))); err != nil {
			return LoginResult{}, wrap("login", err)
		}
		return LoginResult{}, errSignIn
	}
	if err != nil {
		return LoginResult{}, wrap("login", err)
	}
	now := s.now().UTC()
	if now.Before(a.LockedUntil) {
		_, _, _ = VerifyPassword(dummyHash(), password)
		if err := s.store.Audit(ctx, s.event(ctx, "", "login.refused", a.ID, a.TaxpayerID, "sign-in refused: paused until %s after %d failures in a row", a.LockedUntil.Format(time.RFC3339), a.Failures)); err != nil {
			return LoginResult{}, wrap("login", err)
		}
		return LoginResult{}, errSignIn
	}
	ok, stale, err := VerifyPassword(a.PasswordHash, password)
	if err != nil {
		return LoginResult{}, wrap("login", err)
	}
	if !ok {
		if _, err := s.store.RecordFailure(ctx, a.ID, now, func(n int) time.Time { return s.lockUntil(n, now) },
			s.event(ctx, "", "login.failed", a.ID, a.TaxpayerID, "wrong password")); err != nil {
			return LoginResult{}, wrap("login", err)
		}
		return LoginResult{}, errSignIn
	}
	if stale {
		// The hash was made with weaker parameters than today's: replace
		// it now that the password is at hand.
		if err := s.store.Rehash(ctx, a.ID, a.PasswordHash, HashPassword(password)); err != nil {
			return LoginResult{}, wrap("login: rehash", err)
		}
	}
	raw, sess := s.newSession(a.ID, 0, c, now)
	if a.TOTPEnabled {
		sess.SecondStepPending = true
		sess.ExpiresAt = now.Add(s.cfg.SecondStepWindow)
	}
	detail := "signed in with the password"
	if a.TOTPEnabled {
		detail = "password accepted; waiting for the authenticator code"
	}
	if err := s.store.StartSession(ctx, sess, s.event(ctx, accountActor(a, c.Address).String(), "login", a.ID, a.TaxpayerID, "%s", detail)); err != nil {
		return LoginResult{}, wrap("login", err)
	}
	return LoginResult{SessionID: raw, SecondStep: a.TOTPEnabled, Account: a}, nil
}

// newSession makes a session with a fresh 256-bit random ID.
func (s *Service) newSession(accountID, actingFor int64, c Client, now time.Time) (string, Session) {
	raw := randomToken(32)
	return raw, Session{IDHash: s.SessionHash(raw), AccountID: accountID, ActingForID: actingFor,
		Address: c.Address, UserAgent: trimAgent(c.UserAgent), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.cfg.SessionMax)}
}

func trimAgent(ua string) string {
	if len(ua) > 200 {
		return ua[:200]
	}
	return ua
}

// SessionHash is the stored form of a session ID.
func (s *Service) SessionHash(raw string) string { return s.cfg.Key.digest("session", raw) }

// SecondStep completes a sign-in that waits for the authenticator: code is
// the 6-digit code of the app or one of the recovery codes. On success the
// waiting session is replaced by a complete one with a new ID; a wrong
// code counts as a failed sign-in.
func (s *Service) SecondStep(ctx context.Context, pending, code string, c Client) (LoginResult, error) {
	if err := s.limitAddress(c.Address); err != nil {
		return LoginResult{}, err
	}
	now := s.now().UTC()
	v, err := s.store.Session(ctx, s.SessionHash(pending))
	if isNotFound(err) || err == nil && (!v.SecondStepPending || !v.EndedAt.IsZero() || !now.Before(v.ExpiresAt)) {
		return LoginResult{}, errs.E(errs.Unauthenticated, "the sign-in has expired or was already completed; sign in again with your password")
	}
	if err != nil {
		return LoginResult{}, wrap("second step", err)
	}
	a := v.Account
	if now.Before(a.LockedUntil) {
		return LoginResult{}, errSignIn
	}
	ok, err := s.checkSecondFactor(ctx, a, code, now)
	if err != nil {
		return LoginResult{}, wrap("second step", err)
	}
	if !ok {
		if _, err := s.store.RecordFailure(ctx, a.ID, now, func(n int) time.Time { return s.lockUntil(n, now) },
			s.event(ctx, "", "login.failed", a.ID, a.TaxpayerID, "wrong authenticator or recovery code")); err != nil {
			return LoginResult{}, wrap("second step", err)
		}
		return LoginResult{}, errs.InvalidFields("the code was not accepted",
			errs.Field("code", "", "the code is not right; enter the 6 digits your authenticator app shows now, or one of your recovery codes"))
	}
	raw, sess := s.newSession(a.ID, 0, c, now)
	if err := s.store.ReplaceSession(ctx, v.IDHash, now, "second step completed", sess,
		s.event(ctx, accountActor(a, c.Address).String(), "login", a.ID, a.TaxpayerID, "signed in with the password and the second step")); err != nil {
		return LoginResult{}, wrap("second step", err)
	}
	return LoginResult{SessionID: raw, Account: a}, nil
}

// checkSecondFactor accepts the current TOTP code (one step of clock skew
// either way) or an unused recovery code, which it marks used.
func (s *Service) checkSecondFactor(ctx context.Context, a Account, code string, now time.Time) (bool, error) {
	code = strings.TrimSpace(code)
	if a.TOTPSecret == "" {
		return false, nil
	}
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		secret, err := s.cfg.Key.open(a.TOTPSecret)
		if err != nil {
			return false, err
		}
		step, ok, err := totpStep(code, secret, now)
		if err != nil || !ok {
			return false, err
		}
		return s.store.UseTOTPStep(ctx, a.ID, step)
	}
	return s.store.UseRecoveryCode(ctx, a.ID, s.cfg.Key.digest("recovery", normalizeRecovery(code)), now)
}

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep finds the time step (one step of clock skew either way) whose
// code is code, so that the step can be used only once.
func totpStep(code, secret string, now time.Time) (int64, bool, error) {
	period := int64(totpOpts.Period)
	for _, skew := range []int64{0, -1, 1} {
		step := now.Unix()/period + skew
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0).UTC(), totpOpts)
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true, nil
		}
	}
	return 0, false, nil
}

// Resolve returns the complete, live session with the ID, after checking
// the idle and absolute timeouts, and records its use. A session that
// waits for the second step, has ended or has timed out is refused.
func (s *Service) Resolve(ctx context.Context, raw string) (SessionView, error) {
	if raw == "" {
		return SessionView{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	h := s.SessionHash(raw)
	v, err := s.store.Session(ctx, h)
	if isNotFound(err) {
		return v, errs.E(errs.Unauthenticated, "the session is not known; sign in again")
	}
	if err != nil {
		return v, wrap("resolve session", err)
	}
	now := s.now().UTC()
	switch {
	case v.SecondStepPending:
		return v, errs.E(errs.Unauthenticated, "the sign-in waits for the authenticator code")
	case !v.EndedAt.IsZero():
		return v, errs.E(errs.Unauthenticated, "the session has ended; sign in again")
	case !now.Before(v.ExpiresAt):
		return v, errs.Errorf(errs.Unauthenticated, "the session reached its limit of %d hours; sign in again", int(s.cfg.SessionMax.Hours()))
	case now.Sub(v.LastSeen) >= s.cfg.SessionIdle:
		_ = s.store.EndSession(ctx, h, now, "idle timeout", s.event(ctx, v.Actor("").String(), "session.end", v.AccountID, v.Account.TaxpayerID, "session ended after %d minutes without use", int(s.cfg.SessionIdle.Minutes())))
		return v, errs.Errorf(errs.Unauthenticated, "the session ended after %d minutes without use; sign in again", int(s.cfg.SessionIdle.Minutes()))
	}
	if now.Sub(v.LastSeen) >= 30*time.Second {
		if err := s.store.TouchSession(ctx, h, now); err != nil {
			return v, wrap("resolve session", err)
		}
		v.LastSeen = now
	}
	return v, nil
}

// Actor builds the principal of a request from a session.
func (v SessionView) Actor(address string) actor.Actor {
	a := accountActor(v.Account, address)
	a.SessionID = v.IDHash
	if v.ActingForID != 0 && v.ActingForID != v.Account.TaxpayerID {
		a.ActingForID = v.ActingForID
		a.ActingFor = v.ActingForNPWP
	}
	return a
}

func accountActor(acc Account, address string) actor.Actor {
	a := actor.Actor{Kind: actor.Taxpayer, ID: acc.NPWP, Address: address, AccountID: acc.ID, TaxpayerID: acc.TaxpayerID}
	if acc.Kind == OfficerAccount {
		a.Kind, a.ID, a.TaxpayerID = actor.Officer, acc.Username, 0
	}
	return a
}

// Logout ends the session with the ID.
func (s *Service) Logout(ctx context.Context, raw string) error {
	if raw == "" {
		return nil
	}
	err := s.store.EndSession(ctx, s.SessionHash(raw), s.now().UTC(), "signed out", s.event(ctx, "", "logout", actor.From(ctx).AccountID, actor.From(ctx).TaxpayerID, "signed out"))
	if isNotFound(err) {
		return nil
	}
	return wrap("logout", err)
}

// LogoutEverywhere ends every session of the signed-in account, the
// current one included.
func (s *Service) LogoutEverywhere(ctx context.Context) (int, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.store.EndSessions(ctx, a.AccountID, "", s.now().UTC(), "signed out everywhere",
		s.event(ctx, "", "logout.everywhere", a.AccountID, a.TaxpayerID, "signed out of every session"))
	return n, wrap("logout everywhere", err)
}

// Sessions lists the signed-in account's live sessions.
func (s *Service) Sessions(ctx context.Context) ([]Session, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ss, err := s.store.Sessions(ctx, a.AccountID)
	if err != nil {
		return nil, wrap("sessions", err)
	}
	now := s.now().UTC()
	live := ss[:0]
	for _, x := range ss {
		if !x.SecondStepPending && now.Before(x.ExpiresAt) && now.Sub(x.LastSeen) < s.cfg.SessionIdle {
			live = append(live, x)
		}
	}
	return live, nil
}

// Account returns the signed-in account.
func (s *Service) Account(ctx context.Context) (Account, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return Account{}, err
	}
	acc, err := s.store.Account(ctx, a.AccountID)
	return acc, wrap("account", err)
}

// Switch makes the session act for the taxpayer with the NPWP, or for the
// person themselves when npwp is empty or their own. The ActFor rule
// decides; the session gets a new ID (a change of privilege), which is
// returned for the cookie.
func (s *Service) Switch(ctx context.Context, raw, npwp string, c Client) (string, error) {
	v, err := s.Resolve(ctx, raw)
	if err != nil {
		return "", err
	}
	if v.Account.Kind != TaxpayerAccount {
		return "", errs.E(errs.Forbidden, "officers act through their officer roles, not by acting for a taxpayer")
	}
	target := int64(0)
	npwp = strings.TrimSpace(npwp)
	if npwp != "" && npwp != v.Account.NPWP {
		h, err := s.store.Holder(ctx, npwp)
		if isNotFound(err) {
			return "", errs.InvalidFields("no taxpayer has this NPWP", errs.Field("npwp", npwp, "enter the 16-digit NPWP of a taxpayer you represent"))
		}
		if err != nil {
			return "", wrap("switch", err)
		}
		if err := s.actFor.CanActFor(ctx, v.Account.TaxpayerID, h.TaxpayerID); err != nil {
			return "", err
		}
		target = h.TaxpayerID
	}
	now := s.now().UTC()
	newRaw, sess := s.newSession(v.AccountID, target, c, now)
	sess.CreatedAt = v.CreatedAt
	sess.ExpiresAt = v.ExpiresAt // a switch does not extend the absolute limit
	reason := "switched to act for another taxpayer"
	if target == 0 {
		reason = "switched back to acting for oneself"
	}
	acting := "themselves"
	if target != 0 {
		acting = "taxpayer " + npwp
	}
	if err := s.store.ReplaceSession(ctx, v.IDHash, now, reason, sess,
		s.event(ctx, v.Actor(c.Address).String(), "impersonation", v.AccountID, target, "now acting for %s; session ID renewed", acting)); err != nil {
		return "", wrap("switch", err)
	}
	return newRaw, nil
}

// normalizeLogin accepts a NIK or NPWP written with dots, dashes or spaces
// (as NPWPs are printed: "0010.0000.1600.0000") and user
// names in any case.
func normalizeLogin(login string) string {
	login = strings.TrimSpace(login)
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == '.' || r == '-' || r == ' ':
			return -1
		}
		return 'x'
	}, login)
	if len(digits) == 16 && !strings.Contains(digits, "x") {
		return digits
	}
	return strings.ToLower(login)
}
