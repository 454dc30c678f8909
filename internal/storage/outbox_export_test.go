package storage

import (
	"context"
	"database/sql"

	"github.com/coretax/coretax/internal/notify"
)

// EnqueueInTx stores msgs with insertOutbox in one transaction of inTx,
// the way a Store method stores the messages of its change; a non-nil
// fail rolls the transaction back after the inserts and is returned.
func EnqueueInTx(ctx context.Context, db *DB, msgs []notify.Message, fail error) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, m := range msgs {
			if _, err := insertOutbox(ctx, tx, m); err != nil {
				return err
			}
		}
		return fail
	})
}

// InTx runs fn in a transaction of inTx, for tests of what a commit
// without outbox messages does.
func InTx(ctx context.Context, db *DB, fn func(tx *sql.Tx) error) error {
	return db.inTx(ctx, fn)
}

// MarkedTransactions counts the transactions marked as having stored
// outbox messages; once every transaction has ended it must be 0.
func MarkedTransactions() int {
	n := 0
	enqueuedIn.Range(func(any, any) bool { n++; return true })
	return n
}
