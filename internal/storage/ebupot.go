package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// EBupotStore implements ebupot.Store and ebupot.BatchStore.
type EBupotStore struct{ db *DB }

// EBupot returns the store of withholding slips.
func (db *DB) EBupot() *EBupotStore { return &EBupotStore{db: db} }

var (
	_ ebupot.Store      = (*EBupotStore)(nil)
	_ ebupot.BatchStore = (*EBupotStore)(nil)
)

const slipColumns = `id, withholder_id, number, revision, status, replaces_id, replaced_by_id, batch_id, slip, signature_id, public_id,
	qualifying_shareholding, created_at, updated_at, version`

func scanSlip(row scanner) (ebupot.Slip, error) {
	var (
		s                                ebupot.Slip
		id, withholder                   int64
		number                           string
		revision, version                int
		status                           string
		replaces, replacedBy, batch, sig sql.NullInt64
		doc, publicID                    string
		qualifying                       bool
		created, updated                 time.Time
	)
	if err := row.Scan(&id, &withholder, str{&number}, &revision, &status, &replaces, &replacedBy, &batch, &doc, &sig, &publicID,
		&qualifying, utc{&created}, utc{&updated}, &version); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return s, fmt.Errorf("stored slip %d: %w", id, err)
	}
	s.ID, s.WithholderID, s.Number, s.Revision, s.Status = id, withholder, number, revision, ebupot.Status(status)
	s.Replaces, s.ReplacedBy, s.BatchID, s.SignatureID, s.PublicID = replaces.Int64, replacedBy.Int64, batch.Int64, sig.Int64, publicID
	s.QualifyingShareholding = qualifying
	s.CreatedAt, s.UpdatedAt, s.Version = created, updated, version
	return s, nil
}

// slipDoc is the JSON kept in the slip column: the slip without the
// fields that have columns of their own.
func slipDoc(s *ebupot.Slip) (string, error) {
	c := *s
	c.ID, c.WithholderID, c.Number, c.Revision, c.Status, c.Replaces, c.ReplacedBy, c.BatchID, c.SignatureID, c.PublicID, c.Version = 0, 0, "", 0, "", 0, 0, 0, 0, "", 0
	c.QualifyingShareholding, c.CreatedAt, c.UpdatedAt = false, time.Time{}, time.Time{}
	b, err := json.Marshal(c)
	return string(b), err
}

func insertSlip(ctx context.Context, tx *sql.Tx, s *ebupot.Slip) error {
	doc, err := slipDoc(s)
	if err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, `INSERT INTO ebupot_slips (withholder_id, type, number, revision, status, replaces_id, year, month,
		recipient_id, recipient_tin, temporary_tin, object_code, gross, tax, batch_id, slip, signature_id, public_id, qualifying_shareholding,
		created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`,
		s.WithholderID, string(s.Type), nullString(s.Number), s.Revision, string(s.Status), nullID(s.Replaces), s.Period.Year, s.Period.Month,
		nullID(s.Recipient.ID), s.Recipient.TIN, s.Recipient.Temporary, s.ObjectCode, int64(s.Gross), int64(s.Tax), nullID(s.BatchID), doc,
		nullID(s.SignatureID), s.PublicID, s.QualifyingShareholding, s.CreatedAt.UTC(), s.UpdatedAt.UTC(), s.Version).Scan(&s.ID)
}

// CreateDrafts implements ebupot.Store.
func (s *EBupotStore) CreateDrafts(ctx context.Context, ss []*ebupot.Slip, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, sl := range ss {
			if err := insertSlip(ctx, tx, sl); err != nil {
				return fmt.Errorf("insert slip draft: %w", err)
			}
		}
		return appendAudit(ctx, tx, ev)
	})
}

// CreateBatch implements ebupot.BatchStore.
func (s *EBupotStore) CreateBatch(ctx context.Context, b *ebupot.Batch, ss []*ebupot.Slip, ev audit.Entry) error {
	rows, err := json.Marshal(b.Rows)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO ebupot_batches (withholder_id, source, created, rejected, rows_json, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, b.WithholderID, b.Source, b.Created, b.Rejected, "[]", b.CreatedAt.UTC()).Scan(&b.ID); err != nil {
			return fmt.Errorf("insert payroll batch: %w", err)
		}
		for _, sl := range ss {
			sl.BatchID = b.ID
			if err := insertSlip(ctx, tx, sl); err != nil {
				return fmt.Errorf("insert slip draft: %w", err)
			}
		}
		// The rows' results name the drafts' IDs.
		gi := 0
		for i := range b.Rows {
			if len(b.Rows[i].Problems) == 0 && gi < len(ss) {
				b.Rows[i].SlipID = ss[gi].ID
				gi++
			}
		}
		if rows, err = json.Marshal(b.Rows); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ebupot_batches SET rows_json = $1 WHERE id = $2`, string(rows), b.ID); err != nil {
			return fmt.Errorf("store payroll batch rows: %w", err)
		}
		ev.Detail += fmt.Sprintf(" (batch %d)", b.ID)
		return appendAudit(ctx, tx, ev)
	})
}

// Batch implements ebupot.BatchStore.
func (s *EBupotStore) Batch(ctx context.Context, id int64) (ebupot.Batch, error) {
	var b ebupot.Batch
	var rows string
	err := s.db.db.QueryRowContext(ctx, `SELECT id, withholder_id, source, created, rejected, rows_json, created_at FROM ebupot_batches WHERE id = $1`, id).
		Scan(&b.ID, &b.WithholderID, &b.Source, &b.Created, &b.Rejected, &rows, utc{&b.CreatedAt})
	if err != nil {
		return b, notFound(err, fmt.Sprintf("there is no payroll batch %d", id))
	}
	if err := json.Unmarshal([]byte(rows), &b.Rows); err != nil {
		return b, fmt.Errorf("stored batch %d rows: %w", id, err)
	}
	return b, nil
}

// DeleteDraft implements ebupot.Store.
func (s *EBupotStore) DeleteDraft(ctx context.Context, id int64, version int, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ebupot_slips WHERE id = $1 AND status = 'draft' AND version = $2`, id, version)
		if err != nil {
			return fmt.Errorf("delete slip draft: %w", err)
		}
		if err := oneRow(res, "slip draft %d was changed or signed by someone else; reload it", id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// slipPrefix is the letter code of a slip type in its number.
func slipNumber(sl *ebupot.Slip, serial int64) string {
	return fmt.Sprintf("%s%02d%08d", sl.Type, sl.Period.Year%100, serial)
}

// Sign implements ebupot.Store: each slip is numbered from the counter
// "bupot" of its withholder, type and year, signed and stored signed.
func (s *EBupotStore) Sign(ctx context.Context, ss []*ebupot.Slip, sign ebupot.SignFunc, notices ebupot.NoticeFunc, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, sl := range ss {
			serial, err := nextCounter(ctx, tx, "bupot", fmt.Sprintf("%d/%s/%d", sl.WithholderID, sl.Type, sl.Period.Year), 1)
			if err != nil {
				return err
			}
			sl.Number = slipNumber(sl, serial)
			if err := signSlip(ctx, tx, sl, sign); err != nil {
				return err
			}
			doc, err := slipDoc(sl)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE ebupot_slips SET number = $1, status = 'signed', slip = $2, signature_id = $3, public_id = $4,
				updated_at = $5, version = version + 1 WHERE id = $6 AND status = 'draft' AND version = $7`,
				sl.Number, doc, sl.SignatureID, sl.PublicID, sl.UpdatedAt.UTC(), sl.ID, sl.Version)
			if err != nil {
				return fmt.Errorf("sign slip %d: %w", sl.ID, err)
			}
			if err := oneRow(res, "slip draft %d was changed, signed or deleted by someone else; reload it", sl.ID); err != nil {
				return err
			}
			sl.Version++
		}
		ev.Detail += ": " + ss[0].Number
		if len(ss) > 1 {
			ev.Detail += " … " + ss[len(ss)-1].Number
		}
		if err := insertNotices(ctx, tx, notices); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

func signSlip(ctx context.Context, tx *sql.Tx, sl *ebupot.Slip, sign ebupot.SignFunc) error {
	p, err := sign(sl)
	if err != nil {
		return fmt.Errorf("sign slip %s: %w", sl.Number, err)
	}
	sig, err := saveSignature(ctx, tx, p.Signature, p.Record, p.Audit)
	if err != nil {
		return err
	}
	sl.SignatureID, sl.PublicID = sig.ID, sig.PublicID
	return nil
}

// Correct implements ebupot.Store.
func (s *EBupotStore) Correct(ctx context.Context, old ebupot.Slip, repl *ebupot.Slip, sign ebupot.SignFunc, notices ebupot.NoticeFunc, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := signSlip(ctx, tx, repl, sign); err != nil {
			return err
		}
		if err := insertSlip(ctx, tx, repl); err != nil {
			if isUniqueViolation(err) {
				return errs.Errorf(errs.Conflict, "slip %s was corrected by someone else meanwhile; reload it", old.Number)
			}
			return fmt.Errorf("insert correction of %s: %w", old.Number, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE ebupot_slips SET status = 'corrected', replaced_by_id = $1, updated_at = $2, version = version + 1
			WHERE id = $3 AND status = 'signed' AND version = $4`, repl.ID, repl.UpdatedAt.UTC(), old.ID, old.Version)
		if err != nil {
			return fmt.Errorf("mark slip %s corrected: %w", old.Number, err)
		}
		if err := oneRow(res, "slip %s was changed or cancelled meanwhile; reload it", old.Number); err != nil {
			return err
		}
		if err := insertNotices(ctx, tx, notices); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// Cancel implements ebupot.Store.
func (s *EBupotStore) Cancel(ctx context.Context, id int64, version int, at time.Time, reason string, notices []notify.Message, ev audit.Entry) (ebupot.Slip, error) {
	var out ebupot.Slip
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		sl, err := scanSlip(tx.QueryRowContext(ctx, `SELECT `+slipColumns+` FROM ebupot_slips WHERE id = $1`, id))
		if err != nil {
			return notFound(err, fmt.Sprintf("there is no slip %d", id))
		}
		sl.CancelledAt, sl.CancelReason = at.UTC(), reason
		doc, err := slipDoc(&sl)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ebupot_slips SET status = 'cancelled', slip = $1, updated_at = $2, version = version + 1
			WHERE id = $3 AND status = 'signed' AND version = $4`, doc, at.UTC(), id, version)
		if err != nil {
			return fmt.Errorf("cancel slip %d: %w", id, err)
		}
		if err := oneRow(res, "slip %d was changed, corrected or cancelled meanwhile; reload it", id); err != nil {
			return err
		}
		if err := insertNotices(ctx, tx, func() []notify.Message { return notices }); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, ev); err != nil {
			return err
		}
		out, err = scanSlip(tx.QueryRowContext(ctx, `SELECT `+slipColumns+` FROM ebupot_slips WHERE id = $1`, id))
		return err
	})
	return out, err
}

// Slip implements ebupot.Store.
func (s *EBupotStore) Slip(ctx context.Context, id int64) (ebupot.Slip, error) {
	sl, err := scanSlip(s.db.db.QueryRowContext(ctx, `SELECT `+slipColumns+` FROM ebupot_slips WHERE id = $1`, id))
	return sl, notFound(err, fmt.Sprintf("there is no slip %d", id))
}

// List implements ebupot.Store.
func (s *EBupotStore) List(ctx context.Context, f ebupot.Filter) ([]ebupot.Slip, error) {
	var w where
	if f.RecipientID != 0 {
		w.add("recipient_id = ?", f.RecipientID)
		w.add("status <> 'draft'")
		w.add("temporary_tin = ?", false)
	} else {
		w.add("withholder_id = ?", f.WithholderID)
	}
	if f.Type != "" {
		w.add("type = ?", string(f.Type))
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if f.Current {
		w.add("status <> 'corrected'")
	}
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	if f.Month != 0 {
		w.add("month = ?", f.Month)
	}
	if f.RecipientTIN != "" {
		w.add("recipient_tin = ?", f.RecipientTIN)
	}
	if f.ObjectCode != "" {
		w.add("object_code = ?", f.ObjectCode)
	}
	if f.Number != "" {
		w.prefix("number", f.Number)
	}
	if f.BatchID != 0 {
		w.add("batch_id = ?", f.BatchID)
	}
	if f.After != 0 {
		w.add("id < ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = ebupot.DefaultLimit
	}
	out, err := page(ctx, s.db.db, `SELECT `+slipColumns+` FROM ebupot_slips`, &w, limit, scanSlip)
	if err != nil {
		return nil, fmt.Errorf("list slips: %w", err)
	}
	return out, nil
}

// insertNotices stores the messages of notices (nil for none) in the
// outbox inside tx, the transaction of the change they tell of.
func insertNotices(ctx context.Context, tx *sql.Tx, notices ebupot.NoticeFunc) error {
	if notices == nil {
		return nil
	}
	for _, m := range notices() {
		if _, err := insertOutbox(ctx, tx, m); err != nil {
			return fmt.Errorf("notice to taxpayer %d: %w", m.TaxpayerID, err)
		}
	}
	return nil
}
