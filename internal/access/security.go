package access

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/pquerna/otp/totp"
)

// ChangePassword replaces the signed-in account's password after checking
// the current one, and ends every other session of the account.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	a, err := signedIn(ctx)
	if err != nil {
		return err
	}
	acc, err := s.store.Account(ctx, a.AccountID)
	if err != nil {
		return wrap("change password", err)
	}
	ok, _, err := VerifyPassword(acc.PasswordHash, current)
	if err != nil {
		return wrap("change password", err)
	}
	if !ok {
		return errs.InvalidFields("the password was not changed", errs.Field("current_password", "", "this is not your current password; type it again"))
	}
	if f := CheckPassword("new_password", next); f != nil {
		return errs.InvalidFields("the password was not changed", *f)
	}
	return wrap("change password", s.store.SetPassword(ctx, acc.ID, HashPassword(next), s.now().UTC(), a.SessionID,
		s.event(ctx, "", "password.change", acc.ID, acc.TaxpayerID, "password changed; other sessions ended")))
}

// Enrolment is a new authenticator secret waiting for confirmation.
type Enrolment struct {
	Secret string // base32, for typing into the app
	URI    string // otpauth:// URI, for the QR code
	QRPNG  []byte // the URI as a QR code image
}

// BeginTOTP makes a new authenticator secret for the signed-in account and
// stores it sealed, not yet enabled; ConfirmTOTP enables it.
func (s *Service) BeginTOTP(ctx context.Context) (Enrolment, error) {
	acc, err := s.Account(ctx)
	if err != nil {
		return Enrolment{}, err
	}
	if acc.TOTPEnabled {
		return Enrolment{}, errs.E(errs.Conflict, "two-step verification is already on; turn it off first to enrol a new app")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: acc.Login()})
	if err != nil {
		return Enrolment{}, fmt.Errorf("generate authenticator secret: %w", err)
	}
	if err := s.store.SetTOTP(ctx, acc.ID, s.cfg.Key.seal(key.Secret()), false, nil,
		s.event(ctx, "", "twostep.enrol", acc.ID, acc.TaxpayerID, "authenticator enrolment started")); err != nil {
		return Enrolment{}, wrap("begin two-step", err)
	}
	e := Enrolment{Secret: key.Secret(), URI: key.URL()}
	if img, err := key.Image(240, 240); err == nil {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err == nil {
			e.QRPNG = b.Bytes()
		}
	}
	return e, nil
}

// PendingTOTP returns the enrolment that waits for confirmation, so that a
// page can show its QR code again.
func (s *Service) PendingTOTP(ctx context.Context) (Enrolment, error) {
	acc, err := s.Account(ctx)
	if err != nil {
		return Enrolment{}, err
	}
	if acc.TOTPEnabled || acc.TOTPSecret == "" {
		return Enrolment{}, errs.E(errs.NotFound, "no authenticator enrolment is waiting")
	}
	secret, err := s.cfg.Key.open(acc.TOTPSecret)
	if err != nil {
		return Enrolment{}, err
	}
	q := url.Values{"secret": {secret}, "issuer": {s.cfg.Issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	uri := "otpauth://totp/" + url.PathEscape(s.cfg.Issuer+":"+acc.Login()) + "?" + q.Encode()
	return Enrolment{Secret: secret, URI: uri}, nil
}

// ConfirmTOTP checks a code from the newly enrolled app, turns two-step
// verification on and returns 10 recovery codes, shown this once.
func (s *Service) ConfirmTOTP(ctx context.Context, code string) ([]string, error) {
	acc, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	if acc.TOTPEnabled {
		return nil, errs.E(errs.Conflict, "two-step verification is already on")
	}
	if acc.TOTPSecret == "" {
		return nil, errs.E(errs.Conflict, "start the enrolment first: no authenticator secret is waiting for confirmation")
	}
	secret, err := s.cfg.Key.open(acc.TOTPSecret)
	if err != nil {
		return nil, wrap("confirm two-step", err)
	}
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), secret, s.now().UTC(), totpOpts)
	if err != nil || !ok {
		return nil, errs.InvalidFields("two-step verification is not on yet",
			errs.Field("code", "", "the code does not match; enter the 6 digits the app shows now (check that the phone's clock is right)"))
	}
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		codes[i] = recoveryCode()
		hashes[i] = s.cfg.Key.digest("recovery", codes[i])
	}
	if err := s.store.SetTOTP(ctx, acc.ID, acc.TOTPSecret, true, hashes,
		s.event(ctx, "", "twostep.on", acc.ID, acc.TaxpayerID, "two-step verification turned on; 10 recovery codes issued")); err != nil {
		return nil, wrap("confirm two-step", err)
	}
	return codes, nil
}

// DisableTOTP turns two-step verification off after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, password string) error {
	acc, err := s.Account(ctx)
	if err != nil {
		return err
	}
	ok, _, err := VerifyPassword(acc.PasswordHash, password)
	if err != nil {
		return wrap("disable two-step", err)
	}
	if !ok {
		return errs.InvalidFields("two-step verification is still on", errs.Field("password", "", "this is not your current password; type it again"))
	}
	return wrap("disable two-step", s.store.SetTOTP(ctx, acc.ID, "", false, nil,
		s.event(ctx, "", "twostep.off", acc.ID, acc.TaxpayerID, "two-step verification turned off")))
}

// Modules whose API routes tokens can be scoped to.
var Modules = []string{"registration", "compliance"}

var scopeRE = regexp.MustCompile(`^[a-z]+:(read|write)$`)

// TokenRequest asks for an API token.
type TokenRequest struct {
	Name   string
	NPWP   string   // the taxpayer the token acts for; "" for one's own
	Scopes []string // "registration:read", "registration:write"
	Days   int      // lifetime, 1 to 365
}

// CreateToken makes an API token for a taxpayer the signed-in person may
// act for, and returns the token's secret, shown this once.
func (s *Service) CreateToken(ctx context.Context, req TokenRequest) (string, Token, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return "", Token{}, err
	}
	if a.Kind != actor.Taxpayer || a.TokenID != 0 {
		return "", Token{}, errs.E(errs.Forbidden, "API tokens are made by a taxpayer signed in with a password, not by an officer or with another token")
	}
	var fs errs.Fields
	name := strings.TrimSpace(req.Name)
	if name == "" || len(name) > 80 {
		fs.Add("name", name, "give the token a name of 1 to 80 characters that says where it is used, e.g. \"ERP production\"")
	}
	if len(req.Scopes) == 0 {
		fs.Add("scopes", "", "choose at least one scope, e.g. registration:read")
	}
	for i, sc := range req.Scopes {
		module, _, _ := strings.Cut(sc, ":")
		if !scopeRE.MatchString(sc) || !slices.Contains(Modules, module) {
			fs.Add(fmt.Sprintf("scopes[%d]", i), sc, "a scope is module:read or module:write; modules are %s", strings.Join(Modules, ", "))
		}
	}
	if req.Days < 1 || req.Days > 365 {
		fs.Add("days", fmt.Sprint(req.Days), "a token lasts 1 to 365 days")
	}
	if len(fs) > 0 {
		return "", Token{}, errs.InvalidFields("the token was not made", fs...)
	}
	target := a.TaxpayerID
	npwp := a.ID
	if req.NPWP != "" && req.NPWP != a.ID {
		h, err := s.store.Holder(ctx, req.NPWP)
		if isNotFound(err) {
			return "", Token{}, errs.InvalidFields("the token was not made", errs.Field("npwp", req.NPWP, "no taxpayer has this NPWP"))
		}
		if err != nil {
			return "", Token{}, wrap("create token", err)
		}
		if err := s.actFor.CanActFor(ctx, a.TaxpayerID, h.TaxpayerID); err != nil {
			return "", Token{}, err
		}
		target, npwp = h.TaxpayerID, h.NPWP
	}
	raw := "ctx_" + randomToken(32)
	now := s.now().UTC()
	t := Token{AccountID: a.AccountID, TaxpayerID: target, NPWP: npwp, Name: name, Hash: s.cfg.Key.digest("token", raw),
		Scopes: slices.Compact(slices.Sorted(slices.Values(req.Scopes))), CreatedAt: now, ExpiresAt: now.Add(time.Duration(req.Days) * 24 * time.Hour)}
	t, err = s.store.CreateToken(ctx, t, s.event(ctx, "", "token.create", a.AccountID, target, "API token %q for %s with scopes %s, expiring %s", t.Name, npwp, strings.Join(t.Scopes, " "), t.ExpiresAt.Format("2006-01-02")))
	if err != nil {
		return "", Token{}, wrap("create token", err)
	}
	return raw, t, nil
}

// ResolveToken returns the live token with the secret and the actor it
// stands for, and records its use.
func (s *Service) ResolveToken(ctx context.Context, raw, address string) (Token, actor.Actor, error) {
	v, err := s.store.TokenByHash(ctx, s.cfg.Key.digest("token", strings.TrimSpace(raw)))
	if isNotFound(err) {
		return Token{}, actor.Actor{}, errs.E(errs.Unauthenticated, "the API token is not known; check the Authorization header (Bearer followed by the token)")
	}
	if err != nil {
		return Token{}, actor.Actor{}, wrap("resolve token", err)
	}
	now := s.now().UTC()
	switch {
	case !v.RevokedAt.IsZero():
		return Token{}, actor.Actor{}, errs.E(errs.Unauthenticated, "the API token has been revoked; make a new one in the security settings")
	case !now.Before(v.ExpiresAt):
		return Token{}, actor.Actor{}, errs.Errorf(errs.Unauthenticated, "the API token expired on %s; make a new one in the security settings", v.ExpiresAt.Format("2006-01-02"))
	}
	if now.Sub(v.LastUsed) >= time.Minute {
		if err := s.store.TouchToken(ctx, v.ID, now); err != nil {
			return Token{}, actor.Actor{}, wrap("resolve token", err)
		}
	}
	a := accountActor(v.Account, address)
	a.TokenID = v.ID
	if v.TaxpayerID != v.Account.TaxpayerID {
		a.ActingForID, a.ActingFor = v.TaxpayerID, v.NPWP
	}
	return v.Token, a, nil
}

// Tokens lists the signed-in account's tokens.
func (s *Service) Tokens(ctx context.Context) ([]Token, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.Tokens(ctx, a.AccountID)
	return ts, wrap("tokens", err)
}

// RevokeToken revokes one of the signed-in account's tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := signedIn(ctx)
	if err != nil {
		return err
	}
	return wrap("revoke token", s.store.RevokeToken(ctx, a.AccountID, id, s.now().UTC(),
		s.event(ctx, "", "token.revoke", a.AccountID, a.Subject(), "API token %d revoked", id)))
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// AddOfficer creates an officer account. With password empty a random
// initial password is made and returned.
func (s *Service) AddOfficer(ctx context.Context, username, name, password string) (Account, string, error) {
	if a := actor.From(ctx); a.Kind != actor.System && a.Kind != actor.Officer {
		return Account{}, "", errs.E(errs.Forbidden, "only an officer or the server's administrator adds officer accounts")
	}
	var fs errs.Fields
	username = strings.ToLower(strings.TrimSpace(username))
	if !usernameRE.MatchString(username) {
		fs.Add("username", username, "a user name is 2 to 32 characters: a letter, then letters, digits, dots, dashes or underscores")
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		fs.Add("name", name, "give the officer's full name")
	}
	if password == "" {
		password = randomToken(12)
	}
	if f := CheckPassword("password", password); f != nil {
		fs.Append(*f)
	}
	if len(fs) > 0 {
		return Account{}, "", errs.InvalidFields("the officer was not added", fs...)
	}
	now := s.now().UTC()
	acc, err := s.store.AddOfficer(ctx, Account{Kind: OfficerAccount, Username: username, Name: name,
		PasswordHash: HashPassword(password), CreatedAt: now, PasswordSetAt: now},
		s.event(ctx, "", "officer.add", 0, 0, "officer account %s (%s) added", username, name))
	if err != nil {
		return Account{}, "", wrap("add officer", err)
	}
	return acc, password, nil
}

// Unlock lifts the failures and lock of the account with the user ID (NIK,
// NPWP or officer user name). Only officers unlock accounts.
func (s *Service) Unlock(ctx context.Context, login string) (Account, error) {
	if a := actor.From(ctx); a.Kind != actor.Officer && a.Kind != actor.System {
		return Account{}, errs.E(errs.Forbidden, "only a tax officer unlocks accounts")
	}
	acc, err := s.store.AccountByLogin(ctx, strings.TrimSpace(login))
	if isNotFound(err) {
		return Account{}, errs.InvalidFields("no account was unlocked", errs.Field("login", login, "no account has this NIK, NPWP or user name"))
	}
	if err != nil {
		return Account{}, wrap("unlock", err)
	}
	return acc, wrap("unlock", s.store.Unlock(ctx, acc.ID, s.event(ctx, "", "unlock", acc.ID, acc.TaxpayerID, "account %s unlocked after %d failures in a row", acc.Login(), acc.Failures)))
}

// Locked reports whether the account cannot sign in at now, and until when.
func (a Account) Locked(now time.Time) (bool, time.Time) {
	return now.Before(a.LockedUntil), a.LockedUntil
}

// SetUpAccount creates a taxpayer's account with a password without a
// one-time code: for the demo world and the server's administrator only
// (a System actor).
func (s *Service) SetUpAccount(ctx context.Context, npwp, password string) (Account, error) {
	if a := actor.From(ctx); a.Kind != actor.System {
		return Account{}, errs.E(errs.Forbidden, "accounts are activated by their taxpayers with a one-time code")
	}
	h, err := s.holder(ctx, npwp)
	if err != nil {
		return Account{}, wrap("set up account", err)
	}
	if f := CheckPassword("password", password); f != nil {
		return Account{}, errs.InvalidFields("the password is not accepted", *f)
	}
	now := s.now().UTC()
	a := Account{Kind: TaxpayerAccount, TaxpayerID: h.TaxpayerID, NPWP: h.NPWP, Name: h.Name,
		PasswordHash: HashPassword(password), CreatedAt: now, PasswordSetAt: now}
	a, err = s.store.Activate(ctx, h.TaxpayerID, now, func(c Code) (Code, error) { return c, nil }, a,
		s.event(ctx, "", "activated", 0, h.TaxpayerID, "account set up by %s without a one-time code", actor.From(ctx).String()))
	return a, wrap("set up account", err)
}

// ResetOfficerPassword gives an officer account a new password (random
// when password is empty, and returned), lifts any lock and ends its
// sessions. Only officers and the server's administrator do this, and
// only for officer accounts: taxpayers reset their own with a one-time
// code.
func (s *Service) ResetOfficerPassword(ctx context.Context, username, password string) (string, error) {
	if a := actor.From(ctx); a.Kind != actor.Officer && a.Kind != actor.System {
		return "", errs.E(errs.Forbidden, "only an officer or the server's administrator resets an officer's password")
	}
	acc, err := s.store.AccountByLogin(ctx, strings.ToLower(strings.TrimSpace(username)))
	if err != nil || acc.Kind != OfficerAccount {
		if err == nil || isNotFound(err) {
			return "", errs.InvalidFields("no password was reset", errs.Field("username", username, "no officer account has this user name"))
		}
		return "", wrap("reset officer password", err)
	}
	if password == "" {
		password = randomToken(12)
	}
	if f := CheckPassword("password", password); f != nil {
		return "", errs.InvalidFields("no password was reset", *f)
	}
	err = s.store.ForceReset(ctx, acc.ID, HashPassword(password), s.now().UTC(),
		s.event(ctx, "", "password.reset", acc.ID, 0, "officer %s's password reset by %s; sessions ended, any lock lifted", acc.Username, actor.From(ctx).String()))
	return password, wrap("reset officer password", err)
}
