package roles

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/taxid"
)

// Service holds the use cases of roles and delegation.
type Service struct {
	store  Store
	policy *Policy
	now    func() time.Time
}

// NewService returns a Service deciding access with policy.
func NewService(store Store, policy *Policy, now func() time.Time) *Service {
	return &Service{store: store, policy: policy, now: now}
}

// Policy returns the service's policy.
func (s *Service) Policy() *Policy { return s.policy }

// People is what the "People and roles" page of a taxpayer shows.
type People struct {
	Taxpayer     registration.Taxpayer
	Today        time.Time
	Parties      []PartyRoles
	Appointments []Appointment
}

// PartyRoles is a related party with the roles granted to them.
type PartyRoles struct {
	Party  registration.RelatedParty
	Active bool // the relation covers today
	PIC    bool // the main PIC today
	Grants []Grant
}

// Grantable reports whether roles can be granted to the party: a person
// with an own taxpayer record whose relation has not ended.
func (pr PartyRoles) Grantable(today time.Time) bool {
	return pr.Party.PartyID != 0 && (pr.Party.ValidUntil.IsZero() || !pr.Party.ValidUntil.Before(today))
}

func (s *Service) taxpayer(ctx context.Context, field, npwp string) (registration.Taxpayer, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return registration.Taxpayer{}, errs.InvalidFields("the NPWP is not valid", errs.Field(field, npwp, "%s", errs.Message(err)))
	}
	return s.store.TaxpayerByNPWP(ctx, n)
}

// target loads the taxpayer named by npwp and asks the policy for act.
func (s *Service) target(ctx context.Context, npwp string, act actor.Action) (registration.Taxpayer, error) {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return t, err
	}
	if err := s.policy.Allow(ctx, act, t.ID); err != nil {
		return registration.Taxpayer{}, err
	}
	return t, nil
}

// People lists the related parties of a taxpayer with their grants, and
// its consultant appointments.
func (s *Service) People(ctx context.Context, npwp string) (People, error) {
	t, err := s.target(ctx, npwp, ActRead)
	if err != nil {
		return People{}, err
	}
	today := s.policy.Today()
	parties, err := s.store.Parties(ctx, t.ID)
	if err != nil {
		return People{}, err
	}
	grants, err := s.store.Grants(ctx, t.ID, 0)
	if err != nil {
		return People{}, err
	}
	apps, err := s.store.Appointments(ctx, t.ID, 0)
	if err != nil {
		return People{}, err
	}
	pic, hasPIC := registration.Profile{Parties: parties}.MainPICOn(today)
	out := People{Taxpayer: t, Today: today, Appointments: apps}
	for _, r := range parties {
		pr := PartyRoles{Party: r, Active: r.ActiveOn(today), PIC: hasPIC && pic.ID == r.ID}
		if r.PartyID != 0 {
			for _, g := range grants {
				if g.PartyID == r.PartyID {
					pr.Grants = append(pr.Grants, g)
				}
			}
		}
		out.Parties = append(out.Parties, pr)
	}
	return out, nil
}

// GrantInput is a role to grant.
type GrantInput struct {
	PartyNPWP  string // the related party's own NPWP
	Role       string // short name or Coretax code
	ValidFrom  string // YYYY-MM-DD; empty for today
	ValidUntil string // YYYY-MM-DD; empty for open-ended
}

// Grant gives a related party of the taxpayer a role for a period. It
// takes effect at once: the policy reads the grants on every request.
func (s *Service) Grant(ctx context.Context, npwp string, in GrantInput) (Grant, error) {
	t, err := s.target(ctx, npwp, ActGrant)
	if err != nil {
		return Grant{}, err
	}
	today := s.policy.Today()
	var fs errs.Fields
	role, err := ParseRole(in.Role)
	if err != nil {
		fs.Add("role", in.Role, "%s", err.Error())
	}
	from, until := parsePeriod(&fs, in.ValidFrom, in.ValidUntil, today)
	var party registration.Taxpayer
	if strings.TrimSpace(in.PartyNPWP) == "" {
		fs.Add("party_npwp", in.PartyNPWP, "is required: the NPWP of the related party who receives the role")
	} else if party, err = s.taxpayer(ctx, "party_npwp", in.PartyNPWP); err != nil {
		if !errs.Is(errs.NotFound, err) && !errs.Is(errs.Invalid, err) {
			return Grant{}, err
		}
		fs.Add("party_npwp", in.PartyNPWP, "is not a registered taxpayer; a role goes to a related party with an own taxpayer record")
	}
	if err := fs.Err("the grant has errors; correct the fields named below"); err != nil {
		return Grant{}, err
	}
	parties, err := s.store.Parties(ctx, t.ID)
	if err != nil {
		return Grant{}, err
	}
	related := false
	var ended time.Time
	for _, r := range parties {
		if r.PartyID != party.ID {
			continue
		}
		if r.ValidUntil.IsZero() || !r.ValidUntil.Before(from) {
			related = true
		} else if r.ValidUntil.After(ended) {
			ended = r.ValidUntil
		}
	}
	if !related {
		msg := fmt.Sprintf("%s is not a related party of %s; add them under Related parties first", party.Name, t.Name)
		if !ended.IsZero() {
			msg = fmt.Sprintf("%s was a related party of %s until %s; a role needs a relation that covers its start", party.Name, t.Name, dateString(ended))
		}
		return Grant{}, errs.InvalidFields("the grant has errors; correct the fields named below", errs.Field("party_npwp", in.PartyNPWP, "%s", msg))
	}
	existing, err := s.store.Grants(ctx, t.ID, party.ID)
	if err != nil {
		return Grant{}, err
	}
	for _, g := range existing {
		if g.Role == role && g.RevokedAt.IsZero() && overlaps(from, until, g.ValidFrom, g.ValidUntil) {
			return Grant{}, &errs.Error{Kind: errs.Conflict, Message: "the grant overlaps an existing one",
				Fields: []errs.FieldError{errs.Field("role", string(role), "%s already holds %s (%s); revoke that grant first or choose dates outside it", party.Name, role, g.State(today))}}
		}
	}
	a := actor.From(ctx)
	now := s.now().UTC()
	g := Grant{TaxpayerID: t.ID, PartyID: party.ID, PartyNPWP: party.NPWP, PartyName: party.Name, Role: role,
		ValidFrom: from, ValidUntil: until, GrantedAt: now, GrantedBy: a.String()}
	e := entry(a, now, t.ID, "roles.grant", fmt.Sprintf("%s to %s (%s) %s", roleName(role), party.Name, party.NPWP, periodText(from, until)))
	return s.store.AddGrant(ctx, g, e)
}

// Revoke ends a grant at once.
func (s *Service) Revoke(ctx context.Context, npwp string, grantID int64) error {
	t, err := s.target(ctx, npwp, ActGrant)
	if err != nil {
		return err
	}
	grants, err := s.store.Grants(ctx, t.ID, 0)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if g.ID != grantID {
			continue
		}
		a := actor.From(ctx)
		now := s.now().UTC()
		e := entry(a, now, t.ID, "roles.revoke", fmt.Sprintf("%s of %s (%s), was %s", roleName(g.Role), g.PartyName, g.PartyNPWP, g.State(s.policy.Today())))
		return s.store.RevokeGrant(ctx, t.ID, grantID, now, a.String(), e)
	}
	return errs.Errorf(errs.NotFound, "%s has no grant %d", t.NPWP.Format(), grantID)
}

// AppointInput is a consultant invitation.
type AppointInput struct {
	ConsultantNPWP string
	Roles          []string // short names or Coretax codes
	From, Until    string   // YYYY-MM
}

// Appoint invites a registered individual as consultant (kuasa) of the
// taxpayer for the given roles and months. The appointment gives no rights
// until the consultant accepts it.
func (s *Service) Appoint(ctx context.Context, npwp string, in AppointInput) (Appointment, error) {
	t, err := s.target(ctx, npwp, ActAppoint)
	if err != nil {
		return Appointment{}, err
	}
	today := s.policy.Today()
	var fs errs.Fields
	var cons registration.Taxpayer
	if strings.TrimSpace(in.ConsultantNPWP) == "" {
		fs.Add("consultant_npwp", in.ConsultantNPWP, "is required: the NPWP (or NIK) of the consultant")
	} else if cons, err = s.taxpayer(ctx, "consultant_npwp", in.ConsultantNPWP); err != nil {
		if !errs.Is(errs.NotFound, err) && !errs.Is(errs.Invalid, err) {
			return Appointment{}, err
		}
		fs.Add("consultant_npwp", in.ConsultantNPWP, "is not a registered taxpayer; the consultant registers first")
	} else if !cons.Kind.Individual() {
		fs.Add("consultant_npwp", in.ConsultantNPWP, "belongs to %s, which is not an individual; a consultant is a person who signs in with their own account", cons.Name)
	} else if cons.ID == t.ID {
		fs.Add("consultant_npwp", in.ConsultantNPWP, "is the taxpayer's own NPWP")
	}
	var roles []Role
	seen := map[Role]bool{}
	bad := false
	for _, r := range in.Roles {
		if strings.TrimSpace(r) == "" {
			continue
		}
		role, err := ParseRole(r)
		if err != nil {
			fs.Add("roles", r, "%s", err.Error())
			bad = true
			continue
		}
		if !seen[role] {
			seen[role] = true
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 && !bad {
		fs.Add("roles", "", "choose at least one role the consultant may exercise")
	}
	sort.Slice(roles, func(i, j int) bool { return catalogueIndex(roles[i]) < catalogueIndex(roles[j]) })
	from, okFrom := parseMonth(&fs, "from", in.From)
	until, okUntil := parseMonth(&fs, "until", in.Until)
	if okFrom && okUntil {
		until = until.AddDate(0, 1, -1) // last day of the month
		if until.Before(from) {
			fs.Add("until", in.Until, "is before the first month %s; give a last month on or after it", in.From)
		} else if until.Before(today) {
			fs.Add("until", in.Until, "has passed; the appointment would never be in force")
		}
	}
	if err := fs.Err("the invitation has errors; correct the fields named below"); err != nil {
		return Appointment{}, err
	}
	a := actor.From(ctx)
	now := s.now().UTC()
	ap := Appointment{TaxpayerID: t.ID, TaxpayerNPWP: t.NPWP, TaxpayerName: t.Name,
		ConsultantID: cons.ID, ConsultantNPWP: cons.NPWP, ConsultantName: cons.Name,
		Roles: roles, ValidFrom: from, ValidUntil: until, Status: Pending, InvitedAt: now, InvitedBy: a.String()}
	e := entry(a, now, t.ID, "roles.appoint", fmt.Sprintf("consultant %s (%s) invited for %s, %s", cons.Name, cons.NPWP, roleList(roles), ap.Months()))
	return s.store.AddAppointment(ctx, ap, e)
}

// RevokeAppointment ends a pending or accepted appointment at once.
func (s *Service) RevokeAppointment(ctx context.Context, npwp string, id int64) error {
	t, err := s.target(ctx, npwp, ActAppoint)
	if err != nil {
		return err
	}
	ap, err := s.store.Appointment(ctx, id)
	if err != nil || ap.TaxpayerID != t.ID {
		return errs.Errorf(errs.NotFound, "%s has no consultant appointment %d", t.NPWP.Format(), id)
	}
	a := actor.From(ctx)
	now := s.now().UTC()
	e := entry(a, now, t.ID, "roles.appointment.revoked", fmt.Sprintf("consultant %s (%s), %s, was %s", ap.ConsultantName, ap.ConsultantNPWP, ap.Months(), ap.Status))
	return s.store.SetAppointmentStatus(ctx, id, []Status{Pending, Accepted}, Revoked, now, a.String(), e)
}

// Invitations returns the appointments addressed to the taxpayer with the
// given NPWP as consultant, newest first.
func (s *Service) Invitations(ctx context.Context, npwp string) ([]Appointment, error) {
	t, err := s.target(ctx, npwp, ActAnswer)
	if err != nil {
		return nil, err
	}
	return s.store.Appointments(ctx, 0, t.ID)
}

// Answer accepts or declines a pending invitation addressed to the
// taxpayer with the given NPWP.
func (s *Service) Answer(ctx context.Context, npwp string, id int64, accept bool) (Appointment, error) {
	t, err := s.target(ctx, npwp, ActAnswer)
	if err != nil {
		return Appointment{}, err
	}
	ap, err := s.store.Appointment(ctx, id)
	if err != nil || ap.ConsultantID != t.ID {
		return Appointment{}, errs.Errorf(errs.NotFound, "no consultant invitation %d is addressed to %s", id, t.NPWP.Format())
	}
	to, action := Declined, "roles.appointment.declined"
	if accept {
		to, action = Accepted, "roles.appointment.accepted"
	}
	a := actor.From(ctx)
	now := s.now().UTC()
	e := entry(a, now, ap.TaxpayerID, action, fmt.Sprintf("consultant %s (%s) for %s, %s", t.Name, t.NPWP, roleList(ap.Roles), ap.Months()))
	if err := s.store.SetAppointmentStatus(ctx, id, []Status{Pending}, to, now, a.String(), e); err != nil {
		return Appointment{}, err
	}
	return s.store.Appointment(ctx, id)
}

// Diagnosis is the answer to "why can't I": the action, the taxpayer, and
// every condition with its state.
type Diagnosis struct {
	Action     actor.Action
	What       string
	NPWP       taxid.NPWP
	Allowed    bool
	Conditions []Condition
}

// Why explains whether the signed-in principal may perform action on the
// taxpayer with the given NPWP, condition by condition.
func (s *Service) Why(ctx context.Context, npwp, action string) (Diagnosis, error) {
	a := actor.From(ctx)
	act := actor.Action(strings.TrimSpace(action))
	rule, ok := s.policy.rules[act]
	if !ok {
		names := make([]string, 0, len(s.policy.rules))
		for _, x := range s.policy.rules.Actions() {
			names = append(names, string(x))
		}
		return Diagnosis{}, errs.InvalidFields("unknown action", errs.Field("action", action, "is not an action; use one of %s", strings.Join(names, ", ")))
	}
	d := Diagnosis{Action: act, What: rule.What}
	if rule.Need == Public {
		d.Allowed, d.Conditions = true, []Condition{{Name: "anyone may " + rule.What, Met: true}}
		return d, nil
	}
	if a.Kind == actor.Anonymous || a.Kind == "" || (a.Kind == actor.Taxpayer && a.TaxpayerID == 0) {
		return Diagnosis{}, errs.E(errs.Unauthenticated, "sign in to see what you may do")
	}
	var target int64
	if strings.TrimSpace(npwp) != "" {
		t, err := s.taxpayer(ctx, "taxpayer", npwp)
		switch {
		case errs.Is(errs.NotFound, err):
			n, _, _ := taxid.ParseNPWP(npwp)
			d.NPWP = n
			d.Conditions = []Condition{{Name: "the taxpayer is registered", Detail: "no taxpayer is registered with NPWP " + n.Format()}}
			return d, nil
		case err != nil:
			return Diagnosis{}, err
		}
		target, d.NPWP = t.ID, t.NPWP
	}
	switch a.Kind {
	case actor.System:
		d.Conditions = []Condition{{Name: "is the system itself", Met: true}}
	case actor.Officer:
		d.Conditions = s.policy.WhyOfficer(ctx, a.ID, act)
	case actor.Taxpayer:
		conds, err := s.policy.Why(ctx, a.TaxpayerID, target, act)
		if err != nil {
			return Diagnosis{}, err
		}
		d.Conditions = conds
	default:
		return Diagnosis{}, errs.E(errs.Unauthenticated, "sign in to see what you may do")
	}
	d.Allowed = Allowed(d.Conditions)
	return d, nil
}

// GrantOfficerRole gives an officer an officer role.
func (s *Service) GrantOfficerRole(ctx context.Context, username, role string) (OfficerGrant, error) {
	if err := s.policy.Allow(ctx, ActOfficer, 0); err != nil {
		return OfficerGrant{}, err
	}
	u, r, err := officerInput(username, role)
	if err != nil {
		return OfficerGrant{}, err
	}
	a := actor.From(ctx)
	now := s.now().UTC()
	g := OfficerGrant{Username: u, Role: r, GrantedAt: now, GrantedBy: a.String()}
	e := entry(a, now, 0, "roles.officer.grant", fmt.Sprintf("officer role %s to %s", r, u))
	if err := s.store.AddOfficerRole(ctx, g, e); err != nil {
		return OfficerGrant{}, err
	}
	return g, nil
}

// RevokeOfficerRole takes an officer role away.
func (s *Service) RevokeOfficerRole(ctx context.Context, username, role string) error {
	if err := s.policy.Allow(ctx, ActOfficer, 0); err != nil {
		return err
	}
	u, r, err := officerInput(username, role)
	if err != nil {
		return err
	}
	a := actor.From(ctx)
	e := entry(a, s.now().UTC(), 0, "roles.officer.revoke", fmt.Sprintf("officer role %s of %s", r, u))
	return s.store.RemoveOfficerRole(ctx, u, r, e)
}

// OfficerRoles lists the roles of an officer ("" for every officer).
func (s *Service) OfficerRoles(ctx context.Context, username string) ([]OfficerGrant, error) {
	if err := s.policy.Allow(ctx, ActOfficer, 0); err != nil {
		return nil, err
	}
	return s.store.OfficerRoles(ctx, strings.TrimSpace(username))
}

func officerInput(username, role string) (string, OfficerRole, error) {
	var fs errs.Fields
	u := strings.TrimSpace(username)
	if u == "" {
		fs.Add("username", username, "is required: the officer's user name")
	}
	r, err := ParseOfficerRole(role)
	if err != nil {
		fs.Add("role", role, "%s", err.Error())
	}
	return u, r, fs.Err("the officer role has errors; correct the fields named below")
}

func entry(a actor.Actor, at time.Time, taxpayerID int64, action, detail string) audit.Entry {
	return audit.Entry{At: at, Actor: a.String(), AccountID: a.AccountID, TaxpayerID: taxpayerID,
		Action: action, Address: a.Address, Detail: detail}
}

func parsePeriod(fs *errs.Fields, fromS, untilS string, today time.Time) (from, until time.Time) {
	from = today
	if s := strings.TrimSpace(fromS); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		switch {
		case err != nil:
			fs.Add("valid_from", fromS, "must be a date YYYY-MM-DD, e.g. %s", dateString(today))
		case d.Before(today):
			fs.Add("valid_from", fromS, "is in the past; a role takes effect from today (%s) or a later day", dateString(today))
		default:
			from = d
		}
	}
	if s := strings.TrimSpace(untilS); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		switch {
		case err != nil:
			fs.Add("valid_until", untilS, "must be a date YYYY-MM-DD, or empty for open-ended")
		case d.Before(from):
			fs.Add("valid_until", untilS, "is before the first day %s; give a last day on or after it", dateString(from))
		default:
			until = d
		}
	}
	return from, until
}

func parseMonth(fs *errs.Fields, field, s string) (time.Time, bool) {
	m, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		fs.Add(field, s, "must be a month YYYY-MM, e.g. 2026-01")
		return time.Time{}, false
	}
	return m, true
}

func overlaps(f1, u1, f2, u2 time.Time) bool {
	return (u2.IsZero() || !f1.After(u2)) && (u1.IsZero() || !f2.After(u1))
}

func periodText(from, until time.Time) string {
	if until.IsZero() {
		return "from " + dateString(from)
	}
	return "from " + dateString(from) + " until " + dateString(until)
}

func roleList(rs []Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func catalogueIndex(r Role) int {
	for i, in := range catalogue {
		if in.Role == r {
			return i
		}
	}
	return len(catalogue)
}
