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
	"github.com/coretax/coretax/internal/exemption"
)

// ExemptionStore implements exemption.Store.
type ExemptionStore struct{ db *DB }

// Exemptions returns the store of exemption certificates.
func (db *DB) Exemptions() *ExemptionStore { return &ExemptionStore{db: db} }

var _ exemption.Store = (*ExemptionStore)(nil)

const exemptionColumns = `id, taxpayer_id, kind, number, tax_types, object_codes, valid_from, valid_until, office, recorded_by,
	revoked_from, revoke_reason, revoked_by, created_at, updated_at, version`

func scanExemption(row scanner) (exemption.Certificate, error) {
	var (
		c            exemption.Certificate
		kind         string
		types, codes string
	)
	err := row.Scan(&c.ID, &c.TaxpayerID, &kind, &c.Number, &types, &codes, nullTime{&c.ValidFrom}, nullTime{&c.ValidUntil}, &c.Office,
		&c.RecordedBy, nullTime{&c.RevokedFrom}, &c.RevokeReason, &c.RevokedBy, utc{&c.CreatedAt}, utc{&c.UpdatedAt}, &c.Version)
	if err != nil {
		return c, err
	}
	c.Kind = exemption.Kind(kind)
	for _, t := range splitList(types) {
		c.TaxTypes = append(c.TaxTypes, exemption.TaxType(t))
	}
	c.ObjectCodes = splitList(codes)
	return c, nil
}

// splitList reads a comma-separated list column; "" is the empty list.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CreateCertificate implements exemption.Store.
func (s *ExemptionStore) CreateCertificate(ctx context.Context, c *exemption.Certificate, ev audit.Entry) error {
	types := make([]string, len(c.TaxTypes))
	for i, t := range c.TaxTypes {
		types[i] = string(t)
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO exemption_certificates (taxpayer_id, kind, number, tax_types, object_codes, valid_from,
			valid_until, office, recorded_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id`,
			c.TaxpayerID, string(c.Kind), c.Number, strings.Join(types, ","), strings.Join(c.ObjectCodes, ","), calendar.Midnight(c.ValidFrom),
			nullDate(c.ValidUntil), c.Office, c.RecordedBy, c.CreatedAt.UTC(), c.UpdatedAt.UTC()).Scan(&c.ID)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "a %s numbered %s is already recorded; check the number on the letter", c.Kind, c.Number).Wrap(err)
		}
		if err != nil {
			return fmt.Errorf("insert exemption certificate: %w", err)
		}
		c.Version = 1
		ev.Detail = fmt.Sprintf("certificate %d: %s", c.ID, ev.Detail)
		return appendAudit(ctx, tx, ev)
	})
}

// RevokeCertificate implements exemption.Store.
func (s *ExemptionStore) RevokeCertificate(ctx context.Context, id int64, version int, from time.Time, reason, by string, at time.Time, ev audit.Entry) (exemption.Certificate, error) {
	var out exemption.Certificate
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE exemption_certificates SET revoked_from = $1, revoke_reason = $2, revoked_by = $3, updated_at = $4,
			version = version + 1 WHERE id = $5 AND version = $6 AND revoked_from IS NULL`, calendar.Midnight(from), reason, by, at.UTC(), id, version)
		if err != nil {
			return fmt.Errorf("revoke exemption certificate %d: %w", id, err)
		}
		if err := oneRow(res, "exemption certificate %d was changed or revoked by someone else; reload it", id); err != nil {
			return err
		}
		ev.Detail = fmt.Sprintf("certificate %d: %s", id, ev.Detail)
		if err := appendAudit(ctx, tx, ev); err != nil {
			return err
		}
		out, err = scanExemption(tx.QueryRowContext(ctx, `SELECT `+exemptionColumns+` FROM exemption_certificates WHERE id = $1`, id))
		return err
	})
	return out, err
}

// Certificate implements exemption.Store.
func (s *ExemptionStore) Certificate(ctx context.Context, id int64) (exemption.Certificate, error) {
	c, err := scanExemption(s.db.db.QueryRowContext(ctx, `SELECT `+exemptionColumns+` FROM exemption_certificates WHERE id = $1`, id))
	return c, notFound(err, fmt.Sprintf("there is no exemption certificate %d", id))
}

// CertificatesOf implements exemption.Store.
func (s *ExemptionStore) CertificatesOf(ctx context.Context, taxpayerID int64) ([]exemption.Certificate, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+exemptionColumns+` FROM exemption_certificates WHERE taxpayer_id = $1
		ORDER BY valid_from DESC, id DESC`, taxpayerID)
	if err != nil {
		return nil, fmt.Errorf("list exemption certificates: %w", err)
	}
	defer rows.Close()
	var out []exemption.Certificate
	for rows.Next() {
		c, err := scanExemption(rows)
		if err != nil {
			return nil, fmt.Errorf("scan exemption certificate: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
