package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/coretax/coretax/internal/notify"
)

// enqueuedIn is the set of open transactions (*sql.Tx) that have stored an
// outbox message. insertOutbox adds its transaction; inTx removes it when
// the transaction ends and, when it has committed, wakes the outbox worker
// (OutboxStore.WakeOnCommit). The set lives beside insertOutbox rather than
// in the DB because insertOutbox sees only the transaction.
var enqueuedIn sync.Map

// insertOutbox stores a message in the outbox inside tx, the transaction
// of the event that caused it, so that the message exists exactly when
// the event does. It returns the message's ID. An empty Status means
// Pending; a zero NextAt means due at CreatedAt.
//
// tx must be a transaction of inTx or inBulkTx, whose commit wakes the
// outbox worker and whose end forgets the mark.
func insertOutbox(ctx context.Context, tx *sql.Tx, m notify.Message) (int64, error) {
	if m.Status == "" {
		m.Status = notify.Pending
	}
	if m.NextAt.IsZero() {
		m.NextAt = m.CreatedAt
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO outbox (channel, recipient, subject, body, purpose, taxpayer_id,
		account_id, status, attempts, last_error, created_at, next_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, '', $9, $10) RETURNING id`,
		string(m.Channel), m.To, m.Subject, m.Body, m.Purpose, nullID(m.TaxpayerID), nullID(m.AccountID),
		string(m.Status), m.CreatedAt.UTC(), m.NextAt.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert outbox message: %w", err)
	}
	enqueuedIn.Store(tx, struct{}{})
	return id, nil
}

// committed is called by inTx and inBulkTx once tx has committed: when tx stored
// outbox messages, it wakes the worker.
func (db *DB) committed(tx *sql.Tx) {
	if _, stored := enqueuedIn.LoadAndDelete(tx); !stored {
		return
	}
	if wake := db.outboxWake.Load(); wake != nil {
		(*wake)()
	}
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
