package storage

import (
	"context"
	"fmt"

	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/money"
)

var _ casework.DashboardStore = (*CaseStore)(nil)

// DeclaredTotals implements casework.DashboardStore: the current
// revision of each declaration, summed per region and month.
func (s *CaseStore) DeclaredTotals(ctx context.Context, from, to string) ([]casework.DeclaredTotal, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT regency_code, period, SUM(base_sen), COUNT(*) FROM pbjt_declarations
		WHERE status = 'current' AND period >= $1 AND period <= $2 GROUP BY regency_code, period ORDER BY regency_code, period`, from, to)
	if err != nil {
		return nil, translate(fmt.Errorf("sum declarations: %w", err))
	}
	var out []casework.DeclaredTotal
	for rows.Next() {
		var t casework.DeclaredTotal
		var base int64
		if err := rows.Scan(&t.Regency, &t.Period, &base, &t.Declarations); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		t.Base = money.Amount(base)
		out = append(out, t)
	}
	return out, closeRows(rows)
}

// Declarations implements casework.Store: every revision of the
// taxpayer's PBJT declarations.
func (s *CaseStore) Declarations(ctx context.Context, taxpayerID int64) ([]casework.Declaration, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT property_id, regency_code, period, revision, base_sen, bookings_gross_sen, tax_sen, status, filed_at
		FROM pbjt_declarations WHERE taxpayer_id = $1 ORDER BY property_id, period, revision`, taxpayerID)
	if err != nil {
		return nil, translate(fmt.Errorf("declarations of taxpayer %d: %w", taxpayerID, err))
	}
	var out []casework.Declaration
	for rows.Next() {
		var d casework.Declaration
		var base, gross, tax int64
		if err := rows.Scan(&d.PropertyID, &d.Regency, &d.Period, &d.Revision, &base, &gross, &tax, &d.Status, utc{&d.FiledAt}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		d.Base, d.BookingsGross, d.Tax = money.Amount(base), money.Amount(gross), money.Amount(tax)
		out = append(out, d)
	}
	return out, closeRows(rows)
}

// SourceTotals implements casework.DashboardStore: the booking records of
// each source per region and month, leaving out a record that a later
// record corrects (the correction counts instead).
func (s *CaseStore) SourceTotals(ctx context.Context, from, to string) ([]casework.SourceTotal, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT r.regency_code, r.period, r.source, SUM(r.gross_sen), COUNT(*) FROM compliance_records r
		WHERE r.kind = 'booking' AND r.period >= $1 AND r.period <= $2
		AND NOT EXISTS (SELECT 1 FROM compliance_records c WHERE c.corrects = r.id)
		GROUP BY r.regency_code, r.period, r.source ORDER BY r.regency_code, r.period, r.source`, from, to)
	if err != nil {
		return nil, translate(fmt.Errorf("sum third-party records: %w", err))
	}
	var out []casework.SourceTotal
	for rows.Next() {
		var t casework.SourceTotal
		var gross int64
		if err := rows.Scan(&t.Regency, &t.Period, &t.Source, &gross, &t.Records); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		t.Gross = money.Amount(gross)
		out = append(out, t)
	}
	return out, closeRows(rows)
}
