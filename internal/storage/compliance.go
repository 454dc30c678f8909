package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
)

// ComplianceStore implements compliance.Store.
type ComplianceStore struct{ db *DB }

// Compliance returns the store of the compliance engine.
func (db *DB) Compliance() *ComplianceStore { return &ComplianceStore{db: db} }

var _ compliance.Store = (*ComplianceStore)(nil)

// recordCols are the columns of compliance_records in the order
// recordArgs and scanRecord use.
var recordCols = []string{"id", "batch_id", "source", "feed_id", "kind", "corrects", "listing_id", "listing_name", "street",
	"province_code", "regency_code", "district_code", "postal_code", "lat_e6", "lon_e6", "host_name", "host_nik", "host_npwp",
	"npwpd", "check_in", "check_out", "period", "gross_sen", "commission_sen", "payout_sen", "payee_name", "payout_country",
	"payee_id", "received_at"}

var recordSelect = "SELECT r." + strings.Join(recordCols, ", r.") + " FROM compliance_records r"

// current keeps the records no later record corrects.
const current = " NOT EXISTS (SELECT 1 FROM compliance_records c WHERE c.corrects = r.id)"

func recordArgs(r *compliance.Record) []any {
	var lat, lon any
	if r.HasGeo {
		lat, lon = r.LatE6, r.LonE6
	}
	return []any{r.ID, r.BatchID, r.Source, r.FeedID, r.Kind, nullID(r.Corrects), r.ListingID, r.ListingName, r.Street,
		r.ProvinceCode, r.RegencyCode, r.DistrictCode, r.PostalCode, lat, lon, r.HostName, r.HostNIK, r.HostNPWP,
		r.NPWPD, nullDate(r.CheckIn), nullDate(r.CheckOut), r.Period, r.Gross.Sen(), r.Commission.Sen(), r.Payout.Sen(), r.PayeeName, r.PayoutCountry,
		r.PayeeID, r.ReceivedAt.UTC()}
}

func scanRecord(row scanner) (compliance.Record, error) {
	var r compliance.Record
	var corrects, lat, lon sql.NullInt64
	var gross, comm, payout int64
	err := row.Scan(&r.ID, &r.BatchID, &r.Source, &r.FeedID, &r.Kind, &corrects, &r.ListingID, &r.ListingName, &r.Street,
		&r.ProvinceCode, &r.RegencyCode, &r.DistrictCode, &r.PostalCode, &lat, &lon, &r.HostName, &r.HostNIK, &r.HostNPWP,
		&r.NPWPD, nullTime{&r.CheckIn}, nullTime{&r.CheckOut}, &r.Period, &gross, &comm, &payout, &r.PayeeName, &r.PayoutCountry,
		&r.PayeeID, utc{&r.ReceivedAt})
	r.Corrects = corrects.Int64
	r.LatE6, r.LonE6, r.HasGeo = lat.Int64, lon.Int64, lat.Valid
	r.Gross, r.Commission, r.Payout = money.Amount(gross), money.Amount(comm), money.Amount(payout)
	return r, err
}

// compPlaceholders returns "$from, $from+1, …" for n values.
func compPlaceholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// feedIDs returns the ids of the source's stored records among feeds.
func feedIDs(ctx context.Context, q querier, source string, feeds []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(feeds); start += 400 {
		part := feeds[start:min(start+400, len(feeds))]
		args := []any{source}
		for _, f := range part {
			args = append(args, f)
		}
		rows, err := q.QueryContext(ctx, `SELECT feed_id, id FROM compliance_records WHERE source = $1 AND feed_id IN (`+compPlaceholders(2, len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up records of %s: %w", source, err)
		}
		for rows.Next() {
			var f string
			var id int64
			if err := rows.Scan(&f, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[f] = id
		}
		if err := closeRows(rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AppendRecords implements compliance.Store. Records are written with
// COPY on PostgreSQL and a prepared INSERT on SQLite; a record naming an
// earlier record of the same delivery is written after it.
func (s *ComplianceStore) AppendRecords(ctx context.Context, b *compliance.Batch, recs []compliance.Record, e audit.Entry) ([]compliance.Outcome, error) {
	out := make([]compliance.Outcome, len(recs))
	err := s.db.inBulkTx(ctx, func(bt bulkTx) error {
		if err := bt.QueryRowContext(ctx, `INSERT INTO compliance_batches (source, channel, file_name, sha256, rows_total, accepted, rejected, received_by, received_at)
			VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7) RETURNING id`, b.Source, b.Channel, b.FileName, b.SHA256, b.Rows, b.ReceivedBy, b.ReceivedAt.UTC()).Scan(&b.ID); err != nil {
			return fmt.Errorf("insert batch: %w", err)
		}
		// A table that grew since PostgreSQL last sampled it is planned
		// as if it were small: the look-up of earlier ids would scan the
		// whole table once per 400 ids, so a large delivery samples it
		// first (ANALYZE runs inside the transaction).
		if bt.copies() && len(recs) >= 1000 {
			if _, err := bt.ExecContext(ctx, `ANALYZE compliance_records`); err != nil {
				return fmt.Errorf("analyze records: %w", err)
			}
		}
		var feeds []string
		for _, r := range recs {
			feeds = append(feeds, r.FeedID)
			if r.CorrectsFeedID != "" {
				feeds = append(feeds, r.CorrectsFeedID)
			}
		}
		known, err := feedIDs(ctx, bt, b.Source, feeds)
		if err != nil {
			return err
		}
		var pending []int
		flush := func() error {
			if len(pending) == 0 {
				return nil
			}
			if err := s.insertRecords(ctx, bt, recs, pending); err != nil {
				return err
			}
			for _, i := range pending {
				out[i].ID = recs[i].ID
				known[recs[i].FeedID] = recs[i].ID
			}
			pending = pending[:0]
			return nil
		}
		inDelivery := map[string]bool{}
		for i := range recs {
			r := &recs[i]
			if _, dup := known[r.FeedID]; dup {
				out[i].Duplicate = true
				continue
			}
			if r.CorrectsFeedID != "" {
				if inDelivery[r.CorrectsFeedID] {
					if err := flush(); err != nil {
						return err
					}
				}
				id, ok := known[r.CorrectsFeedID]
				if !ok {
					out[i].UnknownCorrects = true
					continue
				}
				r.Corrects = id
			}
			r.BatchID = b.ID
			inDelivery[r.FeedID] = true
			pending = append(pending, i)
			if len(pending) >= 2000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		for _, o := range out {
			if o.ID != 0 {
				b.Accepted++
			}
		}
		for _, r := range b.Results {
			if r.Rejected() {
				b.Rejected++
			}
		}
		b.Rejected += len(recs) - b.Accepted
		if _, err := bt.ExecContext(ctx, `UPDATE compliance_batches SET accepted = $1, rejected = $2 WHERE id = $3`, b.Accepted, b.Rejected, b.ID); err != nil {
			return fmt.Errorf("count batch %d: %w", b.ID, err)
		}
		e.Detail = fmt.Sprintf("batch %d: %s; %d stored", b.ID, e.Detail, b.Accepted)
		return appendAudit(ctx, bt.Tx, e)
	})
	return out, err
}

// insertRecords writes recs[at] and sets their IDs.
func (s *ComplianceStore) insertRecords(ctx context.Context, bt bulkTx, recs []compliance.Record, at []int) error {
	if bt.copies() {
		ids, err := bt.nextIDs(ctx, "compliance_records", len(at))
		if err != nil {
			return err
		}
		args := make([]any, 0, len(at)*len(recordCols))
		for j, i := range at {
			recs[i].ID = ids[j]
			args = append(args, recordArgs(&recs[i])...)
		}
		return bt.insert(ctx, "compliance_records", recordCols, args)
	}
	stmt, err := bt.PrepareContext(ctx, `INSERT INTO compliance_records (`+strings.Join(recordCols[1:], ", ")+`) VALUES (`+compPlaceholders(1, len(recordCols)-1)+`) RETURNING id`)
	if err != nil {
		return fmt.Errorf("prepare record insert: %w", err)
	}
	defer stmt.Close()
	for _, i := range at {
		if err := stmt.QueryRowContext(ctx, recordArgs(&recs[i])[1:]...).Scan(&recs[i].ID); err != nil {
			return fmt.Errorf("insert record %s: %w", recs[i].FeedID, err)
		}
	}
	return nil
}

// queryRecords runs a record query and scans every row.
func queryRecords(ctx context.Context, q querier, query string, args ...any) ([]compliance.Record, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	var out []compliance.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, translate(closeRows(rows))
}

// Records implements compliance.Store.
func (s *ComplianceStore) Records(ctx context.Context, ids []int64) ([]compliance.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return queryRecords(ctx, s.db.db, recordSelect+` WHERE r.id IN (`+compPlaceholders(1, len(ids))+`) ORDER BY r.id`, args...)
}

// BookingChunk implements compliance.Store: keyset paging on the index
// (source, listing_id, id).
func (s *ComplianceStore) BookingChunk(ctx context.Context, from, to string, after compliance.BookingCursor, limit int) ([]compliance.Record, error) {
	return queryRecords(ctx, s.db.db, recordSelect+` WHERE r.kind = 'booking' AND (r.source, r.listing_id, r.id) > ($1, $2, $3)
		AND r.period >= $4 AND r.period <= $5 AND`+current+` ORDER BY r.source, r.listing_id, r.id LIMIT $6`,
		after.Source, after.ListingID, after.ID, from, to, limit)
}

// ListingRecords implements compliance.Store.
func (s *ComplianceStore) ListingRecords(ctx context.Context, keys []string, from, to string, fn func(compliance.Record) error) error {
	for start := 0; start < len(keys); start += 200 {
		part := keys[start:min(start+200, len(keys))]
		var conds []string
		args := []any{from, to}
		for _, k := range part {
			src, id, _ := strings.Cut(k, "\x00")
			args = append(args, src, id)
			conds = append(conds, fmt.Sprintf("(r.source = $%d AND r.listing_id = $%d)", len(args)-1, len(args)))
		}
		recs, err := queryRecords(ctx, s.db.db, recordSelect+` WHERE r.kind = 'booking' AND r.period >= $1 AND r.period <= $2 AND (`+
			strings.Join(conds, " OR ")+`) AND`+current+` ORDER BY r.source, r.listing_id, r.id`, args...)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// CandidateListings implements compliance.Store.
func (s *ComplianceStore) CandidateListings(ctx context.Context, npwpds, hostIDs, districts []string) ([]string, error) {
	var conds []string
	var args []any
	in := func(col string, vs []string) {
		if len(vs) == 0 {
			return
		}
		start := len(args) + 1
		for _, v := range vs {
			args = append(args, v)
		}
		conds = append(conds, col+" IN ("+compPlaceholders(start, len(vs))+")")
	}
	in("npwpd", npwpds)
	in("host_npwp", hostIDs)
	in("host_nik", hostIDs)
	in("district_code", districts)
	if len(conds) == 0 {
		return nil, nil
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT DISTINCT source, listing_id FROM compliance_records WHERE kind = 'booking' AND (`+strings.Join(conds, " OR ")+`) ORDER BY source, listing_id`, args...)
	if err != nil {
		return nil, translate(err)
	}
	var out []string
	for rows.Next() {
		var src, id string
		if err := rows.Scan(&src, &id); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, src+"\x00"+id)
	}
	return out, translate(closeRows(rows))
}

// ClaimChunk implements compliance.Store.
func (s *ComplianceStore) ClaimChunk(ctx context.Context, npwp string, after compliance.ClaimCursor, limit int) ([]compliance.Record, error) {
	q := recordSelect + ` WHERE r.kind = 'expense-claim' AND (r.host_npwp, r.id) > ($1, $2) AND` + current
	args := []any{after.NPWP, after.ID}
	if npwp != "" {
		q += ` AND r.host_npwp = $3`
		args = append(args, npwp)
	}
	args = append(args, limit)
	return queryRecords(ctx, s.db.db, q+` ORDER BY r.host_npwp, r.id LIMIT $`+strconv.Itoa(len(args)), args...)
}

// Properties implements compliance.Store: the owners are read first (one
// row each), then the properties streamed with their operator.
func (s *ComplianceStore) Properties(ctx context.Context, taxpayerID int64, fn func(compliance.Property) error) error {
	filter, args := "", []any{}
	if taxpayerID != 0 {
		filter = ` WHERE p.taxpayer_id = $1 OR p.id IN (SELECT property_id FROM pbjt_owners WHERE owner_id = $1)`
		args = append(args, taxpayerID)
	}
	owners := map[int64][]compliance.Owner{}
	rows, err := s.db.db.QueryContext(ctx, `SELECT o.property_id, o.owner_id, o.owner_npwp, t.nik, o.owner_name, o.share_bp
		FROM pbjt_owners o JOIN taxpayers t ON t.id = o.owner_id JOIN pbjt_properties p ON p.id = o.property_id`+filter+` ORDER BY o.property_id, o.position`, args...)
	if err != nil {
		return translate(fmt.Errorf("read owners: %w", err))
	}
	for rows.Next() {
		var pid int64
		var o compliance.Owner
		if err := rows.Scan(&pid, &o.TaxpayerID, &o.NPWP, str{&o.NIK}, &o.Name, &o.Share); err != nil {
			rows.Close()
			return translate(err)
		}
		owners[pid] = append(owners[pid], o)
	}
	if err := closeRows(rows); err != nil {
		return translate(err)
	}
	rows, err = s.db.db.QueryContext(ctx, `SELECT p.id, p.taxpayer_id, t.npwp, t.nik, t.name, t.kind, p.name, p.regency_code, p.district_code, p.npwpd
		FROM pbjt_properties p JOIN taxpayers t ON t.id = p.taxpayer_id`+filter+` ORDER BY p.id`, args...)
	if err != nil {
		return translate(fmt.Errorf("read properties: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var p compliance.Property
		var kind string
		if err := rows.Scan(&p.ID, &p.TaxpayerID, &p.NPWP, str{&p.NIK}, &p.TaxpayerName, &kind, &p.Name, &p.RegencyCode, &p.DistrictCode, str{&p.NPWPD}); err != nil {
			return translate(err)
		}
		p.Individual = strings.HasSuffix(kind, "_individual")
		p.Owners = owners[p.ID]
		if err := fn(p); err != nil {
			return err
		}
	}
	return translate(closeRows(rows))
}

// Declarations implements compliance.Store over the declarations
// module's table pbjt_declarations.
func (s *ComplianceStore) Declarations(ctx context.Context, propertyIDs []int64, from, to string, fn func(compliance.Declaration) error) error {
	q := `SELECT id, taxpayer_id, property_id, regency_code, period, revision, base_sen, bookings_gross_sen, tax_sen, filed_at
		FROM pbjt_declarations WHERE status = 'current' AND period >= $1 AND period <= $2`
	args := []any{from, to}
	if propertyIDs != nil {
		if len(propertyIDs) == 0 {
			return nil
		}
		for _, id := range propertyIDs {
			args = append(args, id)
		}
		q += ` AND property_id IN (` + compPlaceholders(3, len(propertyIDs)) + `)`
	}
	rows, err := s.db.db.QueryContext(ctx, q+` ORDER BY property_id, period, id`, args...)
	if err != nil {
		return translate(fmt.Errorf("read declarations: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var d compliance.Declaration
		var base, gross, tax int64
		if err := rows.Scan(&d.ID, &d.TaxpayerID, &d.PropertyID, &d.RegencyCode, &d.Period, &d.Revision, &base, &gross, &tax, utc{&d.FiledAt}); err != nil {
			return translate(err)
		}
		d.Base, d.BookingsGross, d.Tax = money.Amount(base), money.Amount(gross), money.Amount(tax)
		if err := fn(d); err != nil {
			return err
		}
	}
	return translate(closeRows(rows))
}

// Slips implements compliance.Store.
func (s *ComplianceStore) Slips(ctx context.Context, withholderNPWP, from, to string) ([]compliance.Slip, error) {
	ym := func(p string) int {
		y, _ := strconv.Atoi(p[:4])
		m, _ := strconv.Atoi(p[5:7])
		return y*100 + m
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT s.id, s.type, s.number, s.year, s.month, s.recipient_tin, s.object_code, s.gross
		FROM ebupot_slips s JOIN taxpayers t ON t.id = s.withholder_id
		WHERE t.npwp = $1 AND s.type IN ('BP21', 'BPPU') AND s.status = 'signed' AND s.year * 100 + s.month BETWEEN $2 AND $3
		ORDER BY s.year, s.month, s.id`, withholderNPWP, ym(from), ym(to))
	if err != nil {
		return nil, translate(fmt.Errorf("read slips: %w", err))
	}
	var out []compliance.Slip
	for rows.Next() {
		var sl compliance.Slip
		var y, m int
		var gross int64
		if err := rows.Scan(&sl.ID, &sl.Type, str{&sl.Number}, &y, &m, &sl.RecipientTIN, &sl.ObjectCode, &gross); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		sl.Period = fmt.Sprintf("%04d-%02d", y, m)
		sl.Gross = money.Amount(gross)
		out = append(out, sl)
	}
	return out, translate(closeRows(rows))
}

// Holders implements compliance.Store.
func (s *ComplianceStore) Holders(ctx context.Context, ids []string) (map[string]compliance.Holder, error) {
	out := map[string]compliance.Holder{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	ph := compPlaceholders(1, len(ids))
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, npwp, nik, name FROM taxpayers WHERE npwp IN (`+ph+`) OR nik IN (`+ph+`)`, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("look up taxpayers: %w", err))
	}
	for rows.Next() {
		var h compliance.Holder
		var nik string
		if err := rows.Scan(&h.TaxpayerID, &h.NPWP, str{&nik}, &h.Name); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out[h.NPWP] = h
		if nik != "" {
			out[nik] = h
		}
	}
	return out, translate(closeRows(rows))
}

// BookingMonths implements compliance.Store: bookings that are not
// duplicates nor cancelled, by the month of check-out.
func (s *ComplianceStore) BookingMonths(ctx context.Context, propertyID int64, from, to string) ([]compliance.BookingMonth, error) {
	start, err := time.Parse("2006-01", from)
	if err != nil {
		return nil, err
	}
	end, err := time.Parse("2006-01", to)
	if err != nil {
		return nil, err
	}
	end = end.AddDate(0, 1, 0)
	rows, err := s.db.db.QueryContext(ctx, `SELECT check_out, id, gross_sen, payout_sen FROM pbjt_bookings
		WHERE property_id = $1 AND check_out >= $2 AND check_out < $3 AND duplicate_of IS NULL AND status <> 'cancelled'
		ORDER BY check_out, id`, propertyID, start, end)
	if err != nil {
		return nil, translate(fmt.Errorf("read bookings: %w", err))
	}
	var out []compliance.BookingMonth
	for rows.Next() {
		var co time.Time
		var id int64
		var gross, payout sql.NullInt64
		if err := rows.Scan(nullTime{&co}, &id, &gross, &payout); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		p := co.Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Period != p {
			out = append(out, compliance.BookingMonth{Period: p, FirstID: id})
		}
		m := &out[len(out)-1]
		m.Bookings++
		m.Gross += money.Amount(gross.Int64)
		m.Payout += money.Amount(payout.Int64)
	}
	return out, translate(closeRows(rows))
}

// Analyze implements compliance.Store. On PostgreSQL, tables filled by
// a large delivery since autovacuum last looked have no statistics, and
// the planner then reads a chunk of records by scanning and sorting the
// whole table, once per chunk; ANALYZE samples the tables in a moment.
// SQLite plans the chunk query by its index without statistics.
func (s *ComplianceStore) Analyze(ctx context.Context) error {
	if s.db.dialect != Postgres {
		return nil
	}
	_, err := s.db.db.ExecContext(ctx, `ANALYZE compliance_records, pbjt_properties, pbjt_declarations, compliance_flags`)
	return translate(err)
}

const runCols = "id, status, started_by, created_at, started_at, finished_at, records_read, listings, flags_raised, flags_superseded, error, config, config_from"

func scanRun(row scanner) (compliance.Run, error) {
	var r compliance.Run
	var th runThresholds
	err := row.Scan(&r.ID, &r.Status, &r.StartedBy, utc{&r.CreatedAt}, nullTime{&r.StartedAt}, nullTime{&r.FinishedAt}, &r.RecordsRead, &r.Listings, &r.FlagsRaised, &r.FlagsSuperseded, &r.Error,
		&th.config, nullTime{&th.from})
	if err != nil {
		return r, err
	}
	return r, th.set(&r)
}

func nullStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// CreateRun implements compliance.Store.
func (s *ComplianceStore) CreateRun(ctx context.Context, r *compliance.Run, e audit.Entry) error {
	// A run without thresholds (none resolved) stores NULL, as runs from
	// before migration 0024 have.
	var config any
	if r.Thresholds.Config != (compliance.Config{}) {
		c, err := encodeThresholds(r.Thresholds.Config)
		if err != nil {
			return err
		}
		config = c
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO compliance_runs (status, started_by, created_at, config, config_from) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			r.Status, r.StartedBy, r.CreatedAt.UTC(), config, nullDate(r.Thresholds.From)).Scan(&r.ID); err != nil {
			return fmt.Errorf("insert run: %w", err)
		}
		e.Detail = fmt.Sprintf("run %d: %s", r.ID, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// UpdateRun implements compliance.Store.
func (s *ComplianceStore) UpdateRun(ctx context.Context, r compliance.Run) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE compliance_runs SET status = $1, started_at = $2, finished_at = $3, records_read = $4,
		listings = $5, flags_raised = $6, flags_superseded = $7, error = $8 WHERE id = $9`,
		r.Status, nullStamp(r.StartedAt), nullStamp(r.FinishedAt), r.RecordsRead, r.Listings, r.FlagsRaised, r.FlagsSuperseded, r.Error, r.ID)
	return translate(err)
}

// EndInterruptedRuns implements compliance.Store.
func (s *ComplianceStore) EndInterruptedRuns(ctx context.Context, reason string, at time.Time) (int, error) {
	res, err := s.db.db.ExecContext(ctx, `UPDATE compliance_runs SET status = 'failed', error = $1, finished_at = $2 WHERE status IN ('queued', 'running')`, reason, at.UTC())
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Run implements compliance.Store.
func (s *ComplianceStore) Run(ctx context.Context, id int64) (compliance.Run, error) {
	r, err := scanRun(s.db.db.QueryRowContext(ctx, `SELECT `+runCols+` FROM compliance_runs WHERE id = $1`, id))
	if err != nil {
		return r, translate(notFound(err, fmt.Sprintf("there is no run %d", id)))
	}
	return r, nil
}

// Runs implements compliance.Store.
func (s *ComplianceStore) Runs(ctx context.Context, limit int) ([]compliance.Run, error) {
	var w where
	out, err := page(ctx, s.db.db, `SELECT `+runCols+` FROM compliance_runs`, &w, limit, scanRun)
	return out, translate(err)
}

// The JSON forms of a flag's evidence and periods in compliance_flags.
type evidenceJSON struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id,omitempty"`
	Source  string `json:"source,omitempty"`
	Ref     string `json:"ref,omitempty"`
	Period  string `json:"period,omitempty"`
	Summary string `json:"summary"`
}

type periodJSON struct {
	Period           string `json:"period"`
	ThirdPartyGross  int64  `json:"third_party_gross_sen"`
	Declared         int64  `json:"declared_sen"`
	Rate             int64  `json:"rate_bp"`
	Shortfall        int64  `json:"shortfall_sen"`
	PenaltyVoluntary int64  `json:"penalty_voluntary_sen"`
	PenaltyAudit     int64  `json:"penalty_audit_sen"`
	Months           int    `json:"months"`
}

// SaveFlags implements compliance.Store.
func (s *ComplianceStore) SaveFlags(ctx context.Context, runID int64, flags []*compliance.Flag) (int, error) {
	superseded := 0
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		superseded = 0
		for _, f := range flags {
			ev := make([]evidenceJSON, len(f.Evidence))
			for i, e := range f.Evidence {
				ev[i] = evidenceJSON{Kind: e.Kind, ID: e.ID, Source: e.Source, Ref: e.Ref, Period: e.Period, Summary: e.Summary}
			}
			ps := make([]periodJSON, len(f.Periods))
			for i, p := range f.Periods {
				ps[i] = periodJSON{p.Period, p.ThirdPartyGross.Sen(), p.Declared.Sen(), p.Rate, p.Shortfall.Sen(), p.PenaltyVoluntary.Sen(), p.PenaltyAudit.Sen(), p.Months}
			}
			evb, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			psb, err := json.Marshal(ps)
			if err != nil {
				return err
			}
			f.RunID, f.Status = runID, compliance.StatusOpen
			if err := tx.QueryRowContext(ctx, `INSERT INTO compliance_flags (run_id, rule, taxpayer_id, property_id, npwp, subject, regency_code,
				period_from, period_to, confidence, shortfall_sen, penalty_voluntary_sen, penalty_audit_sen, evidence, periods, explanation, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'open', $17) RETURNING id`,
				runID, string(f.Rule), nullID(f.TaxpayerID), nullID(f.PropertyID), f.NPWP, f.Subject, f.Regency, f.PeriodFrom, f.PeriodTo,
				f.Confidence, f.Shortfall.Sen(), f.PenaltyVoluntary.Sen(), f.PenaltyAudit.Sen(), string(evb), string(psb), f.Explanation, f.CreatedAt.UTC()).Scan(&f.ID); err != nil {
				return fmt.Errorf("insert flag %s %s: %w", f.Rule, f.Subject, err)
			}
			res, err := tx.ExecContext(ctx, `UPDATE compliance_flags SET status = 'superseded', superseded_by = $1
				WHERE rule = $2 AND subject = $3 AND status = 'open' AND run_id <> $4`, f.ID, string(f.Rule), f.Subject, runID)
			if err != nil {
				return fmt.Errorf("supersede flags of %s %s: %w", f.Rule, f.Subject, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			superseded += int(n)
			// A place's flag also supersedes the open flags its listings
			// were raised under before they were grouped.
			for _, subj := range f.Replaces {
				res, err := tx.ExecContext(ctx, `UPDATE compliance_flags SET status = 'superseded', superseded_by = $1
					WHERE rule = $2 AND subject = $3 AND status = 'open' AND run_id <> $4`, f.ID, string(f.Rule), subj, runID)
				if err != nil {
					return fmt.Errorf("supersede flags of %s %s: %w", f.Rule, subj, err)
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				superseded += int(n)
			}
		}
		return nil
	})
	return superseded, err
}

const flagCols = "id, run_id, rule, taxpayer_id, property_id, npwp, subject, regency_code, period_from, period_to, confidence, shortfall_sen, penalty_voluntary_sen, penalty_audit_sen, evidence, periods, explanation, status, superseded_by, created_at"

func scanFlag(row scanner) (compliance.Flag, error) {
	var f compliance.Flag
	var rule, evb, psb string
	var tp, prop, sup sql.NullInt64
	var short, vol, aud int64
	if err := row.Scan(&f.ID, &f.RunID, &rule, &tp, &prop, &f.NPWP, &f.Subject, &f.Regency, &f.PeriodFrom, &f.PeriodTo, &f.Confidence,
		&short, &vol, &aud, &evb, &psb, &f.Explanation, &f.Status, &sup, utc{&f.CreatedAt}); err != nil {
		return f, err
	}
	f.Rule = compliance.Rule(rule)
	f.TaxpayerID, f.PropertyID, f.SupersededBy = tp.Int64, prop.Int64, sup.Int64
	f.Shortfall, f.PenaltyVoluntary, f.PenaltyAudit = money.Amount(short), money.Amount(vol), money.Amount(aud)
	var ev []evidenceJSON
	if err := json.Unmarshal([]byte(evb), &ev); err != nil {
		return f, fmt.Errorf("flag %d evidence: %w", f.ID, err)
	}
	for _, e := range ev {
		f.Evidence = append(f.Evidence, compliance.Evidence{Kind: e.Kind, ID: e.ID, Source: e.Source, Ref: e.Ref, Period: e.Period, Summary: e.Summary})
	}
	var ps []periodJSON
	if err := json.Unmarshal([]byte(psb), &ps); err != nil {
		return f, fmt.Errorf("flag %d periods: %w", f.ID, err)
	}
	for _, p := range ps {
		f.Periods = append(f.Periods, compliance.PeriodEstimate{Period: p.Period, ThirdPartyGross: money.Amount(p.ThirdPartyGross), Declared: money.Amount(p.Declared),
			Rate: p.Rate, Shortfall: money.Amount(p.Shortfall), PenaltyVoluntary: money.Amount(p.PenaltyVoluntary), PenaltyAudit: money.Amount(p.PenaltyAudit), Months: p.Months})
	}
	return f, nil
}

// Flags implements compliance.Store: newest first, after the cursor.
func (s *ComplianceStore) Flags(ctx context.Context, q compliance.FlagQuery) ([]compliance.Flag, error) {
	var w where
	if q.Rule != "" {
		w.add("rule = ?", string(q.Rule))
	}
	if q.Regency != "" {
		w.add("regency_code = ?", q.Regency)
	}
	if q.TaxpayerID != 0 {
		w.add("taxpayer_id = ?", q.TaxpayerID)
	}
	if q.NPWP != "" {
		w.add("npwp = ?", q.NPWP)
	}
	if q.Status != "" && q.Status != "all" {
		w.add("status = ?", q.Status)
	}
	if q.RunID != 0 {
		w.add("run_id = ?", q.RunID)
	}
	if q.After != 0 {
		w.add("id < ?", q.After)
	}
	out, err := page(ctx, s.db.db, `SELECT `+flagCols+` FROM compliance_flags`, &w, q.Limit, scanFlag)
	return out, translate(err)
}

// Flag implements compliance.Store.
func (s *ComplianceStore) Flag(ctx context.Context, id int64) (compliance.Flag, error) {
	f, err := scanFlag(s.db.db.QueryRowContext(ctx, `SELECT `+flagCols+` FROM compliance_flags WHERE id = $1`, id))
	if err != nil {
		return f, translate(notFound(err, fmt.Sprintf("there is no flag %d", id)))
	}
	return f, nil
}
