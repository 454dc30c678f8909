package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/taxid"
)

var _ pbjt.BookingStore = (*PBJTStore)(nil)

const importColumns = `id, property_id, taxpayer_id, format, file_name, sha256, rates_key, rows_total, created, duplicates, replaced,
	rejected, skipped, created_by, created_at`

func scanImport(row scanner) (pbjt.ImportJob, error) {
	var j pbjt.ImportJob
	var format string
	err := row.Scan(&j.ID, &j.PropertyID, &j.TaxpayerID, &format, &j.FileName, &j.SHA256, &j.RatesKey, &j.Rows, &j.Created, &j.Duplicates, &j.Replaced,
		&j.Rejected, &j.Skipped, &j.CreatedBy, utc{&j.CreatedAt})
	j.Format = booking.Format(format)
	return j, err
}

// ImportByFile implements pbjt.BookingStore.
func (s *PBJTStore) ImportByFile(ctx context.Context, propertyID int64, sha, ratesKey string) (pbjt.ImportJob, error) {
	j, err := scanImport(s.db.db.QueryRowContext(ctx, `SELECT `+importColumns+` FROM pbjt_booking_imports
		WHERE property_id = $1 AND sha256 = $2 AND rates_key = $3`, propertyID, sha, ratesKey))
	if err != nil {
		return j, translate(notFound(err, "the file was not imported for this property"))
	}
	return j, s.loadResults(ctx, &j)
}

// ImportJob implements pbjt.BookingStore.
func (s *PBJTStore) ImportJob(ctx context.Context, id int64) (pbjt.ImportJob, error) {
	j, err := scanImport(s.db.db.QueryRowContext(ctx, `SELECT `+importColumns+` FROM pbjt_booking_imports WHERE id = $1`, id))
	if err != nil {
		return j, translate(notFound(err, fmt.Sprintf("there is no import %d", id)))
	}
	return j, s.loadResults(ctx, &j)
}

func (s *PBJTStore) loadResults(ctx context.Context, j *pbjt.ImportJob) error {
	rows, err := s.db.db.QueryContext(ctx, `SELECT file_row, coalesce(booking_id, 0), coalesce(duplicate_of, 0), column_name, value, message, skipped
		FROM pbjt_booking_import_rows WHERE import_id = $1 ORDER BY position`, j.ID)
	if err != nil {
		return translate(fmt.Errorf("list rows of import %d: %w", j.ID, err))
	}
	for rows.Next() {
		var r pbjt.RowResult
		if err := rows.Scan(&r.Row, &r.BookingID, &r.DuplicateOf, &r.Column, &r.Value, &r.Message, &r.Skipped); err != nil {
			rows.Close()
			return translate(err)
		}
		j.Results = append(j.Results, r)
	}
	return closeRows(rows)
}

// SaveImport implements pbjt.BookingStore.
func (s *PBJTStore) SaveImport(ctx context.Context, job *pbjt.ImportJob, bs []pbjt.Booking, links []pbjt.Link, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_booking_imports (property_id, taxpayer_id, format, file_name, sha256, rates_key,
			rows_total, created, duplicates, replaced, rejected, skipped, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			job.PropertyID, job.TaxpayerID, string(job.Format), job.FileName, job.SHA256, job.RatesKey, job.Rows, job.Created, job.Duplicates,
			job.Replaced, job.Rejected, job.Skipped, job.CreatedBy, job.CreatedAt.UTC()).Scan(&job.ID)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "the file was imported for property %d at the same time", job.PropertyID)
		}
		if err != nil {
			return fmt.Errorf("insert booking import: %w", err)
		}
		for i := range bs {
			bs[i].JobID = job.ID
			if err := insertBooking(ctx, tx, &bs[i]); err != nil {
				return err
			}
		}
		if err := applyLinks(ctx, tx, bs, links); err != nil {
			return err
		}
		// A result names a new booking as -(index+1) until it is stored.
		id := func(v int64) int64 {
			if v < 0 {
				return bs[-v-1].ID
			}
			return v
		}
		for i := range job.Results {
			r := &job.Results[i]
			r.BookingID, r.DuplicateOf = id(r.BookingID), id(r.DuplicateOf)
			if _, err := tx.ExecContext(ctx, `INSERT INTO pbjt_booking_import_rows (import_id, position, file_row, booking_id, duplicate_of,
				column_name, value, message, skipped) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				job.ID, i, r.Row, nullID(r.BookingID), nullID(r.DuplicateOf), r.Column, r.Value, r.Message, r.Skipped); err != nil {
				return fmt.Errorf("insert result of row %d: %w", r.Row, err)
			}
		}
		e.Detail = fmt.Sprintf("import %d: %s", job.ID, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// AddBooking implements pbjt.BookingStore.
func (s *PBJTStore) AddBooking(ctx context.Context, b *pbjt.Booking, links []pbjt.Link, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		bs := []pbjt.Booking{*b}
		if err := insertBooking(ctx, tx, &bs[0]); err != nil {
			return err
		}
		if err := applyLinks(ctx, tx, bs, links); err != nil {
			return err
		}
		*b = bs[0]
		e.Detail = fmt.Sprintf("booking %d: %s", b.ID, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// applyLinks marks each link's Dup as a duplicate of its Kept. A stored
// booking that becomes a duplicate hands its own duplicates to the kept
// one, so that every duplicate names a kept booking.
func applyLinks(ctx context.Context, tx *sql.Tx, bs []pbjt.Booking, links []pbjt.Link) error {
	id := func(r pbjt.Ref) int64 {
		if r.IsNew() {
			return bs[r.New].ID
		}
		return r.ID
	}
	for _, l := range links {
		dup, kept := id(l.Dup), id(l.Kept)
		if _, err := tx.ExecContext(ctx, `UPDATE pbjt_bookings SET duplicate_of = $1, duplicate_reason = $2 WHERE id = $3`, kept, l.Reason, dup); err != nil {
			return fmt.Errorf("mark booking %d a duplicate of %d: %w", dup, kept, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pbjt_bookings SET duplicate_of = $1 WHERE duplicate_of = $2`, kept, dup); err != nil {
			return fmt.Errorf("move the duplicates of booking %d to %d: %w", dup, kept, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pbjt_booking_import_rows SET duplicate_of = $1 WHERE booking_id = $2 OR duplicate_of = $2`,
			kept, dup); err != nil {
			return fmt.Errorf("update the import rows of booking %d: %w", dup, err)
		}
		if l.Dup.IsNew() {
			bs[l.Dup.New].DuplicateOf, bs[l.Dup.New].DuplicateReason = kept, l.Reason
		}
	}
	return nil
}

// amountColumns splits an amount into its columns: units and sen are NULL
// when the amount is not known.
func amountColumns(a booking.Amount) (units any, scale int, sen any) {
	if !a.Known {
		return nil, a.Original.Scale, nil
	}
	return a.Original.Units, a.Original.Scale, a.IDR.Sen()
}

func insertBooking(ctx context.Context, tx *sql.Tx, b *pbjt.Booking) error {
	gu, gs, gi := amountColumns(b.Gross)
	cu, cs, ci := amountColumns(b.Commission)
	pu, ps, pi := amountColumns(b.Payout)
	var rateDay any
	if !b.Rate.Day.IsZero() {
		rateDay = calendar.Midnight(b.Rate.Day)
	}
	var job any
	if b.JobID != 0 {
		job = b.JobID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_bookings (property_id, taxpayer_id, import_id, file_row, channel, via, reference, listing,
		guest, check_in, check_out, nights, status, currency, gross_units, gross_scale, gross_sen, commission_units, commission_scale,
		commission_sen, payout_units, payout_scale, payout_sen, rate_num, rate_den, rate_day, rate_source, payout_country, duplicate_of,
		duplicate_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		$19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32) RETURNING id`,
		b.PropertyID, b.TaxpayerID, job, b.Row, string(b.Channel), b.Via, b.Reference, b.Listing, b.Guest,
		calendar.Midnight(b.CheckIn), calendar.Midnight(b.CheckOut), b.Nights, string(b.Status), b.Currency, gu, gs, gi, cu, cs, ci, pu, ps, pi,
		b.Rate.Num, b.Rate.Den, rateDay, b.Rate.Source, string(b.PayoutCountry), nullID(b.DuplicateOf), b.DuplicateReason,
		b.CreatedBy, b.CreatedAt.UTC()).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("insert booking of row %d: %w", b.Row, err)
	}
	return nil
}

const bookingColumns = `id, property_id, taxpayer_id, coalesce(import_id, 0), file_row, channel, via, reference, listing, guest, check_in,
	check_out, nights, status, currency, gross_units, gross_scale, gross_sen, commission_units, commission_scale, commission_sen,
	payout_units, payout_scale, payout_sen, rate_num, rate_den, rate_day, rate_source, payout_country, coalesce(duplicate_of, 0),
	duplicate_reason, created_by, created_at`

// amountScan reads the three columns of an amount.
type amountScan struct {
	units, sen sql.NullInt64
	scale      int
}

func (a amountScan) amount() booking.Amount {
	if !a.units.Valid {
		return booking.Amount{Original: booking.Decimal{Scale: a.scale}}
	}
	return booking.Amount{Known: true, Original: booking.Decimal{Units: a.units.Int64, Scale: a.scale}, IDR: money.Amount(a.sen.Int64)}
}

func scanBooking(row scanner) (pbjt.Booking, error) {
	var b pbjt.Booking
	var channel, status, country string
	var g, c, p amountScan
	err := row.Scan(&b.ID, &b.PropertyID, &b.TaxpayerID, &b.JobID, &b.Row, &channel, &b.Via, &b.Reference, &b.Listing, &b.Guest,
		utc{&b.CheckIn}, utc{&b.CheckOut}, &b.Nights, &status, &b.Currency, &g.units, &g.scale, &g.sen, &c.units, &c.scale, &c.sen,
		&p.units, &p.scale, &p.sen, &b.Rate.Num, &b.Rate.Den, nullTime{&b.Rate.Day}, &b.Rate.Source, &country, &b.DuplicateOf,
		&b.DuplicateReason, &b.CreatedBy, utc{&b.CreatedAt})
	b.Channel, b.Status, b.PayoutCountry = booking.Channel(channel), booking.Status(status), taxid.Country(country)
	b.Gross, b.Commission, b.Payout = g.amount(), c.amount(), p.amount()
	b.CheckIn, b.CheckOut = calendar.Midnight(b.CheckIn), calendar.Midnight(b.CheckOut)
	if !b.Rate.Day.IsZero() {
		b.Rate.Day = calendar.Midnight(b.Rate.Day)
	}
	b.ImportedAt = b.CreatedAt
	return b, err
}

func (s *PBJTStore) listBookings(ctx context.Context, what, query string, args ...any) ([]pbjt.Booking, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+bookingColumns+` FROM pbjt_bookings WHERE `+query, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list %s: %w", what, err))
	}
	var out []pbjt.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, b)
	}
	return out, closeRows(rows)
}

// KeptBookings implements pbjt.BookingStore.
func (s *PBJTStore) KeptBookings(ctx context.Context, propertyID int64) ([]pbjt.Booking, error) {
	return s.listBookings(ctx, "kept bookings", `property_id = $1 AND duplicate_of IS NULL ORDER BY id`, propertyID)
}

// Bookings implements pbjt.BookingStore.
func (s *PBJTStore) Bookings(ctx context.Context, propertyID int64, from, to time.Time) ([]pbjt.Booking, error) {
	return s.listBookings(ctx, "bookings", `property_id = $1 AND check_out >= $2 AND check_out < $3 ORDER BY id`,
		propertyID, calendar.Midnight(from), calendar.Midnight(to))
}
