package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
)

var _ efaktur.UploadStore = (*EFakturStore)(nil)

// uploadPart is the size of the pieces a file is stored in.
const uploadPart = 1 << 20

const uploadColumns = `id, seller_id, seller_npwp, file_name, sha256, size, coalesce(idempotency_key, ''), approve, state, total,
	stored, rejected, skipped, not_processed, reason, sha_key IS NULL, cancel_requested, created_by, created_at, started_at, finished_at`

func scanUpload(row scanner) (efaktur.Upload, error) {
	var u efaktur.Upload
	var state string
	err := row.Scan(&u.ID, &u.SellerID, &u.SellerNPWP, &u.FileName, &u.SHA256, &u.Size, &u.Key, &u.Approve, &state, &u.Total,
		&u.Stored, &u.Rejected, &u.Skipped, &u.NotProcessed, &u.Reason, &u.Retry, &u.CancelRequested, &u.CreatedBy,
		utc{&u.CreatedAt}, nullTime{&u.StartedAt}, nullTime{&u.FinishedAt})
	u.State = efaktur.UploadState(state)
	return u, err
}

// CreateUpload implements efaktur.UploadStore.
func (s *EFakturStore) CreateUpload(ctx context.Context, u efaktur.Upload, file []byte, ev audit.Entry) (efaktur.Upload, bool, error) {
	job, created, err := s.createUpload(ctx, u, file, ev)
	if isUniqueViolation(err) {
		// The same file or key arrived twice at once: the other
		// request's job is the one.
		if found, ok, ferr := s.existingUpload(ctx, s.db.db, u); ferr == nil && ok {
			return found, false, nil
		}
	}
	return job, created, err
}

func (s *EFakturStore) createUpload(ctx context.Context, u efaktur.Upload, file []byte, ev audit.Entry) (efaktur.Upload, bool, error) {
	var out efaktur.Upload
	created := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		found, ok, err := s.existingUpload(ctx, tx, u)
		if err != nil || ok {
			out = found
			return err
		}
		out, err = scanUpload(tx.QueryRowContext(ctx, `INSERT INTO efaktur_uploads (seller_id, seller_npwp, file_name, sha256, sha_key, size,
			idempotency_key, approve, state, total, created_by, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING `+uploadColumns,
			u.SellerID, u.SellerNPWP, u.FileName, u.SHA256, u.Size, nullString(u.Key), u.Approve, string(efaktur.UploadQueued), u.Total,
			u.CreatedBy, u.CreatedAt.UTC()))
		if err != nil {
			return fmt.Errorf("insert upload: %w", err)
		}
		for seq, off := 1, 0; off < len(file); seq, off = seq+1, off+uploadPart {
			part := file[off:min(off+uploadPart, len(file))]
			if _, err := tx.ExecContext(ctx, `INSERT INTO efaktur_upload_parts (upload_id, seq, data) VALUES ($1, $2, $3)`, out.ID, seq, part); err != nil {
				return fmt.Errorf("store upload %d part %d: %w", out.ID, seq, err)
			}
		}
		created = true
		ev.Detail += fmt.Sprintf(" (upload %d)", out.ID)
		return appendAudit(ctx, tx, ev)
	})
	return out, created, err
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// existingUpload finds the seller's job with u's key, or with u's file
// while uploading it again returns that job.
func (s *EFakturStore) existingUpload(ctx context.Context, q rowQuerier, u efaktur.Upload) (efaktur.Upload, bool, error) {
	if u.Key != "" {
		j, err := scanUpload(q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM efaktur_uploads WHERE seller_id = $1 AND idempotency_key = $2`, u.SellerID, u.Key))
		switch {
		case err == nil && j.SHA256 != u.SHA256:
			return efaktur.Upload{}, false, errs.Errorf(errs.Conflict, "the idempotency key %q was used for another file in upload %d; give each file its own key", u.Key, j.ID)
		case err == nil:
			return j, true, nil
		case !errors.Is(err, sql.ErrNoRows):
			return efaktur.Upload{}, false, fmt.Errorf("find upload by key: %w", err)
		}
	}
	j, err := scanUpload(q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM efaktur_uploads WHERE seller_id = $1 AND sha_key = $2`, u.SellerID, u.SHA256))
	switch {
	case err == nil:
		return j, true, nil
	case errors.Is(err, sql.ErrNoRows):
		return efaktur.Upload{}, false, nil
	}
	return efaktur.Upload{}, false, fmt.Errorf("find upload by file: %w", err)
}

// partReader reads a stored file one part at a time.
type partReader struct {
	ctx context.Context
	db  *sql.DB
	id  int64
	seq int
	buf []byte
	err error
}

func (r *partReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.seq++
		err := r.db.QueryRowContext(r.ctx, `SELECT data FROM efaktur_upload_parts WHERE upload_id = $1 AND seq = $2`, r.id, r.seq).Scan(&r.buf)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r.err = io.EOF
		case err != nil:
			r.err = translate(fmt.Errorf("read upload %d part %d: %w", r.id, r.seq, err))
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *partReader) Close() error {
	r.buf, r.err = nil, errors.New("read of a closed upload file")
	return nil
}

// UploadFile implements efaktur.UploadStore.
func (s *EFakturStore) UploadFile(ctx context.Context, id int64) io.ReadCloser {
	return &partReader{ctx: ctx, db: s.db.db, id: id}
}

// StartUpload implements efaktur.UploadStore.
func (s *EFakturStore) StartUpload(ctx context.Context, id int64, at time.Time) (efaktur.Upload, error) {
	var u efaktur.Upload
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		u, err = scanUpload(tx.QueryRowContext(ctx, `UPDATE efaktur_uploads SET state = 'running', started_at = $2
			WHERE id = $1 AND state = 'queued' RETURNING `+uploadColumns, id, at.UTC()))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Errorf(errs.Conflict, "upload %d is not queued", id)
		}
		return err
	})
	return u, err
}

// StoredIndexes implements efaktur.UploadStore.
func (s *EFakturStore) StoredIndexes(ctx context.Context, sellerID int64, sha string) ([]int, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT DISTINCT i.idx FROM efaktur_upload_items i JOIN efaktur_uploads u ON u.id = i.upload_id
		WHERE u.seller_id = $1 AND u.sha256 = $2 ORDER BY i.idx`, sellerID, sha)
	if err != nil {
		return nil, translate(fmt.Errorf("stored indexes: %w", err))
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, translate(err)
		}
		out = append(out, i)
	}
	return out, translate(rows.Err())
}

// SaveUploadChunk implements efaktur.UploadStore. The fakturs are
// approved through approveFakturs (which writes ev) or inserted as
// drafts; then the items, the problems and the counts.
func (s *EFakturStore) SaveUploadChunk(ctx context.Context, c efaktur.UploadChunk, sign efaktur.SignFunc, ev audit.Entry) (efaktur.Upload, error) {
	var u efaktur.Upload
	err := s.db.inBulkTx(ctx, func(bt bulkTx) error {
		tx := bt.Tx
		if len(c.Fakturs) > 0 {
			if c.Approve {
				if err := approveFakturs(ctx, bt, c.Fakturs, sign, ev); err != nil {
					return err
				}
			} else {
				for _, f := range c.Fakturs {
					if err := insertFaktur(ctx, tx, f); err != nil {
						return fmt.Errorf("insert faktur draft of upload %d: %w", c.UploadID, err)
					}
				}
				if err := appendAudit(ctx, tx, ev); err != nil {
					return err
				}
			}
		}
		items := make([]any, 0, 3*len(c.Fakturs))
		for i, f := range c.Fakturs {
			items = append(items, c.UploadID, c.Indexes[i], f.ID)
		}
		if err := bt.insert(ctx, "efaktur_upload_items", []string{"upload_id", "idx", "faktur_id"}, items); err != nil {
			return fmt.Errorf("insert the items of upload %d: %w", c.UploadID, err)
		}
		if err := insertProblems(ctx, bt, c.UploadID, c.Problems); err != nil {
			return err
		}
		var err error
		u, err = scanUpload(tx.QueryRowContext(ctx, `UPDATE efaktur_uploads SET stored = stored + $2, rejected = rejected + $3, skipped = skipped + $4
			WHERE id = $1 AND state = 'running' RETURNING `+uploadColumns, c.UploadID, len(c.Fakturs), c.Rejected, c.Skipped))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Errorf(errs.Conflict, "upload %d is no longer running", c.UploadID)
		}
		return err
	})
	return u, err
}

// insertProblems inserts the problems ps of upload uploadID with
// insertBatch.
func insertProblems(ctx context.Context, bt bulkTx, uploadID int64, ps []efaktur.Problem) error {
	const cols = 12
	args := make([]any, 0, cols*len(ps))
	for _, p := range ps {
		args = append(args, uploadID, p.Invoice, p.Line, p.XMLLine, p.XMLColumn, p.Path, p.Field, p.Value, string(p.Rule), p.Message, p.Fix, p.Expected)
	}
	if err := insertBatch(ctx, bt, "INSERT INTO efaktur_upload_problems (upload_id, invoice, line, xml_line, xml_column, path, field, value, rule, message, fix, expected)",
		cols, args, "", nil); err != nil {
		return fmt.Errorf("insert into efaktur_upload_problems: %w", err)
	}
	return nil
}

// FinishUpload implements efaktur.UploadStore.
func (s *EFakturStore) FinishUpload(ctx context.Context, u efaktur.Upload, at time.Time, problems []efaktur.Problem, ev audit.Entry) (efaktur.Upload, error) {
	var out efaktur.Upload
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertProblems(ctx, bulkTx{Tx: tx}, u.ID, problems); err != nil {
			return err
		}
		retry := 0
		if u.Retry {
			retry = 1
		}
		var err error
		out, err = scanUpload(tx.QueryRowContext(ctx, `UPDATE efaktur_uploads SET state = $2, reason = $3, not_processed = $4,
			sha_key = CASE WHEN $5 = 1 THEN NULL ELSE sha_key END, finished_at = $6
			WHERE id = $1 AND state IN ('queued', 'running') RETURNING `+uploadColumns,
			u.ID, string(u.State), u.Reason, u.NotProcessed, retry, at.UTC()))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Errorf(errs.Conflict, "upload %d has already ended", u.ID)
		}
		if err != nil {
			return fmt.Errorf("finish upload %d: %w", u.ID, err)
		}
		return appendAudit(ctx, tx, ev)
	})
	return out, err
}

// RequestUploadCancel implements efaktur.UploadStore.
func (s *EFakturStore) RequestUploadCancel(ctx context.Context, id int64, ev audit.Entry) (efaktur.Upload, error) {
	var u efaktur.Upload
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		u, err = scanUpload(tx.QueryRowContext(ctx, `UPDATE efaktur_uploads SET cancel_requested = TRUE
			WHERE id = $1 AND state IN ('queued', 'running') RETURNING `+uploadColumns, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Errorf(errs.Conflict, "upload %d has already ended", id)
		}
		if err != nil {
			return fmt.Errorf("cancel upload %d: %w", id, err)
		}
		return appendAudit(ctx, tx, ev)
	})
	return u, err
}

// Upload implements efaktur.UploadStore.
func (s *EFakturStore) Upload(ctx context.Context, id int64) (efaktur.Upload, error) {
	u, err := scanUpload(s.db.db.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM efaktur_uploads WHERE id = $1`, id))
	return u, translate(notFound(err, fmt.Sprintf("there is no upload %d", id)))
}

// Uploads implements efaktur.UploadStore.
func (s *EFakturStore) Uploads(ctx context.Context, sellerID, after int64, limit int) ([]efaktur.Upload, error) {
	q := `SELECT ` + uploadColumns + ` FROM efaktur_uploads WHERE seller_id = $1`
	args := []any{sellerID}
	if after > 0 {
		q += ` AND id < $2`
		args = append(args, after)
	}
	args = append(args, limit)
	q += ` ORDER BY id DESC LIMIT $` + strconv.Itoa(len(args))
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list uploads: %w", err))
	}
	defer rows.Close()
	var out []efaktur.Upload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, translate(fmt.Errorf("list uploads: %w", err))
		}
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

// UploadProblems implements efaktur.UploadStore.
func (s *EFakturStore) UploadProblems(ctx context.Context, id, after int64, limit int) ([]efaktur.UploadProblem, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, invoice, line, xml_line, xml_column, path, field, value, rule, message, fix, expected
		FROM efaktur_upload_problems WHERE upload_id = $1 AND id > $2 ORDER BY id LIMIT $3`, id, after, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("list upload problems: %w", err))
	}
	defer rows.Close()
	var out []efaktur.UploadProblem
	for rows.Next() {
		var p efaktur.UploadProblem
		var rule string
		if err := rows.Scan(&p.Seq, &p.Invoice, &p.Line, &p.XMLLine, &p.XMLColumn, &p.Path, &p.Field, &p.Value, &rule, &p.Message, &p.Fix, &p.Expected); err != nil {
			return nil, translate(fmt.Errorf("list upload problems: %w", err))
		}
		p.Rule = efaktur.Rule(rule)
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// EndInterruptedUploads implements efaktur.UploadStore.
func (s *EFakturStore) EndInterruptedUploads(ctx context.Context, at time.Time, reason string) (int, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE efaktur_uploads SET state = 'failed', reason = $1, sha_key = NULL, finished_at = $2,
			not_processed = CASE WHEN total > stored + rejected + skipped THEN total - stored - rejected - skipped ELSE 0 END
			WHERE state IN ('queued', 'running')`, reason, at.UTC())
		if err != nil {
			return fmt.Errorf("end interrupted uploads: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
