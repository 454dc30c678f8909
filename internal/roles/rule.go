package roles

import (
	"sort"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
)

// Need is what a taxpayer-side person needs to perform an action on a
// taxpayer.
type Need int

// The needs, from the least to the most demanding.
const (
	// Public: anyone, signed in or not (registering a new taxpayer).
	Public Need = iota + 1
	// Related: the taxpayer's own login, an active related party of it,
	// or a consultant whose accepted appointment covers today.
	Related
	// PIC: the taxpayer's own login or the main PIC of the entity today.
	PIC
	// HoldsRole: the own login of an individual; for an entity, its main
	// PIC (who holds every role) or a related party or consultant holding
	// Rule.Role today.
	HoldsRole
	// Self: only the taxpayer's own login.
	Self
	// OfficerOnly: only tax officers holding Rule.Officer; with no
	// Officer role named, only the system itself (the command line).
	OfficerOnly
)

// Rule is what an action requires.
type Rule struct {
	Need Need
	// Role is the role a HoldsRole action needs.
	Role Role
	// Officer is the officer role with which officers may perform the
	// action; empty when officers may not.
	Officer OfficerRole
	// What says what the action does, for messages: "change this
	// taxpayer's profile".
	What string
}

// Rules maps actions to their rules. An action without a rule is refused
// to everyone but the system.
type Rules map[actor.Action]Rule

// The actions of this package.
const (
	ActRead    actor.Action = "roles.read"    // see the people and roles of a taxpayer
	ActGrant   actor.Action = "roles.grant"   // grant and revoke roles
	ActAppoint actor.Action = "roles.appoint" // appoint and revoke consultants
	ActAnswer  actor.Action = "roles.answer"  // see and answer one's own invitations
	ActOfficer actor.Action = "roles.officer" // grant and revoke officer roles
)

// DefaultRules returns the rules of the actions of registration, audit and
// this package: the one table in which they are decided. Other domains add
// theirs with Merge.
func DefaultRules() Rules {
	return Rules{
		registration.ActRegister: {Need: Public, What: "register a new taxpayer"},
		registration.ActRead:     {Need: Related, Officer: OfficerRegistration, What: "see this taxpayer's profile"},
		registration.ActUpdate:   {Need: PIC, Officer: OfficerRegistration, What: "change this taxpayer's profile"},
		registration.ActManage:   {Need: PIC, Officer: OfficerRegistration, What: "manage this taxpayer's places of business, related parties and main PIC"},
		registration.ActSearch:   {Need: OfficerOnly, Officer: OfficerRegistration, What: "search the register"},
		registration.ActSetPKP:   {Need: OfficerOnly, Officer: OfficerRegistration, What: "confirm or revoke PKP status"},
		registration.ActLinkNPWP: {Need: OfficerOnly, Officer: OfficerRegistration, What: "link a legacy NPWP"},

		audit.ActRead: {Need: Related, Officer: OfficerAudit, What: "read this taxpayer's audit log"},

		registry.ActImport: {Need: OfficerOnly, Officer: OfficerRegistration, What: "load a reference registry"},
		registry.ActRead:   {Need: OfficerOnly, Officer: OfficerRegistration, What: "look up a reference registry record"},

		ActRead:    {Need: PIC, Officer: OfficerAccess, What: "see who holds which role for this taxpayer"},
		ActGrant:   {Need: PIC, What: "grant or revoke roles for this taxpayer"},
		ActAppoint: {Need: PIC, What: "appoint or revoke tax consultants for this taxpayer"},
		ActAnswer:  {Need: Self, What: "see and answer the consultant invitations addressed to this taxpayer"},
		ActOfficer: {Need: OfficerOnly, What: "grant or revoke officer roles"},
	}
}

// Merge returns a copy of r with more's rules added (replacing r's for the
// same action).
func (r Rules) Merge(more Rules) Rules {
	out := make(Rules, len(r)+len(more))
	for k, v := range r {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// Actions lists the actions in name order.
func (r Rules) Actions() []actor.Action {
	out := make([]actor.Action, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
