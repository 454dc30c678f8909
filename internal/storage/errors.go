package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/coretax/coretax/internal/errs"
	"github.com/jackc/pgx/v5/pgconn"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate classifies driver errors by their SQLSTATE (PostgreSQL) or
// extended result code (SQLite), never by message text. Errors that are
// already classified pass through unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ce *errs.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.E(errs.Unavailable, "the request was cancelled or took too long; try again").Wrap(err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return errs.E(errs.Conflict, "the record clashes with one that already exists").Wrap(err)
		case "23503": // foreign_key_violation
			return errs.E(errs.Conflict, "the record refers to something that does not exist").Wrap(err)
		case "23514", "23502": // check_violation, not_null_violation
			return errs.E(errs.Invalid, "the record breaks a storage rule").Wrap(err)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return errs.E(errs.Unavailable, "the database was busy; try again").Wrap(err)
		case "57P01", "57P02", "57P03", "08000", "08003", "08006": // shutdown, connection failures
			return errs.E(errs.Unavailable, "the database is not available; try again shortly").Wrap(err)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errs.E(errs.Conflict, "the record clashes with one that already exists").Wrap(err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errs.E(errs.Conflict, "the record refers to something that does not exist").Wrap(err)
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return errs.E(errs.Invalid, "the record breaks a storage rule").Wrap(err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_BUSY_SNAPSHOT:
			return errs.E(errs.Unavailable, "the database was busy; try again").Wrap(err)
		}
		return err
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint violation in
// either dialect.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound turns sql.ErrNoRows into a NotFound error with msg; other
// errors pass through.
func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, msg)
	}
	return err
}
