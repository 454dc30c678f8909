// Package storagetest runs storage tests against every dialect: a fresh
// SQLite file, and a fresh schema in the PostgreSQL server named by the
// CORETAX_TEST_POSTGRES environment variable.
//
// Without CORETAX_TEST_POSTGRES the PostgreSQL half is skipped, except when
// CI=true, where a missing server fails the test: CI must prove both
// dialects.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/coretax/coretax/internal/storage"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvPostgres names the environment variable with the PostgreSQL URL used
// by tests, e.g. postgres://postgres@127.0.0.1:5432/test.
const EnvPostgres = "CORETAX_TEST_POSTGRES"

// Each runs fn as a subtest on a migrated SQLite database and on a migrated
// PostgreSQL schema.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a new file under t.TempDir.
func SQLite(t testing.TB) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.OpenSQLite(ctx, filepath.Join(t.TempDir(), storage.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL returns the test server's URL, skipping the test when none
// is configured (failing it when CI=true).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgres)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; CI must run every storage test on PostgreSQL too", EnvPostgres)
		}
		t.Skipf("%s is not set; skipping the PostgreSQL half (set it to run both dialects)", EnvPostgres)
	}
	return u
}

// Postgres returns a migrated database in a new schema of the test server;
// the schema is dropped when the test ends.
func Postgres(t testing.TB) *storage.DB {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer a.Close()
		if _, err := a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := storage.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
