package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
