package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/registration"
)

// appendAudit appends e to the audit log inside tx, the transaction of the
// change it records, so that the entry exists exactly when the change
// does. Every store that writes an audited event calls it; its signature
// is stable.
//
// It takes the chain head (audit_head) under a row lock, gives e the next
// Seq, chains it from the head's hash (audit.Seal), inserts it and moves
// the head, all in tx. The lock is taken by the UPDATE itself, so one SQL
// text serves both dialects: on PostgreSQL it is the row lock an UPDATE
// holds until commit (what SELECT ... FOR UPDATE would take), on SQLite
// the write transaction already serialises writers. Concurrent appends
// therefore queue on the head, and a rolled-back transaction leaves no
// gap in Seq.
//
// Call it after the transaction's other writes: the head lock is then
// held only until commit and always taken last, so two transactions can
// never wait on each other's locks in opposite orders.
//
// A zero e.At is set to the current time. Seq, PrevHash and Hash of e are
// ignored.
func appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	_, err := appendAuditEntry(ctx, tx, e)
	return err
}

func appendAuditEntry(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	var seq int64
	var head string
	err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &head)
	if err != nil {
		return e, fmt.Errorf("lock audit head: %w", err)
	}
	prev, err := audit.ParseDigest(head)
	if err != nil {
		return e, fmt.Errorf("audit head: %w", err)
	}
	e = audit.Seal(e, seq, prev)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, account_id, taxpayer_id, action, address, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.Seq, e.At, e.Actor, nullID(e.AccountID), nullID(e.TaxpayerID), e.Action, e.Address, e.Detail,
		e.PrevHash.String(), e.Hash.String())
	if err != nil {
		return e, fmt.Errorf("insert audit entry %d: %w", e.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash.String()); err != nil {
		return e, fmt.Errorf("move audit head: %w", err)
	}
	return e, nil
}

// auditCols are the columns of an audit entry as appendAuditsTo writes
// them.
var auditCols = []string{"seq", "at", "actor", "account_id", "taxpayer_id", "action", "address", "detail", "prev_hash", "hash"}

// appendAuditsTo appends es to the audit log inside bt in order, with the
// chain and the lock of appendAudit called for each entry: the head
// moves once by len(es) under its row lock,
// each entry is sealed from the one before it in memory (audit.Seal),
// the entries are written with bt.insert (COPY on PostgreSQL) and the
// head takes the last hash. Call it where appendAudit would be called,
// after the transaction's other writes.
func appendAuditsTo(ctx context.Context, bt bulkTx, es []audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	var last int64
	var head string
	if err := bt.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, int64(len(es))).Scan(&last, &head); err != nil {
		return fmt.Errorf("lock audit head: %w", err)
	}
	prev, err := audit.ParseDigest(head)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	seq := last - int64(len(es)) + 1
	args := make([]any, 0, len(auditCols)*len(es))
	now := time.Now()
	for i, e := range es {
		if e.At.IsZero() {
			e.At = now
		}
		e = audit.Seal(e, seq+int64(i), prev)
		prev = e.Hash
		args = append(args, e.Seq, e.At, e.Actor, nullID(e.AccountID), nullID(e.TaxpayerID), e.Action, e.Address, e.Detail,
			e.PrevHash.String(), e.Hash.String())
	}
	if err := bt.insert(ctx, "audit_log", auditCols, args); err != nil {
		return fmt.Errorf("insert audit entries %d to %d: %w", seq, last, err)
	}
	if _, err := bt.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev.String()); err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	return nil
}

// AuditStore implements audit.Store and appends and verifies the log.
type AuditStore struct{ db *DB }

// Audit returns the store of the audit log.
func (db *DB) Audit() *AuditStore { return &AuditStore{db: db} }

var _ audit.Store = (*AuditStore)(nil)

// Append appends e in a transaction of its own, for events that change
// nothing else (a failed login). Events that change data append their
// entry in their own transaction with appendAudit.
func (s *AuditStore) Append(ctx context.Context, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, e) })
}

const auditColumns = `seq, at, actor, account_id, taxpayer_id, action, address, detail, prev_hash, hash`

// scanAudit scans an entry; hashes that are not hex are returned in bad so
// that the verifier can report the row instead of failing.
func scanAudit(row scanner) (e audit.Entry, bad string, err error) {
	var account, taxpayer sql.NullInt64
	var prev, hash string
	if err := row.Scan(&e.Seq, utc{&e.At}, &e.Actor, &account, &taxpayer, &e.Action, &e.Address, &e.Detail, &prev, &hash); err != nil {
		return e, "", err
	}
	e.AccountID, e.TaxpayerID = account.Int64, taxpayer.Int64
	if e.PrevHash, err = audit.ParseDigest(prev); err != nil {
		bad = "its stored previous-entry " + err.Error()
	}
	if e.Hash, err = audit.ParseDigest(hash); err != nil && bad == "" {
		bad = "its stored " + err.Error()
	}
	return e, bad, nil
}

// List implements audit.Store: entries matching f, newest first.
func (s *AuditStore) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	args := []any{before, f.Limit}
	var or []string
	if f.AccountID != 0 {
		args = append(args, f.AccountID)
		or = append(or, fmt.Sprintf("account_id = $%d", len(args)))
	}
	if len(f.TaxpayerIDs) > 0 {
		var ps []string
		for _, id := range f.TaxpayerIDs {
			args = append(args, id)
			ps = append(ps, fmt.Sprintf("$%d", len(args)))
		}
		or = append(or, "taxpayer_id IN ("+strings.Join(ps, ", ")+")")
	}
	cond := ""
	if len(or) > 0 {
		cond = " AND (" + strings.Join(or, " OR ") + ")"
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq < $1`+cond+`
		ORDER BY seq DESC LIMIT $2`, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list audit log: %w", err))
	}
	var out []audit.Entry
	for rows.Next() {
		e, _, err := scanAudit(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, e)
	}
	return out, closeRows(rows)
}

// verifyChunk is how many entries Verify reads per query: memory stays
// bounded however long the log is, and no query holds a snapshot for the
// whole run.
var verifyChunk = 5000

// Verify checks the whole chain in Seq order and compares its end with the
// head. It reads the head first: every entry up to the head's Seq was
// committed with it, so entries appended meanwhile are simply not checked
// this time. The error is for failures to read; a broken chain is
// reported in the Report.
func (s *AuditStore) Verify(ctx context.Context) (audit.Report, error) {
	var headSeq int64
	var headHex string
	if err := s.db.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHex); err != nil {
		return audit.Report{}, translate(fmt.Errorf("read audit head: %w", err))
	}
	v := audit.NewVerifier()
	head, err := audit.ParseDigest(headHex)
	if err != nil {
		v.Reject(headSeq, "the head's "+err.Error())
	}
	for after := int64(0); after < headSeq; {
		rows, err := s.db.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 AND seq <= $2
			ORDER BY seq LIMIT $3`, after, headSeq, verifyChunk)
		if err != nil {
			return audit.Report{}, translate(fmt.Errorf("read audit log after %d: %w", after, err))
		}
		n, last, intact := 0, after, true
		for intact && rows.Next() {
			e, bad, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return audit.Report{}, translate(fmt.Errorf("read audit entry after %d: %w", last, err))
			}
			n, last = n+1, e.Seq
			if bad != "" {
				v.Reject(e.Seq, bad)
			}
			intact = v.Add(e)
		}
		if err := closeRows(rows); err != nil {
			return audit.Report{}, err
		}
		if !intact || n < verifyChunk {
			break
		}
		after = last
	}
	return v.Finish(headSeq, head), nil
}

// changeEntry is the audit entry of a registration change: the change's
// actor and time, the account and client address of the request, and the
// change in words ("email: a@example.com → b@example.com").
func changeEntry(ctx context.Context, taxpayerID int64, c registration.Change) audit.Entry {
	a := actor.From(ctx)
	detail := c.Field + ": " + c.New
	if c.Old != "" {
		detail = c.Field + ": " + c.Old + " → " + c.New
	}
	return audit.Entry{At: c.At, Actor: c.Actor, AccountID: a.AccountID, TaxpayerID: taxpayerID,
		Action: "registration." + c.Action, Address: a.Address, Detail: detail}
}
