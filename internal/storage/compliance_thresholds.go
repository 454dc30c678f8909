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
	"github.com/coretax/coretax/internal/money"
)

// thresholdsJSON is the stored form of a version's thresholds in
// compliance_config_versions.config and compliance_runs.config, named as
// in the API.
type thresholdsJSON struct {
	WindowMonths       int   `json:"window_months"`
	MinShortfall       int64 `json:"min_shortfall_sen"`
	NetMinShare        int64 `json:"net_min_share_bp"`
	NetPayoutTolerance int64 `json:"net_payout_tolerance_bp"`
	OffshoreCover      int64 `json:"offshore_cover_bp"`
	NomineeMaxShare    int64 `json:"nominee_max_share_bp"`
	NomineeMinGross    int64 `json:"nominee_min_gross_sen"`
	FeeTolerance       int64 `json:"fee_tolerance_bp"`
	FeeMinGap          int64 `json:"fee_min_gap_sen"`
	MaxEvidence        int   `json:"max_evidence"`
}

func encodeThresholds(c compliance.Config) (string, error) {
	b, err := json.Marshal(thresholdsJSON{WindowMonths: c.WindowMonths, MinShortfall: int64(c.MinShortfall), NetMinShare: c.NetMinShare,
		NetPayoutTolerance: c.NetPayoutTolerance, OffshoreCover: c.OffshoreCover, NomineeMaxShare: c.NomineeMaxShare,
		NomineeMinGross: int64(c.NomineeMinGross), FeeTolerance: c.FeeTolerance, FeeMinGap: int64(c.FeeMinGap), MaxEvidence: c.MaxEvidence})
	if err != nil {
		return "", fmt.Errorf("encode compliance thresholds: %w", err)
	}
	return string(b), nil
}

func decodeThresholds(s string) (compliance.Config, error) {
	var j thresholdsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return compliance.Config{}, fmt.Errorf("decode compliance thresholds %q: %w", s, err)
	}
	return compliance.Config{WindowMonths: j.WindowMonths, MinShortfall: money.Amount(j.MinShortfall), NetMinShare: j.NetMinShare,
		NetPayoutTolerance: j.NetPayoutTolerance, OffshoreCover: j.OffshoreCover, NomineeMaxShare: j.NomineeMaxShare,
		NomineeMinGross: money.Amount(j.NomineeMinGross), FeeTolerance: j.FeeTolerance, FeeMinGap: money.Amount(j.FeeMinGap), MaxEvidence: j.MaxEvidence}, nil
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
