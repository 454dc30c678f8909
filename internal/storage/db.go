// Package storage implements every domain Store with hand-written SQL over
// database/sql: the embedded SQLite driver (modernc.org/sqlite, pure Go) by
// default and PostgreSQL through pgx for production.
//
// Both dialects share one SQL text wherever they can ($N placeholders,
// RETURNING, ON CONFLICT, partial indexes all work on both); the few
// differences live in dialect.go. Each exported method that changes state
// runs in one transaction and writes its history rows in that transaction.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL database behind a DB.
type Dialect int

// The supported dialects.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open database with its dialect. It is safe for concurrent use.
type DB struct {
	db      *sql.DB
	dialect Dialect
	// where describes the database for logs without credentials.
	where string
	// outboxWake is called after a commit that stored outbox messages
	// (OutboxStore.WakeOnCommit); nil for none.
	outboxWake atomic.Pointer[func()]
}

// SQLiteFile is the name of the embedded database inside the data
// directory.
const SQLiteFile = "coretax.db"

// Open opens the database named by databaseURL: an empty URL means the
// embedded SQLite file in dataDir (created when missing), a postgres:// or
// postgresql:// URL means PostgreSQL. Open checks that the database
// answers; it does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	switch {
	case databaseURL == "":
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return OpenSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return OpenPostgres(ctx, databaseURL)
	case strings.HasPrefix(databaseURL, "sqlite:"), strings.HasPrefix(databaseURL, "file:"):
		p := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:")
		return OpenSQLite(ctx, strings.TrimPrefix(p, "//"))
	default:
		return nil, fmt.Errorf("database URL %q: unsupported scheme; use postgres://user@host/db for PostgreSQL, or leave it empty for the embedded SQLite file", redact(databaseURL))
	}
}

// OpenSQLite opens (creating if needed) the SQLite file at path with the
// settings the system relies on: WAL journal, synchronous=FULL so that a
// committed transaction survives a power cut, foreign keys enforced, a busy
// timeout so that writers queue instead of failing, and write transactions
// that take the write lock at BEGIN (no deadlocks from lock upgrades).
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One writer at a time is SQLite's model; a small pool serves readers.
	sdb.SetMaxOpenConns(8)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sdb, dialect: SQLite, where: path}
	if err := db.Ping(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	var mode string
	if err := sdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlite %s: read journal mode: %w", path, err)
	}
	if mode != "wal" {
		sdb.Close()
		return nil, fmt.Errorf("sqlite %s: journal mode is %q, want wal", path, mode)
	}
	return db, nil
}

// OpenPostgres opens a PostgreSQL database through pgx.
func OpenPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	sdb, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(databaseURL), err)
	}
	sdb.SetMaxOpenConns(20)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sdb, dialect: Postgres, where: redact(databaseURL)}
	if err := db.Ping(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Dialect reports which database is behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// String describes the database without credentials.
func (db *DB) String() string { return db.dialect.String() + " " + db.where }

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("%s does not answer: %w", db, err)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// SQL returns the underlying handle for the few callers outside this
// package that need one (the metrics collector).
func (db *DB) SQL() *sql.DB { return db.db }

// inTx runs fn in a transaction and commits it, or rolls back when fn
// fails. Errors from the driver are translated by translate. After a
// commit of a transaction that stored outbox messages it wakes the outbox
// worker (db.committed).
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin transaction: %w", err))
	}
	// Forget whether a transaction that did not commit stored messages.
	defer enqueuedIn.Delete(tx)
	defer func() {
		if err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	db.committed(tx)
	return nil
}

// redact removes the password from a database URL for messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable database URL)"
	}
	return u.Redacted()
}

// IsEmpty reports whether the database holds no taxpayers and no
// reference registry records: the only state in which the demo world may
// be loaded.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM taxpayers) + (SELECT count(*) FROM population)
		+ (SELECT count(*) FROM companies) + (SELECT count(*) FROM immigration)`).Scan(&n)
	if err != nil {
		return false, translate(fmt.Errorf("check for data: %w", err))
	}
	return n == 0, nil
}
