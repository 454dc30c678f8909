package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/taxid"
)

// RolesStore implements roles.Store.
type RolesStore struct {
	db  *DB
	reg *RegistrationStore
}

// Roles returns the store of role grants, consultant appointments and
// officer roles.
func (db *DB) Roles() *RolesStore { return &RolesStore{db: db, reg: db.Registration()} }

var _ roles.Store = (*RolesStore)(nil)

// TaxpayerByID implements roles.Store.
func (s *RolesStore) TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error) {
	return s.reg.TaxpayerByID(ctx, id)
}

// TaxpayerByNPWP implements roles.Store.
func (s *RolesStore) TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error) {
	return s.reg.TaxpayerByNPWP(ctx, npwp)
}

// Parties implements roles.Store.
func (s *RolesStore) Parties(ctx context.Context, taxpayerID int64) ([]registration.RelatedParty, error) {
	return queryParties(ctx, s.db.db, `WHERE r.taxpayer_id = $1`, taxpayerID)
}

// Grants implements roles.Store.
func (s *RolesStore) Grants(ctx context.Context, taxpayerID, partyID int64) ([]roles.Grant, error) {
	q := `SELECT g.id, g.taxpayer_id, g.party_id, p.npwp, p.name, g.role, g.valid_from, g.valid_until,
		g.granted_at, g.granted_by, g.revoked_at, g.revoked_by
		FROM role_grants g JOIN taxpayers p ON p.id = g.party_id
		WHERE g.taxpayer_id = $1 AND ($2 = 0 OR g.party_id = $2) ORDER BY g.id`
	rows, err := s.db.db.QueryContext(ctx, q, taxpayerID, partyID)
	if err != nil {
		return nil, translate(fmt.Errorf("read role grants: %w", err))
	}
	var out []roles.Grant
	for rows.Next() {
		var g roles.Grant
		var npwp, role string
		if err := rows.Scan(&g.ID, &g.TaxpayerID, &g.PartyID, &npwp, &g.PartyName, &role, nullTime{&g.ValidFrom},
			nullTime{&g.ValidUntil}, utc{&g.GrantedAt}, &g.GrantedBy, nullTime{&g.RevokedAt}, str{&g.RevokedBy}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		g.PartyNPWP, g.Role = taxid.NPWP(npwp), roles.Role(role)
		out = append(out, g)
	}
	return out, closeRows(rows)
}

// AddGrant implements roles.Store.
func (s *RolesStore) AddGrant(ctx context.Context, g roles.Grant, e audit.Entry) (roles.Grant, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO role_grants (taxpayer_id, party_id, role, valid_from, valid_until, granted_at, granted_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			g.TaxpayerID, g.PartyID, string(g.Role), calendar.Midnight(g.ValidFrom), nullDate(g.ValidUntil), g.GrantedAt, g.GrantedBy).Scan(&g.ID)
		if err != nil {
			return fmt.Errorf("insert role grant: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
	return g, err
}

// RevokeGrant implements roles.Store.
func (s *RolesStore) RevokeGrant(ctx context.Context, taxpayerID, grantID int64, at time.Time, by string, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var revoked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM role_grants WHERE id = $1 AND taxpayer_id = $2`, grantID, taxpayerID).Scan(&revoked)
		if err != nil {
			return notFound(err, fmt.Sprintf("there is no role grant %d for this taxpayer", grantID))
		}
		if revoked.Valid {
			return errs.Errorf(errs.Conflict, "role grant %d was already revoked on %s", grantID, revoked.Time.UTC().Format(time.DateOnly))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE role_grants SET revoked_at = $2, revoked_by = $3 WHERE id = $1`, grantID, at, by); err != nil {
			return fmt.Errorf("revoke role grant: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

const appointmentQuery = `SELECT a.id, a.taxpayer_id, t.npwp, t.name, a.consultant_id, c.npwp, c.name, a.roles,
	a.valid_from, a.valid_until, a.status, a.invited_at, a.invited_by, a.answered_at, a.revoked_at, a.revoked_by
	FROM consultant_appointments a JOIN taxpayers t ON t.id = a.taxpayer_id JOIN taxpayers c ON c.id = a.consultant_id `

func scanAppointments(rows *sql.Rows) ([]roles.Appointment, error) {
	var out []roles.Appointment
	for rows.Next() {
		var a roles.Appointment
		var tn, cn, rs, status string
		if err := rows.Scan(&a.ID, &a.TaxpayerID, &tn, &a.TaxpayerName, &a.ConsultantID, &cn, &a.ConsultantName, &rs,
			nullTime{&a.ValidFrom}, nullTime{&a.ValidUntil}, &status, utc{&a.InvitedAt}, &a.InvitedBy,
			nullTime{&a.AnsweredAt}, nullTime{&a.RevokedAt}, str{&a.RevokedBy}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		a.TaxpayerNPWP, a.ConsultantNPWP, a.Status = taxid.NPWP(tn), taxid.NPWP(cn), roles.Status(status)
		for _, r := range strings.Fields(rs) {
			a.Roles = append(a.Roles, roles.Role(r))
		}
		out = append(out, a)
	}
	return out, closeRows(rows)
}

// Appointments implements roles.Store.
func (s *RolesStore) Appointments(ctx context.Context, taxpayerID, consultantID int64) ([]roles.Appointment, error) {
	rows, err := s.db.db.QueryContext(ctx, appointmentQuery+`WHERE ($1 = 0 OR a.taxpayer_id = $1) AND ($2 = 0 OR a.consultant_id = $2)
		ORDER BY a.id DESC`, taxpayerID, consultantID)
	if err != nil {
		return nil, translate(fmt.Errorf("read consultant appointments: %w", err))
	}
	return scanAppointments(rows)
}

// Appointment implements roles.Store.
func (s *RolesStore) Appointment(ctx context.Context, id int64) (roles.Appointment, error) {
	rows, err := s.db.db.QueryContext(ctx, appointmentQuery+`WHERE a.id = $1`, id)
	if err != nil {
		return roles.Appointment{}, translate(fmt.Errorf("read consultant appointment: %w", err))
	}
	out, err := scanAppointments(rows)
	if err != nil {
		return roles.Appointment{}, err
	}
	if len(out) == 0 {
		return roles.Appointment{}, errs.Errorf(errs.NotFound, "there is no consultant appointment %d", id)
	}
	return out[0], nil
}

// AddAppointment implements roles.Store.
func (s *RolesStore) AddAppointment(ctx context.Context, a roles.Appointment, e audit.Entry) (roles.Appointment, error) {
	names := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		names[i] = string(r)
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO consultant_appointments (taxpayer_id, consultant_id, roles, valid_from,
			valid_until, status, invited_at, invited_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.TaxpayerID, a.ConsultantID, strings.Join(names, " "), calendar.Midnight(a.ValidFrom), calendar.Midnight(a.ValidUntil),
			string(a.Status), a.InvitedAt, a.InvitedBy).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("insert consultant appointment: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
	return a, err
}

// SetAppointmentStatus implements roles.Store.
func (s *RolesStore) SetAppointmentStatus(ctx context.Context, id int64, from []roles.Status, to roles.Status, at time.Time, by string, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var cur string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM consultant_appointments WHERE id = $1`, id).Scan(&cur); err != nil {
			return notFound(err, fmt.Sprintf("there is no consultant appointment %d", id))
		}
		ok := false
		for _, f := range from {
			ok = ok || string(f) == cur
		}
		if !ok {
			return errs.Errorf(errs.Conflict, "the consultant appointment is %s and can no longer be %s", cur, to)
		}
		var err error
		if to == roles.Revoked {
			_, err = tx.ExecContext(ctx, `UPDATE consultant_appointments SET status = $2, revoked_at = $3, revoked_by = $4 WHERE id = $1`, id, string(to), at, by)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE consultant_appointments SET status = $2, answered_at = $3 WHERE id = $1`, id, string(to), at)
		}
		if err != nil {
			return fmt.Errorf("update consultant appointment: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// OfficerRoles implements roles.Store.
func (s *RolesStore) OfficerRoles(ctx context.Context, username string) ([]roles.OfficerGrant, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT username, role, granted_at, granted_by FROM officer_roles
		WHERE ($1 = '' OR username = $1) ORDER BY username, role`, username)
	if err != nil {
		return nil, translate(fmt.Errorf("read officer roles: %w", err))
	}
	var out []roles.OfficerGrant
	for rows.Next() {
		var g roles.OfficerGrant
		var role string
		if err := rows.Scan(&g.Username, &role, utc{&g.GrantedAt}, &g.GrantedBy); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		g.Role = roles.OfficerRole(role)
		out = append(out, g)
	}
	return out, closeRows(rows)
}

// AddOfficerRole implements roles.Store.
func (s *RolesStore) AddOfficerRole(ctx context.Context, g roles.OfficerGrant, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO officer_roles (username, role, granted_at, granted_by) VALUES ($1, $2, $3, $4)`,
			g.Username, string(g.Role), g.GrantedAt, g.GrantedBy)
		if err != nil {
			if isUniqueViolation(err) {
				return errs.Errorf(errs.Conflict, "officer %s already holds %s", g.Username, g.Role).Wrap(err)
			}
			return fmt.Errorf("insert officer role: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// RemoveOfficerRole implements roles.Store.
func (s *RolesStore) RemoveOfficerRole(ctx context.Context, username string, role roles.OfficerRole, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM officer_roles WHERE username = $1 AND role = $2`, username, string(role))
		if err != nil {
			return fmt.Errorf("delete officer role: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.Errorf(errs.NotFound, "officer %s does not hold %s", username, role)
		}
		return appendAudit(ctx, tx, e)
	})
}
