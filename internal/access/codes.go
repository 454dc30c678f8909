package access

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// Destination is a registered address a code can be sent to, masked.
type Destination struct {
	Channel notify.Channel
	Masked  string
}

// ActivationOffer is what the first step of activation shows: whose account
// would be activated and where the code can go.
type ActivationOffer struct {
	NPWP         string
	Name         string
	Destinations []Destination
}

// CodeSent tells where a code went and when another may be asked for.
type CodeSent struct {
	Channel   notify.Channel
	Masked    string
	ExpiresAt time.Time
	ResendAt  time.Time
}

func destinations(h Holder) []Destination {
	return []Destination{{notify.Email, maskEmail(h.Email)}, {notify.SMS, maskMobile(h.Mobile)}}
}

// holder finds the taxpayer for activation and reset by NIK or NPWP.
func (s *Service) holder(ctx context.Context, id string) (Holder, error) {
	id = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '.' || r == '-' || r == ' ' {
			return -1
		}
		return r
	}, id)
	if len(id) != 16 || strings.Trim(id, "0123456789") != "" {
		return Holder{}, errs.InvalidFields("the user ID is not valid",
			errs.Field("id", id, "enter the 16-digit NIK or NPWP (digits only; dots and dashes are ignored)"))
	}
	h, err := s.store.Holder(ctx, id)
	if isNotFound(err) {
		return h, errs.InvalidFields("no registered taxpayer has this NIK or NPWP",
			errs.Field("id", id, "no registered taxpayer has this NIK or NPWP; check it, or register first"))
	}
	return h, err
}

// StartActivation is the first step of "Permintaan Akses Digital": it
// finds the registered taxpayer by NIK or NPWP and offers the registered
// e-mail address and mobile number, masked, for the code.
func (s *Service) StartActivation(ctx context.Context, id string) (ActivationOffer, error) {
	h, err := s.holder(ctx, id)
	if err != nil {
		return ActivationOffer{}, wrap("start activation", err)
	}
	if h.AccountID != 0 {
		return ActivationOffer{}, errs.E(errs.Conflict, "this taxpayer's account is already active; sign in, or reset the password if it is forgotten")
	}
	return ActivationOffer{NPWP: h.NPWP, Name: h.Name, Destinations: destinations(h)}, nil
}

func parseChannel(ch string) (notify.Channel, error) {
	switch notify.Channel(ch) {
	case notify.Email, notify.SMS:
		return notify.Channel(ch), nil
	}
	return "", errs.InvalidFields("choose where to send the code", errs.Field("channel", ch, "choose email or sms"))
}

// SendActivationCode sends a 6-digit activation code to the registered
// e-mail address or mobile number through the outbox.
func (s *Service) SendActivationCode(ctx context.Context, id, channel, address string) (CodeSent, error) {
	if err := s.limitAddress(address); err != nil {
		return CodeSent{}, err
	}
	ch, err := parseChannel(channel)
	if err != nil {
		return CodeSent{}, err
	}
	h, err := s.holder(ctx, id)
	if err != nil {
		return CodeSent{}, wrap("send activation code", err)
	}
	if h.AccountID != 0 {
		return CodeSent{}, errs.E(errs.Conflict, "this taxpayer's account is already active; sign in, or reset the password if it is forgotten")
	}
	sent, err := s.issue(ctx, h, Activation, ch, "code")
	return sent, wrap("send activation code", err)
}

// issue makes a code or a link, stores its digest and queues its message
// in one transaction, subject to the resend gap and the daily cap.
func (s *Service) issue(ctx context.Context, h Holder, p Purpose, ch notify.Channel, form string) (CodeSent, error) {
	now := s.now().UTC()
	var secret, body, subject string
	c := Code{TaxpayerID: h.TaxpayerID, Purpose: p, Form: form, Channel: string(ch), CreatedAt: now}
	what := map[Purpose]string{Activation: "activation", PasswordReset: "password reset"}[p]
	if form == "link" {
		secret = randomToken(32)
		c.ExpiresAt = now.Add(s.cfg.LinkTTL)
		link := strings.TrimRight(s.cfg.BaseURL, "/") + "/reset/link?token=" + url.QueryEscape(secret)
		subject = "Coretax password reset link"
		body = fmt.Sprintf("To set a new Coretax password for %s, open this link within %d minutes: %s\n\nIt works once. If you did not ask for it, ignore this message; your password stays as it is.",
			h.NPWP, int(s.cfg.LinkTTL.Minutes()), link)
	} else {
		secret = OneTimeCode()
		c.ExpiresAt = now.Add(s.cfg.CodeTTL)
		subject = "Coretax " + what + " code"
		body = fmt.Sprintf("Your Coretax %s code is %s. It expires in %d minutes and works once. Nobody from DJP will ever ask you for it.",
			what, secret, int(s.cfg.CodeTTL.Minutes()))
	}
	c.SecretHash = s.cfg.Key.digest("code:"+string(p)+":"+form, secret)
	to := h.Email
	if ch == notify.SMS {
		to = h.Mobile
		subject = ""
	}
	m := notify.Message{Channel: ch, To: to, Subject: subject, Body: body, Purpose: string(p) + "_" + form,
		TaxpayerID: h.TaxpayerID, AccountID: h.AccountID, CreatedAt: now}
	err := s.store.IssueCode(ctx, c, m, func(recent []time.Time) error {
		var last time.Time
		for _, t := range recent {
			if t.After(last) {
				last = t
			}
		}
		if !last.IsZero() && now.Sub(last) < s.cfg.ResendGap {
			wait := s.cfg.ResendGap - now.Sub(last)
			return errs.Errorf(errs.Conflict, "a code was sent %d seconds ago; wait %d seconds before asking for another, and check the spam folder or the SMS inbox meanwhile",
				int(now.Sub(last).Seconds()), int(wait.Seconds()+0.999))
		}
		if len(recent) >= s.cfg.DailyCodes {
			return errs.Errorf(errs.Conflict, "%d codes for %s were sent in the last 24 hours, the most allowed; try again tomorrow or visit a tax office", len(recent), what)
		}
		return nil
	}, s.event(ctx, "", "code.issued", h.AccountID, h.TaxpayerID, "%s %s sent by %s to %s", what, form, ch, maskedTo(h, ch)))
	if err != nil {
		return CodeSent{}, err
	}
	if s.cfg.Kick != nil {
		s.cfg.Kick()
	}
	masked := maskEmail(h.Email)
	if ch == notify.SMS {
		masked = maskMobile(h.Mobile)
	}
	return CodeSent{Channel: ch, Masked: masked, ExpiresAt: c.ExpiresAt, ResendAt: now.Add(s.cfg.ResendGap)}, nil
}

// verifier checks an entered code against a stored one: expired, used and
// voided codes fail, a wrong code counts an attempt and the last allowed
// wrong attempt voids the code.
func (s *Service) verifier(p Purpose, entered string) CodeVerifier {
	entered = strings.TrimSpace(entered)
	return func(c Code) (Code, error) {
		now := s.now().UTC()
		if c.ID == 0 || !c.UsedAt.IsZero() || !c.VoidedAt.IsZero() {
			return c, codeError(p, "there is no valid code to check; ask for a new one")
		}
		if !now.Before(c.ExpiresAt) {
			return c, codeError(p, "the code has expired (codes last %d minutes); ask for a new one", int(s.cfg.CodeTTL.Minutes()))
		}
		if !sameDigest(c.SecretHash, s.cfg.Key.digest("code:"+string(p)+":"+c.Form, entered)) {
			c.Attempts++
			if c.Attempts >= s.cfg.CodeAttempts {
				c.VoidedAt = now
				return c, codeError(p, "the code is wrong, and after %d wrong tries it no longer works; ask for a new one", s.cfg.CodeAttempts)
			}
			return c, codeError(p, "the code is wrong; %d more tries before it stops working", s.cfg.CodeAttempts-c.Attempts)
		}
		c.UsedAt = now
		return c, nil
	}
}

func codeError(p Purpose, format string, args ...any) error {
	field := "code"
	msg := fmt.Sprintf(format, args...)
	return errs.InvalidFields("the one-time code was not accepted", errs.Field(field, "", "%s", msg))
}

// Activate completes activation: it checks the code and sets the
// password, creating the taxpayer's account.
func (s *Service) Activate(ctx context.Context, id, code, password string) (Account, error) {
	h, err := s.holder(ctx, id)
	if err != nil {
		return Account{}, wrap("activate", err)
	}
	if h.AccountID != 0 {
		return Account{}, errs.E(errs.Conflict, "this taxpayer's account is already active; sign in, or reset the password if it is forgotten")
	}
	if f := CheckPassword("password", password); f != nil {
		return Account{}, errs.InvalidFields("the password is not accepted", *f)
	}
	now := s.now().UTC()
	a := Account{Kind: TaxpayerAccount, TaxpayerID: h.TaxpayerID, NPWP: h.NPWP, Name: h.Name,
		PasswordHash: HashPassword(password), CreatedAt: now, PasswordSetAt: now}
	a, err = s.store.Activate(ctx, h.TaxpayerID, now, s.verifier(Activation, code), a,
		s.event(ctx, "taxpayer:"+h.NPWP, "activated", 0, h.TaxpayerID, "account activated with a one-time code; password set"))
	return a, wrap("activate", err)
}

// RequestReset sends a password-reset code, or with link set an e-mail
// with a single-use link, to the registered address. The answer is the
// same whether or not the taxpayer has an account, so that it does not
// tell who has one; only the masked address appears.
func (s *Service) RequestReset(ctx context.Context, id, channel string, link bool, address string) (CodeSent, error) {
	if err := s.limitAddress(address); err != nil {
		return CodeSent{}, err
	}
	ch, err := parseChannel(channel)
	if err != nil {
		return CodeSent{}, err
	}
	if link {
		ch = notify.Email
	}
	h, err := s.holder(ctx, id)
	if err != nil {
		return CodeSent{}, wrap("request reset", err)
	}
	now := s.now().UTC()
	if h.AccountID == 0 {
		masked := maskEmail(h.Email)
		if ch == notify.SMS {
			masked = maskMobile(h.Mobile)
		}
		return CodeSent{Channel: ch, Masked: masked, ExpiresAt: now.Add(s.cfg.CodeTTL), ResendAt: now.Add(s.cfg.ResendGap)}, nil
	}
	form := "code"
	if link {
		form = "link"
	}
	sent, err := s.issue(ctx, h, PasswordReset, ch, form)
	return sent, wrap("request reset", err)
}

// ResetPassword sets a new password with a reset code. It lifts any lock
// and ends every session of the account.
func (s *Service) ResetPassword(ctx context.Context, id, code, password string) error {
	h, err := s.holder(ctx, id)
	if err != nil {
		return wrap("reset password", err)
	}
	if f := CheckPassword("password", password); f != nil {
		return errs.InvalidFields("the password is not accepted", *f)
	}
	_, err = s.store.ResetPassword(ctx, h.TaxpayerID, s.now().UTC(), s.verifier(PasswordReset, code), HashPassword(password),
		s.event(ctx, "taxpayer:"+h.NPWP, "password.reset", h.AccountID, h.TaxpayerID, "password reset with a one-time code; every session ended, any lock lifted"))
	return wrap("reset password", err)
}

// ResetPasswordByLink sets a new password with the secret of an e-mailed
// reset link.
func (s *Service) ResetPasswordByLink(ctx context.Context, token, password string) error {
	if f := CheckPassword("password", password); f != nil {
		return errs.InvalidFields("the password is not accepted", *f)
	}
	hash := s.cfg.Key.digest("code:"+string(PasswordReset)+":link", token)
	_, err := s.store.ResetPasswordByLink(ctx, hash, s.now().UTC(), s.verifier(PasswordReset, token), HashPassword(password),
		s.event(ctx, "", "password.reset", 0, 0, "password reset with an e-mailed link; every session ended, any lock lifted"))
	return wrap("reset password by link", err)
}

func maskedTo(h Holder, ch notify.Channel) string {
	if ch == notify.SMS {
		return maskMobile(h.Mobile)
	}
	return maskEmail(h.Email)
}

// clip shortens what a user typed for the audit log.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ActivationDelivery tells in one sentence what happened to the newest
// activation code sent to the taxpayer with the NIK or NPWP ("sent by
// e-mail to m***@mail.example at 10:02 WIB", "not delivered by SMS ...:
// gateway error; you can have the code sent by e-mail instead").
func (s *Service) ActivationDelivery(ctx context.Context, id string) (string, error) {
	h, err := s.holder(ctx, id)
	if err != nil {
		return "", wrap("activation delivery", err)
	}
	m, err := s.store.LastMessage(ctx, h.TaxpayerID, string(Activation)+"_code")
	if isNotFound(err) {
		return "no activation code has been sent yet", nil
	}
	if err != nil {
		return "", wrap("activation delivery", err)
	}
	return notify.Describe(m, s.now()), nil
}
