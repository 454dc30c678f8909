package registration

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/taxid"
)

// Registries are the reference registries registration checks against.
type Registries interface {
	Person(ctx context.Context, nik string) (registry.Person, error)
	Company(ctx context.Context, number string) (registry.Company, error)
	Immigration(ctx context.Context, nationality, passport string) (registry.ImmigrationRecord, error)
	ImmigrationByPassport(ctx context.Context, passport string) ([]registry.ImmigrationRecord, error)
}

// Action names what a principal wants to do, for the Policy.
type Action = actor.Action

// The actions of this package.
const (
	ActRegister Action = "registration.register"
	ActRead     Action = "registration.read"
	ActUpdate   Action = "registration.update"
	ActManage   Action = "registration.manage_parties" // places, parties, PIC
	ActSearch   Action = "registration.search"         // officers
	ActSetPKP   Action = "registration.set_pkp"        // officers
	ActLinkNPWP Action = "registration.link_npwp"      // officers
)

// Policy decides whether the actor in ctx may perform an action on a
// taxpayer; see actor.Policy.
type Policy = actor.Policy

// PolicyFunc adapts a function to Policy.
type PolicyFunc = actor.PolicyFunc

// Config holds the registration settings that are reference data rather
// than law.
type Config struct {
	// KPPCode is the 3-digit tax office code written into NPWPs this
	// system allocates (positions 10–12 of the legacy form).
	KPPCode string
	// TypeCodes are the first two digits of allocated legacy-form NPWPs
	// per kind. The meaning of these digits is descriptive, not official
	// (identifiers.md §1.2: "unsure/likely"), so they are configurable.
	TypeCodes map[Kind]string
}

// DefaultConfig returns the settings used unless configured otherwise:
// entities 01 (second digit 1–3 = company), government 00 (second digit
// 0 = government treasurer), foreign individuals 08 (7–9 = individual),
// and office code 000 for a system that is not a particular KPP.
func DefaultConfig() Config {
	return Config{
		KPPCode: "000",
		TypeCodes: map[Kind]string{
			Entity:            "01",
			Government:        "00",
			ForeignIndividual: "08",
		},
	}
}

// Service holds the registration use cases.
type Service struct {
	store      Store
	registries Registries
	policy     Policy
	now        func() time.Time
	cfg        Config
}

// NewService returns a Service. now is the clock; policy decides access.
func NewService(store Store, registries Registries, policy Policy, now func() time.Time, cfg Config) *Service {
	if cfg.KPPCode == "" {
		cfg = DefaultConfig()
	}
	return &Service{store: store, registries: registries, policy: policy, now: now, cfg: cfg}
}

// Today returns the current calendar day in WIB as a UTC midnight date.
func (s *Service) Today() time.Time {
	return calendar.Day(s.now())
}

func (s *Service) allow(ctx context.Context, act Action, taxpayerID int64) error {
	if err := s.policy.Allow(ctx, act, taxpayerID); err != nil {
		return err
	}
	return nil
}

// Register registers a new taxpayer after validating the application and
// checking it against the reference registries. It returns the stored
// taxpayer with its NPWP.
func (s *Service) Register(ctx context.Context, app Application) (Taxpayer, error) {
	const op = "registration.Register"
	if err := s.allow(ctx, ActRegister, 0); err != nil {
		return Taxpayer{}, err
	}
	now := s.now().UTC()
	today := s.Today()
	t, links, fields := app.validate(today)
	if err := fields.Err("the registration has errors; correct the fields named below"); err != nil {
		return Taxpayer{}, err
	}
	fields = s.checkRegistries(ctx, &t, today)
	if err := fields.Err("the registration does not match the reference registries; see each field"); err != nil {
		return Taxpayer{}, err
	}
	t.RegisteredAt, t.UpdatedAt, t.Version = now, now, 1
	var alloc *NPWPAllocation
	if t.Kind != ResidentIndividual {
		typeCode := s.cfg.TypeCodes[t.Kind]
		kpp := s.cfg.KPPCode
		alloc = &NPWPAllocation{
			Scope: "npwp:" + typeCode + ":" + kpp,
			Make: func(serial int64) (taxid.NPWP, error) {
				return taxid.NewLegacyNPWP(typeCode, int(serial), kpp, "000")
			},
		}
	}
	who := actor.From(ctx).String()
	for i := range links {
		links[i].LinkedAt, links[i].Actor = now, who
	}
	head := PlaceOfBusiness{Seq: 0, Name: headOfficeName(t), Address: t.Address, CreatedAt: now}
	hist := []Change{{At: now, Actor: who, Action: "register", Field: "taxpayer", New: fmt.Sprintf("%s %s", t.Kind, t.Name)}}
	stored, err := s.store.CreateTaxpayer(ctx, t, head, alloc, links, hist)
	if err != nil {
		return Taxpayer{}, fmt.Errorf("%s: %w", op, err)
	}
	return stored, nil
}

func headOfficeName(t Taxpayer) string {
	if t.Kind.Individual() {
		return t.Name
	}
	return t.Name + " (head office)"
}

// checkRegistries compares the application with the reference registries
// and fills what only the registries know (birth date and sex of a
// foreigner). Every mismatch names the field, the registry's value and
// what to do.
func (s *Service) checkRegistries(ctx context.Context, t *Taxpayer, today time.Time) errs.Fields {
	var fs errs.Fields
	switch t.Kind {
	case ResidentIndividual:
		p, err := s.registries.Person(ctx, string(t.NIK))
		if err != nil {
			fs.Append(registryMiss(err, "nik", string(t.NIK),
				"is not in the population registry; check the NIK on the KTP, or ask Dukcapil to record it and import the population registry again"))
			return fs
		}
		if !registry.SameName(p.Name, t.Name) {
			fs.Add("name", t.Name, "differs from the population registry, which has %q for this NIK; use the name as written on the KTP", p.Name)
		}
		if !p.BirthDate.IsZero() && !t.BirthDate.IsZero() && !p.BirthDate.Equal(t.BirthDate) {
			fs.Add("nik", string(t.NIK), "encodes birth date %s but the population registry has %s; check the NIK", t.BirthDate.Format(time.DateOnly), p.BirthDate.Format(time.DateOnly))
		}
	case ForeignIndividual:
		fs.Append(s.checkImmigration(ctx, "", t.Name, t.Passport, t.Nationality, &t.StayPermit, &t.BirthDate, &t.Sex, today)...)
	case Entity:
		c, err := s.registries.Company(ctx, t.RegistryNumber)
		if err != nil {
			fs.Append(registryMiss(err, "registry_number", t.RegistryNumber,
				"is not in the company registry; check the number on the deed's ministry approval, or import the company registry again"))
			return fs
		}
		if !registry.SameName(c.Name, t.Name) {
			fs.Add("name", t.Name, "differs from the company registry, which has %q for registry number %s; use the registered name", c.Name, t.RegistryNumber)
		}
		if c.Form != "" && c.Form != string(t.EntityForm) {
			fs.Add("entity_form", string(t.EntityForm), "differs from the company registry, which records the form %s", c.Form)
		}
		if c.DeedNumber != "" && t.DeedNumber != "" && c.DeedNumber != t.DeedNumber {
			fs.Add("deed_number", t.DeedNumber, "differs from the company registry, which has deed %s; use the latest deed recorded there", c.DeedNumber)
		}
	}
	return fs
}

// checkImmigration checks a foreigner against the immigration registry.
// prefix is put before field names ("party." for related parties).
func (s *Service) checkImmigration(ctx context.Context, prefix, name, passport, nationality string, permit *StayPermit, birth *time.Time, sex *string, today time.Time) errs.Fields {
	var fs errs.Fields
	rec, err := s.registries.Immigration(ctx, nationality, passport)
	if err != nil {
		if !errs.Is(errs.NotFound, err) {
			fs.Append(registryMiss(err, prefix+"passport_number", passport, ""))
			return fs
		}
		others, _ := s.registries.ImmigrationByPassport(ctx, passport)
		if len(others) > 0 {
			fs.Add(prefix+"nationality", nationality, "differs from the immigration registry, which records passport %s as issued by %s; give the nationality of the passport", passport, others[0].Nationality)
			return fs
		}
		fs.Add(prefix+"passport_number", passport, "is not in the immigration registry for nationality %s; if the passport was renewed recently, the immigration record must be updated first (import the immigration registry with the new passport), then retry", nationality)
		return fs
	}
	if !registry.SameName(rec.Name, name) {
		fs.Add(prefix+"name", name, "differs from the immigration registry, which has %q for passport %s; use the name as written in the passport", rec.Name, passport)
	}
	if !rec.PassportExpires.IsZero() && rec.PassportExpires.Before(today) {
		fs.Add(prefix+"passport_number", passport, "expired on %s according to the immigration registry; register with the current passport (after immigration has recorded it)", rec.PassportExpires.Format(time.DateOnly))
	}
	if permit != nil {
		if permit.Kind == "" && rec.StayPermitKind != "" {
			permit.Kind, permit.Number, permit.Expires = rec.StayPermitKind, rec.StayPermitNumber, rec.StayPermitExpires
		} else if permit.Kind != "" {
			if rec.StayPermitKind == "" {
				fs.Add(prefix+"stay_permit_number", permit.Number, "the immigration registry records no stay permit for passport %s; leave the stay permit empty or have immigration record it first", passport)
			} else if permit.Kind != rec.StayPermitKind || permit.Number != rec.StayPermitNumber {
				fs.Add(prefix+"stay_permit_number", permit.Number, "differs from the immigration registry, which has %s %s for passport %s", rec.StayPermitKind, rec.StayPermitNumber, passport)
			}
			if permit.Expires.IsZero() {
				permit.Expires = rec.StayPermitExpires
			}
		}
		if permit.Kind != "" && !permit.Expires.IsZero() && permit.Expires.Before(today) {
			fs.Add(prefix+"stay_permit_expires", permit.Expires.Format(time.DateOnly), "the %s expired; renew it at immigration first", permit.Kind)
		}
	}
	if birth != nil && birth.IsZero() {
		*birth = rec.BirthDate
	}
	if sex != nil && *sex == "" {
		*sex = rec.Sex
	}
	return fs
}

// registryMiss turns a registry lookup failure into a field error: a
// NotFound gets the given explanation, anything else says the registry
// could not be consulted.
func registryMiss(err error, field, value, notFound string) errs.FieldError {
	if errs.Is(errs.NotFound, err) && notFound != "" {
		return errs.Field(field, value, "%s", notFound)
	}
	return errs.Field(field, value, "could not be checked against the reference registry (%s); try again later", errs.Message(err))
}

// Taxpayer returns the taxpayer with the given NPWP (or linked legacy
// NPWP). The input may be written with separators.
func (s *Service) Taxpayer(ctx context.Context, npwp string) (Taxpayer, error) {
	n, err := parseNPWPField("npwp", npwp)
	if err != nil {
		return Taxpayer{}, err
	}
	t, err := s.store.TaxpayerByNPWP(ctx, n)
	if err != nil {
		return Taxpayer{}, err
	}
	if err := s.allow(ctx, ActRead, t.ID); err != nil {
		return Taxpayer{}, err
	}
	return t, nil
}

// Profile returns everything registered about the taxpayer with the given
// NPWP.
func (s *Service) Profile(ctx context.Context, npwp string) (Profile, error) {
	t, err := s.Taxpayer(ctx, npwp)
	if err != nil {
		return Profile{}, err
	}
	return s.store.Profile(ctx, t.ID)
}

// History returns a page of a taxpayer's change history, newest first.
// before is the ID of the last change of the previous page (0 for the
// first page).
func (s *Service) History(ctx context.Context, npwp string, before int64, limit int) ([]Change, error) {
	t, err := s.Taxpayer(ctx, npwp)
	if err != nil {
		return nil, err
	}
	return s.store.History(ctx, t.ID, before, clampLimit(limit))
}

// Search finds taxpayers by number prefix or name, for officers.
func (s *Service) Search(ctx context.Context, q Query) ([]Summary, error) {
	if err := s.allow(ctx, ActSearch, 0); err != nil {
		return nil, err
	}
	q.Limit = clampLimit(q.Limit)
	return s.store.Search(ctx, q)
}

// Represented returns the related-party rows in which the taxpayer with
// the given NPWP is the party: the entities the person acts for, with
// their NPWPs and names.
func (s *Service) Represented(ctx context.Context, npwp string) ([]Representation, error) {
	t, err := s.Taxpayer(ctx, npwp)
	if err != nil {
		return nil, err
	}
	return s.store.PartiesOf(ctx, t.ID)
}

// MaxPage is the largest page any list returns; callers page with
// cursors, so there is no ceiling on what can be read in total.
const MaxPage = 500

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > MaxPage:
		return MaxPage
	}
	return n
}

// OpenPolicy allows every action to every principal. It is the policy of
// a system without accounts: an office's intranet or an integrator's test
// bench where whoever reaches the server may register and look up
// taxpayers. Systems with accounts use a policy that checks the principal
// in the context against the taxpayer (their own, one they represent, or
// an officer's scope).
func OpenPolicy() Policy {
	return PolicyFunc(func(context.Context, Action, int64) error { return nil })
}

// ParseQuery turns what a user typed into a search box into a Query: a
// number prefix when it is digits and separators (".", "-", spaces), a
// name otherwise. The API and the pages use the same rule.
func ParseQuery(s string) Query {
	s = strings.TrimSpace(s)
	if d := digitsOnly(s); d != "" && !strings.Contains(d, "x") {
		return Query{Number: d}
	}
	if s == "" {
		return Query{}
	}
	return Query{Name: s}
}
