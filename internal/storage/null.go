package storage

import (
	"database/sql"
	"time"

	"github.com/coretax/coretax/internal/calendar"
)

// nullString stores "" as NULL, so that optional unique columns (NIK,
// passport, registry number) do not clash on empty values.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullDate stores the zero time as NULL and any other time as its
// calendar day at UTC midnight.
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return calendar.Midnight(t)
}

// nullTime scans a nullable date or timestamp.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

// str scans a nullable text column into a string ("" for NULL).
type str struct{ s *string }

func (n str) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}

// utc scans a non-null timestamp and normalises it to UTC.
type utc struct{ t *time.Time }

func (u utc) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	*u.t = nt.Time.UTC()
	return nil
}
