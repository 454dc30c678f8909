package audit

import (
	"context"
	"slices"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
)

// ActRead is the action of reading audit entries. The Policy is asked for
// it once per taxpayer whose entries are read, and with taxpayer 0 to read
// entries of other accounts or the whole log.
const ActRead actor.Action = "audit.read"

// Paging limits of Log.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Filter selects entries, newest first. An entry matches when it concerns
// AccountID or one of TaxpayerIDs; an empty filter matches every entry.
type Filter struct {
	TaxpayerIDs []int64
	AccountID   int64
	// Before is the cursor: only entries with a smaller Seq (0 for the
	// newest).
	Before int64
	// Limit is the page size (0 for DefaultLimit, at most MaxLimit).
	Limit int
}

// Store reads the log.
type Store interface {
	// List returns the entries matching f, newest first, at most f.Limit.
	List(ctx context.Context, f Filter) ([]Entry, error)
}

// Page is one page of the log, newest first, with the cursor of the next
// (older) page: 0 when there is none.
type Page struct {
	Entries []Entry
	Next    int64
}

// Service reads the audit log for the people it concerns.
type Service struct {
	store  Store
	policy actor.Policy
}

// NewService returns a Service reading from store and asking policy.
func NewService(store Store, policy actor.Policy) *Service {
	return &Service{store: store, policy: policy}
}

// Log returns a page of the entries f selects. The actor may read the
// entries of their own account; every taxpayer in f needs the Policy's
// ActRead on that taxpayer, and another account or the whole log (an
// empty filter) needs ActRead on taxpayer 0.
func (s *Service) Log(ctx context.Context, f Filter) (Page, error) {
	a := actor.From(ctx)
	if f.AccountID != 0 && f.AccountID != a.AccountID || f.AccountID == 0 && len(f.TaxpayerIDs) == 0 {
		if err := s.policy.Allow(ctx, ActRead, 0); err != nil {
			return Page{}, err
		}
	}
	for _, id := range f.TaxpayerIDs {
		if err := s.policy.Allow(ctx, ActRead, id); err != nil {
			return Page{}, err
		}
	}
	if f.Before < 0 {
		return Page{}, errs.InvalidFields("the cursor is not valid", errs.Field("before", "", "must be a positive entry number from a previous page's next cursor"))
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultLimit
	case f.Limit < 0 || f.Limit > MaxLimit:
		return Page{}, errs.InvalidFields("the page size is not valid",
			errs.Field("limit", "", "must be between 1 and %d", MaxLimit))
	}
	es, err := s.store.List(ctx, f)
	if err != nil {
		return Page{}, err
	}
	p := Page{Entries: es}
	if len(es) == f.Limit {
		p.Next = es[len(es)-1].Seq
	}
	return p, nil
}

// Mine returns the signed-in person's security log: the entries of their
// account, of their own taxpayer record and of the taxpayer they act for.
// Nobody signed in gets an Unauthenticated error.
func (s *Service) Mine(ctx context.Context, before int64, limit int) (Page, error) {
	f, ok := MineFilter(actor.From(ctx))
	if !ok {
		return Page{}, errs.E(errs.Unauthenticated, "sign in to see your security log")
	}
	f.Before, f.Limit = before, limit
	return s.Log(ctx, f)
}

// MineFilter returns the filter of a's own security log; ok is false when
// a is nobody in particular (not signed in).
func MineFilter(a actor.Actor) (f Filter, ok bool) {
	f.AccountID = a.AccountID
	for _, id := range []int64{a.TaxpayerID, a.ActingForID} {
		if id != 0 && !slices.Contains(f.TaxpayerIDs, id) {
			f.TaxpayerIDs = append(f.TaxpayerIDs, id)
		}
	}
	return f, f.AccountID != 0 || len(f.TaxpayerIDs) > 0
}
