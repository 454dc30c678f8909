package storage_test

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestTransLogAppendBatch appends records one by one (appendLeaf) and in
// batches (appendLeaves) in turn, with batches that start and end on and
// across every kind of subtree boundary, and checks that the stored tree
// is the one tlog computes for the records appended one by one: the same
// tree hash at every size, the records at their indexes, and inclusion
// proofs that verify. A rolled-back batch leaves no gap.
func TestTransLogAppendBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.TransLog()
		var mem memHashes
		n := 0
		want := func(count int) {
			t.Helper()
			for i := n; i < n+count; i++ {
				hs, err := tlog.StoredHashes(int64(i), transLogRecord(i), mem)
				if err != nil {
					t.Fatal(err)
				}
				mem = append(mem, hs...)
			}
			n += count
		}
		single := func(count int) {
			t.Helper()
			for i := 0; i < count; i++ {
				idx, err := s.Append(ctx, transLogRecord(n))
				if err != nil || idx != int64(n) {
					t.Fatalf("append %d: index %d, %v", n, idx, err)
				}
				want(1)
			}
		}
		batch := func(count int) {
			t.Helper()
			recs := make([][]byte, count)
			for i := range recs {
				recs[i] = transLogRecord(n + i)
			}
			first, err := storage.AppendLeaves(ctx, db, recs, nil)
			if err != nil || first != int64(n) {
				t.Fatalf("batch of %d at %d: first %d, %v", count, n, first, err)
			}
			want(count)
		}
		batch(1)  // 0: the empty log
		batch(2)  // 1–2
		single(5) // 3–7
		batch(8)  // 8–15: a whole subtree of 8
		batch(37) // 16–52: across 32
		single(3) // 53–55
		boom := errors.New("boom")
		if _, err := storage.AppendLeaves(ctx, db, [][]byte{transLogRecord(n), transLogRecord(n + 1)}, boom); !errors.Is(err, boom) {
			t.Fatalf("rolled-back batch: %v", err)
		}
		if size, err := s.Size(ctx); err != nil || size != int64(n) {
			t.Fatalf("after a rolled-back batch: Size = %d, %v; want %d", size, err, n)
		}
		batch(100) // 56–155: across 64 and 128
		single(1)  // 156
		batch(99)  // 157–255: ends on 256
		batch(3)
		if _, err := storage.AppendLeaves(ctx, db, [][]byte{transLogRecord(n), {}}, nil); !errs.Is(errs.Invalid, err) {
			t.Errorf("batch with an empty record: %v, want Invalid", err)
		}
		if size, err := s.Size(ctx); err != nil || size != int64(n) {
			t.Fatalf("Size = %d, %v; want %d", size, err, n)
		}
		for size := int64(1); size <= int64(n); size++ {
			wantHash, err := tlog.TreeHash(size, mem)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.TreeHash(ctx, size)
			if err != nil || got != wantHash {
				t.Fatalf("TreeHash(%d) = %v, %v; want %v as appended one by one", size, got, err, wantHash)
			}
		}
		head, err := tlog.TreeHash(int64(n), mem)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			rec, err := s.Record(ctx, int64(i))
			if err != nil || string(rec) != string(transLogRecord(i)) {
				t.Fatalf("Record(%d) = %q, %v", i, rec, err)
			}
			p, err := s.InclusionProof(ctx, int64(i), int64(n))
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckRecord(p, int64(n), head, int64(i), tlog.RecordHash(rec)); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
		}
	})
}
