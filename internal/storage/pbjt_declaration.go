package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

var _ pbjt.DeclarationStore = (*PBJTStore)(nil)

// ruleJSON is the stored form of a declaration's penalty rule
// (pbjt_declarations.penalty_rule), with each value's status and source.
type ruleJSON struct {
	Interest    valueJSON[int64] `json:"interest_bp_per_month"`
	MaxMonths   valueJSON[int]   `json:"interest_max_months"`
	LateFineSen valueJSON[int64] `json:"late_filing_fine_sen"`
}

type valueJSON[T any] struct {
	Value  T           `json:"value"`
	Status pbjt.Status `json:"status"`
	Source string      `json:"source"`
}

func encodeRule(r pbjt.PenaltyRule) (string, error) {
	b, err := json.Marshal(ruleJSON{
		Interest:    valueJSON[int64]{int64(r.InterestPerMonth.Value), r.InterestPerMonth.Status, r.InterestPerMonth.Source},
		MaxMonths:   valueJSON[int](r.InterestMaxMonths),
		LateFineSen: valueJSON[int64]{r.LateFilingFine.Value.Sen(), r.LateFilingFine.Status, r.LateFilingFine.Source},
	})
	return string(b), err
}

func decodeRule(s string) (pbjt.PenaltyRule, error) {
	var j ruleJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return pbjt.PenaltyRule{}, fmt.Errorf("stored penalty rule: %w", err)
	}
	return pbjt.PenaltyRule{
		InterestPerMonth:  pbjt.Value[pbjt.Rate]{Value: pbjt.Rate(j.Interest.Value), Status: j.Interest.Status, Source: j.Interest.Source},
		InterestMaxMonths: pbjt.Value[int](j.MaxMonths),
		LateFilingFine:    pbjt.Value[money.Amount]{Value: money.Amount(j.LateFineSen.Value), Status: j.LateFineSen.Status, Source: j.LateFineSen.Source},
	}, nil
}

const declarationColumns = `id, taxpayer_id, property_id, regency_code, period, revision, number, payment_code, nil_return, base_sen,
	bookings_gross_sen, bookings, unpriced, rate_bp, tax_sen, prior_tax_sen, overpayment_sen, reason, filed_on, filing_due, payment_due,
	late, fine_sen, region_from, office, layout, penalty_rule, status, filed_by, filed_at`

func scanDeclaration(row scanner) (pbjt.Declaration, error) {
	var d pbjt.Declaration
	var period, rule, status string
	var base, gross, tax, prior, over, fine int64
	err := row.Scan(&d.ID, &d.TaxpayerID, &d.PropertyID, &d.RegencyCode, &period, &d.Revision, &d.Number, &d.PaymentCode, &d.Nil, &base,
		&gross, &d.Bookings, &d.Unpriced, &d.Rate, &tax, &prior, &over, &d.Reason, utc{&d.FiledOn}, utc{&d.FilingDue}, utc{&d.PaymentDue},
		&d.Late, &fine, utc{&d.RegionFrom}, &d.Office, &d.Layout, &rule, &status, &d.FiledBy, utc{&d.FiledAt})
	if err != nil {
		return d, err
	}
	d.Base, d.BookingsGross, d.Tax, d.PriorTax, d.Overpayment, d.Fine = money.Amount(base), money.Amount(gross), money.Amount(tax),
		money.Amount(prior), money.Amount(over), money.Amount(fine)
	d.FiledOn, d.FilingDue, d.PaymentDue, d.RegionFrom = calendar.Midnight(d.FiledOn), calendar.Midnight(d.FilingDue),
		calendar.Midnight(d.PaymentDue), calendar.Midnight(d.RegionFrom)
	d.Status = pbjt.DeclarationStatus(status)
	if d.Period, err = pbjt.ParsePeriod(period); err != nil {
		return d, fmt.Errorf("declaration %d: stored period %q", d.ID, period)
	}
	d.Rule, err = decodeRule(rule)
	return d, err
}

// PropertyDeclarations implements pbjt.DeclarationStore.
func (s *PBJTStore) PropertyDeclarations(ctx context.Context, propertyID int64) ([]pbjt.Declaration, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+declarationColumns+` FROM pbjt_declarations
		WHERE property_id = $1 ORDER BY period, revision`, propertyID)
	if err != nil {
		return nil, translate(fmt.Errorf("list declarations of property %d: %w", propertyID, err))
	}
	var out []pbjt.Declaration
	for rows.Next() {
		d, err := scanDeclaration(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, closeRows(rows)
}

// PropertyPayments implements pbjt.DeclarationStore.
func (s *PBJTStore) PropertyPayments(ctx context.Context, propertyID int64) ([]pbjt.Payment, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, property_id, period, declaration_id, paid_on, amount_sen, receipt, recorded_by, recorded_at
		FROM pbjt_declaration_payments WHERE property_id = $1 ORDER BY period, paid_on, id`, propertyID)
	if err != nil {
		return nil, translate(fmt.Errorf("list payments of property %d: %w", propertyID, err))
	}
	var out []pbjt.Payment
	for rows.Next() {
		var p pbjt.Payment
		var period string
		var amount int64
		if err := rows.Scan(&p.ID, &p.PropertyID, &period, &p.DeclarationID, utc{&p.PaidOn}, &amount, &p.Receipt, &p.RecordedBy, utc{&p.RecordedAt}); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		p.PaidOn, p.Amount = calendar.Midnight(p.PaidOn), money.Amount(amount)
		if p.Period, err = pbjt.ParsePeriod(period); err != nil {
			rows.Close()
			return nil, fmt.Errorf("payment %d: stored period %q", p.ID, period)
		}
		out = append(out, p)
	}
	return out, closeRows(rows)
}

// FileDeclaration implements pbjt.DeclarationStore. The number and the
// payment code come from the counters pbjt.declaration and
// pbjt.payment_code of the region and period, taken in the transaction.
func (s *PBJTStore) FileDeclaration(ctx context.Context, d *pbjt.Declaration, n pbjt.Numberer, e audit.Entry) error {
	rule, err := encodeRule(d.Rule)
	if err != nil {
		return fmt.Errorf("encode penalty rule: %w", err)
	}
	period := d.Period.String()
	changed := func() error {
		return errs.Errorf(errs.Conflict, "the declaration of %s for property %d changed meanwhile; reload it and file again", period, d.PropertyID)
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if d.Revision > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE pbjt_declarations SET status = 'superseded'
				WHERE property_id = $1 AND period = $2 AND revision = $3 AND status = 'current'`, d.PropertyID, period, d.Revision-1)
			if err != nil {
				return fmt.Errorf("supersede revision %d: %w", d.Revision-1, err)
			}
			if k, err := res.RowsAffected(); err != nil || k != 1 {
				if err != nil {
					return fmt.Errorf("supersede revision %d: %w", d.Revision-1, err)
				}
				return changed()
			}
		}
		seq, err := nextCounter(ctx, tx, "pbjt.declaration", n.Scope, 1)
		if err != nil {
			return err
		}
		if d.Number, err = n.Number(seq); err != nil {
			return fmt.Errorf("number declaration: %w", err)
		}
		d.PaymentCode = ""
		if n.PaymentCode != nil {
			seq, err := nextCounter(ctx, tx, "pbjt.payment_code", n.Scope, 1)
			if err != nil {
				return err
			}
			if d.PaymentCode, err = n.PaymentCode(seq); err != nil {
				return fmt.Errorf("payment code: %w", err)
			}
		}
		d.Status = pbjt.Current
		err = tx.QueryRowContext(ctx, `INSERT INTO pbjt_declarations (taxpayer_id, property_id, regency_code, period, revision, number,
			payment_code, nil_return, base_sen, bookings_gross_sen, bookings, unpriced, rate_bp, tax_sen, prior_tax_sen, overpayment_sen, reason,
			filed_on, filing_due, payment_due, late, fine_sen, region_from, office, layout, penalty_rule, status, filed_by, filed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
			$27, $28, $29) RETURNING id`,
			d.TaxpayerID, d.PropertyID, d.RegencyCode, period, d.Revision, d.Number, d.PaymentCode, d.Nil, d.Base.Sen(), d.BookingsGross.Sen(),
			d.Bookings, d.Unpriced, int64(d.Rate), d.Tax.Sen(), d.PriorTax.Sen(), d.Overpayment.Sen(), d.Reason, calendar.Midnight(d.FiledOn),
			calendar.Midnight(d.FilingDue), calendar.Midnight(d.PaymentDue), d.Late, d.Fine.Sen(), calendar.Midnight(d.RegionFrom), d.Office,
			d.Layout, rule, string(d.Status), d.FiledBy, d.FiledAt.UTC().Truncate(time.Microsecond)).Scan(&d.ID)
		if isUniqueViolation(err) {
			return changed()
		}
		if err != nil {
			return fmt.Errorf("insert declaration: %w", err)
		}
		e.Detail = fmt.Sprintf("declaration %d %s: %s", d.ID, d.Number, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// AddPayment implements pbjt.DeclarationStore.
func (s *PBJTStore) AddPayment(ctx context.Context, p *pbjt.Payment, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_declaration_payments (property_id, period, declaration_id, paid_on, amount_sen,
			receipt, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			p.PropertyID, p.Period.String(), p.DeclarationID, calendar.Midnight(p.PaidOn), p.Amount.Sen(), p.Receipt, p.RecordedBy,
			p.RecordedAt.UTC()).Scan(&p.ID)
		if isUniqueViolation(err) {
			return &errs.Error{Kind: errs.Conflict, Message: "the receipt is recorded", Fields: []errs.FieldError{errs.Field("receipt", p.Receipt,
				"is recorded for a payment of %s already; check the receipt number", p.Period)}}
		}
		if err != nil {
			return fmt.Errorf("insert payment: %w", err)
		}
		e.Detail = fmt.Sprintf("payment %d: %s", p.ID, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}
