package roles

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
)

// Condition is one line of the checklist that decides an action: what is
// required, whether it is met, and the facts behind it ("director since
// 2024-01-15", "expired 2026-06-30").
type Condition struct {
	Name   string
	Met    bool
	Detail string
}

// Allowed reports whether every condition is met.
func Allowed(conds []Condition) bool {
	for _, c := range conds {
		if !c.Met {
			return false
		}
	}
	return len(conds) > 0
}

// Policy is the actor.Policy of a system with accounts. It reads the
// register, the grants and the appointments on every request, so changes
// take effect at once.
type Policy struct {
	store      Store
	registries Registries
	now        func() time.Time
	rules      Rules
}

var _ actor.Policy = (*Policy)(nil)

// NewPolicy returns a Policy deciding by rules.
func NewPolicy(store Store, registries Registries, now func() time.Time, rules Rules) *Policy {
	return &Policy{store: store, registries: registries, now: now, rules: rules}
}

// Rules returns the policy's rules.
func (p *Policy) Rules() Rules { return p.rules }

// Today returns the current calendar day in WIB as a UTC midnight date.
func (p *Policy) Today() time.Time {
	return calendar.Day(p.now())
}

// Allow implements actor.Policy. The system itself may do anything;
// anonymous principals only what is Public; officers what their officer
// roles cover; a person what the conditions of the action's rule allow
// for them on the taxpayer. A refusal names the first unmet condition.
func (p *Policy) Allow(ctx context.Context, act actor.Action, taxpayerID int64) error {
	a := actor.From(ctx)
	if a.Kind == actor.System {
		return nil
	}
	rule, ok := p.rules[act]
	if !ok {
		return errs.Errorf(errs.Forbidden, "no access rule covers the action %s, so nobody may perform it", act)
	}
	if rule.Need == Public {
		return nil
	}
	switch a.Kind {
	case actor.Officer:
		return refusal(rule, p.officerConditions(ctx, a.ID, rule))
	case actor.Taxpayer:
		if a.TaxpayerID == 0 {
			return errs.Errorf(errs.Unauthenticated, "sign in to %s", rule.What)
		}
		if a.TokenID != 0 && a.ActingForID != 0 && taxpayerID != a.ActingForID {
			return errs.Errorf(errs.Forbidden, "you may not %s: this API token acts for taxpayer %s only", rule.What, a.ActingFor)
		}
		conds, err := p.personConditions(ctx, a.TaxpayerID, taxpayerID, rule)
		if err != nil {
			return err
		}
		return refusal(rule, conds)
	}
	return errs.Errorf(errs.Unauthenticated, "sign in to %s", rule.What)
}

// refusal returns nil when every condition is met, or a Forbidden error
// naming the first one that is not.
func refusal(rule Rule, conds []Condition) error {
	for _, c := range conds {
		if !c.Met {
			msg := fmt.Sprintf("you may not %s: not met: %s", rule.What, c.Name)
			if c.Detail != "" {
				msg += " (" + c.Detail + ")"
			}
			return errs.E(errs.Forbidden, msg)
		}
	}
	if len(conds) == 0 {
		return errs.Errorf(errs.Forbidden, "you may not %s", rule.What)
	}
	return nil
}

// actRule is what acting for a taxpayer at all (switching to it) requires.
var actRule = Rule{Need: Related, What: "act for this taxpayer"}

// CanActFor reports whether the person with the taxpayer record person may
// act for (switch to) the taxpayer target: their own record, an entity of
// which they are an active related party, or a taxpayer whose appointment
// of them as consultant is accepted and covers today. A refusal is a
// Forbidden error naming the unmet condition.
func (p *Policy) CanActFor(ctx context.Context, person, target int64) error {
	conds, err := p.personConditions(ctx, person, target, actRule)
	if err != nil {
		return err
	}
	return refusal(actRule, conds)
}

// Why lists the conditions that decide whether the person with the
// taxpayer record person may perform act on the taxpayer target, met or
// not. An action without a rule yields one unmet condition saying so.
func (p *Policy) Why(ctx context.Context, person, target int64, act actor.Action) ([]Condition, error) {
	rule, ok := p.rules[act]
	if !ok {
		return []Condition{{Name: "the action " + string(act) + " is known", Detail: "no access rule covers it; see the list of actions"}}, nil
	}
	if rule.Need == Public {
		return []Condition{{Name: "anyone may " + rule.What, Met: true}}, nil
	}
	return p.personConditions(ctx, person, target, rule)
}

// WhyOfficer lists the conditions that decide whether the officer may
// perform act.
func (p *Policy) WhyOfficer(ctx context.Context, username string, act actor.Action) []Condition {
	rule, ok := p.rules[act]
	if !ok {
		return []Condition{{Name: "the action " + string(act) + " is known", Detail: "no access rule covers it; see the list of actions"}}
	}
	if rule.Need == Public {
		return []Condition{{Name: "anyone may " + rule.What, Met: true}}
	}
	return p.officerConditions(ctx, username, rule)
}

func (p *Policy) officerConditions(ctx context.Context, username string, rule Rule) []Condition {
	if rule.Officer == "" {
		return []Condition{{Name: "officers may " + rule.What,
			Detail: "this is done by the taxpayer or the people who represent it, or by an administrator on the command line"}}
	}
	c := Condition{Name: "holds the officer role " + string(rule.Officer)}
	held, err := p.store.OfficerRoles(ctx, username)
	if err != nil {
		c.Detail = "the officer roles could not be read: " + errs.Message(err)
		return []Condition{c}
	}
	var names []string
	for _, g := range held {
		if g.Role == rule.Officer {
			c.Met, c.Detail = true, "granted "+dateString(calendar.Day(g.GrantedAt))+" by "+g.GrantedBy
			return []Condition{c}
		}
		names = append(names, string(g.Role))
	}
	if len(names) == 0 {
		c.Detail = fmt.Sprintf("officer %s holds no officer role", username)
	} else {
		c.Detail = fmt.Sprintf("officer %s holds %s", username, strings.Join(names, ", "))
	}
	c.Detail += fmt.Sprintf("; an administrator grants it with: coretax officer grant --username %s --role %s", username, rule.Officer)
	return []Condition{c}
}

// personConditions builds the checklist for a taxpayer-side person.
func (p *Policy) personConditions(ctx context.Context, person, target int64, rule Rule) ([]Condition, error) {
	if rule.Need == OfficerOnly {
		name := "is a tax officer"
		if rule.Officer != "" {
			name += " holding " + string(rule.Officer)
		}
		return []Condition{{Name: name, Detail: "only tax officers may " + rule.What}}, nil
	}
	if target == 0 {
		return []Condition{{Name: "names a taxpayer", Detail: "to " + rule.What + ", name the taxpayer"}}, nil
	}
	t, err := p.store.TaxpayerByID(ctx, target)
	if errs.Is(errs.NotFound, err) {
		return []Condition{{Name: "the taxpayer is registered", Detail: fmt.Sprintf("no taxpayer has internal ID %d", target)}}, nil
	}
	if err != nil {
		return nil, err
	}
	today := p.Today()
	if person == target {
		conds := []Condition{
			{Name: "the taxpayer is registered", Met: true, Detail: fmt.Sprintf("%s, %s, registered %s", t.Name, t.NPWP.Format(), dateString(calendar.Day(t.RegisteredAt)))},
			{Name: "is your own taxpayer record", Met: true, Detail: "signed in as " + t.Name},
		}
		if rule.Need == HoldsRole && !t.Kind.Individual() {
			conds = append(conds, Condition{Name: "document work is done by a person",
				Detail: fmt.Sprintf("the own login of %s does not draft or sign; sign in with your own account and act for it as its main PIC or with the role %s", t.Name, rule.Role)})
		}
		return conds, nil
	}
	if rule.Need == Self {
		return []Condition{{Name: "is your own taxpayer record", Detail: "only the taxpayer's own login may " + rule.What}}, nil
	}
	parties, err := p.store.Parties(ctx, target)
	if err != nil {
		return nil, err
	}
	var mine []registration.RelatedParty
	for _, r := range parties {
		if r.PartyID == person {
			mine = append(mine, r)
		}
	}
	apps, err := p.store.Appointments(ctx, target, person)
	if err != nil {
		return nil, err
	}
	// Name the taxpayer only to people it records a relation with.
	label := "the taxpayer " + t.NPWP.Format()
	if len(mine) > 0 || len(apps) > 0 {
		label = t.Name
	}
	registered := Condition{Name: label + " is registered", Met: true, Detail: "NPWP " + t.NPWP.Format()}
	if len(mine) == 0 && len(apps) == 0 {
		return []Condition{registered, {
			Name:   "is an active related party or an accepted consultant of " + label,
			Detail: label + " records no relation with you; its main PIC can add you as a related party or appoint you as its consultant",
		}}, nil
	}
	var rel, cons []Condition
	if len(mine) > 0 {
		if rel, err = p.relationPath(ctx, t, person, mine, parties, rule, today); err != nil {
			return nil, err
		}
		if Allowed(rel) {
			return append([]Condition{registered}, rel...), nil
		}
	}
	if len(apps) > 0 {
		cons = consultantPath(t, apps, rule, today)
		if Allowed(cons) {
			return append([]Condition{registered}, cons...), nil
		}
	}
	return append(append([]Condition{registered}, rel...), cons...), nil
}

// relationPath is the checklist of a related party.
func (p *Policy) relationPath(ctx context.Context, t registration.Taxpayer, person int64, mine, parties []registration.RelatedParty, rule Rule, today time.Time) ([]Condition, error) {
	var active []registration.RelatedParty
	var facts []string
	for _, r := range mine {
		if r.ActiveOn(today) {
			active = append(active, r)
			facts = append(facts, relationFact(r, today))
		}
	}
	c := Condition{Name: "is an active related party of " + t.Name, Met: len(active) > 0}
	if !c.Met {
		for _, r := range mine {
			facts = append(facts, relationFact(r, today))
		}
	}
	c.Detail = strings.Join(facts, "; ")
	conds := []Condition{c}
	if len(active) > 0 {
		rc, ok, err := p.registryCondition(ctx, t, active)
		if err != nil {
			return nil, err
		}
		if ok {
			conds = append(conds, rc)
		}
	}
	pic, hasPIC := registration.Profile{Parties: parties}.MainPICOn(today)
	isPIC := hasPIC && pic.PartyID == person
	switch rule.Need {
	case PIC:
		pc := Condition{Name: "is the main PIC of " + t.Name, Met: isPIC}
		switch {
		case isPIC:
			pc.Detail = "main PIC since " + dateString(pic.ValidFrom)
		case hasPIC:
			pc.Detail = fmt.Sprintf("the main PIC is %s since %s", pic.Name, dateString(pic.ValidFrom))
		default:
			pc.Detail = t.Name + " has no main PIC today"
		}
		conds = append(conds, pc)
	case HoldsRole:
		hc := Condition{Name: "holds the role " + roleName(rule.Role)}
		if isPIC {
			hc.Met, hc.Detail = true, "as main PIC, who holds every role"
		} else {
			grants, err := p.store.Grants(ctx, t.ID, person)
			if err != nil {
				return nil, err
			}
			var states []string
			for _, g := range grants {
				if g.Role != rule.Role {
					continue
				}
				if g.ActiveOn(today) {
					hc.Met, states = true, []string{"granted " + g.State(today)}
					break
				}
				states = append(states, g.State(today))
			}
			if len(states) == 0 {
				states = []string{"never granted; the main PIC of " + t.Name + " grants roles under People and roles"}
			}
			hc.Detail = strings.Join(states, "; ")
		}
		conds = append(conds, hc)
	}
	return conds, nil
}

// relationFact describes a related-party row: "director since
// 2024-01-15", "employee from 2025-01-01 until 2025-12-31 (ended)".
func relationFact(r registration.RelatedParty, today time.Time) string {
	s := string(r.Relation)
	if r.MainPIC {
		s += " and main PIC"
	}
	switch {
	case today.Before(r.ValidFrom):
		s += " from " + dateString(r.ValidFrom) + " (not started)"
	case r.ValidUntil.IsZero():
		s += " since " + dateString(r.ValidFrom)
	case today.After(r.ValidUntil):
		s += " from " + dateString(r.ValidFrom) + " until " + dateString(r.ValidUntil) + " (ended)"
	default:
		s += " since " + dateString(r.ValidFrom) + " until " + dateString(r.ValidUntil)
	}
	return s
}

// registryCondition checks a person's active relations with an entity
// against the company registry's officer list, as registration does when
// the party is added: the registry can change afterwards (a director
// removed, a name corrected), and acting for the company relies on it. It
// applies only when every active relation is one the registry lists
// (director, commissioner, shareholder) and identifies the person; ok is
// false when it does not apply.
func (p *Policy) registryCondition(ctx context.Context, t registration.Taxpayer, active []registration.RelatedParty) (Condition, bool, error) {
	if t.Kind != registration.Entity || t.RegistryNumber == "" || p.registries == nil {
		return Condition{}, false, nil
	}
	for _, r := range active {
		if r.Relation == registration.Employee || (r.NIK == "" && r.Passport == "") {
			return Condition{}, false, nil
		}
	}
	c := Condition{Name: "the person's name matches the company registry officer list"}
	co, err := p.registries.Company(ctx, t.RegistryNumber)
	if errs.Is(errs.NotFound, err) {
		c.Detail = fmt.Sprintf("the company registry has no record of registry number %s; the tax office imports it", t.RegistryNumber)
		return c, true, nil
	}
	if err != nil {
		return c, false, err
	}
	var problems []string
	for _, r := range active {
		o, found := findOfficer(co.Officers, r)
		switch {
		case !found:
			problems = append(problems, fmt.Sprintf("the company registry lists no %s of %s with %s", r.Relation, co.Name, identification(r)))
		case !registry.SameName(o.Name, r.Name):
			problems = append(problems, fmt.Sprintf("the company registry lists the %s with %s as %q, the register as %q", r.Relation, identification(r), o.Name, r.Name))
		default:
			c.Met, c.Detail = true, fmt.Sprintf("listed as %s %s of %s", r.Relation, o.Name, co.Name)
			return c, true, nil
		}
	}
	c.Detail = strings.Join(problems, "; ") + "; the company must correct its registry record (or the register), then the relation counts again"
	return c, true, nil
}

func findOfficer(officers []registry.Officer, r registration.RelatedParty) (registry.Officer, bool) {
	for _, o := range officers {
		if !strings.EqualFold(string(o.Position), string(r.Relation)) {
			continue
		}
		if (r.NIK != "" && o.NIK == r.NIK) || (r.Passport != "" && o.Passport == r.Passport && o.Nationality == r.Nationality) {
			return o, true
		}
	}
	return registry.Officer{}, false
}

func identification(r registration.RelatedParty) string {
	if r.NIK != "" {
		return "NIK " + r.NIK
	}
	return "passport " + r.Passport + " (" + r.Nationality + ")"
}

// consultantPath is the checklist of a consultant.
func consultantPath(t registration.Taxpayer, apps []Appointment, rule Rule, today time.Time) []Condition {
	acc := Condition{Name: "consultant invitation from " + t.Name + " accepted"}
	cover := Condition{Name: "the accepted appointment covers today (" + dateString(today) + ")"}
	var facts []string
	var current []Appointment
	for _, a := range apps {
		facts = append(facts, a.Describe(today))
		if a.Status == Accepted {
			acc.Met = true
			if a.ActiveOn(today) {
				current = append(current, a)
			}
		}
	}
	acc.Detail = strings.Join(facts, "; ")
	if !acc.Met && apps[0].Status == Pending {
		acc.Detail += "; accept it under Invitations"
	}
	cover.Met = len(current) > 0
	if cover.Met {
		cover.Detail = current[0].Months()
	} else {
		cover.Detail = "no accepted appointment covers this month"
	}
	conds := []Condition{acc, cover}
	switch rule.Need {
	case PIC:
		who := "its main PIC"
		if t.Kind.Individual() {
			who = t.Name + " themselves"
		}
		conds = append(conds, Condition{Name: "is the main PIC of " + t.Name,
			Detail: "a consultant acts only with the roles of the appointment; " + who + " does this"})
	case HoldsRole:
		rc := Condition{Name: "the appointment includes the role " + roleName(rule.Role)}
		for _, a := range current {
			if a.Covers(rule.Role) {
				rc.Met, rc.Detail = true, "appointment of "+a.Months()
				break
			}
		}
		if !rc.Met {
			rc.Detail = "the current appointment does not name it; " + t.Name + " can appoint you again with it"
		}
		conds = append(conds, rc)
	}
	return conds
}

func roleName(r Role) string {
	in := r.Info()
	if in.Code != string(r) {
		return string(r) + " (" + in.Code + ")"
	}
	return string(r)
}
