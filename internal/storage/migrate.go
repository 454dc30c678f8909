package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations of a dialect in order.
// File names are NNNN_name.sql; a migration that has landed is never
// edited, a change is a new file.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", d.String())
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s migrations: %w", d, err)
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s/%s: name must be NNNN_description.sql", dir, e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	// Versions must be unique; a gap is allowed so that changes developed
	// side by side can each reserve their number.
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("%s migrations: version %d is used twice (%s and %s); give one of them the next free number", d, ms[i].Version, ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// Migrate applies the migrations that have not been applied yet, each in
// its own transaction, and returns the versions it applied. On PostgreSQL
// an advisory lock keeps two starting servers from migrating at once; on
// SQLite the immediate write lock does the same.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`
	if db.dialect == Postgres {
		create = strings.Replace(create, "TIMESTAMP", "TIMESTAMPTZ", 1)
	}
	if _, err := db.db.ExecContext(ctx, create); err != nil {
		return nil, translate(fmt.Errorf("create schema_migrations: %w", err))
	}
	var applied []Migration
	for _, m := range ms {
		done := false
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			if db.dialect == Postgres {
				// 0x636f726574617800 spells "coretax" and keys the lock.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7165064478930286592)`); err != nil {
					return fmt.Errorf("lock migrations: %w", err)
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			if n > 0 {
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, time.Now().UTC()); err != nil {
				return fmt.Errorf("record migration %04d: %w", m.Version, err)
			}
			return nil
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

// SchemaVersion returns the highest applied migration, 0 for a new
// database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, translate(fmt.Errorf("read schema version: %w", err))
	}
	return int(v.Int64), nil
}
