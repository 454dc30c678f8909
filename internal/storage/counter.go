package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// nextCounter increments the counter (name, scope) inside tx and returns
// its new value; the first call returns first. Serial numbers come from
// here, never from MAX()+1, so that two transactions cannot take the same
// number and a rolled-back transaction leaves no gap.
func nextCounter(ctx context.Context, tx *sql.Tx, name, scope string, first int64) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO counters (name, scope, value) VALUES ($1, $2, $3)
		ON CONFLICT (name, scope) DO UPDATE SET value = counters.value + 1
		RETURNING value`, name, scope, first).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("next %s/%s: %w", name, scope, err)
	}
	return v, nil
}
