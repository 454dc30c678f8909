package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

// SigningStore implements signing.Store.
type SigningStore struct{ db *DB }

var _ signing.Store = (*SigningStore)(nil)

// Signing returns the store of certificates and signatures.
func (db *DB) Signing() *SigningStore { return &SigningStore{db: db} }

// TaxpayerByID implements signing.Store.
func (s *SigningStore) TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error) {
	return s.db.Registration().TaxpayerByID(ctx, id)
}

const certificateSQL = `SELECT id, holder_id, serial, subject, der, sealed_key, code_hash, not_before, not_after, status, issued_at, ended_at, end_reason FROM signing_certificates `

func scanCertificate(row scanner) (signing.Certificate, error) {
	var c signing.Certificate
	var state string
	err := row.Scan(&c.ID, &c.HolderID, &c.Serial, &c.Subject, &c.DER, &c.SealedKey, &c.CodeHash,
		utc{&c.NotBefore}, utc{&c.NotAfter}, &state, utc{&c.IssuedAt}, nullTime{&c.EndedAt}, &c.EndReason)
	c.State = signing.State(state)
	return c, err
}

// IssueCertificate implements signing.Store. Serials come from the
// counter signing/certificate, so the CA never reuses one.
func (s *SigningStore) IssueCertificate(ctx context.Context, holderID int64, build func(serial int64) (signing.Certificate, error), end signing.State, reason string, ev audit.Entry) (signing.Certificate, error) {
	var c signing.Certificate
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		serial, err := nextCounter(ctx, tx, "signing", "certificate", 1)
		if err != nil {
			return err
		}
		if c, err = build(serial); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signing_certificates SET status = $2, ended_at = $3, end_reason = $4 WHERE holder_id = $1 AND status = 'active'`,
			holderID, string(end), c.IssuedAt.UTC(), reason); err != nil {
			return fmt.Errorf("end the active certificate: %w", err)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO signing_certificates (holder_id, serial, subject, der, sealed_key, code_hash, not_before, not_after, status, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			holderID, c.Serial, c.Subject, c.DER, c.SealedKey, c.CodeHash, c.NotBefore.UTC(), c.NotAfter.UTC(), string(c.State), c.IssuedAt.UTC()).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert certificate %d: %w", c.Serial, err)
		}
		c.IssuedAt = c.IssuedAt.UTC()
		return appendAudit(ctx, tx, ev)
	})
	return c, err
}

// ActiveCertificate implements signing.Store.
func (s *SigningStore) ActiveCertificate(ctx context.Context, holderID int64) (signing.Certificate, error) {
	c, err := scanCertificate(s.db.db.QueryRowContext(ctx, certificateSQL+`WHERE holder_id = $1 AND status = 'active'`, holderID))
	if err != nil {
		return c, translate(notFound(err, "you hold no active certificate"))
	}
	return c, nil
}

// Certificate implements signing.Store.
func (s *SigningStore) Certificate(ctx context.Context, id int64) (signing.Certificate, error) {
	c, err := scanCertificate(s.db.db.QueryRowContext(ctx, certificateSQL+`WHERE id = $1`, id))
	if err != nil {
		return c, translate(notFound(err, fmt.Sprintf("there is no certificate %d", id)))
	}
	return c, nil
}

// Certificates implements signing.Store.
func (s *SigningStore) Certificates(ctx context.Context, holderID int64) ([]signing.Certificate, error) {
	rows, err := s.db.db.QueryContext(ctx, certificateSQL+`WHERE holder_id = $1 ORDER BY serial DESC`, holderID)
	if err != nil {
		return nil, translate(fmt.Errorf("list certificates: %w", err))
	}
	defer rows.Close()
	var out []signing.Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, translate(fmt.Errorf("scan certificate: %w", err))
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// EndCertificate implements signing.Store.
func (s *SigningStore) EndCertificate(ctx context.Context, id int64, state signing.State, at time.Time, reason string, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE signing_certificates SET status = $2, ended_at = $3, end_reason = $4 WHERE id = $1 AND status = 'active'`,
			id, string(state), at.UTC(), reason)
		if err != nil {
			return fmt.Errorf("end certificate %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.Errorf(errs.Conflict, "certificate %d is no longer active", id)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// Lock implements signing.Store.
func (s *SigningStore) Lock(ctx context.Context, holderID int64) (signing.Lock, error) {
	var l signing.Lock
	err := s.db.db.QueryRowContext(ctx, `SELECT failures, locked_until FROM signing_locks WHERE holder_id = $1`, holderID).Scan(&l.Failures, nullTime{&l.LockedUntil})
	if errors.Is(err, sql.ErrNoRows) {
		return signing.Lock{}, nil
	}
	return l, translate(err)
}

// RecordFailure implements signing.Store.
func (s *SigningStore) RecordFailure(ctx context.Context, holderID int64, at time.Time, lock func(int) time.Time, ev audit.Entry) (signing.Lock, error) {
	var l signing.Lock
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO signing_locks (holder_id, failures, last_failure_at) VALUES ($1, 1, $2)
			ON CONFLICT (holder_id) DO UPDATE SET failures = signing_locks.failures + 1, last_failure_at = $2
			RETURNING failures`, holderID, at.UTC()).Scan(&l.Failures); err != nil {
			return fmt.Errorf("count signing failure: %w", err)
		}
		l.LockedUntil = lock(l.Failures)
		if _, err := tx.ExecContext(ctx, `UPDATE signing_locks SET locked_until = $2 WHERE holder_id = $1`, holderID, nullTimeArg(l.LockedUntil)); err != nil {
			return fmt.Errorf("lock signing: %w", err)
		}
		ev.Detail = fmt.Sprintf("%s (%d in a row)", ev.Detail, l.Failures)
		if !l.LockedUntil.IsZero() {
			ev.Detail += "; signing locked until " + l.LockedUntil.UTC().Format(time.RFC3339)
		}
		return appendAudit(ctx, tx, ev)
	})
	return l, err
}

// Refused implements signing.Store.
func (s *SigningStore) Refused(ctx context.Context, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, ev) })
}

// SaveSignature implements signing.Store: the signature row, the reset of
// the signer's failures, the transparency log leaf and the audit entry,
// in that order (appendLeaf before appendAudit, as both require).
func (s *SigningStore) SaveSignature(ctx context.Context, sig signing.Signature, record []byte, ev audit.Entry) (signing.Signature, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signing_locks SET failures = 0, locked_until = NULL WHERE holder_id = $1`, sig.SignerID); err != nil {
			return fmt.Errorf("reset signing failures: %w", err)
		}
		idx, err := appendLeaf(ctx, tx, record)
		if err != nil {
			return err
		}
		sig.LogIndex = idx
		if err := tx.QueryRowContext(ctx, `INSERT INTO signatures (public_id, certificate_id, signer_id, acting_for_id, doc_type, doc_hash, signature, signed_at, log_index)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			sig.PublicID, sig.CertificateID, sig.SignerID, sig.ActingForID, string(sig.DocType), sig.DocHash, sig.Value, sig.SignedAt.UTC(), sig.LogIndex).Scan(&sig.ID); err != nil {
			return fmt.Errorf("insert signature: %w", err)
		}
		ev.Detail = fmt.Sprintf("%s; log index %d", ev.Detail, idx)
		return appendAudit(ctx, tx, ev)
	})
	return sig, err
}

// SignatureView implements signing.Store.
func (s *SigningStore) SignatureView(ctx context.Context, publicID string) (signing.View, error) {
	var v signing.View
	var docType string
	var logIndex sql.NullInt64
	var state string
	c := &v.Certificate
	err := s.db.db.QueryRowContext(ctx, `SELECT s.id, s.public_id, s.certificate_id, s.signer_id, s.acting_for_id, s.doc_type, s.doc_hash, s.signature, s.signed_at, s.log_index,
			c.id, c.holder_id, c.serial, c.subject, c.der, c.not_before, c.not_after, c.status, c.issued_at, c.ended_at, c.end_reason,
			p.name, p.npwp, t.name, t.npwp
		FROM signatures s
		JOIN signing_certificates c ON c.id = s.certificate_id
		JOIN taxpayers p ON p.id = s.signer_id
		JOIN taxpayers t ON t.id = s.acting_for_id
		WHERE s.public_id = $1`, publicID).Scan(
		&v.ID, &v.PublicID, &v.CertificateID, &v.SignerID, &v.ActingForID, &docType, &v.DocHash, &v.Value, utc{&v.SignedAt}, &logIndex,
		&c.ID, &c.HolderID, &c.Serial, &c.Subject, &c.DER, utc{&c.NotBefore}, utc{&c.NotAfter}, &state, utc{&c.IssuedAt}, nullTime{&c.EndedAt}, &c.EndReason,
		&v.SignerName, &v.SignerNPWP, &v.ActingForName, &v.ActingForNPWP)
	if err != nil {
		return v, translate(notFound(err, "there is no signature with that identifier"))
	}
	v.DocType = roles.Family(docType)
	c.State = signing.State(state)
	v.LogIndex = -1
	if logIndex.Valid {
		v.LogIndex = logIndex.Int64
	}
	return v, nil
}
