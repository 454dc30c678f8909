package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// AccessStore implements access.Store.
type AccessStore struct{ db *DB }

// Access returns the store of accounts, codes, sessions and tokens.
func (db *DB) Access() *AccessStore { return &AccessStore{db: db} }

var _ access.Store = (*AccessStore)(nil)

// forUpdate locks the selected rows until commit on PostgreSQL; SQLite's
// write transactions already hold the database's write lock.
func (s *AccessStore) forUpdate() string {
	if s.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

func nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

const holderSQL = `SELECT t.id, t.npwp, coalesce(t.nik, ''), t.name, t.kind, t.email, t.mobile, coalesce(a.id, 0)
	FROM taxpayers t LEFT JOIN accounts a ON a.taxpayer_id = t.id `

func scanHolder(row interface{ Scan(...any) error }) (access.Holder, error) {
	var h access.Holder
	var kind string
	err := row.Scan(&h.TaxpayerID, &h.NPWP, &h.NIK, &h.Name, &kind, &h.Email, &h.Mobile, &h.AccountID)
	h.Individual = kind == "resident_individual" || kind == "foreign_individual"
	return h, err
}

// Holder implements access.Store.
func (s *AccessStore) Holder(ctx context.Context, id string) (access.Holder, error) {
	h, err := scanHolder(s.db.db.QueryRowContext(ctx, holderSQL+`WHERE t.npwp = $1 OR t.nik = $1 ORDER BY t.id LIMIT 1`, id))
	return h, translate(notFound(err, "no registered taxpayer has this NIK or NPWP"))
}

// HolderByID implements access.Store.
func (s *AccessStore) HolderByID(ctx context.Context, taxpayerID int64) (access.Holder, error) {
	h, err := scanHolder(s.db.db.QueryRowContext(ctx, holderSQL+`WHERE t.id = $1`, taxpayerID))
	return h, translate(notFound(err, "no such taxpayer"))
}

const accountSQL = `SELECT a.id, a.kind, coalesce(a.taxpayer_id, 0), coalesce(t.npwp, ''), coalesce(a.username, ''), a.name,
	a.password_hash, a.failures, a.last_failure_at, a.locked_until, a.totp_secret, a.totp_enabled, a.created_at, a.password_set_at
	FROM accounts a LEFT JOIN taxpayers t ON t.id = a.taxpayer_id `

func scanAccount(row interface{ Scan(...any) error }, a *access.Account, extra ...any) error {
	var kind string
	dest := []any{&a.ID, &kind, &a.TaxpayerID, &a.NPWP, &a.Username, &a.Name, &a.PasswordHash, &a.Failures,
		nullTime{&a.LastFailure}, nullTime{&a.LockedUntil}, &a.TOTPSecret, &a.TOTPEnabled, utc{&a.CreatedAt}, utc{&a.PasswordSetAt}}
	err := row.Scan(append(dest, extra...)...)
	a.Kind = access.AccountKind(kind)
	return err
}

// AccountByLogin implements access.Store.
func (s *AccessStore) AccountByLogin(ctx context.Context, login string) (access.Account, error) {
	var a access.Account
	err := scanAccount(s.db.db.QueryRowContext(ctx, accountSQL+`WHERE a.username = $1 OR t.npwp = $1 OR t.nik = $1 ORDER BY a.id LIMIT 1`, login), &a)
	return a, translate(notFound(err, "no account has this user ID"))
}

// Account implements access.Store.
func (s *AccessStore) Account(ctx context.Context, id int64) (access.Account, error) {
	var a access.Account
	err := scanAccount(s.db.db.QueryRowContext(ctx, accountSQL+`WHERE a.id = $1`, id), &a)
	return a, translate(notFound(err, "no such account"))
}

// IssueCode implements access.Store. Earlier live codes of the same
// taxpayer and purpose are voided: only the newest code works.
func (s *AccessStore) IssueCode(ctx context.Context, c access.Code, m notify.Message, check func([]time.Time) error, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT created_at FROM one_time_codes WHERE taxpayer_id = $1 AND purpose = $2 AND created_at > $3`,
			c.TaxpayerID, string(c.Purpose), c.CreatedAt.Add(-24*time.Hour).UTC())
		if err != nil {
			return fmt.Errorf("recent codes: %w", err)
		}
		var recent []time.Time
		for rows.Next() {
			var t time.Time
			if err := rows.Scan(utc{&t}); err != nil {
				rows.Close()
				return fmt.Errorf("recent codes: %w", err)
			}
			recent = append(recent, t)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return fmt.Errorf("recent codes: %w", err)
		}
		rows.Close()
		if err := check(recent); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET voided_at = $3
			WHERE taxpayer_id = $1 AND purpose = $2 AND used_at IS NULL AND voided_at IS NULL`,
			c.TaxpayerID, string(c.Purpose), c.CreatedAt.UTC()); err != nil {
			return fmt.Errorf("void earlier codes: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_codes (taxpayer_id, purpose, form, channel, secret_hash, attempts, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7)`,
			c.TaxpayerID, string(c.Purpose), c.Form, c.Channel, c.SecretHash, c.CreatedAt.UTC(), c.ExpiresAt.UTC()); err != nil {
			return fmt.Errorf("insert code: %w", err)
		}
		if _, err := insertOutbox(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

const codeSQL = `SELECT id, taxpayer_id, purpose, form, channel, secret_hash, attempts, created_at, expires_at, used_at, voided_at FROM one_time_codes `

// consume loads the code that where selects, lets verify decide, and
// writes the decision back. It reports the verification's error apart
// from storage errors, so that the caller commits the counted attempt.
func (s *AccessStore) consume(ctx context.Context, tx *sql.Tx, verify access.CodeVerifier, where string, args ...any) (access.Code, error, error) {
	var c access.Code
	var purpose string
	err := tx.QueryRowContext(ctx, codeSQL+where+s.forUpdate(), args...).Scan(&c.ID, &c.TaxpayerID, &purpose, &c.Form, &c.Channel,
		&c.SecretHash, &c.Attempts, utc{&c.CreatedAt}, utc{&c.ExpiresAt}, nullTime{&c.UsedAt}, nullTime{&c.VoidedAt})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, nil, fmt.Errorf("load code: %w", err)
	}
	c.Purpose = access.Purpose(purpose)
	c, verr := verify(c)
	if c.ID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET attempts = $2, used_at = $3, voided_at = $4 WHERE id = $1`,
			c.ID, c.Attempts, nullTimeArg(c.UsedAt), nullTimeArg(c.VoidedAt)); err != nil {
			return c, nil, fmt.Errorf("update code: %w", err)
		}
	}
	return c, verr, nil
}

// withCode runs a transaction that consumes a code and, when it is right,
// applies effect; a wrong code commits only the counted attempt.
//
// A rejected code is written to the audit log (action
// access.code.rejected) with the actor and address of ev, the entry the
// caller would write on success, in the transaction that counts the try.
func (s *AccessStore) withCode(ctx context.Context, verify access.CodeVerifier, ev audit.Entry, effect func(tx *sql.Tx, c access.Code) error, where string, args ...any) error {
	var verr error
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		c, v, err := s.consume(ctx, tx, verify, where, args...)
		if err != nil {
			return err
		}
		if v != nil {
			verr = v
			what := strings.TrimSpace(string(c.Purpose) + " " + c.Form)
			if what == "" {
				what = "one-time code"
			}
			rejected := audit.Entry{At: ev.At, Actor: ev.Actor, Address: ev.Address, AccountID: ev.AccountID,
				TaxpayerID: c.TaxpayerID, Action: "access.code.rejected",
				Detail: fmt.Sprintf("%s rejected: %s", what, errs.Message(v))}
			if rejected.TaxpayerID == 0 {
				rejected.TaxpayerID = ev.TaxpayerID
			}
			return appendAudit(ctx, tx, rejected)
		}
		return effect(tx, c)
	})
	if err != nil {
		return err
	}
	return verr
}

// Activate implements access.Store.
func (s *AccessStore) Activate(ctx context.Context, taxpayerID int64, at time.Time, verify access.CodeVerifier, a access.Account, ev audit.Entry) (access.Account, error) {
	err := s.withCode(ctx, verify, ev, func(tx *sql.Tx, _ access.Code) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO accounts (kind, taxpayer_id, name, password_hash, created_at, password_set_at)
			VALUES ('taxpayer', $1, $2, $3, $4, $5) RETURNING id`,
			a.TaxpayerID, a.Name, a.PasswordHash, a.CreatedAt.UTC(), a.PasswordSetAt.UTC()).Scan(&a.ID)
		if isUniqueViolation(err) {
			return errs.E(errs.Conflict, "this taxpayer's account is already active; sign in, or reset the password if it is forgotten").Wrap(err)
		}
		if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		ev.AccountID = a.ID
		return appendAudit(ctx, tx, ev)
	}, `WHERE taxpayer_id = $1 AND purpose = 'activation' AND form = 'code' AND used_at IS NULL AND voided_at IS NULL ORDER BY id DESC LIMIT 1`, taxpayerID)
	return a, err
}

func (s *AccessStore) resetIn(ctx context.Context, tx *sql.Tx, taxpayerID int64, hash string, at time.Time, ev audit.Entry) (access.Account, error) {
	var a access.Account
	if err := scanAccount(tx.QueryRowContext(ctx, accountSQL+`WHERE a.taxpayer_id = $1`, taxpayerID), &a); err != nil {
		return a, notFound(err, "this taxpayer has no account yet; activate it first")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, password_set_at = $3, failures = 0,
		last_failure_at = NULL, locked_until = NULL WHERE id = $1`, a.ID, hash, at.UTC()); err != nil {
		return a, fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = 'password reset'
		WHERE account_id = $1 AND ended_at IS NULL`, a.ID, at.UTC()); err != nil {
		return a, fmt.Errorf("end sessions: %w", err)
	}
	ev.AccountID, ev.TaxpayerID = a.ID, a.TaxpayerID
	if ev.Actor == "" || ev.Actor == "anonymous" || strings.HasPrefix(ev.Actor, "anonymous@") {
		ev.Actor = "taxpayer:" + a.NPWP
	}
	return a, appendAudit(ctx, tx, ev)
}

// ResetPassword implements access.Store.
func (s *AccessStore) ResetPassword(ctx context.Context, taxpayerID int64, at time.Time, verify access.CodeVerifier, hash string, ev audit.Entry) (access.Account, error) {
	var a access.Account
	err := s.withCode(ctx, verify, ev, func(tx *sql.Tx, _ access.Code) error {
		var err error
		a, err = s.resetIn(ctx, tx, taxpayerID, hash, at, ev)
		return err
	}, `WHERE taxpayer_id = $1 AND purpose = 'password_reset' AND form = 'code' AND used_at IS NULL AND voided_at IS NULL ORDER BY id DESC LIMIT 1`, taxpayerID)
	return a, err
}

// ResetPasswordByLink implements access.Store.
func (s *AccessStore) ResetPasswordByLink(ctx context.Context, linkHash string, at time.Time, verify access.CodeVerifier, hash string, ev audit.Entry) (access.Account, error) {
	var a access.Account
	err := s.withCode(ctx, verify, ev, func(tx *sql.Tx, c access.Code) error {
		var err error
		a, err = s.resetIn(ctx, tx, c.TaxpayerID, hash, at, ev)
		return err
	}, `WHERE secret_hash = $1 AND form = 'link' AND purpose = 'password_reset'`, linkHash)
	return a, err
}

// RecordFailure implements access.Store.
func (s *AccessStore) RecordFailure(ctx context.Context, accountID int64, at time.Time, lock func(int) time.Time, ev audit.Entry) (access.Account, error) {
	var a access.Account
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE accounts SET failures = failures + 1, last_failure_at = $2 WHERE id = $1 RETURNING failures`,
			accountID, at.UTC()).Scan(&n); err != nil {
			return notFound(err, "no such account")
		}
		until := lock(n)
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET locked_until = $2 WHERE id = $1`, accountID, nullTimeArg(until)); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if err := scanAccount(tx.QueryRowContext(ctx, accountSQL+`WHERE a.id = $1`, accountID), &a); err != nil {
			return err
		}
		ev.Detail = fmt.Sprintf("%s (%d in a row)", ev.Detail, n)
		if !until.IsZero() {
			ev.Detail += "; sign-in paused until " + until.UTC().Format(time.RFC3339)
		}
		return appendAudit(ctx, tx, ev)
	})
	return a, err
}

// Unlock implements access.Store.
func (s *AccessStore) Unlock(ctx context.Context, accountID int64, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE id = $1`, accountID); err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

func insertSession(ctx context.Context, tx *sql.Tx, x access.Session) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, account_id, acting_for_taxpayer_id, second_step_pending, address, user_agent,
		created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		x.IDHash, x.AccountID, nullID(x.ActingForID), x.SecondStepPending, x.Address, x.UserAgent,
		x.CreatedAt.UTC(), x.LastSeen.UTC(), x.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	if !x.SecondStepPending {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE id = $1`, x.AccountID); err != nil {
			return fmt.Errorf("clear failures: %w", err)
		}
	}
	return nil
}

// StartSession implements access.Store.
func (s *AccessStore) StartSession(ctx context.Context, x access.Session, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertSession(ctx, tx, x); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// ReplaceSession implements access.Store.
func (s *AccessStore) ReplaceSession(ctx context.Context, oldHash string, at time.Time, reason string, x access.Session, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE id_hash = $1 AND ended_at IS NULL`, oldHash, at.UTC(), reason)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.E(errs.Unauthenticated, "the session has ended; sign in again")
		}
		if err := insertSession(ctx, tx, x); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

const sessionSQL = `SELECT s.id_hash, s.account_id, coalesce(s.acting_for_taxpayer_id, 0), s.second_step_pending, s.address, s.user_agent,
	s.created_at, s.last_seen_at, s.expires_at, s.ended_at, s.end_reason FROM sessions s `

func sessionDest(x *access.Session) []any {
	return []any{&x.IDHash, &x.AccountID, &x.ActingForID, &x.SecondStepPending, &x.Address, &x.UserAgent,
		utc{&x.CreatedAt}, utc{&x.LastSeen}, utc{&x.ExpiresAt}, nullTime{&x.EndedAt}, &x.EndReason}
}

// Session implements access.Store.
func (s *AccessStore) Session(ctx context.Context, idHash string) (access.SessionView, error) {
	var v access.SessionView
	err := s.db.db.QueryRowContext(ctx, sessionSQL+`WHERE s.id_hash = $1`, idHash).Scan(sessionDest(&v.Session)...)
	if err != nil {
		return v, translate(notFound(err, "no such session"))
	}
	if v.Account, err = s.Account(ctx, v.AccountID); err != nil {
		return v, err
	}
	if v.ActingForID != 0 {
		err := s.db.db.QueryRowContext(ctx, `SELECT npwp, name FROM taxpayers WHERE id = $1`, v.ActingForID).Scan(&v.ActingForNPWP, &v.ActingForName)
		if err != nil {
			return v, translate(fmt.Errorf("taxpayer acted for: %w", err))
		}
	}
	return v, nil
}

// TouchSession implements access.Store.
func (s *AccessStore) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2`, idHash, at.UTC())
	return translate(err)
}

// EndSession implements access.Store.
func (s *AccessStore) EndSession(ctx context.Context, idHash string, at time.Time, reason string, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE id_hash = $1 AND ended_at IS NULL`, idHash, at.UTC(), reason)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return nil
		}
		return appendAudit(ctx, tx, ev)
	})
}

// EndSessions implements access.Store.
func (s *AccessStore) EndSessions(ctx context.Context, accountID int64, keep string, at time.Time, reason string, ev audit.Entry) (int, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = $3
			WHERE account_id = $1 AND ended_at IS NULL AND id_hash <> $4`, accountID, at.UTC(), reason, keep)
		if err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		ev.Detail = fmt.Sprintf("%s (%d sessions)", ev.Detail, n)
		return appendAudit(ctx, tx, ev)
	})
	return int(n), err
}

// Sessions implements access.Store.
func (s *AccessStore) Sessions(ctx context.Context, accountID int64) ([]access.Session, error) {
	rows, err := s.db.db.QueryContext(ctx, sessionSQL+`WHERE s.account_id = $1 AND s.ended_at IS NULL ORDER BY s.last_seen_at DESC LIMIT 100`, accountID)
	if err != nil {
		return nil, translate(fmt.Errorf("sessions: %w", err))
	}
	defer rows.Close()
	var out []access.Session
	for rows.Next() {
		var x access.Session
		if err := rows.Scan(sessionDest(&x)...); err != nil {
			return nil, translate(fmt.Errorf("sessions: %w", err))
		}
		out = append(out, x)
	}
	return out, translate(rows.Err())
}

// SetPassword implements access.Store.
func (s *AccessStore) SetPassword(ctx context.Context, accountID int64, hash string, at time.Time, keep string, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, password_set_at = $3 WHERE id = $1`, accountID, hash, at.UTC()); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = 'password changed'
			WHERE account_id = $1 AND ended_at IS NULL AND id_hash <> $3`, accountID, at.UTC(), keep); err != nil {
			return fmt.Errorf("end other sessions: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// Rehash implements access.Store. It changes nothing when the password
// was changed in the meantime.
func (s *AccessStore) Rehash(ctx context.Context, accountID int64, old, new string) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE accounts SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, accountID, old, new)
	return translate(err)
}

// ForceReset implements access.Store.
func (s *AccessStore) ForceReset(ctx context.Context, accountID int64, hash string, at time.Time, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, password_set_at = $3, failures = 0,
			last_failure_at = NULL, locked_until = NULL WHERE id = $1`, accountID, hash, at.UTC()); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, end_reason = 'password reset by an officer'
			WHERE account_id = $1 AND ended_at IS NULL`, accountID, at.UTC()); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// AddOfficer implements access.Store.
func (s *AccessStore) AddOfficer(ctx context.Context, a access.Account, ev audit.Entry) (access.Account, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO accounts (kind, username, name, password_hash, created_at, password_set_at)
			VALUES ('officer', $1, $2, $3, $4, $5) RETURNING id`, a.Username, a.Name, a.PasswordHash, a.CreatedAt.UTC(), a.PasswordSetAt.UTC()).Scan(&a.ID)
		if isUniqueViolation(err) {
			return errs.InvalidFields("the officer was not added", errs.Field("username", a.Username, "this user name is taken; choose another")).Wrap(err)
		}
		if err != nil {
			return fmt.Errorf("insert officer: %w", err)
		}
		ev.AccountID = a.ID
		return appendAudit(ctx, tx, ev)
	})
	return a, err
}

// SetTOTP implements access.Store.
func (s *AccessStore) SetTOTP(ctx context.Context, accountID int64, sealed string, enabled bool, recovery []string, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_secret = $2, totp_enabled = $3 WHERE id = $1`, accountID, sealed, enabled); err != nil {
			return fmt.Errorf("set authenticator: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("delete recovery codes: %w", err)
		}
		for _, h := range recovery {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)`, accountID, h); err != nil {
				return fmt.Errorf("insert recovery code: %w", err)
			}
		}
		return appendAudit(ctx, tx, ev)
	})
}

// UseTOTPStep implements access.Store.
func (s *AccessStore) UseTOTPStep(ctx context.Context, accountID int64, step int64) (bool, error) {
	var used bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, accountID, step)
		if err != nil {
			return fmt.Errorf("use authenticator step: %w", err)
		}
		n, err := res.RowsAffected()
		used = n == 1
		return err
	})
	return used, err
}

// UseRecoveryCode implements access.Store.
func (s *AccessStore) UseRecoveryCode(ctx context.Context, accountID int64, hash string, at time.Time) (bool, error) {
	var used bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $3 WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL`, accountID, hash, at.UTC())
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		n, err := res.RowsAffected()
		used = n == 1
		return err
	})
	return used, err
}

const tokenSQL = `SELECT k.id, k.account_id, k.taxpayer_id, t.npwp, k.name, k.token_hash, k.scopes, k.created_at, k.expires_at, k.revoked_at, k.last_used_at
	FROM api_tokens k JOIN taxpayers t ON t.id = k.taxpayer_id `

func scanToken(row interface{ Scan(...any) error }) (access.Token, error) {
	var k access.Token
	var scopes string
	err := row.Scan(&k.ID, &k.AccountID, &k.TaxpayerID, &k.NPWP, &k.Name, &k.Hash, &scopes, utc{&k.CreatedAt}, utc{&k.ExpiresAt},
		nullTime{&k.RevokedAt}, nullTime{&k.LastUsed})
	k.Scopes = strings.Fields(scopes)
	return k, err
}

// CreateToken implements access.Store.
func (s *AccessStore) CreateToken(ctx context.Context, k access.Token, ev audit.Entry) (access.Token, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (account_id, taxpayer_id, name, token_hash, scopes, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			k.AccountID, k.TaxpayerID, k.Name, k.Hash, strings.Join(k.Scopes, " "), k.CreatedAt.UTC(), k.ExpiresAt.UTC()).Scan(&k.ID)
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
	return k, err
}

// TokenByHash implements access.Store.
func (s *AccessStore) TokenByHash(ctx context.Context, hash string) (access.TokenView, error) {
	k, err := scanToken(s.db.db.QueryRowContext(ctx, tokenSQL+`WHERE k.token_hash = $1`, hash))
	if err != nil {
		return access.TokenView{}, translate(notFound(err, "no such token"))
	}
	v := access.TokenView{Token: k}
	v.Account, err = s.Account(ctx, k.AccountID)
	return v, err
}

// TouchToken implements access.Store.
func (s *AccessStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, at.UTC())
	return translate(err)
}

// Tokens implements access.Store.
func (s *AccessStore) Tokens(ctx context.Context, accountID int64) ([]access.Token, error) {
	rows, err := s.db.db.QueryContext(ctx, tokenSQL+`WHERE k.account_id = $1 ORDER BY k.id DESC`, accountID)
	if err != nil {
		return nil, translate(fmt.Errorf("tokens: %w", err))
	}
	defer rows.Close()
	var out []access.Token
	for rows.Next() {
		k, err := scanToken(rows)
		if err != nil {
			return nil, translate(fmt.Errorf("tokens: %w", err))
		}
		out = append(out, k)
	}
	return out, translate(rows.Err())
}

// RevokeToken implements access.Store.
func (s *AccessStore) RevokeToken(ctx context.Context, accountID, id int64, at time.Time, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL`, id, accountID, at.UTC())
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Errorf(errs.NotFound, "you have no live API token with ID %d", id)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// Audit implements access.Store.
func (s *AccessStore) Audit(ctx context.Context, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, ev) })
}

// Represents implements access.Store.
func (s *AccessStore) Represents(ctx context.Context, personID, targetID int64, day time.Time) (bool, error) {
	var n int
	d := calendar.Day(day)
	err := s.db.db.QueryRowContext(ctx, `SELECT count(*) FROM related_parties WHERE party_id = $1 AND taxpayer_id = $2
		AND valid_from <= $3 AND (valid_until IS NULL OR valid_until >= $3)`, personID, targetID, d).Scan(&n)
	return n > 0, translate(err)
}

// LastMessage implements access.Store.
func (s *AccessStore) LastMessage(ctx context.Context, taxpayerID int64, purpose string) (notify.Message, error) {
	var m notify.Message
	var channel, status string
	err := s.db.db.QueryRowContext(ctx, `SELECT id, channel, recipient, purpose, status, attempts, last_error, created_at, next_at, sent_at
		FROM outbox WHERE taxpayer_id = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1`, taxpayerID, purpose).Scan(
		&m.ID, &channel, &m.To, &m.Purpose, &status, &m.Attempts, &m.LastError, utc{&m.CreatedAt}, utc{&m.NextAt}, nullTime{&m.SentAt})
	m.Channel, m.Status, m.TaxpayerID = notify.Channel(channel), notify.Status(status), taxpayerID
	return m, translate(notFound(err, "no message has been sent"))
}
