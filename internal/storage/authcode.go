package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// AuthCodeStore implements authcode.Store.
type AuthCodeStore struct{ db *DB }

// AuthCode returns the store of authorization-code requests.
func (db *DB) AuthCode() *AuthCodeStore { return &AuthCodeStore{db: db} }

var _ authcode.Store = (*AuthCodeStore)(nil)

const authcodeColumns = `r.id, r.holder_id, r.account_id, r.subject_id, r.state, r.policy, r.code_hash, r.code_channel,
	r.code_expires_at, r.code_attempts, r.verify_failures, r.reason, r.decided_by, r.certificate,
	r.created_at, r.updated_at, r.version, h.npwp, h.name, s.npwp, s.name`

const authcodeFrom = ` FROM authcode_requests r JOIN taxpayers h ON h.id = r.holder_id JOIN taxpayers s ON s.id = r.subject_id `

func scanAuthCode(row scanner) (authcode.Request, error) {
	var r authcode.Request
	var state, policy, ch string
	err := row.Scan(&r.ID, &r.HolderID, &r.AccountID, &r.SubjectID, &state, &policy, &r.CodeHash, &ch,
		nullTime{&r.CodeExpiresAt}, &r.CodeAttempts, &r.VerifyFailures, &r.Reason, &r.DecidedBy, &r.Certificate,
		utc{&r.CreatedAt}, utc{&r.UpdatedAt}, &r.Version, &r.HolderNPWP, &r.HolderName, &r.SubjectNPWP, &r.SubjectName)
	r.State, r.Policy, r.CodeChannel = authcode.State(state), authcode.Policy(policy), notify.Channel(ch)
	return r, err
}

func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// apply writes one change inside tx.
func (s *AuthCodeStore) apply(ctx context.Context, tx *sql.Tx, c authcode.Change) (int64, error) {
	r := c.Request
	if c.Version == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO authcode_requests (holder_id, account_id, subject_id, state, policy,
			code_hash, code_channel, code_expires_at, code_attempts, verify_failures, reason, decided_by, certificate, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			r.HolderID, r.AccountID, r.SubjectID, string(r.State), string(r.Policy), r.CodeHash, string(r.CodeChannel),
			nullTS(r.CodeExpiresAt), r.CodeAttempts, r.VerifyFailures, r.Reason, r.DecidedBy, r.Certificate,
			r.CreatedAt.UTC(), r.UpdatedAt.UTC()).Scan(&r.ID)
		if isUniqueViolation(err) {
			return 0, errs.E(errs.Conflict, "another authorization-code request of this person was opened at the same time; reload the page")
		}
		if err != nil {
			return 0, fmt.Errorf("insert authorization-code request: %w", err)
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE authcode_requests SET state = $1, code_hash = $2, code_channel = $3,
			code_expires_at = $4, code_attempts = $5, verify_failures = $6, reason = $7, decided_by = $8, certificate = $9,
			updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12`,
			string(r.State), r.CodeHash, string(r.CodeChannel), nullTS(r.CodeExpiresAt), r.CodeAttempts, r.VerifyFailures,
			r.Reason, r.DecidedBy, r.Certificate, r.UpdatedAt.UTC(), r.ID, c.Version)
		if err != nil {
			return 0, fmt.Errorf("update authorization-code request %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n != 1 {
			return 0, errs.Errorf(errs.Conflict, "authorization-code request %d changed meanwhile; reload it and try again", r.ID)
		}
	}
	if c.Message != nil {
		if _, err := insertOutbox(ctx, tx, *c.Message); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO authcode_codes_sent (request_id, holder_id, channel, sent_at) VALUES ($1, $2, $3, $4)`,
			r.ID, r.HolderID, string(c.Message.Channel), c.Message.CreatedAt.UTC()); err != nil {
			return 0, fmt.Errorf("record code sent: %w", err)
		}
	}
	if v := c.Verification; v != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO authcode_verifications (request_id, method, passed, liveness, match_score, detail, decided_by, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, v.Method, v.Passed, v.Liveness, v.MatchScore, v.Detail, v.DecidedBy, v.At.UTC()); err != nil {
			return 0, fmt.Errorf("record verification: %w", err)
		}
	}
	e := c.Audit
	if e.Detail != "" {
		e.Detail = fmt.Sprintf("request %d: %s", r.ID, e.Detail)
	}
	return r.ID, appendAudit(ctx, tx, e)
}

// Create implements authcode.Store.
func (s *AuthCodeStore) Create(ctx context.Context, c authcode.Change, cancelled *authcode.Change) (authcode.Request, error) {
	var id int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if cancelled != nil {
			if _, err := s.apply(ctx, tx, *cancelled); err != nil {
				return err
			}
		}
		c.Version = 0
		var err error
		id, err = s.apply(ctx, tx, c)
		return err
	})
	if err != nil {
		return authcode.Request{}, err
	}
	return s.Request(ctx, id)
}

// Update implements authcode.Store.
func (s *AuthCodeStore) Update(ctx context.Context, c authcode.Change) (authcode.Request, error) {
	if c.Version == 0 {
		return authcode.Request{}, errors.New("update authorization-code request: no version")
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := s.apply(ctx, tx, c)
		return err
	})
	if err != nil {
		return authcode.Request{}, err
	}
	return s.Request(ctx, c.Request.ID)
}

// Request implements authcode.Store.
func (s *AuthCodeStore) Request(ctx context.Context, id int64) (authcode.Request, error) {
	r, err := scanAuthCode(s.db.db.QueryRowContext(ctx, `SELECT `+authcodeColumns+authcodeFrom+`WHERE r.id = $1`, id))
	return r, notFound(err, "no such authorization-code request")
}

// Latest implements authcode.Store.
func (s *AuthCodeStore) Latest(ctx context.Context, holderID int64) (authcode.Request, error) {
	r, err := scanAuthCode(s.db.db.QueryRowContext(ctx, `SELECT `+authcodeColumns+authcodeFrom+`WHERE r.holder_id = $1 ORDER BY r.id DESC LIMIT 1`, holderID))
	return r, notFound(err, "no authorization-code request yet")
}

// Queue implements authcode.Store.
func (s *AuthCodeStore) Queue(ctx context.Context, state authcode.State) ([]authcode.Request, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+authcodeColumns+authcodeFrom+`WHERE r.state = $1 ORDER BY r.updated_at, r.id`, string(state))
	if err != nil {
		return nil, translate(fmt.Errorf("read authorization-code queue: %w", err))
	}
	var out []authcode.Request
	for rows.Next() {
		r, err := scanAuthCode(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, closeRows(rows)
}

// Verifications implements authcode.Store.
func (s *AuthCodeStore) Verifications(ctx context.Context, requestID int64) ([]authcode.Verification, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, request_id, method, passed, liveness, match_score, detail, decided_by, at
		FROM authcode_verifications WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, translate(fmt.Errorf("read verifications: %w", err))
	}
	var out []authcode.Verification
	for rows.Next() {
		var v authcode.Verification
		if err := rows.Scan(&v.ID, &v.RequestID, &v.Method, &v.Passed, &v.Liveness, &v.MatchScore, &v.Detail, &v.DecidedBy, utc{&v.At}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, v)
	}
	return out, closeRows(rows)
}

// CodesSince implements authcode.Store.
func (s *AuthCodeStore) CodesSince(ctx context.Context, holderID int64, t time.Time) (int, time.Time, error) {
	var n int
	var last time.Time
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM authcode_codes_sent WHERE holder_id = $1 AND sent_at >= $2`,
		holderID, t.UTC()).Scan(&n); err != nil {
		return 0, last, translate(err)
	}
	err := s.db.db.QueryRowContext(ctx, `SELECT sent_at FROM authcode_codes_sent WHERE holder_id = $1 ORDER BY sent_at DESC LIMIT 1`,
		holderID).Scan(utc{&last})
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return n, last, translate(err)
}
