package roles

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/taxid"
)

// Store persists grants, appointments and officer roles and reads the
// register they refer to. Each method that changes state is one
// transaction that also appends the audit entry it is given. Lookups
// return a NotFound error, never a zero value and nil.
type Store interface {
	// TaxpayerByID and TaxpayerByNPWP read the register.
	TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error)
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
	// Parties returns every related-party row of a taxpayer, ended ones
	// included.
	Parties(ctx context.Context, taxpayerID int64) ([]registration.RelatedParty, error)

	// Grants returns the grants of a taxpayer, revoked and expired ones
	// included, in the order they were made; partyID 0 means every party.
	Grants(ctx context.Context, taxpayerID, partyID int64) ([]Grant, error)
	// AddGrant stores a new grant.
	AddGrant(ctx context.Context, g Grant, e audit.Entry) (Grant, error)
	// RevokeGrant marks a grant of the taxpayer revoked. A grant that does
	// not exist is NotFound; one already revoked is a Conflict.
	RevokeGrant(ctx context.Context, taxpayerID, grantID int64, at time.Time, by string, e audit.Entry) error

	// Appointments returns consultant appointments, newest first, of a
	// taxpayer and/or a consultant (0 for any).
	Appointments(ctx context.Context, taxpayerID, consultantID int64) ([]Appointment, error)
	// Appointment returns one appointment.
	Appointment(ctx context.Context, id int64) (Appointment, error)
	// AddAppointment stores a new, pending appointment.
	AddAppointment(ctx context.Context, a Appointment, e audit.Entry) (Appointment, error)
	// SetAppointmentStatus moves an appointment from one of the states in
	// from to the state to (answered_at for Accepted and Declined,
	// revoked_at/by for Revoked); an appointment in another state is a
	// Conflict.
	SetAppointmentStatus(ctx context.Context, id int64, from []Status, to Status, at time.Time, by string, e audit.Entry) error

	// OfficerRoles returns the roles of an officer ("" for every officer).
	OfficerRoles(ctx context.Context, username string) ([]OfficerGrant, error)
	// AddOfficerRole stores an officer role; one already held is a Conflict.
	AddOfficerRole(ctx context.Context, g OfficerGrant, e audit.Entry) error
	// RemoveOfficerRole removes an officer role; one not held is NotFound.
	RemoveOfficerRole(ctx context.Context, username string, role OfficerRole, e audit.Entry) error
}

// Registries is the company registry the Policy checks directors and
// commissioners against.
type Registries interface {
	Company(ctx context.Context, registryNumber string) (registry.Company, error)
}
