package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
)

// encodeThresholds gives the stored form of thresholds in
// compliance_config_versions.config and compliance_runs.config: the JSON
// of compliance.Values, named as in the API.
func encodeThresholds(c compliance.Config) (string, error) {
	b, err := json.Marshal(compliance.ValuesOf(c))
	if err != nil {
		return "", fmt.Errorf("encode compliance thresholds: %w", err)
	}
	return string(b), nil
}

func decodeThresholds(s string) (compliance.Config, error) {
	var v compliance.Values
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return compliance.Config{}, fmt.Errorf("decode compliance thresholds %q: %w", s, err)
	}
	return v.Config(), nil
}

// ThresholdVersions implements compliance.Store.
func (s *ComplianceStore) ThresholdVersions(ctx context.Context) ([]compliance.Thresholds, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT valid_from, config, reason, recorded_at, recorded_by
		FROM compliance_config_versions ORDER BY valid_from`)
	if err != nil {
		return nil, translate(fmt.Errorf("list compliance threshold versions: %w", err))
	}
	var out []compliance.Thresholds
	for rows.Next() {
		var t compliance.Thresholds
		var config string
		if err := rows.Scan(utc{&t.From}, &config, &t.Reason, utc{&t.RecordedAt}, &t.RecordedBy); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		t.From = calendar.Midnight(t.From)
		if t.Config, err = decodeThresholds(config); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	return out, closeRows(rows)
}

// AddThresholds implements compliance.Store.
func (s *ComplianceStore) AddThresholds(ctx context.Context, t compliance.Thresholds, e audit.Entry) error {
	config, err := encodeThresholds(t.Config)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO compliance_config_versions (valid_from, config, reason, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5)`, calendar.Midnight(t.From), config, t.Reason, t.RecordedAt.UTC(), t.RecordedBy)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "a version of the compliance thresholds from %s is already recorded; versions are never changed: choose another first day",
				t.From.Format(time.DateOnly))
		}
		if err != nil {
			return fmt.Errorf("insert compliance threshold version: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// runThresholds is the scanner of a run's config and config_from.
type runThresholds struct {
	config sql.NullString
	from   time.Time
}

// set fills r's thresholds from the scanned columns.
func (rt runThresholds) set(r *compliance.Run) error {
	if !rt.config.Valid {
		return nil
	}
	c, err := decodeThresholds(rt.config.String)
	if err != nil {
		return fmt.Errorf("run %d: %w", r.ID, err)
	}
	r.Thresholds = compliance.Thresholds{Config: c}
	if !rt.from.IsZero() {
		r.Thresholds.From = calendar.Midnight(rt.from)
	}
	return nil
}
