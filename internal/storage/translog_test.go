package storage_test

import (
	"context"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// memHashes is an in-memory tlog.HashReader: the reference the stored
// tree is compared with.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("no hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

func transLogRecord(i int) []byte {
	return fmt.Appendf(nil, "record %d\n", i)
}

func TestTransLogAppendAndProve(t *testing.T) {
	const n = 100
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.TransLog()
		if size, err := s.Size(ctx); err != nil || size != 0 {
			t.Fatalf("empty log: Size = %d, %v", size, err)
		}
		var mem memHashes
		heads := make([]tlog.Hash, n+1)
		for i := 0; i < n; i++ {
			idx, err := s.Append(ctx, transLogRecord(i))
			if err != nil {
				t.Fatalf("append %d: %v", i, err)
			}
			if idx != int64(i) {
				t.Fatalf("append %d: index %d", i, idx)
			}
			hs, err := tlog.StoredHashes(int64(i), transLogRecord(i), mem)
			if err != nil {
				t.Fatal(err)
			}
			mem = append(mem, hs...)
			want, err := tlog.TreeHash(int64(i+1), mem)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.TreeHash(ctx, int64(i+1))
			if err != nil {
				t.Fatalf("TreeHash(%d): %v", i+1, err)
			}
			if got != want {
				t.Fatalf("TreeHash(%d) = %v, want %v", i+1, got, want)
			}
			heads[i+1] = got
		}
		if size, err := s.Size(ctx); err != nil || size != n {
			t.Fatalf("Size = %d, %v; want %d", size, err, n)
		}
		for i := int64(0); i < n; i++ {
			rec, err := s.Record(ctx, i)
			if err != nil || string(rec) != string(transLogRecord(int(i))) {
				t.Fatalf("Record(%d) = %q, %v", i, rec, err)
			}
			for size := i + 1; size <= n; size++ {
				p, err := s.InclusionProof(ctx, i, size)
				if err != nil {
					t.Fatalf("InclusionProof(%d, %d): %v", i, size, err)
				}
				if err := tlog.CheckRecord(p, size, heads[size], i, tlog.RecordHash(rec)); err != nil {
					t.Fatalf("inclusion of %d in %d: %v", i, size, err)
				}
			}
		}
		for old := int64(1); old <= n; old += 7 {
			for size := old; size <= n; size += 5 {
				p, err := s.ConsistencyProof(ctx, old, size)
				if err != nil {
					t.Fatalf("ConsistencyProof(%d, %d): %v", old, size, err)
				}
				if err := tlog.CheckTree(p, size, heads[size], old, heads[old]); err != nil {
					t.Fatalf("consistency %d to %d: %v", old, size, err)
				}
			}
		}
		if _, err := s.Record(ctx, n); !errs.Is(errs.NotFound, err) {
			t.Errorf("Record past the end: %v, want not found", err)
		}
		if _, err := s.InclusionProof(ctx, 5, n+1); !errs.Is(errs.NotFound, err) {
			t.Errorf("proof in a tree larger than the log: %v, want not found", err)
		}
		if _, err := s.InclusionProof(ctx, 5, 5); !errs.Is(errs.NotFound, err) {
			t.Errorf("proof of a record outside the tree: %v, want not found", err)
		}
		if _, err := s.ConsistencyProof(ctx, 10, 5); !errs.Is(errs.Invalid, err) {
			t.Errorf("consistency from a larger tree: %v, want invalid", err)
		}
		if _, err := s.Append(ctx, nil); !errs.Is(errs.Invalid, err) {
			t.Errorf("empty record: %v, want invalid", err)
		}
		if size, _ := s.Size(ctx); size != n {
			t.Errorf("a refused append changed the size to %d", size)
		}
	})
}

func TestTransLogRewrittenHashBreaksProofs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.TransLog()
		for i := 0; i < 8; i++ {
			if _, err := s.Append(ctx, transLogRecord(i)); err != nil {
				t.Fatal(err)
			}
		}
		head, err := s.TreeHash(ctx, 8)
		if err != nil {
			t.Fatal(err)
		}
		// Rewrite the leaf hash of record 2 as if its record had changed.
		forged := tlog.RecordHash([]byte("forged\n"))
		if _, err := db.SQL().ExecContext(ctx, `UPDATE translog_hashes SET hash = $1 WHERE idx = $2`,
			forged[:], tlog.StoredHashIndex(0, 2)); err != nil {
			t.Fatal(err)
		}
		// Record 3's proof now carries the forged sibling and fails
		// against the head published before the rewrite.
		p, err := s.InclusionProof(ctx, 3, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, 8, head, 3, tlog.RecordHash(transLogRecord(3))); err == nil {
			t.Error("a proof built from a rewritten hash verifies against the earlier head")
		}
		// Nor can the forged leaf be proved against that head.
		p, err = s.InclusionProof(ctx, 2, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, 8, head, 2, forged); err == nil {
			t.Error("a forged leaf verifies against the earlier head")
		}
	})
}
