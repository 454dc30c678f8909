package pbjt

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/taxid"
)

// The actions of this package.
const (
	ActRegions   actor.Action = "pbjt.regions"   // read the regions' configuration
	ActConfigure actor.Action = "pbjt.configure" // add a dated version of a region's configuration
	ActRead      actor.Action = "pbjt.read"      // see a taxpayer's properties and portfolio
	ActManage    actor.Action = "pbjt.manage"    // register and change a taxpayer's properties
	ActDeclare   actor.Action = "pbjt.declare"   // file and amend a property's monthly declarations
	ActPay       actor.Action = "pbjt.pay"       // record the payment of a declaration
)

// Rules returns the access rules of PBJT, to be merged into the roles
// policy: the configuration is public and changed by officers holding
// officer.regional; a taxpayer's properties are read and managed by the
// taxpayer's own login, its active related parties and accepted
// consultants, and by officers holding officer.regional (the regional
// revenue office registers NPWPDs).
func Rules() roles.Rules {
	return roles.Rules{
		ActRegions:   {Need: roles.Public, What: "read the PBJT configuration of the Bali regions"},
		ActConfigure: {Need: roles.OfficerOnly, Officer: roles.OfficerRegional, What: "add a dated version of a region's PBJT configuration"},
		ActRead:      {Need: roles.Related, Officer: roles.OfficerRegional, What: "see this taxpayer's properties"},
		ActManage:    {Need: roles.Related, Officer: roles.OfficerRegional, What: "register and change this taxpayer's properties"},
		// A declaration is the operator's own statement to the region:
		// the individual's own login or an entity's main PIC files it,
		// not an officer (doc/pbjt-declarations.md).
		ActDeclare: {Need: roles.PIC, What: "file and amend this taxpayer's PBJT declarations"},
		// Payments are recorded by whoever holds the payment role.
		ActPay: {Need: roles.HoldsRole, Role: roles.Payment, What: "record payments of this taxpayer's PBJT declarations"},
	}
}

// Store keeps the versions officers add and the properties. Each method
// that changes state is one transaction that appends its audit entry.
type Store interface {
	// RegionVersions returns every version added in the database.
	RegionVersions(ctx context.Context) ([]Version, error)
	// AddRegionVersion stores v; a Conflict when the region already has
	// a stored version from the same day.
	AddRegionVersion(ctx context.Context, v Version, e audit.Entry) error
	// CreateProperty stores p with its units and owners and sets its ID
	// and version; a Conflict when its NPWPD is taken in its region.
	CreateProperty(ctx context.Context, p *Property, e audit.Entry) error
	// UpdateProperty replaces the property's row, units and owners when
	// the stored version is version, and advances p.Version; a Conflict
	// otherwise.
	UpdateProperty(ctx context.Context, p *Property, version int, e audit.Entry) error
	// Property returns the property with the ID, or NotFound.
	Property(ctx context.Context, id int64) (Property, error)
	// PropertiesOf returns the properties registered to the taxpayer or
	// of which it is or was an owner, in ID order.
	PropertiesOf(ctx context.Context, taxpayerID int64) ([]Property, error)
}

// Register reads the taxpayer register without the access policy: an
// operator names co-owners without being allowed to read their profiles.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
}

// Service is the regions' configuration and the properties.
type Service struct {
	store    Store
	register Register
	policy   actor.Policy
	now      func() time.Time
}

// NewService returns the PBJT service.
func NewService(store Store, register Register, policy actor.Policy, now func() time.Time) *Service {
	return &Service{store: store, register: register, policy: policy, now: now}
}

// Today is the current day in WIB.
func (s *Service) Today() time.Time { return calendar.Day(s.now()) }

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) audit.Entry {
	a := actor.From(ctx)
	return audit.Entry{At: s.now(), Actor: a.String(), AccountID: a.AccountID, TaxpayerID: taxpayerID, Action: action, Address: a.Address, Detail: detail}
}

// table returns the shipped configuration with the stored versions on
// top.
func (s *Service) table(ctx context.Context) (Table, error) {
	vs, err := s.store.RegionVersions(ctx)
	if err != nil {
		return Table{}, fmt.Errorf("read the regions' configuration: %w", err)
	}
	return Defaults().With(vs...), nil
}

// Regions returns the configuration of each of the nine regions in force
// on day d, in code order; a region with no version on d is left out.
func (s *Service) Regions(ctx context.Context, d time.Time) ([]Version, error) {
	if err := s.policy.Allow(ctx, ActRegions, 0); err != nil {
		return nil, err
	}
	t, err := s.table(ctx)
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, code := range Regions {
		if v, err := t.Lookup(code, d); err == nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// Region returns the region's configuration in force on day d.
func (s *Service) Region(ctx context.Context, code string, d time.Time) (Version, error) {
	if err := s.policy.Allow(ctx, ActRegions, 0); err != nil {
		return Version{}, err
	}
	t, err := s.table(ctx)
	if err != nil {
		return Version{}, err
	}
	return t.Lookup(code, d)
}

// RegionVersions returns every version of the region, oldest first: the
// shipped ones and those added since, a stored version replacing a
// shipped one of the same day.
func (s *Service) RegionVersions(ctx context.Context, code string) ([]Version, error) {
	if err := s.policy.Allow(ctx, ActRegions, 0); err != nil {
		return nil, err
	}
	if !IsRegion(code) {
		return nil, errs.Errorf(errs.NotFound, "%q is not one of the nine Bali regions (%s)", code, strings.Join(Regions, ", "))
	}
	t, err := s.table(ctx)
	if err != nil {
		return nil, err
	}
	return t.Versions(code), nil
}

// AddVersion records a new version of a region's configuration, in force
// from v.From until a later version; it needs officer.regional. Every
// value states its status and source, so that what no regulation
// confirms stays marked as unverified.
func (s *Service) AddVersion(ctx context.Context, v Version) (Version, error) {
	if err := s.policy.Allow(ctx, ActConfigure, 0); err != nil {
		return Version{}, err
	}
	if err := v.Check(); err != nil {
		return Version{}, err
	}
	a := actor.From(ctx)
	v.RecordedBy, v.RecordedAt = a.String(), s.now().UTC()
	unverified := 0
	for _, st := range v.statuses() {
		if st != Verified {
			unverified++
		}
	}
	e := s.entry(ctx, 0, "pbjt.configure", fmt.Sprintf("%s from %s: rate %s (%s), %d of %d values not verified",
		v.Name(), v.From.Format(time.DateOnly), v.Rate.Value, v.Rate.Status, unverified, len(v.statuses())))
	if err := s.store.AddRegionVersion(ctx, v, e); err != nil {
		return Version{}, err
	}
	return v, nil
}

// statuses lists the status of every value of v.
func (v Version) statuses() []Status {
	return []Status{v.Regulation.Status, v.Office.Status, v.Rate.Status, v.FilingDay.Status, v.PaymentDay.Status,
		v.InterestPerMonth.Status, v.InterestMaxMonths.Status, v.LateFilingFine.Status, v.FormLayout.Status, v.Numbering.Status, v.PaymentCode.Status}
}

// taxpayer resolves an NPWP in the register.
func (s *Service) taxpayer(ctx context.Context, field, npwp string) (registration.Taxpayer, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return registration.Taxpayer{}, errs.InvalidFields("the NPWP is not valid", errs.Field(field, npwp, "%s", errs.Message(err)))
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return registration.Taxpayer{}, errs.Errorf(errs.NotFound, "no taxpayer is registered with NPWP %s", n)
	}
	return t, err
}

// allowed resolves the taxpayer named by npwp and checks the action on it.
func (s *Service) allowed(ctx context.Context, npwp string, act actor.Action) (registration.Taxpayer, error) {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return t, err
	}
	return t, s.policy.Allow(ctx, act, t.ID)
}

// Allow checks that the actor in ctx may perform act on the taxpayer
// named by npwp, before a transport reads a request body.
func (s *Service) Allow(ctx context.Context, npwp string, act actor.Action) error {
	_, err := s.allowed(ctx, npwp, act)
	return err
}

// AllowConfigure checks that the actor in ctx may add versions of the
// regions' configuration, before a transport reads a request body.
func (s *Service) AllowConfigure(ctx context.Context) error {
	return s.policy.Allow(ctx, ActConfigure, 0)
}

// property checks in and resolves its owners in the register.
func (s *Service) property(ctx context.Context, in PropertyInput) (Property, error) {
	p, fs := checkProperty(in)
	for i, o := range in.Owners {
		f := fmt.Sprintf("owners[%d].npwp", i)
		t, err := s.taxpayer(ctx, f, o.NPWP)
		switch {
		case errs.Is(errs.Invalid, err):
			fs.Append(errs.FieldsOf(err)...)
			continue
		case errs.Is(errs.NotFound, err):
			fs.Add(f, o.NPWP, "no taxpayer is registered with this NPWP; an owner registers first (a foreign owner as a foreign individual)")
			continue
		case err != nil:
			return p, err
		}
		p.Owners[i].TaxpayerID, p.Owners[i].NPWP, p.Owners[i].Name = t.ID, string(t.NPWP), t.Name
	}
	for i := range p.Owners {
		for j := range i {
			a, b := p.Owners[i], p.Owners[j]
			if a.TaxpayerID != 0 && a.TaxpayerID == b.TaxpayerID && overlap(a, b) {
				fs.Add(fmt.Sprintf("owners[%d]", i), a.NPWP, "overlaps owners[%d], the same owner; give one row per owner and period", j)
			}
		}
	}
	return p, fs.Err("the property is not valid")
}

func overlap(a, b Owner) bool {
	return (a.Until.IsZero() || !a.Until.Before(b.From)) && (b.Until.IsZero() || !b.Until.Before(a.From))
}

// RegisterProperty registers a property to the taxpayer (the operator who
// owes PBJT on it). Its region is derived from the address's district.
func (s *Service) RegisterProperty(ctx context.Context, npwp string, in PropertyInput) (Property, error) {
	t, err := s.allowed(ctx, npwp, ActManage)
	if err != nil {
		return Property{}, err
	}
	p, err := s.property(ctx, in)
	if err != nil {
		return Property{}, err
	}
	now := s.now().UTC()
	p.TaxpayerID, p.CreatedAt, p.UpdatedAt = t.ID, now, now
	e := s.entry(ctx, t.ID, "pbjt.property.register", describe(p))
	if err := s.store.CreateProperty(ctx, &p, e); err != nil {
		return Property{}, err
	}
	return p, nil
}

// UpdateProperty changes a property registered to the taxpayer, made
// against version; a Conflict when someone changed it first. Co-owners
// see the property but only the operator's side changes it.
func (s *Service) UpdateProperty(ctx context.Context, npwp string, id int64, version int, in PropertyInput) (Property, error) {
	t, err := s.allowed(ctx, npwp, ActManage)
	if err != nil {
		return Property{}, err
	}
	old, err := s.store.Property(ctx, id)
	if err != nil {
		return Property{}, err
	}
	if old.TaxpayerID != t.ID {
		if involves(old, t.ID) {
			return Property{}, errs.Errorf(errs.Forbidden, "property %d is registered to another taxpayer; its operator changes it", id)
		}
		return Property{}, errs.Errorf(errs.NotFound, "taxpayer %s has no property %d", t.NPWP, id)
	}
	p, err := s.property(ctx, in)
	if err != nil {
		return Property{}, err
	}
	p.ID, p.TaxpayerID, p.CreatedAt, p.UpdatedAt = old.ID, old.TaxpayerID, old.CreatedAt, s.now().UTC()
	detail := describe(p)
	if old.RegencyCode != p.RegencyCode {
		detail += fmt.Sprintf("; region was %s", old.RegencyCode)
	}
	if old.NPWPD != p.NPWPD {
		detail += fmt.Sprintf("; NPWPD was %q", old.NPWPD)
	}
	e := s.entry(ctx, t.ID, "pbjt.property.update", detail)
	if err := s.store.UpdateProperty(ctx, &p, version, e); err != nil {
		return Property{}, err
	}
	return p, nil
}

func describe(p Property) string {
	owners := make([]string, len(p.Owners))
	for i, o := range p.Owners {
		until := "open"
		if !o.Until.IsZero() {
			until = o.Until.Format(time.DateOnly)
		}
		owners[i] = fmt.Sprintf("%s %d bp %s..%s", o.NPWP, o.Share, o.From.Format(time.DateOnly), until)
	}
	return fmt.Sprintf("%s %q in %s, NPWPD %q, %d units, owners %s", p.Kind, p.Name, p.RegencyCode, p.NPWPD, len(p.Units), strings.Join(owners, ", "))
}

// involves reports whether the taxpayer operates or ever owned p.
func involves(p Property, taxpayerID int64) bool {
	return p.TaxpayerID == taxpayerID || slices.ContainsFunc(p.Owners, func(o Owner) bool { return o.TaxpayerID == taxpayerID })
}

// Property returns a property the taxpayer operates or owns.
func (s *Service) Property(ctx context.Context, npwp string, id int64) (Property, error) {
	t, err := s.allowed(ctx, npwp, ActRead)
	if err != nil {
		return Property{}, err
	}
	p, err := s.store.Property(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && !involves(p, t.ID) {
		return Property{}, errs.Errorf(errs.NotFound, "taxpayer %s has no property %d", t.NPWP, id)
	}
	return p, err
}

// Holding is a property in a taxpayer's portfolio with its region's
// configuration today and its next deadlines.
type Holding struct {
	Property Property
	// Operator is true when the property is registered to the taxpayer;
	// Share is the taxpayer's share today (0 when it owns none).
	Operator bool
	Share    int
	// Region is the configuration in force today for the property's
	// region.
	Region Version
	// FilingPeriod and FilingDue are the period whose declaration is due
	// next and its last day; PaymentPeriod and PaymentDue likewise for
	// the payment. A due day is zero when the region's deadline is
	// unknown, and DueNote says why.
	FilingPeriod  Period
	FilingDue     time.Time
	PaymentPeriod Period
	PaymentDue    time.Time
	DueNote       string
}

// Portfolio returns every property the taxpayer operates or owns today,
// each with its region, rate and next deadlines: each property files with
// its own region, on that region's calendar.
func (s *Service) Portfolio(ctx context.Context, npwp string) ([]Holding, error) {
	t, err := s.allowed(ctx, npwp, ActRead)
	if err != nil {
		return nil, err
	}
	table, err := s.table(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.PropertiesOf(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var out []Holding
	for _, p := range ps {
		h := Holding{Property: p, Operator: p.TaxpayerID == t.ID}
		for _, o := range p.OwnersOn(today) {
			if o.TaxpayerID == t.ID {
				h.Share += o.Share
			}
		}
		if !h.Operator && h.Share == 0 {
			continue // a former owner
		}
		if h.Region, err = table.Lookup(p.RegencyCode, today); err != nil {
			return nil, fmt.Errorf("property %d: %w", p.ID, err)
		}
		var notes []string
		h.FilingPeriod, h.FilingDue, err = nextDue(table, p.RegencyCode, today, Version.FilingDue)
		if err != nil {
			notes = append(notes, errs.Message(err))
		}
		h.PaymentPeriod, h.PaymentDue, err = nextDue(table, p.RegencyCode, today, Version.PaymentDue)
		if err != nil {
			notes = append(notes, errs.Message(err))
		}
		h.DueNote = strings.Join(notes, "; ")
		out = append(out, h)
	}
	return out, nil
}

// nextDue returns the period whose deadline comes next on or after today:
// last month's while its deadline has not passed, else this month's. The
// deadline of a period follows the version in force on the period's last
// day.
func nextDue(t Table, code string, today time.Time, due func(Version, Period) (time.Time, error)) (Period, time.Time, error) {
	p := PeriodOf(today).Prev()
	for range 2 {
		last := time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC)
		v, err := t.Lookup(code, last)
		if err != nil {
			return p, time.Time{}, err
		}
		d, err := due(v, p)
		if err != nil {
			return p, time.Time{}, err
		}
		if !d.Before(today) {
			return p, d, nil
		}
		p = p.Next()
	}
	return p, time.Time{}, fmt.Errorf("no deadline of %s falls on or after %s", code, today.Format(time.DateOnly))
}
