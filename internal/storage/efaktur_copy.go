package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// bulkTx is a transaction that writes many rows at once: with
// multi-row INSERTs (insertBatch) or, on PostgreSQL, with COPY on the
// connection the transaction runs on. COPY parses and plans nothing per
// row and sends the rows in the binary format, which makes the rows of a
// large approval (signatures, log records, audit entries, fakturs) far
// cheaper for the server; it runs inside the transaction like any other
// statement, so a rollback takes its rows back with the rest.
type bulkTx struct {
	*sql.Tx
	// conn is the connection of Tx on PostgreSQL; nil on SQLite, which
	// has no COPY.
	conn *sql.Conn
	// positional: the multi-row INSERTs' placeholders are written as
	// bare ?, bound by position (SQLite). SQLite binds a $N placeholder
	// by looking its name up in the statement's list of names, once per
	// parameter on every run, which costs a statement of a few hundred
	// parameters more than its rows; a bulkTx without it writes $N,
	// which both databases read.
	positional bool
}

// copies reports whether bt writes rows with COPY.
func (bt bulkTx) copies() bool { return bt.conn != nil }

// inBulkTx runs fn in a transaction as inTx does; on PostgreSQL the
// transaction is begun on a connection of its own, so that fn can COPY
// on it.
func (db *DB) inBulkTx(ctx context.Context, fn func(bt bulkTx) error) (err error) {
	if db.dialect != Postgres {
		return db.inTx(ctx, func(tx *sql.Tx) error { return fn(bulkTx{Tx: tx, positional: true}) })
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return translate(fmt.Errorf("take a connection: %w", err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin transaction: %w", err))
	}
	// As inTx: a committed transaction that stored outbox messages wakes
	// the worker, and one that did not commit is forgotten.
	defer enqueuedIn.Delete(tx)
	defer func() {
		if err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	if err := fn(bulkTx{Tx: tx, conn: conn}); err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	db.committed(tx)
	return nil
}

// insert writes rows into table: len(cols) values a row, one row after
// the other in args. It uses COPY where bt can, else multi-row INSERTs.
func (bt bulkTx) insert(ctx context.Context, table string, cols []string, args []any) error {
	if len(args) == 0 {
		return nil
	}
	if len(args)%len(cols) != 0 {
		return fmt.Errorf("insert into %s: %d values for rows of %d columns", table, len(args), len(cols))
	}
	if !bt.copies() {
		return insertBatch(ctx, bt, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+")", len(cols), args, "", nil)
	}
	n := len(cols)
	rows := make([][]any, len(args)/n)
	for i := range rows {
		rows[i] = args[i*n : (i+1)*n : (i+1)*n]
	}
	var copied int64
	err := bt.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver's connection, not %T", dc)
		}
		var err error
		copied, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if copied != int64(len(rows)) {
		return fmt.Errorf("copy into %s: %d rows written of %d", table, copied, len(rows))
	}
	return nil
}

// nextIDs takes n values from the identity sequence of table's id
// column in one query, for rows that COPY writes with their id (COPY
// returns none). The values are unique but need not be consecutive.
func (bt bulkTx) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	rows, err := bt.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
	}
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("take %d ids of %s: got %d", n, table, len(ids))
	}
	return ids, nil
}
