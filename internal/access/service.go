package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
)

// ActFor decides whether a person may act for another taxpayer. The roles
// package implements the full rule; RelatedParties is the rule of
// registration's related-party data alone.
type ActFor interface {
	// CanActFor returns nil, or a Forbidden error naming the unmet
	// condition.
	CanActFor(ctx context.Context, personTaxpayerID, targetTaxpayerID int64) error
}

// Config holds the parameters of the service. DefaultConfig fills them.
type Config struct {
	Key Key
	// SessionIdle and SessionMax are the idle timeout and the absolute
	// lifetime of a session.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// SecondStepWindow is how long a password-checked sign-in waits for
	// its authenticator code.
	SecondStepWindow time.Duration
	// CodeTTL is the lifetime of a one-time code, LinkTTL of a reset link.
	CodeTTL time.Duration
	LinkTTL time.Duration
	// CodeAttempts is the number of wrong entries that void a code.
	CodeAttempts int
	// ResendGap is the least time between two codes for one taxpayer and
	// purpose; DailyCodes caps them per 24 hours.
	ResendGap  time.Duration
	DailyCodes int
	// LockAfter failures in a row lock the account for LockFor; after
	// MaxFailures in a row it stays locked until a reset or an officer
	// unlocks it.
	LockAfter   int
	LockFor     time.Duration
	MaxFailures int
	// BaseURL is put before the path of reset links in e-mails.
	BaseURL string
	// Issuer names the service in authenticator apps.
	Issuer string
	// Kick, when set, is called after a code or link has been stored with
	// its message, so that the outbox worker delivers it at once instead
	// of at its next poll.
	Kick func()
}

// DefaultConfig returns the documented parameters (doc/access.md).
func DefaultConfig(key Key) Config {
	return Config{
		Key:              key,
		SessionIdle:      30 * time.Minute,
		SessionMax:       12 * time.Hour,
		SecondStepWindow: 5 * time.Minute,
		CodeTTL:          5 * time.Minute,
		LinkTTL:          30 * time.Minute,
		CodeAttempts:     5,
		ResendGap:        60 * time.Second,
		DailyCodes:       10,
		LockAfter:        10,
		LockFor:          15 * time.Minute,
		MaxFailures:      100,
		BaseURL:          "http://127.0.0.1:8080",
		Issuer:           "Coretax",
	}
}

// Service runs the use cases of access.
type Service struct {
	store  Store
	cfg    Config
	now    func() time.Time
	actFor ActFor
	// Addresses limits sign-in and code requests per client address.
	addresses *RateLimiter
}

// NewService returns a service. actFor may be nil: the related-party rule
// over store is used then.
func NewService(store Store, actFor ActFor, now func() time.Time, cfg Config) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{store: store, cfg: cfg, now: now, actFor: actFor}
	if s.actFor == nil {
		s.actFor = RelatedParties{Store: store, Now: now}
	}
	s.addresses = NewRateLimiter(20, 10.0/60, now)
	return s
}

// SetActFor replaces the rule that decides impersonation.
func (s *Service) SetActFor(a ActFor) { s.actFor = a }

// Config returns the service's parameters.
func (s *Service) Config() Config { return s.cfg }

// RelatedParties lets a person act for a taxpayer of which they are a
// related party (director, commissioner, shareholder, employee) in force
// today, as registration records it.
type RelatedParties struct {
	Store interface {
		Represents(ctx context.Context, personID, targetID int64, day time.Time) (bool, error)
	}
	Now func() time.Time
}

// CanActFor implements ActFor.
func (r RelatedParties) CanActFor(ctx context.Context, person, target int64) error {
	ok, err := r.Store.Represents(ctx, person, target, r.Now())
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Forbidden, "you are not a related party of this taxpayer in force today, so you may not act for it; its main PIC can add you as a related party")
	}
	return nil
}

// signedIn returns the actor in ctx when a complete session or token
// stands behind it.
func signedIn(ctx context.Context) (actor.Actor, error) {
	a := actor.From(ctx)
	if a.AccountID == 0 {
		return a, errs.E(errs.Unauthenticated, "sign in first")
	}
	return a, nil
}

// RateLimiter is a token bucket per key (a client address) kept in
// memory: Burst requests at once, refilled at Rate per second. Buckets
// that are full again are forgotten, so memory follows the active
// clients. A server restart forgets every bucket; the per-account
// throttling in the database does not depend on it.
type RateLimiter struct {
	mu      sync.Mutex
	burst   float64
	rate    float64
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter returns a limiter with the burst and the refill rate per
// second.
func NewRateLimiter(burst int, perSecond float64, now func() time.Time) *RateLimiter {
	return &RateLimiter{burst: float64(burst), rate: perSecond, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token from key's bucket and reports whether there was one.
func (l *RateLimiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (s *Service) limitAddress(address string) error {
	if address == "" || s.addresses.Allow(address) {
		return nil
	}
	return errs.E(errs.Unavailable, "too many sign-in and code requests from your network address; wait a minute and try again")
}

// maskEmail shows the first character of the local part and the domain:
// "b***@example.co.id".
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	return local[:1] + "***@" + domain
}

// maskMobile shows the country code, the first three and the last three
// digits: "+62812*****678".
func maskMobile(m string) string {
	if len(m) < 10 {
		return "***"
	}
	return m[:6] + strings.Repeat("*", len(m)-9) + m[len(m)-3:]
}

func isNotFound(err error) bool { return errs.KindOf(err) == errs.NotFound }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *errs.Error
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// event builds the audit entry of an access event for the actor in ctx,
// or for who when it is given (a sign-in names the account it signs in).
func (s *Service) event(ctx context.Context, who, action string, accountID, taxpayerID int64, detail string, args ...any) audit.Entry {
	a := actor.From(ctx)
	if who == "" {
		who = a.String()
	}
	return audit.Entry{At: s.now().UTC(), Actor: who, AccountID: accountID, TaxpayerID: taxpayerID,
		Action: "access." + action, Address: a.Address, Detail: fmt.Sprintf(detail, args...)}
}
