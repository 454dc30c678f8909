package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// The villa owners' recorded income tax choices and lease marks
// (migration 0022, doc/pbjt-income-tax.md).

var _ pbjt.IncomeTaxStore = (*PBJTStore)(nil)

// IncomeTaxChoices implements pbjt.IncomeTaxStore.
func (s *PBJTStore) IncomeTaxChoices(ctx context.Context, taxpayerID int64, year int) ([]pbjt.RegimeChoice, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, taxpayer_id, tax_year, regime, basis, recorded_by, recorded_at
		FROM pbjt_income_tax_choices WHERE taxpayer_id = $1 AND tax_year = $2 ORDER BY id`, taxpayerID, year)
	if err != nil {
		return nil, translate(fmt.Errorf("list income tax choices: %w", err))
	}
	var out []pbjt.RegimeChoice
	for rows.Next() {
		var c pbjt.RegimeChoice
		var regime string
		if err := rows.Scan(&c.ID, &c.TaxpayerID, &c.Year, &regime, &c.Basis, &c.RecordedBy, utc{&c.RecordedAt}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		c.Regime = pbjt.Regime(regime)
		out = append(out, c)
	}
	return out, closeRows(rows)
}

// AddIncomeTaxChoice implements pbjt.IncomeTaxStore.
func (s *PBJTStore) AddIncomeTaxChoice(ctx context.Context, c *pbjt.RegimeChoice, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_income_tax_choices (taxpayer_id, tax_year, regime, basis, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.TaxpayerID, c.Year, string(c.Regime), c.Basis, c.RecordedBy, c.RecordedAt.UTC()).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert income tax choice: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// LeaseMarks implements pbjt.IncomeTaxStore.
func (s *PBJTStore) LeaseMarks(ctx context.Context, propertyIDs []int64) ([]pbjt.LeaseMark, error) {
	if len(propertyIDs) == 0 {
		return nil, nil
	}
	marks := make([]string, len(propertyIDs))
	args := make([]any, len(propertyIDs))
	for i, id := range propertyIDs {
		marks[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT booking_id, property_id, taxpayer_id, tenant, whole_property, no_services, note, recorded_by, recorded_at
		FROM pbjt_lease_marks WHERE property_id IN (`+strings.Join(marks, ", ")+`) ORDER BY booking_id`, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list lease marks: %w", err))
	}
	var out []pbjt.LeaseMark
	for rows.Next() {
		var m pbjt.LeaseMark
		if err := rows.Scan(&m.BookingID, &m.PropertyID, &m.TaxpayerID, &m.Tenant, &m.WholeProperty, &m.NoServices, &m.Note, &m.RecordedBy,
			utc{&m.RecordedAt}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, m)
	}
	return out, closeRows(rows)
}

// MarkLease implements pbjt.IncomeTaxStore.
func (s *PBJTStore) MarkLease(ctx context.Context, m pbjt.LeaseMark, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pbjt_lease_marks WHERE booking_id = $1`, m.BookingID); err != nil {
			return fmt.Errorf("replace lease mark: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pbjt_lease_marks (booking_id, property_id, taxpayer_id, tenant, whole_property, no_services, note,
			recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.BookingID, m.PropertyID, m.TaxpayerID, m.Tenant, m.WholeProperty, m.NoServices, m.Note, m.RecordedBy, m.RecordedAt.UTC())
		if err != nil {
			return fmt.Errorf("insert lease mark: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// IncomeTaxExpenses implements pbjt.IncomeTaxStore (migration 0023).
func (s *PBJTStore) IncomeTaxExpenses(ctx context.Context, taxpayerID int64, year int) ([]pbjt.Expenses, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT e.id, e.taxpayer_id, e.tax_year, e.version, e.ptkp_status, e.note, e.recorded_by, e.recorded_at,
			l.label, l.amount_sen
		FROM pbjt_income_tax_expenses e JOIN pbjt_income_tax_expense_lines l ON l.expenses_id = e.id
		WHERE e.taxpayer_id = $1 AND e.tax_year = $2 ORDER BY e.version, l.line_no`, taxpayerID, year)
	if err != nil {
		return nil, translate(fmt.Errorf("list income tax expenses: %w", err))
	}
	var out []pbjt.Expenses
	for rows.Next() {
		var e pbjt.Expenses
		var l pbjt.ExpenseLine
		var sen int64
		if err := rows.Scan(&e.ID, &e.TaxpayerID, &e.Year, &e.Version, &e.PTKP, &e.Note, &e.RecordedBy, utc{&e.RecordedAt}, &l.Label, &sen); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		l.Amount = money.Amount(sen)
		if n := len(out); n == 0 || out[n-1].ID != e.ID {
			out = append(out, e)
		}
		last := &out[len(out)-1]
		last.Lines = append(last.Lines, l)
	}
	return out, closeRows(rows)
}

// AddIncomeTaxExpenses implements pbjt.IncomeTaxStore: the statement
// becomes the year's next version, numbered inside the transaction.
func (s *PBJTStore) AddIncomeTaxExpenses(ctx context.Context, e *pbjt.Expenses, a audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM pbjt_income_tax_expenses WHERE taxpayer_id = $1 AND tax_year = $2`,
			e.TaxpayerID, e.Year).Scan(&version); err != nil {
			return fmt.Errorf("number income tax expenses: %w", err)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_income_tax_expenses (taxpayer_id, tax_year, version, ptkp_status, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.TaxpayerID, e.Year, version, e.PTKP, e.Note, e.RecordedBy, e.RecordedAt.UTC()).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert income tax expenses: %w", err)
		}
		for i, l := range e.Lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pbjt_income_tax_expense_lines (expenses_id, line_no, label, amount_sen) VALUES ($1, $2, $3, $4)`,
				id, i+1, l.Label, l.Amount.Sen()); err != nil {
				return fmt.Errorf("insert income tax expense line: %w", err)
			}
		}
		if err := appendAudit(ctx, tx, a); err != nil {
			return err
		}
		e.ID, e.Version = id, version
		return nil
	})
}
