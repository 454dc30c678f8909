package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/notify"
)

// OutboxStore is the notification outbox: messages waiting to be
// delivered, being delivered and delivered. It implements notify.Store.
type OutboxStore struct{ db *DB }

// Outbox returns the outbox store.
func (db *DB) Outbox() *OutboxStore { return &OutboxStore{db: db} }

var _ notify.Store = (*OutboxStore)(nil)

// WakeOnCommit has wake called after every commit of a transaction that
// stored outbox messages, so that a worker in this process delivers them
// at once instead of at its next poll: pass notify.Worker.Kick. wake runs
// in the committing goroutine after the commit has succeeded, never for a
// transaction that rolled back, and must not block. Messages committed by
// another process sharing the database do not call it; the worker's poll
// finds those. A later call replaces wake; nil removes it.
func (s *OutboxStore) WakeOnCommit(wake func()) {
	if wake == nil {
		s.db.outboxWake.Store(nil)
		return
	}
	s.db.outboxWake.Store(&wake)
}

const outboxColumns = `id, channel, recipient, subject, body, purpose, taxpayer_id, account_id, status,
	attempts, last_error, created_at, next_at, sent_at`

func scanMessage(row interface{ Scan(...any) error }) (notify.Message, error) {
	var m notify.Message
	var channel, status string
	var taxpayer, account sql.NullInt64
	err := row.Scan(&m.ID, &channel, &m.To, &m.Subject, &m.Body, &m.Purpose, &taxpayer, &account, &status,
		&m.Attempts, &m.LastError, utc{&m.CreatedAt}, utc{&m.NextAt}, nullTime{&m.SentAt})
	m.Channel, m.Status = notify.Channel(channel), notify.Status(status)
	m.TaxpayerID, m.AccountID = taxpayer.Int64, account.Int64
	return m, err
}

// Enqueue stores a message on its own, in one transaction, and returns
// its ID. A message caused by another change is stored by that change's
// Store method in the same transaction instead. CreatedAt must be set.
func (s *OutboxStore) Enqueue(ctx context.Context, m notify.Message) (int64, error) {
	if m.CreatedAt.IsZero() {
		return 0, fmt.Errorf("enqueue %s message: CreatedAt is not set", m.Purpose)
	}
	var id int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertOutbox(ctx, tx, m)
		return err
	})
	return id, err
}

// Message returns the message with the ID.
func (s *OutboxStore) Message(ctx context.Context, id int64) (notify.Message, error) {
	row := s.db.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id)
	m, err := scanMessage(row)
	if err != nil {
		return notify.Message{}, translate(notFound(fmt.Errorf("outbox message %d: %w", id, err),
			fmt.Sprintf("there is no message %d in the outbox", id)))
	}
	return m, nil
}

// List returns the messages f selects, newest first.
func (s *OutboxStore) List(ctx context.Context, f notify.Filter) ([]notify.Message, error) {
	var where []string
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.AccountID != 0 {
		arg("account_id = $%d", f.AccountID)
	}
	if f.TaxpayerID != 0 {
		arg("taxpayer_id = $%d", f.TaxpayerID)
	}
	if f.Before > 0 {
		arg("id < $%d", f.Before)
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = notify.DefaultPage
	case limit > notify.MaxPage:
		limit = notify.MaxPage
	}
	q := `SELECT ` + outboxColumns + ` FROM outbox`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list outbox: %w", err))
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, translate(fmt.Errorf("list outbox: %w", err))
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(fmt.Errorf("list outbox: %w", err))
	}
	return out, nil
}

// Claim implements notify.Store. Each message is claimed by its own
// conditional UPDATE, which matches only while the message is still due:
// of two workers racing for it, the second finds it no longer due (its
// next_at moved to the end of the lease) and skips it.
func (s *OutboxStore) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]notify.Message, error) {
	now = now.UTC()
	rows, err := s.db.db.QueryContext(ctx, `SELECT id FROM outbox
		WHERE status IN ('pending', 'sending') AND next_at <= $1 ORDER BY next_at, id LIMIT $2`, now, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("find due messages: %w", err))
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(fmt.Errorf("find due messages: %w", err))
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, translate(fmt.Errorf("find due messages: %w", err))
	}
	var out []notify.Message
	for _, id := range ids {
		row := s.db.db.QueryRowContext(ctx, `UPDATE outbox SET status = 'sending', next_at = $2, attempts = attempts + 1
			WHERE id = $1 AND status IN ('pending', 'sending') AND next_at <= $3
			RETURNING `+outboxColumns, id, now.Add(lease), now)
		m, err := scanMessage(row)
		if errors.Is(err, sql.ErrNoRows) {
			continue // claimed by another worker meanwhile
		}
		if err != nil {
			return out, translate(fmt.Errorf("claim message %d: %w", id, err))
		}
		out = append(out, m)
	}
	return out, nil
}

// mark records the outcome of an attempt: it changes the message only
// while it is still claimed by that attempt.
func (s *OutboxStore) mark(ctx context.Context, id int64, attempt int, set string, args ...any) error {
	args = append([]any{id, attempt}, args...)
	res, err := s.db.db.ExecContext(ctx, `UPDATE outbox SET `+set+`
		WHERE id = $1 AND status = 'sending' AND attempts = $2`, args...)
	if err != nil {
		return translate(fmt.Errorf("record delivery of message %d: %w", id, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(fmt.Errorf("record delivery of message %d: %w", id, err))
	}
	if n == 0 {
		return fmt.Errorf("record attempt %d of message %d: %w", attempt, id, notify.ErrLeaseLost)
	}
	return nil
}

// MarkSent implements notify.Store.
func (s *OutboxStore) MarkSent(ctx context.Context, id int64, attempt int, at time.Time) error {
	return s.mark(ctx, id, attempt, `status = 'sent', sent_at = $3, last_error = ''`, at.UTC())
}

// MarkRetry implements notify.Store.
func (s *OutboxStore) MarkRetry(ctx context.Context, id int64, attempt int, lastError string, next time.Time) error {
	return s.mark(ctx, id, attempt, `status = 'pending', last_error = $3, next_at = $4`, lastError, next.UTC())
}

// MarkFailed implements notify.Store.
func (s *OutboxStore) MarkFailed(ctx context.Context, id int64, attempt int, lastError string) error {
	return s.mark(ctx, id, attempt, `status = 'failed', last_error = $3`, lastError)
}

// MarkDevOutbox implements notify.Store.
func (s *OutboxStore) MarkDevOutbox(ctx context.Context, id int64, attempt int) error {
	return s.mark(ctx, id, attempt, `status = 'dev_outbox'`)
}
