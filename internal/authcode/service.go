package authcode

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
)

// Config holds the wizard's parameters. The one-time code follows the
// rules of sign-in codes (doc/access.md).
type Config struct {
	// Key keys the HMAC digests of one-time codes.
	Key [32]byte
	// Policy is how identity is verified.
	Policy Policy
	// CodeTTL is a code's lifetime; CodeAttempts wrong entries void it.
	CodeTTL      time.Duration
	CodeAttempts int
	// ResendGap is the least time between two codes for one person;
	// DailyCodes caps them per 24 hours.
	ResendGap  time.Duration
	DailyCodes int
	// VerifyAttempts failed automatic verifications send a request to the
	// officer queue; Threshold is the least match score that passes.
	VerifyAttempts int
	Threshold      float64
	// Kick, when set, wakes the outbox worker after a code is queued.
	Kick func()
}

// DefaultConfig returns the documented parameters (doc/signing.md). The
// one-time code takes its lifetime, tries, resend gap and daily cap from
// access's sign-in codes, so that the two never drift apart.
func DefaultConfig(key [32]byte) Config {
	codes := access.DefaultConfig(access.Key{})
	return Config{
		Key:            key,
		Policy:         PolicyNone,
		CodeTTL:        codes.CodeTTL,
		CodeAttempts:   codes.CodeAttempts,
		ResendGap:      codes.ResendGap,
		DailyCodes:     codes.DailyCodes,
		VerifyAttempts: 3,
		Threshold:      0.8,
	}
}

// Deps are the services the wizard reads from and calls.
type Deps struct {
	Store      Store
	Taxpayers  Taxpayers
	Registries Registries
	Accounts   Accounts
	Issuer     Issuer
	Standing   Standing // NoRecords when nil
	Verifier   Verifier // needed for PolicyExternal
	// Revoker revokes a holder's certificate on an officer's reset.
	Revoker Revoker
	// Certificates serves the holder's status, renewal and revocation.
	Certificates Certificates
	// Policy decides the officer actions (ActReview).
	Policy actor.Policy
}

// Revoker revokes the certificate of a holder.
type Revoker interface {
	Revoke(ctx context.Context, holderTaxpayerID int64, reason string) error
}

// Service runs the wizard.
type Service struct {
	d   Deps
	now func() time.Time
	cfg Config

	store      Store
	taxpayers  Taxpayers
	registries Registries
	accounts   Accounts
	standing   Standing
}

// NewService returns a Service.
func NewService(d Deps, now func() time.Time, cfg Config) *Service {
	if d.Standing == nil {
		d.Standing = NoRecords{}
	}
	return &Service{d: d, now: now, cfg: cfg, store: d.Store, taxpayers: d.Taxpayers,
		registries: d.Registries, accounts: d.Accounts, standing: d.Standing}
}

// Config returns the parameters.
func (s *Service) Config() Config { return s.cfg }

// SetIssuer sets the Issuer (wiring, before serving).
func (s *Service) SetIssuer(i Issuer) { s.d.Issuer = i }

func (s *Service) today() time.Time {
	return calendar.Day(s.now())
}

// person returns the signed-in person's own taxpayer record.
func (s *Service) person(ctx context.Context) (actor.Actor, registration.Taxpayer, error) {
	a := actor.From(ctx)
	if a.Kind != actor.Taxpayer || a.AccountID == 0 || a.TaxpayerID == 0 {
		return a, registration.Taxpayer{}, errs.E(errs.Unauthenticated, "sign in with your own account to request an authorization code")
	}
	t, err := s.taxpayers.TaxpayerByID(ctx, a.TaxpayerID)
	if err != nil {
		return a, t, fmt.Errorf("load own taxpayer record: %w", err)
	}
	return a, t, nil
}

func (s *Service) officer(ctx context.Context) (actor.Actor, error) {
	a := actor.From(ctx)
	if a.Kind != actor.Officer {
		return a, errs.E(errs.Forbidden, "only an officer may verify identities and reset authorization codes")
	}
	if s.d.Policy != nil {
		if err := s.d.Policy.Allow(ctx, ActReview, 0); err != nil {
			return a, err
		}
	}
	return a, nil
}

func (s *Service) event(ctx context.Context, action string, r Request, format string, args ...any) audit.Entry {
	a := actor.From(ctx)
	return audit.Entry{At: s.now().UTC(), Actor: a.String(), AccountID: r.AccountID, TaxpayerID: r.SubjectID,
		Action: "authcode." + action, Address: a.Address, Detail: fmt.Sprintf(format, args...)}
}

// Profile is a taxpayer profile the person may authorize.
type Profile struct {
	ID   int64
	NPWP string
	Name string
	Self bool
}

// Profiles lists the profiles the person may choose: themselves and each
// entity they are main PIC or a director of today.
func (s *Service) Profiles(ctx context.Context) ([]Profile, error) {
	_, t, err := s.person(ctx)
	if err != nil {
		return nil, err
	}
	out := []Profile{{ID: t.ID, NPWP: string(t.NPWP), Name: t.Name, Self: true}}
	reps, err := s.taxpayers.PartiesOf(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("entities represented: %w", err)
	}
	seen := map[int64]bool{}
	for _, r := range reps {
		if seen[r.TaxpayerID] || !r.ActiveOn(s.today()) || !(r.MainPIC || r.Relation == registration.Director) {
			continue
		}
		seen[r.TaxpayerID] = true
		out = append(out, Profile{ID: r.TaxpayerID, NPWP: string(r.EntityNPWP), Name: r.EntityName})
	}
	return out, nil
}

// subject loads the taxpayer to authorize: the person when id is 0.
func (s *Service) subject(ctx context.Context, t registration.Taxpayer, id int64) (registration.Taxpayer, error) {
	if id == 0 || id == t.ID {
		return t, nil
	}
	sub, err := s.taxpayers.TaxpayerByID(ctx, id)
	if errs.Is(errs.NotFound, err) {
		return sub, errs.InvalidFields("choose a taxpayer profile", errs.Field("subject", strconv.FormatInt(id, 10), "no such taxpayer; choose yourself or an entity you are main PIC of"))
	}
	return sub, err
}

// Prerequisites checks the prerequisites for authorizing subject (0 for
// the person themselves).
func (s *Service) Prerequisites(ctx context.Context, subjectID int64) (Checks, error) {
	a, t, err := s.person(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := s.subject(ctx, t, subjectID)
	if err != nil {
		return nil, err
	}
	return s.prerequisites(ctx, t, a.AccountID, sub, s.today())
}

// CodeSent tells where a code went and when another may be asked for.
type CodeSent struct {
	Channel   notify.Channel
	Masked    string
	ExpiresAt time.Time
	ResendAt  time.Time
}

func parseChannel(ch string) (notify.Channel, error) {
	switch notify.Channel(ch) {
	case "", notify.SMS:
		return notify.SMS, nil
	case notify.Email:
		return notify.Email, nil
	}
	return "", errs.InvalidFields("choose where to send the code", errs.Field("channel", ch, "choose sms (the registered mobile number) or email"))
}

// digest is the HMAC of a code, bound to the person and the request (by
// its creation time, known before the request has an ID).
func (s *Service) digest(holderID int64, created time.Time, code string) string {
	m := hmac.New(sha256.New, s.cfg.Key[:])
	m.Write([]byte("authcode:" + strconv.FormatInt(holderID, 10) + ":" + strconv.FormatInt(created.UnixMicro(), 10) + ":" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// newCode fills r with a fresh code and returns the message that carries
// it, after checking the resend gap and the daily cap.
func (s *Service) newCode(ctx context.Context, r *Request, t registration.Taxpayer, ch notify.Channel) (*notify.Message, CodeSent, error) {
	now := s.now().UTC()
	n, last, err := s.store.CodesSince(ctx, t.ID, now.Add(-24*time.Hour))
	if err != nil {
		return nil, CodeSent{}, err
	}
	if !last.IsZero() && now.Sub(last) < s.cfg.ResendGap {
		wait := s.cfg.ResendGap - now.Sub(last)
		return nil, CodeSent{}, errs.Errorf(errs.Conflict, "a code was sent %d seconds ago; wait %d seconds before asking for another, and check the SMS inbox or the spam folder meanwhile",
			int(now.Sub(last).Seconds()), int(wait.Seconds()+0.999))
	}
	if n >= s.cfg.DailyCodes {
		return nil, CodeSent{}, errs.Errorf(errs.Conflict, "%d authorization-request codes were sent in the last 24 hours, the most allowed; try again tomorrow or visit a tax office", n)
	}
	to, masked := t.Mobile, maskMobile(t.Mobile)
	if ch == notify.Email || t.Mobile == "" {
		ch, to, masked = notify.Email, t.Email, maskEmail(t.Email)
	}
	code := access.OneTimeCode()
	r.CodeHash = s.digest(r.HolderID, r.CreatedAt, code)
	r.CodeChannel = ch
	r.CodeExpiresAt = now.Add(s.cfg.CodeTTL)
	r.CodeAttempts = 0
	subject := ""
	if ch == notify.Email {
		subject = "Coretax authorization code request"
	}
	m := &notify.Message{Channel: ch, To: to, Subject: subject, Purpose: "authcode_code", TaxpayerID: t.ID, AccountID: r.AccountID, CreatedAt: now,
		Body: fmt.Sprintf("Your Coretax code to request a Kode Otorisasi is %s. It expires in %d minutes and works once. Nobody from DJP will ever ask you for it.",
			code, int(s.cfg.CodeTTL.Minutes()))}
	return m, CodeSent{Channel: ch, Masked: masked, ExpiresAt: r.CodeExpiresAt, ResendAt: now.Add(s.cfg.ResendGap)}, nil
}

func (s *Service) kick() {
	if s.cfg.Kick != nil {
		s.cfg.Kick()
	}
}

// Start checks the prerequisites for subject (0 for the person), opens a
// request and sends the first one-time code to the registered mobile
// number (channel "sms", the default) or e-mail address ("email"). An open
// request of the person is cancelled.
func (s *Service) Start(ctx context.Context, subjectID int64, channel string) (Request, CodeSent, error) {
	a, t, err := s.person(ctx)
	if err != nil {
		return Request{}, CodeSent{}, err
	}
	ch, err := parseChannel(channel)
	if err != nil {
		return Request{}, CodeSent{}, err
	}
	sub, err := s.subject(ctx, t, subjectID)
	if err != nil {
		return Request{}, CodeSent{}, err
	}
	cs, err := s.prerequisites(ctx, t, a.AccountID, sub, s.today())
	if err != nil {
		return Request{}, CodeSent{}, err
	}
	if err := cs.Err(); err != nil {
		return Request{}, CodeSent{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	r := Request{HolderID: t.ID, AccountID: a.AccountID, SubjectID: sub.ID, State: Code, Policy: s.cfg.Policy, CreatedAt: now, UpdatedAt: now}
	m, sent, err := s.newCode(ctx, &r, t, ch)
	if err != nil {
		return Request{}, CodeSent{}, err
	}
	var cancel *Change
	if old, err := s.store.Latest(ctx, t.ID); err == nil && old.State.Open() {
		v := old.Version
		old.State, old.Reason, old.UpdatedAt = Cancelled, "replaced by a new request", now
		cancel = &Change{Request: old, Version: v, Audit: s.event(ctx, "cancel", old, "request %d replaced by a new request", old.ID)}
	} else if err != nil && !errs.Is(errs.NotFound, err) {
		return Request{}, CodeSent{}, err
	}
	c := Change{Request: r, Message: m, Audit: s.event(ctx, "request", r, "authorization code requested for %s (%s); code sent by %s to %s", sub.NPWP, sub.Name, sent.Channel, sent.Masked)}
	r, err = s.store.Create(ctx, c, cancel)
	if err != nil {
		return Request{}, CodeSent{}, fmt.Errorf("open authorization-code request: %w", err)
	}
	s.kick()
	return r, sent, nil
}

// own loads the person's request id and checks it is theirs.
func (s *Service) own(ctx context.Context, id int64) (registration.Taxpayer, Request, error) {
	_, t, err := s.person(ctx)
	if err != nil {
		return t, Request{}, err
	}
	r, err := s.store.Request(ctx, id)
	if err != nil {
		return t, r, err
	}
	if r.HolderID != t.ID {
		return t, Request{}, errs.E(errs.NotFound, "no such authorization-code request")
	}
	return t, r, nil
}

func wrongState(r Request, want string) error {
	return errs.Errorf(errs.Conflict, "request %d is %s; it cannot %s now", r.ID, r.State.Label(), want)
}

// Resend sends a new code for a request waiting for one.
func (s *Service) Resend(ctx context.Context, id int64, channel string) (CodeSent, error) {
	t, r, err := s.own(ctx, id)
	if err != nil {
		return CodeSent{}, err
	}
	if r.State != Code {
		return CodeSent{}, wrongState(r, "take a one-time code")
	}
	ch, err := parseChannel(channel)
	if err != nil {
		return CodeSent{}, err
	}
	v := r.Version
	m, sent, err := s.newCode(ctx, &r, t, ch)
	if err != nil {
		return CodeSent{}, err
	}
	r.UpdatedAt = s.now().UTC()
	_, err = s.store.Update(ctx, Change{Request: r, Version: v, Message: m, Audit: s.event(ctx, "code.sent", r, "new code sent by %s to %s", sent.Channel, sent.Masked)})
	if err != nil {
		return CodeSent{}, err
	}
	s.kick()
	return sent, nil
}

// Confirm checks the one-time code and moves the request to identity
// verification by the configured policy.
func (s *Service) Confirm(ctx context.Context, id int64, code string) (Request, error) {
	_, r, err := s.own(ctx, id)
	if err != nil {
		return r, err
	}
	if r.State != Code {
		return r, wrongState(r, "take a one-time code")
	}
	now := s.now().UTC()
	v := r.Version
	switch {
	case r.CodeHash == "":
		return r, errs.InvalidFields("the code is no longer valid", errs.Field("code", "", "the code was entered wrongly %d times and no longer works; ask for a new one", s.cfg.CodeAttempts))
	case !now.Before(r.CodeExpiresAt):
		return r, errs.InvalidFields("the code has expired", errs.Field("code", "", "the code expired at %s; ask for a new one", r.CodeExpiresAt.In(calendar.WIB).Format("15:04 MST")))
	}
	if !hmac.Equal([]byte(s.digest(r.HolderID, r.CreatedAt, code)), []byte(r.CodeHash)) {
		r.CodeAttempts++
		left := s.cfg.CodeAttempts - r.CodeAttempts
		msg := fmt.Sprintf("the code is wrong; %d tries left", left)
		if left <= 0 {
			r.CodeHash = ""
			msg = "the code is wrong and no longer works after too many tries; ask for a new one"
		}
		r.UpdatedAt = now
		if _, err := s.store.Update(ctx, Change{Request: r, Version: v, Audit: s.event(ctx, "code.rejected", r, "wrong code entered (%d of %d)", r.CodeAttempts, s.cfg.CodeAttempts)}); err != nil {
			return r, err
		}
		return r, errs.InvalidFields("the code is wrong", errs.Field("code", "", "%s", msg))
	}
	r.CodeHash, r.UpdatedAt = "", now
	switch r.Policy {
	case PolicyManual:
		r.State, r.Reason = Manual, "identity verification in person is required by policy"
	case PolicyExternal:
		r.State = Verify
	default:
		r.State = Ready
	}
	return s.store.Update(ctx, Change{Request: r, Version: v, Audit: s.event(ctx, "code.confirmed", r, "code confirmed; next: %s", r.State.Label())})
}

// VerifyIdentity sends the person's liveness evidence to the external
// verification service and records the result. A pass moves the request
// to Ready; after VerifyAttempts failures it goes to the officer queue.
func (s *Service) VerifyIdentity(ctx context.Context, id int64, evidence string) (Request, Verification, error) {
	t, r, err := s.own(ctx, id)
	if err != nil {
		return r, Verification{}, err
	}
	if r.State != Verify {
		return r, Verification{}, wrongState(r, "be verified automatically")
	}
	if s.d.Verifier == nil {
		return r, Verification{}, errs.E(errs.Internal, "no identity verification service is configured")
	}
	if evidence == "" {
		return r, Verification{}, errs.InvalidFields("the liveness evidence is missing", errs.Field("evidence", "", "capture the liveness check with the verification app and give its reference"))
	}
	req := VerifyRequest{RequestID: r.ID, NIK: string(t.NIK), Passport: t.Passport, Nationality: t.Nationality, Name: t.Name, Evidence: evidence}
	if t.Kind == registration.ForeignIndividual {
		req.NIK = ""
	}
	res, verr := s.d.Verifier.Verify(ctx, req)
	now := s.now().UTC()
	vf := Verification{RequestID: r.ID, Method: "external", Liveness: res.Liveness, MatchScore: res.MatchScore, At: now}
	switch {
	case verr != nil:
		vf.Detail = "the verification service could not be reached or answered badly: " + verr.Error()
	case !res.Liveness:
		vf.Detail = "the liveness check failed"
	case res.MatchScore < s.cfg.Threshold:
		vf.Detail = fmt.Sprintf("the face matched the registry photo with score %.2f, below the threshold %.2f", res.MatchScore, s.cfg.Threshold)
	default:
		vf.Passed = true
		vf.Detail = fmt.Sprintf("liveness confirmed; match score %.2f", res.MatchScore)
	}
	v := r.Version
	r.UpdatedAt = now
	action := "verify.passed"
	if vf.Passed {
		r.State = Ready
	} else {
		action = "verify.failed"
		r.VerifyFailures++
		if r.VerifyFailures >= s.cfg.VerifyAttempts {
			r.State = Manual
			r.Reason = fmt.Sprintf("automatic identity verification failed %d times; an officer verifies the identity in person", r.VerifyFailures)
		}
	}
	r, err = s.store.Update(ctx, Change{Request: r, Version: v, Verification: &vf, Audit: s.event(ctx, action, r, "%s (attempt %d)", vf.Detail, r.VerifyFailures+btoi(vf.Passed))})
	return r, vf, err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Issue sets the signing passphrase and issues the authorization code and
// certificate through the Issuer. The returned code is shown once: only
// the Issuer keeps it, as a hash.
func (s *Service) Issue(ctx context.Context, id int64, passphrase, confirm string) (Request, Issued, error) {
	_, r, err := s.own(ctx, id)
	if err != nil {
		return r, Issued{}, err
	}
	if r.State != Ready {
		return r, Issued{}, wrongState(r, "be issued")
	}
	acct, err := s.accounts.Account(ctx, r.AccountID)
	if err != nil {
		return r, Issued{}, fmt.Errorf("load account: %w", err)
	}
	var lookup error
	sameAsLogin := func(p string) bool {
		same, _, err := access.VerifyPassword(acct.PasswordHash, p)
		lookup = err
		return same
	}
	if f := pki.CheckPassphrase("passphrase", passphrase, sameAsLogin); f != nil {
		return r, Issued{}, errs.InvalidFields("the passphrase does not meet the rules", *f)
	}
	if lookup != nil {
		return r, Issued{}, fmt.Errorf("compare with the login password: %w", lookup)
	}
	if passphrase != confirm {
		return r, Issued{}, errs.InvalidFields("the passphrases differ", errs.Field("confirm", "", "type the same passphrase twice"))
	}
	if s.d.Issuer == nil {
		return r, Issued{}, errs.E(errs.Internal, "no certificate issuer is configured")
	}
	out, err := s.d.Issuer.Issue(ctx, r.HolderID, passphrase)
	if err != nil {
		return r, Issued{}, fmt.Errorf("issue authorization code: %w", err)
	}
	v := r.Version
	r.State, r.Certificate, r.UpdatedAt = Complete, out.Certificate, s.now().UTC()
	r, err = s.store.Update(ctx, Change{Request: r, Version: v, Audit: s.event(ctx, "issued", r, "authorization code and certificate %s issued", out.Certificate)})
	if err != nil {
		return r, Issued{}, err
	}
	return r, out, nil
}

// Current returns the person's newest request.
func (s *Service) Current(ctx context.Context) (Request, error) {
	_, t, err := s.person(ctx)
	if err != nil {
		return Request{}, err
	}
	return s.store.Latest(ctx, t.ID)
}

// Request returns one of the person's requests.
func (s *Service) Request(ctx context.Context, id int64) (Request, error) {
	_, r, err := s.own(ctx, id)
	return r, err
}

// Queue lists the requests waiting for an officer, oldest first.
func (s *Service) Queue(ctx context.Context) ([]Request, error) {
	if _, err := s.officer(ctx); err != nil {
		return nil, err
	}
	return s.store.Queue(ctx, Manual)
}

// Review returns a request and its verification results for an officer.
func (s *Service) Review(ctx context.Context, id int64) (Request, []Verification, error) {
	if _, err := s.officer(ctx); err != nil {
		return Request{}, nil, err
	}
	r, err := s.store.Request(ctx, id)
	if err != nil {
		return r, nil, err
	}
	vs, err := s.store.Verifications(ctx, id)
	return r, vs, err
}

// Decide records an officer's decision after checking the person's
// documents in person: approve moves the request to Ready, reject ends it
// with the reason, which the person sees.
func (s *Service) Decide(ctx context.Context, id int64, approve bool, reason string) (Request, error) {
	a, err := s.officer(ctx)
	if err != nil {
		return Request{}, err
	}
	r, err := s.store.Request(ctx, id)
	if err != nil {
		return r, err
	}
	if r.State != Manual {
		return r, wrongState(r, "be decided by an officer")
	}
	if !approve && len(reason) < 5 {
		return r, errs.InvalidFields("give the reason for the rejection", errs.Field("reason", reason, "say what did not match, so that the person knows what to bring"))
	}
	now := s.now().UTC()
	v := r.Version
	vf := Verification{RequestID: r.ID, Method: "manual", Passed: approve, Detail: reason, DecidedBy: a.ID, At: now}
	r.DecidedBy, r.Reason, r.UpdatedAt = a.ID, reason, now
	action := "manual.approved"
	if approve {
		r.State = Ready
	} else {
		r.State, action = Rejected, "manual.rejected"
	}
	return s.store.Update(ctx, Change{Request: r, Version: v, Verification: &vf, Audit: s.event(ctx, action, r, "identity verified in person: %s; %s", map[bool]string{true: "approved", false: "rejected"}[approve], reason)})
}

// Reset is an officer's reset after verifying the holder in person: the
// holder's certificate is revoked, an open request is cancelled, and a new
// request starts, already verified, waiting for a new passphrase.
func (s *Service) Reset(ctx context.Context, holderID int64, reason string) (Request, error) {
	a, err := s.officer(ctx)
	if err != nil {
		return Request{}, err
	}
	if len(reason) < 5 {
		return Request{}, errs.InvalidFields("give the reason for the reset", errs.Field("reason", reason, "say why the code is reset and which documents were checked"))
	}
	old, err := s.store.Latest(ctx, holderID)
	if errs.Is(errs.NotFound, err) {
		return Request{}, errs.E(errs.NotFound, "this taxpayer has never requested an authorization code")
	}
	if err != nil {
		return Request{}, err
	}
	if s.d.Revoker != nil {
		if err := s.d.Revoker.Revoke(ctx, holderID, "reset by an officer: "+reason); err != nil {
			return Request{}, fmt.Errorf("revoke certificate: %w", err)
		}
	}
	now := s.now().UTC()
	var cancel *Change
	if old.State.Open() {
		v := old.Version
		old.State, old.Reason, old.DecidedBy, old.UpdatedAt = Cancelled, "reset by an officer: "+reason, a.ID, now
		cancel = &Change{Request: old, Version: v, Audit: s.event(ctx, "cancel", old, "request %d cancelled by a reset", old.ID)}
	}
	r := Request{HolderID: holderID, AccountID: old.AccountID, SubjectID: old.SubjectID, State: Ready, Policy: s.cfg.Policy,
		Reason: "reset after in-person verification: " + reason, DecidedBy: a.ID, CreatedAt: now, UpdatedAt: now}
	vf := Verification{Method: "manual", Passed: true, Detail: "reset: " + reason, DecidedBy: a.ID, At: now}
	return s.store.Create(ctx, Change{Request: r, Verification: &vf, Audit: s.event(ctx, "reset", r, "authorization code reset after in-person verification: %s", reason)}, cancel)
}
