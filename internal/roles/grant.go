package roles

import (
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/taxid"
)

// Grant is a role the main PIC of an entity gave one of its related
// parties for a period.
type Grant struct {
	ID         int64
	TaxpayerID int64 // the entity
	PartyID    int64 // the person's own taxpayer record
	PartyNPWP  taxid.NPWP
	PartyName  string
	Role       Role
	ValidFrom  time.Time
	ValidUntil time.Time // zero: open-ended
	GrantedAt  time.Time
	GrantedBy  string
	RevokedAt  time.Time // zero unless revoked
	RevokedBy  string
}

// ActiveOn reports whether the grant is in force on day d.
func (g Grant) ActiveOn(d time.Time) bool {
	return g.RevokedAt.IsZero() && within(d, g.ValidFrom, g.ValidUntil)
}

// State describes the grant on day d: "active since 2026-01-01 until
// 2026-06-30", "expired 2026-06-30", "starts 2026-12-01", "revoked
// 2026-11-20 by ...".
func (g Grant) State(d time.Time) string {
	return periodState(d, g.ValidFrom, g.ValidUntil, g.RevokedAt)
}

// Status is the state of a consultant appointment.
type Status string

// The states of an appointment: pending until the consultant answers.
const (
	Pending  Status = "pending"
	Accepted Status = "accepted"
	Declined Status = "declined"
	Revoked  Status = "revoked"
)

// Appointment is a tax consultant (kuasa) appointed by a taxpayer for given
// roles and months. It gives no rights until the consultant accepts it.
type Appointment struct {
	ID             int64
	TaxpayerID     int64
	TaxpayerNPWP   taxid.NPWP
	TaxpayerName   string
	ConsultantID   int64
	ConsultantNPWP taxid.NPWP
	ConsultantName string
	Roles          []Role
	// ValidFrom is the first day of the first month, ValidUntil the last
	// day of the last month.
	ValidFrom  time.Time
	ValidUntil time.Time
	Status     Status
	InvitedAt  time.Time
	InvitedBy  string
	AnsweredAt time.Time
	RevokedAt  time.Time
	RevokedBy  string
}

// ActiveOn reports whether the appointment is accepted and covers day d.
func (a Appointment) ActiveOn(d time.Time) bool {
	return a.Status == Accepted && within(d, a.ValidFrom, a.ValidUntil)
}

// Covers reports whether the appointment names role r.
func (a Appointment) Covers(r Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Months renders the period as "2026-01 to 2026-12".
func (a Appointment) Months() string {
	return a.ValidFrom.Format("2006-01") + " to " + a.ValidUntil.Format("2006-01")
}

// Describe renders the appointment's state for checklists.
func (a Appointment) Describe(d time.Time) string {
	s := fmt.Sprintf("appointment of %s, %s", a.Months(), a.Status)
	if a.Status == Accepted {
		switch {
		case calendar.Midnight(d).Before(a.ValidFrom):
			s += ", not started yet"
		case calendar.Midnight(d).After(a.ValidUntil):
			s += ", ended"
		}
	}
	return s
}

// OfficerGrant is an officer role held by an officer.
type OfficerGrant struct {
	Username  string
	Role      OfficerRole
	GrantedAt time.Time
	GrantedBy string
}

func within(d, from, until time.Time) bool {
	d = calendar.Midnight(d)
	return !d.Before(from) && (until.IsZero() || !d.After(until))
}

func periodState(d, from, until, revoked time.Time) string {
	d = calendar.Midnight(d)
	switch {
	case !revoked.IsZero():
		return "revoked " + dateString(calendar.Day(revoked))
	case d.Before(from):
		return "starts " + dateString(from)
	case !until.IsZero() && d.After(until):
		return "expired " + dateString(until)
	case until.IsZero():
		return "active since " + dateString(from)
	}
	return "active since " + dateString(from) + " until " + dateString(until)
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
