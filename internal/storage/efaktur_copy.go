package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/signing"
)

// bulkTx is a transaction that writes many rows at once: with
// multi-row INSERTs (insertBatch) or, on PostgreSQL, with COPY on the
// connection the transaction runs on. COPY parses and plans nothing per
// row and sends the rows in the binary format, which makes the rows of a
// large approval (signatures, log records, audit entries, fakturs) far
// cheaper for the server; it runs inside the transaction like any other
// statement, so a rollback takes its rows back with the rest.
type bulkTx struct {
	*sql.Tx
	// conn is the connection of Tx on PostgreSQL; nil on SQLite, which
	// has no COPY.
	conn *sql.Conn
}

// copies reports whether bt writes rows with COPY.
func (bt bulkTx) copies() bool { return bt.conn != nil }

// inBulkTx runs fn in a transaction as inTx does; on PostgreSQL the
// transaction is begun on a connection of its own, so that fn can COPY
// on it.
func (db *DB) inBulkTx(ctx context.Context, fn func(bt bulkTx) error) (err error) {
	if db.dialect != Postgres {
		return db.inTx(ctx, func(tx *sql.Tx) error { return fn(bulkTx{Tx: tx}) })
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return translate(fmt.Errorf("take a connection: %w", err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	if err := fn(bulkTx{Tx: tx, conn: conn}); err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// insert writes rows into table: len(cols) values a row, one row after
// the other in args. It uses COPY where bt can, else multi-row INSERTs.
func (bt bulkTx) insert(ctx context.Context, table string, cols []string, args []any) error {
	if len(args) == 0 {
		return nil
	}
	if len(args)%len(cols) != 0 {
		return fmt.Errorf("insert into %s: %d values for rows of %d columns", table, len(args), len(cols))
	}
	if !bt.copies() {
		return insertBatch(ctx, bt.Tx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+")", len(cols), args, "", nil)
	}
	n := len(cols)
	rows := make([][]any, len(args)/n)
	for i := range rows {
		rows[i] = args[i*n : (i+1)*n : (i+1)*n]
	}
	var copied int64
	err := bt.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver's connection, not %T", dc)
		}
		var err error
		copied, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if copied != int64(len(rows)) {
		return fmt.Errorf("copy into %s: %d rows written of %d", table, copied, len(rows))
	}
	return nil
}

// nextIDs takes n values from the identity sequence of table's id
// column in one query, for rows that COPY writes with their id (COPY
// returns none). The values are unique but need not be consecutive.
func (bt bulkTx) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	rows, err := bt.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
	}
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("take %d ids of %s: %w", n, table, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("take %d ids of %s: got %d", n, table, len(ids))
	}
	return ids, nil
}

// signatureCols are the columns saveSignaturesBulk writes.
var signatureCols = []string{"id", "public_id", "certificate_id", "signer_id", "acting_for_id", "doc_type", "doc_hash", "signature", "signed_at", "log_index"}

// saveSignaturesBulk writes the prepared signatures ps inside bt as
// saveSignatures does, and returns them stored in the order of ps. With
// COPY, the signature ids are taken from their sequence first and the
// rows, log records and audit entries are copied; the statements, locks
// and their order are saveSignatures': the signer's failures reset, the
// transparency log size moved once (appendLeavesTo), the audit head
// moved once (appendAuditsTo), each signature's entry naming its log
// index.
func saveSignaturesBulk(ctx context.Context, bt bulkTx, ps []signing.Prepared) ([]signing.Signature, error) {
	if !bt.copies() {
		return saveSignatures(ctx, bt.Tx, ps)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	reset := map[int64]bool{}
	for _, p := range ps {
		if reset[p.Signature.SignerID] {
			continue
		}
		reset[p.Signature.SignerID] = true
		if _, err := bt.ExecContext(ctx, `UPDATE signing_locks SET failures = 0, locked_until = NULL WHERE holder_id = $1`, p.Signature.SignerID); err != nil {
			return nil, fmt.Errorf("reset signing failures: %w", err)
		}
	}
	records := make([][]byte, len(ps))
	for i, p := range ps {
		records[i] = p.Record
	}
	first, err := appendLeavesTo(ctx, bt, records)
	if err != nil {
		return nil, err
	}
	ids, err := bt.nextIDs(ctx, "signatures", len(ps))
	if err != nil {
		return nil, err
	}
	sigs := make([]signing.Signature, len(ps))
	public := make(map[string]bool, len(ps))
	args := make([]any, 0, len(signatureCols)*len(ps))
	for i, p := range ps {
		sig := p.Signature
		sig.ID, sig.LogIndex = ids[i], first+int64(i)
		sigs[i] = sig
		public[sig.PublicID] = true
		args = append(args, sig.ID, sig.PublicID, sig.CertificateID, sig.SignerID, sig.ActingForID, string(sig.DocType), sig.DocHash, sig.Value,
			sig.SignedAt.UTC(), sig.LogIndex)
	}
	if len(public) != len(ps) {
		return nil, errs.Errorf(errs.Conflict, "two signatures of the batch share a public identifier; sign again")
	}
	if err := bt.insert(ctx, "signatures", signatureCols, args); err != nil {
		return nil, fmt.Errorf("insert signatures: %w", err)
	}
	evs := make([]audit.Entry, len(ps))
	for i, p := range ps {
		evs[i] = p.Audit
		evs[i].Detail = fmt.Sprintf("%s; log index %d", p.Audit.Detail, sigs[i].LogIndex)
	}
	if err := appendAuditsTo(ctx, bt, evs); err != nil {
		return nil, err
	}
	return sigs, nil
}
