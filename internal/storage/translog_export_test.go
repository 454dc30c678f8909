package storage

import (
	"context"
	"database/sql"
)

// AppendLeaves appends records to the transparency log with appendLeaves
// in a transaction of its own and returns the first index; a non-nil
// fail rolls the transaction back after the append and is returned.
func AppendLeaves(ctx context.Context, db *DB, records [][]byte, fail error) (int64, error) {
	var first int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if first, err = appendLeaves(ctx, tx, records); err != nil {
			return err
		}
		return fail
	})
	return first, err
}
