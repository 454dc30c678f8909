package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
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
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		sig, err = saveSignature(ctx, tx, sig, record, ev)
		return err
	})
	return sig, err
}

// saveSignature writes a signature inside tx; see SaveSignature.
func saveSignature(ctx context.Context, tx *sql.Tx, sig signing.Signature, record []byte, ev audit.Entry) (signing.Signature, error) {
	err := func() error {
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
	}()
	return sig, err
}

// saveSignatures writes the prepared signatures ps inside bt, as
// saveSignature does one by one, with a few statements for the whole
// batch: the reset of each signer's failures once, the transparency log
// records with one appendLeavesTo (record i at index first+i), the
// signature rows (insertSignatures), and the audit entries, one per
// signature with its log index as saveSignature writes it, chained in
// order by appendAuditsTo. On PostgreSQL with bt's connection the rows
// are copied (COPY); the statements, locks and their order are the same.
// It returns the stored signatures in the order of ps.
func saveSignatures(ctx context.Context, bt bulkTx, ps []signing.Prepared) ([]signing.Signature, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	reset := map[int64]bool{}
	for _, p := range ps {
		if reset[p.Signature.SignerID] {
			continue
		}
		reset[p.Signature.SignerID] = true
		if _, err := bt.ExecContext(ctx, `UPDATE signing_locks SET failures = 0, locked_until = NULL WHERE holder_id = $1`, p.Signature.SignerID); err != nil {
			return nil, fmt.Errorf("reset signing failures: %w", err)
		}
	}
	records := make([][]byte, len(ps))
	for i, p := range ps {
		records[i] = p.Record
	}
	first, err := appendLeavesTo(ctx, bt, records)
	if err != nil {
		return nil, err
	}
	sigs := make([]signing.Signature, len(ps))
	byPublicID := make(map[string]int, len(ps))
	for i, p := range ps {
		sigs[i] = p.Signature
		sigs[i].LogIndex = first + int64(i)
		byPublicID[sigs[i].PublicID] = i
	}
	if len(byPublicID) != len(ps) {
		return nil, errs.Errorf(errs.Conflict, "two signatures of the batch share a public identifier; sign again")
	}
	if err := insertSignatures(ctx, bt, sigs, byPublicID); err != nil {
		return nil, fmt.Errorf("insert signatures: %w", err)
	}
	evs := make([]audit.Entry, len(ps))
	for i, p := range ps {
		evs[i] = p.Audit
		evs[i].Detail = fmt.Sprintf("%s; log index %d", p.Audit.Detail, sigs[i].LogIndex)
	}
	if err := appendAuditsTo(ctx, bt, evs); err != nil {
		return nil, err
	}
	return sigs, nil
}

// signatureCols are the columns of a signature row.
var signatureCols = []string{"public_id", "certificate_id", "signer_id", "acting_for_id", "doc_type", "doc_hash", "signature", "signed_at", "log_index"}

// signatureRow appends the values of sig's row, in the order of
// signatureCols, to args.
func signatureRow(args []any, sig signing.Signature) []any {
	return append(args, sig.PublicID, sig.CertificateID, sig.SignerID, sig.ActingForID, string(sig.DocType), sig.DocHash, sig.Value,
		sig.SignedAt.UTC(), sig.LogIndex)
}

// insertSignatures writes the rows of sigs and sets their ids. With COPY
// the ids are taken from their sequence first (COPY returns none);
// otherwise multi-row INSERT … RETURNING gives them, matched to sigs by
// public id (byPublicID), not by the order of the rows returned.
func insertSignatures(ctx context.Context, bt bulkTx, sigs []signing.Signature, byPublicID map[string]int) error {
	if bt.copies() {
		ids, err := bt.nextIDs(ctx, "signatures", len(sigs))
		if err != nil {
			return err
		}
		args := make([]any, 0, (len(signatureCols)+1)*len(sigs))
		for i := range sigs {
			sigs[i].ID = ids[i]
			args = signatureRow(append(args, ids[i]), sigs[i])
		}
		return bt.insert(ctx, "signatures", append([]string{"id"}, signatureCols...), args)
	}
	args := make([]any, 0, len(signatureCols)*len(sigs))
	for _, sig := range sigs {
		args = signatureRow(args, sig)
	}
	got := 0
	err := insertBatch(ctx, bt, "INSERT INTO signatures ("+strings.Join(signatureCols, ", ")+")",
		len(signatureCols), args, ` RETURNING id, public_id`, func(rows *sql.Rows) error {
			var id int64
			var pub string
			if err := rows.Scan(&id, &pub); err != nil {
				return err
			}
			i, ok := byPublicID[pub]
			if !ok {
				return fmt.Errorf("the database returned signature %s, which the batch does not hold", pub)
			}
			sigs[i].ID = id
			got++
			return nil
		})
	if err != nil {
		return err
	}
	if got != len(sigs) {
		return fmt.Errorf("%d rows returned for %d signatures", got, len(sigs))
	}
	return nil
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

// CreateJob implements signing.Store.
func (s *SigningStore) CreateJob(ctx context.Context, j signing.Job, docs [][]byte) (signing.Job, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO signing_jobs (signer_id, acting_for_id, doc_type, state, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, j.SignerID, j.ActingForID, string(j.DocType), string(j.State), j.CreatedAt.UTC()).Scan(&j.ID); err != nil {
			return fmt.Errorf("insert signing job: %w", err)
		}
		j.Items = make([]signing.JobItem, len(docs))
		for i, d := range docs {
			sum := sha256.Sum256(d)
			it := signing.JobItem{Seq: i + 1, DocHash: hex.EncodeToString(sum[:]), State: signing.ItemPending}
			if _, err := tx.ExecContext(ctx, `INSERT INTO signing_job_items (job_id, seq, doc_hash, document, state) VALUES ($1, $2, $3, $4, $5)`,
				j.ID, it.Seq, it.DocHash, d, string(it.State)); err != nil {
				return fmt.Errorf("insert signing job item %d: %w", it.Seq, err)
			}
			j.Items[i] = it
		}
		return nil
	})
	return j, err
}

// SaveJobSignature implements signing.Store.
func (s *SigningStore) SaveJobSignature(ctx context.Context, jobID int64, seq int, sig signing.Signature, record []byte, ev audit.Entry) (signing.Signature, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if sig, err = saveSignature(ctx, tx, sig, record, ev); err != nil {
			return err
		}
		return endItem(ctx, tx, jobID, seq, signing.ItemSigned, sig.ID, "")
	})
	return sig, err
}

func endItem(ctx context.Context, tx *sql.Tx, jobID int64, seq int, state signing.ItemState, sigID int64, reason string) error {
	res, err := tx.ExecContext(ctx, `UPDATE signing_job_items SET state = $3, signature_id = $4, reason = $5, document = NULL
		WHERE job_id = $1 AND seq = $2 AND state = 'pending'`, jobID, seq, string(state), nullID(sigID), reason)
	if err != nil {
		return fmt.Errorf("end signing job %d item %d: %w", jobID, seq, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errs.Errorf(errs.Conflict, "document %d of signing job %d has already ended", seq, jobID)
	}
	return nil
}

// RefuseJobItem implements signing.Store.
func (s *SigningStore) RefuseJobItem(ctx context.Context, jobID int64, seq int, reason string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		return endItem(ctx, tx, jobID, seq, signing.ItemRefused, 0, reason)
	})
}

// FinishJob implements signing.Store.
func (s *SigningStore) FinishJob(ctx context.Context, jobID int64, at time.Time, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signing_jobs SET state = 'done', finished_at = $2 WHERE id = $1`, jobID, at.UTC()); err != nil {
			return fmt.Errorf("finish signing job %d: %w", jobID, err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// Job implements signing.Store.
func (s *SigningStore) Job(ctx context.Context, id int64) (signing.Job, error) {
	var j signing.Job
	var docType, state string
	err := s.db.db.QueryRowContext(ctx, `SELECT id, signer_id, acting_for_id, doc_type, state, created_at, finished_at FROM signing_jobs WHERE id = $1`, id).
		Scan(&j.ID, &j.SignerID, &j.ActingForID, &docType, &state, utc{&j.CreatedAt}, nullTime{&j.FinishedAt})
	if err != nil {
		return j, translate(notFound(err, fmt.Sprintf("there is no signing job %d", id)))
	}
	j.DocType, j.State = roles.Family(docType), signing.JobState(state)
	rows, err := s.db.db.QueryContext(ctx, `SELECT i.seq, i.doc_hash, i.state, coalesce(i.signature_id, 0), coalesce(g.public_id, ''), i.reason
		FROM signing_job_items i LEFT JOIN signatures g ON g.id = i.signature_id WHERE i.job_id = $1 ORDER BY i.seq`, id)
	if err != nil {
		return j, translate(fmt.Errorf("list signing job items: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var it signing.JobItem
		var st string
		if err := rows.Scan(&it.Seq, &it.DocHash, &st, &it.SignatureID, &it.PublicID, &it.Reason); err != nil {
			return j, translate(fmt.Errorf("scan signing job item: %w", err))
		}
		it.State = signing.ItemState(st)
		j.Items = append(j.Items, it)
	}
	return j, translate(rows.Err())
}

// EndInterrupted implements signing.Store.
func (s *SigningStore) EndInterrupted(ctx context.Context, at time.Time, reason string) (int, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signing_job_items SET state = 'refused', reason = $1, document = NULL
			WHERE state = 'pending' AND job_id IN (SELECT id FROM signing_jobs WHERE state = 'running')`, reason); err != nil {
			return fmt.Errorf("end interrupted signing job items: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE signing_jobs SET state = 'done', finished_at = $1 WHERE state = 'running'`, at.UTC())
		if err != nil {
			return fmt.Errorf("end interrupted signing jobs: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
