package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
)

// MaxTransLogRecord is the largest record the transparency log accepts.
const MaxTransLogRecord = 64 << 10

// appendLeaf appends record to the transparency log inside tx, the
// transaction of the change it records (a signature), so that the change
// and its log entry commit together or not at all. It returns the record's
// index (0 for the first record). Every store that logs a signed document
// calls it; its signature is stable.
//
// It moves the tree size (translog_size) under a row lock: the UPDATE
// itself takes it, so one SQL text serves both dialects (on PostgreSQL the
// row lock is held until commit, on SQLite the write transaction already
// serialises writers). Concurrent appends therefore queue, and a
// rolled-back transaction leaves no gap. It then stores the record, its
// leaf hash (tlog.RecordHash) and the new stored hashes of the tree
// (tlog.StoredHashes), read from and written to translog_hashes in tx.
//
// Call it after the transaction's other writes, and before appendAudit if
// both are used, so that locks are always taken in the same order.
func appendLeaf(ctx context.Context, tx *sql.Tx, record []byte) (index int64, err error) {
	if len(record) == 0 || len(record) > MaxTransLogRecord {
		return 0, errs.Errorf(errs.Invalid, "a transparency log record must hold 1 to %d bytes, not %d", MaxTransLogRecord, len(record))
	}
	var size int64
	if err := tx.QueryRowContext(ctx, `UPDATE translog_size SET size = size + 1 WHERE id = 1 RETURNING size`).Scan(&size); err != nil {
		return 0, fmt.Errorf("lock transparency log size: %w", err)
	}
	index = size - 1
	hashes, err := tlog.StoredHashes(index, record, hashReader(ctx, tx))
	if err != nil {
		return 0, fmt.Errorf("transparency log record %d: %w", index, err)
	}
	leaf := tlog.RecordHash(record)
	if _, err := tx.ExecContext(ctx, `INSERT INTO translog_leaves (idx, leaf_hash, record) VALUES ($1, $2, $3)`,
		index, leaf[:], record); err != nil {
		return 0, fmt.Errorf("insert transparency log record %d: %w", index, err)
	}
	first := tlog.StoredHashIndex(0, index)
	for i, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO translog_hashes (idx, hash) VALUES ($1, $2)`,
			first+int64(i), h[:]); err != nil {
			return 0, fmt.Errorf("insert transparency log hash %d: %w", first+int64(i), err)
		}
	}
	return index, nil
}

// appendLeaves appends records to the transparency log inside tx, as
// appendLeaf does for one, and returns the index of the first; record i
// gets index first+i. It keeps appendLeaf's guarantees: the tree size
// moves once, under the same row lock, so concurrent appends queue and a
// rolled-back transaction leaves no gap; the stored hashes are exactly
// those that appending the records one by one with appendLeaf writes.
//
// The hashes come from tlog.StoredHashes, record by record, reading from
// an overlay of the hashes computed earlier in the batch, primed with the
// roots of the complete subtrees of the tree before the batch (the only
// earlier hashes a later append can need), read in one query; anything
// else falls through to translog_hashes. Leaves and hashes are then
// written with multi-row INSERTs.
//
// Call it where appendLeaf would be called: after the transaction's other
// writes that take locks, before appendAudit.
func appendLeaves(ctx context.Context, tx *sql.Tx, records [][]byte) (first int64, err error) {
	return appendLeavesTo(ctx, bulkTx{Tx: tx}, records)
}

// appendLeavesTo is appendLeaves writing the leaves and hashes with
// bt.insert: COPY on PostgreSQL when bt has its connection.
func appendLeavesTo(ctx context.Context, bt bulkTx, records [][]byte) (first int64, err error) {
	tx := bt.Tx
	if len(records) == 0 {
		return 0, errors.New("append no transparency log records")
	}
	for i, r := range records {
		if len(r) == 0 || len(r) > MaxTransLogRecord {
			return 0, errs.Errorf(errs.Invalid, "a transparency log record must hold 1 to %d bytes, not %d (record %d of the batch)", MaxTransLogRecord, len(r), i+1)
		}
	}
	n := int64(len(records))
	var size int64
	if err := tx.QueryRowContext(ctx, `UPDATE translog_size SET size = size + $1 WHERE id = 1 RETURNING size`, n).Scan(&size); err != nil {
		return 0, fmt.Errorf("lock transparency log size: %w", err)
	}
	first = size - n
	overlay := make(map[int64]tlog.Hash, 2*len(records)+64)
	if roots := subtreeRoots(first); len(roots) > 0 {
		hs, err := hashReader(ctx, tx).ReadHashes(roots)
		if err != nil {
			return 0, err
		}
		for i, x := range roots {
			overlay[x] = hs[i]
		}
	}
	db := hashReader(ctx, tx)
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for i, x := range indexes {
			h, ok := overlay[x]
			if !ok {
				missing = append(missing, x)
				continue
			}
			out[i] = h
		}
		if len(missing) == 0 {
			return out, nil
		}
		hs, err := db.ReadHashes(missing)
		if err != nil {
			return nil, err
		}
		for i, x := range missing {
			overlay[x] = hs[i]
		}
		for i, x := range indexes {
			out[i] = overlay[x]
		}
		return out, nil
	})
	leaves := make([]any, 0, 3*len(records))
	var hashes []any
	for i, r := range records {
		index := first + int64(i)
		hs, err := tlog.StoredHashes(index, r, read)
		if err != nil {
			return 0, fmt.Errorf("transparency log record %d: %w", index, err)
		}
		at := tlog.StoredHashIndex(0, index)
		for j, h := range hs {
			overlay[at+int64(j)] = h
			hashes = append(hashes, at+int64(j), h[:])
		}
		leaf := hs[0] // the leaf hash is the first stored hash of a record
		leaves = append(leaves, index, leaf[:], r)
	}
	if err := bt.insert(ctx, "translog_leaves", []string{"idx", "leaf_hash", "record"}, leaves); err != nil {
		return 0, fmt.Errorf("insert transparency log records %d to %d: %w", first, size-1, err)
	}
	if err := bt.insert(ctx, "translog_hashes", []string{"idx", "hash"}, hashes); err != nil {
		return 0, fmt.Errorf("insert transparency log hashes of records %d to %d: %w", first, size-1, err)
	}
	return first, nil
}

// subtreeRoots returns the stored-hash indexes of the roots of the
// maximal complete subtrees of a tree of size records: one per bit of
// size, largest first. They are the only stored hashes of that tree that
// appending to it can read.
func subtreeRoots(size int64) []int64 {
	var out []int64
	var start int64
	for level := 62; level >= 0; level-- {
		if size&(1<<level) != 0 {
			out = append(out, tlog.StoredHashIndex(level, start>>level))
			start += 1 << level
		}
	}
	return out
}

// statementParams is how many bind parameters insertBatch puts in one
// statement, far below both dialects' limits (SQLite's
// SQLITE_MAX_VARIABLE_NUMBER, 32766; PostgreSQL's 65535): SQLite looks a
// $N parameter up by name in a list of the statement's parameters, both
// when parsing and when binding, so a statement's cost grows with the
// square of its parameters (at 29,000 it cost seconds), while PostgreSQL
// gains little from statements larger than a few hundred values. A
// 1,000-faktur approval then takes about 60 INSERTs in all
// (doc/performance.md).
const statementParams = 500

// insertBatch runs head VALUES (...), (...) tail for the rows in args,
// cols values a row, statementParams values a statement at most (one row
// at least). When scan is set, tail is expected to hold a RETURNING
// clause and scan is called for every row returned. The statement of a
// full part is prepared once and run for every full part: parsing a
// statement of a few hundred parameters costs SQLite far more than
// running it (a third of an upload's CPU when each part was parsed
// anew), and PostgreSQL plans it once.
func insertBatch(ctx context.Context, bt bulkTx, head string, cols int, args []any, tail string, scan func(*sql.Rows) error) error {
	tx := bt.Tx
	per := max(1, statementParams/cols)
	full := per * cols
	var stmt *sql.Stmt
	if len(args)/full >= 2 {
		var err error
		if stmt, err = tx.PrepareContext(ctx, valuesSQL(head, cols, full, tail, bt.positional)); err != nil {
			return err
		}
		defer stmt.Close()
	}
	for start := 0; start < len(args); start += full {
		part := args[start:min(start+full, len(args))]
		if scan == nil {
			var err error
			if stmt != nil && len(part) == full {
				_, err = stmt.ExecContext(ctx, part...)
			} else {
				_, err = tx.ExecContext(ctx, valuesSQL(head, cols, len(part), tail, bt.positional), part...)
			}
			if err != nil {
				return err
			}
			continue
		}
		var rows *sql.Rows
		var err error
		if stmt != nil && len(part) == full {
			rows, err = stmt.QueryContext(ctx, part...)
		} else {
			rows, err = tx.QueryContext(ctx, valuesSQL(head, cols, len(part), tail, bt.positional), part...)
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// valuesSQL returns head VALUES ($1, …), (…) tail for n parameters, cols
// a row; with positional, the placeholders are bare ? (SQLite).
func valuesSQL(head string, cols, n int, tail string, positional bool) string {
	var b strings.Builder
	b.Grow(len(head) + len(tail) + n*6)
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for i := range n {
		switch {
		case i == 0:
			b.WriteString("(")
		case i%cols == 0:
			b.WriteString("), (")
		default:
			b.WriteString(", ")
		}
		if positional {
			b.WriteString("?")
			continue
		}
		b.WriteString("$")
		b.WriteString(strconv.Itoa(i + 1))
	}
	b.WriteString(")")
	b.WriteString(tail)
	return b.String()
}

// hashReader reads stored hashes from translog_hashes through q (a
// *sql.DB or a *sql.Tx). It
// answers in the order asked and fails when a hash is missing, as
// tlog.HashReader requires.
func hashReader(ctx context.Context, q querier) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		found := make(map[int64]tlog.Hash, len(indexes))
		const chunk = 200
		for start := 0; start < len(indexes); start += chunk {
			part := indexes[start:min(start+chunk, len(indexes))]
			var b strings.Builder
			args := make([]any, len(part))
			for i, x := range part {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", i+1)
				args[i] = x
			}
			rows, err := q.QueryContext(ctx, `SELECT idx, hash FROM translog_hashes WHERE idx IN (`+b.String()+`)`, args...)
			if err != nil {
				return nil, fmt.Errorf("read transparency log hashes: %w", err)
			}
			for rows.Next() {
				var idx int64
				var raw []byte
				if err := rows.Scan(&idx, &raw); err != nil {
					rows.Close()
					return nil, fmt.Errorf("read transparency log hashes: %w", err)
				}
				if len(raw) != tlog.HashSize {
					rows.Close()
					return nil, fmt.Errorf("transparency log hash %d has %d bytes, want %d", idx, len(raw), tlog.HashSize)
				}
				found[idx] = tlog.Hash(raw)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, fmt.Errorf("read transparency log hashes: %w", err)
			}
		}
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := found[x]
			if !ok {
				return nil, fmt.Errorf("transparency log hash %d is missing", x)
			}
			out[i] = h
		}
		return out, nil
	})
}

// TransLogStore reads the transparency log: its size, records, tree
// hashes and proofs, all from the stored hashes without recomputing the
// tree. It implements translog.Store.
type TransLogStore struct{ db *DB }

// TransLog returns the store of the transparency log.
func (db *DB) TransLog() *TransLogStore { return &TransLogStore{db: db} }

// Append appends record in a transaction of its own and returns its
// index. Records that belong to a change are appended in that change's
// transaction with appendLeaf.
func (s *TransLogStore) Append(ctx context.Context, record []byte) (int64, error) {
	var index int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		index, err = appendLeaf(ctx, tx, record)
		return err
	})
	return index, err
}

// Size returns the number of records in the log.
func (s *TransLogStore) Size(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.db.QueryRowContext(ctx, `SELECT size FROM translog_size WHERE id = 1`).Scan(&n); err != nil {
		return 0, translate(fmt.Errorf("read transparency log size: %w", err))
	}
	return n, nil
}

// Record returns the record at index.
func (s *TransLogStore) Record(ctx context.Context, index int64) ([]byte, error) {
	var rec []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT record FROM translog_leaves WHERE idx = $1`, index).Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Errorf(errs.NotFound, "the transparency log has no record %d", index)
	}
	if err != nil {
		return nil, translate(fmt.Errorf("read transparency log record %d: %w", index, err))
	}
	return rec, nil
}

// checkSize fails unless 0 <= size <= the current size of the log.
func (s *TransLogStore) checkSize(ctx context.Context, what string, size int64) error {
	if size < 0 {
		return errs.Errorf(errs.Invalid, "%s %d is negative", what, size)
	}
	n, err := s.Size(ctx)
	if err != nil {
		return err
	}
	if size > n {
		return errs.Errorf(errs.NotFound, "%s %d is larger than the transparency log, which holds %d records", what, size, n)
	}
	return nil
}

// TreeHash returns the root hash of the tree of the first size records.
func (s *TransLogStore) TreeHash(ctx context.Context, size int64) (tlog.Hash, error) {
	if err := s.checkSize(ctx, "tree size", size); err != nil {
		return tlog.Hash{}, err
	}
	h, err := tlog.TreeHash(size, hashReader(ctx, s.db.db))
	if err != nil {
		return tlog.Hash{}, translate(fmt.Errorf("transparency log tree hash %d: %w", size, err))
	}
	return h, nil
}

// InclusionProof proves that record index is in the tree of size records.
func (s *TransLogStore) InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, error) {
	if err := s.checkSize(ctx, "tree size", size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, errs.Errorf(errs.NotFound, "record %d is not in a tree of %d records", index, size)
	}
	p, err := tlog.ProveRecord(size, index, hashReader(ctx, s.db.db))
	if err != nil {
		return nil, translate(fmt.Errorf("transparency log inclusion proof %d in %d: %w", index, size, err))
	}
	return p, nil
}

// ConsistencyProof proves that the tree of oldSize records is a prefix of
// the tree of newSize records.
func (s *TransLogStore) ConsistencyProof(ctx context.Context, oldSize, newSize int64) (tlog.TreeProof, error) {
	if err := s.checkSize(ctx, "tree size", newSize); err != nil {
		return nil, err
	}
	if oldSize < 1 || oldSize > newSize {
		return nil, errs.Errorf(errs.Invalid, "the old tree size must be between 1 and the new size %d, not %d", newSize, oldSize)
	}
	p, err := tlog.ProveTree(newSize, oldSize, hashReader(ctx, s.db.db))
	if err != nil {
		return nil, translate(fmt.Errorf("transparency log consistency proof %d to %d: %w", oldSize, newSize, err))
	}
	return p, nil
}
