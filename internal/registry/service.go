package registry

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// Service imports and looks up the reference registries.
type Service struct {
	store  Store
	now    func() time.Time
	policy actor.Policy
}

// The actions of this package, for the Policy.
const (
	ActImport actor.Action = "registry.import" // load a registry file
	ActRead   actor.Action = "registry.read"   // look up a registry record
)

// NewService returns a Service over store; now is the clock. It checks no
// access: it is for the command line and tests, whose callers already
// hold the data directory. A server uses WithPolicy.
func NewService(store Store, now func() time.Time) *Service {
	return &Service{store: store, now: now}
}

// WithPolicy returns a copy of s that asks p before every import and
// lookup. The registries hold personal data of the whole population, so a
// server must never serve them without a policy.
func (s *Service) WithPolicy(p actor.Policy) *Service {
	c := *s
	c.policy = p
	return &c
}

func (s *Service) allow(ctx context.Context, act actor.Action) error {
	if s.policy == nil {
		return nil
	}
	return s.policy.Allow(ctx, act, 0)
}

// today returns the current calendar day in WIB as a UTC midnight date.
func (s *Service) today() time.Time {
	return calendar.Day(s.now())
}

// Import reads an import file of one registry (see Parse for the formats
// and doc/registries.md for the columns) and stores every record in it in
// one transaction: new keys are inserted, existing ones updated, and a
// company's officers replaced by those in the file. When any row is bad,
// nothing is stored and the errs.Invalid error lists every problem with
// its position in the file. The Result counts the rows read even then.
func (s *Service) Import(ctx context.Context, kind Kind, format Format, r io.Reader) (Result, error) {
	op := fmt.Sprintf("registry.Import %s", kind)
	if err := s.allow(ctx, ActImport); err != nil {
		return Result{Kind: kind}, err
	}
	b, err := Parse(kind, format, r, s.today())
	res := Result{Kind: kind, Rows: b.Rows}
	if err != nil {
		return res, fmt.Errorf("%s: %w", op, err)
	}
	res.Records = b.Records()
	at := s.now().UTC()
	switch kind {
	case KindPopulation:
		res.Counts, err = s.store.PutPeople(ctx, b.People, at)
	case KindCompany:
		res.Counts, err = s.store.PutCompanies(ctx, b.Companies, at)
	case KindImmigration:
		res.Counts, err = s.store.PutImmigration(ctx, b.Immigration, at)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", op, err)
	}
	return res, nil
}

// Person returns the resident with the given NIK.
func (s *Service) Person(ctx context.Context, nik string) (Person, error) {
	if err := s.allow(ctx, ActRead); err != nil {
		return Person{}, err
	}
	n, err := taxid.ParseNIK(nik)
	if err != nil {
		return Person{}, errs.InvalidFields("not a NIK", errs.Field("nik", nik, "%s", errs.Message(err)))
	}
	return s.store.Person(ctx, string(n))
}

// Company returns the company with the given registry number.
func (s *Service) Company(ctx context.Context, registryNumber string) (Company, error) {
	if err := s.allow(ctx, ActRead); err != nil {
		return Company{}, err
	}
	n := strings.ToUpper(strings.TrimSpace(registryNumber))
	if n == "" {
		return Company{}, errs.InvalidFields("no registry number", errs.Field("registry_number", registryNumber, "is required"))
	}
	return s.store.Company(ctx, n)
}

// Immigration returns the immigration record of a passport issued by the
// country with the given ISO 3166-1 alpha-3 code.
func (s *Service) Immigration(ctx context.Context, nationality, passport string) (ImmigrationRecord, error) {
	if err := s.allow(ctx, ActRead); err != nil {
		return ImmigrationRecord{}, err
	}
	return s.store.Immigration(ctx, strings.ToUpper(strings.TrimSpace(nationality)), strings.ToUpper(strings.TrimSpace(passport)))
}

// ImmigrationByPassport returns the immigration records of a passport
// number under every nationality.
func (s *Service) ImmigrationByPassport(ctx context.Context, passport string) ([]ImmigrationRecord, error) {
	if err := s.allow(ctx, ActRead); err != nil {
		return nil, err
	}
	return s.store.ImmigrationByPassport(ctx, strings.ToUpper(strings.TrimSpace(passport)))
}
