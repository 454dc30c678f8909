package translog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func newKey(t *testing.T) string {
	t.Helper()
	skey, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), translog.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return skey
}

func newService(t *testing.T, db *storage.DB) *translog.Service {
	t.Helper()
	svc, err := translog.NewService(db.TransLog(), newKey(t), func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func record(t *testing.T, i int) []byte {
	t.Helper()
	b, err := translog.NewRecord(fmt.Sprintf("DOC-%04d", i), fmt.Appendf(nil, "document %d", i),
		fmt.Sprintf("%X", 4096+i), t0.Add(time.Duration(i)*time.Second)).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openHead opens a signed head as an offline verifier does: with the
// verifier key text only.
func openHead(t *testing.T, svc *translog.Service, h translog.SignedHead) translog.Head {
	t.Helper()
	head, err := translog.OpenHead(h.Note, svc.VerifierKey())
	if err != nil {
		t.Fatalf("OpenHead: %v\n%s", err, h.Note)
	}
	if head.Size != h.Size || head.Hash != h.Hash || !head.Time.Equal(h.Time) {
		t.Fatalf("signed head %+v, want %+v", head, h.Head)
	}
	return head
}

func TestInclusionAndConsistencyAgainstEveryLaterHead(t *testing.T) {
	const n = 100
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		empty, err := svc.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if openHead(t, svc, empty).Size != 0 {
			t.Fatalf("empty log head: %+v", empty.Head)
		}
		heads := []translog.Head{openHead(t, svc, empty)}
		var entries []translog.Entry
		for i := 0; i < n; i++ {
			if _, err := db.TransLog().Append(ctx, record(t, i)); err != nil {
				t.Fatal(err)
			}
			h, err := svc.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			heads = append(heads, openHead(t, svc, h))
			// The entry as proved when it was the newest.
			e, err := svc.Prove(ctx, int64(i))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		for i, e := range entries {
			if !bytes.Equal(e.Record, record(t, i)) {
				t.Fatalf("entry %d record %q", i, e.Record)
			}
			if err := translog.VerifyInclusion(e.Record, e.Index, e.Proof, openHead(t, svc, e.Head)); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			// Every later head includes it: prove against each of them
			// with a consistency proof from the entry's own head.
			for size := i + 1; size <= n; size++ {
				c, err := svc.ProveConsistency(ctx, int64(i+1), int64(size))
				if err != nil {
					t.Fatal(err)
				}
				if err := translog.VerifyConsistency(c.Proof, heads[i+1], heads[size]); err != nil {
					t.Fatalf("consistency %d to %d: %v", i+1, size, err)
				}
			}
			// And the entry proved now verifies against the current head.
			now, err := svc.Prove(ctx, int64(i))
			if err != nil {
				t.Fatal(err)
			}
			if err := translog.VerifyInclusion(now.Record, now.Index, now.Proof, heads[n]); err != nil {
				t.Fatalf("entry %d against the last head: %v", i, err)
			}
			// A changed record, or the right record at another index, fails.
			changed := bytes.Replace(e.Record, []byte("DOC-"), []byte("DOX-"), 1)
			if translog.VerifyInclusion(changed, now.Index, now.Proof, heads[n]) == nil {
				t.Fatalf("a changed record %d verifies", i)
			}
			if translog.VerifyInclusion(now.Record, (now.Index+1)%n, now.Proof, heads[n]) == nil {
				t.Fatalf("record %d verifies at another index", i)
			}
		}
		if _, err := svc.Prove(ctx, n); !errs.Is(errs.NotFound, err) {
			t.Errorf("Prove past the end: %v, want not found", err)
		}
		if _, err := svc.ProveConsistency(ctx, n+1, 0); !errs.Is(errs.Invalid, err) {
			t.Errorf("consistency from a tree larger than the log: %v, want invalid", err)
		}
		// A head that does not extend the old one fails consistency.
		forged := heads[n]
		forged.Hash[0] ^= 1
		c, err := svc.ProveConsistency(ctx, 10, n)
		if err != nil {
			t.Fatal(err)
		}
		if translog.VerifyConsistency(c.Proof, heads[10], forged) == nil {
			t.Error("consistency with a forged new head verifies")
		}
		if translog.VerifyConsistency(c.Proof, heads[11], heads[n]) == nil {
			t.Error("consistency proof for size 10 verifies for size 11")
		}
	})
}

func TestRewrittenStoredHashFailsVerification(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		for i := 0; i < 20; i++ {
			if _, err := db.TransLog().Append(ctx, record(t, i)); err != nil {
				t.Fatal(err)
			}
		}
		before, err := svc.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		published := openHead(t, svc, before)
		// Someone with database access rewrites record 6 and its leaf hash.
		forged := record(t, 99)
		leaf := tlog.RecordHash(forged)
		if _, err := db.SQL().ExecContext(ctx, `UPDATE translog_leaves SET record = $1, leaf_hash = $2 WHERE idx = 6`, forged, leaf[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE translog_hashes SET hash = $1 WHERE idx = $2`, leaf[:], tlog.StoredHashIndex(0, 6)); err != nil {
			t.Fatal(err)
		}
		e, err := svc.Prove(ctx, 6)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e.Record, forged) {
			t.Fatalf("record 6 = %q, want the rewritten one", e.Record)
		}
		if translog.VerifyInclusion(e.Record, 6, e.Proof, published) == nil {
			t.Error("a rewritten record verifies against the head published before")
		}
		// Its neighbour's proof now carries the rewritten hash and fails too.
		e7, err := svc.Prove(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if translog.VerifyInclusion(e7.Record, 7, e7.Proof, published) == nil {
			t.Error("a proof through a rewritten hash verifies against the head published before")
		}
	})
}

func TestConcurrentAppendsLeaveAConsistentTree(t *testing.T) {
	const workers, each = 10, 8
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		recs := make([][]byte, workers*each)
		for i := range recs {
			recs[i] = record(t, 1000+i)
		}
		var wg sync.WaitGroup
		errc := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < each; j++ {
					if _, err := db.TransLog().Append(ctx, recs[w*each+j]); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatalf("concurrent append: %v", err)
		}
		head, err := svc.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if head.Size != workers*each {
			t.Fatalf("size %d, want %d", head.Size, workers*each)
		}
		// Recompute the tree from the records alone: it must match the
		// stored head, and every record must be there exactly once.
		var mem memHashes
		seen := map[string]bool{}
		for i := int64(0); i < head.Size; i++ {
			e, err := svc.Prove(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			if seen[string(e.Record)] {
				t.Fatalf("record %d appears twice", i)
			}
			seen[string(e.Record)] = true
			if err := translog.VerifyInclusion(e.Record, i, e.Proof, head.Head); err != nil {
				t.Fatal(err)
			}
			hs, err := tlog.StoredHashes(i, e.Record, mem)
			if err != nil {
				t.Fatal(err)
			}
			mem = append(mem, hs...)
		}
		want, err := tlog.TreeHash(head.Size, mem)
		if err != nil {
			t.Fatal(err)
		}
		if want != head.Hash {
			t.Fatalf("stored tree hash %v, recomputed %v", head.Hash, want)
		}
	})
}

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

func TestSignedHeadRefusesOtherKeysAndEdits(t *testing.T) {
	h := translog.Head{Size: 42, Hash: tlog.RecordHash([]byte("x")), Time: t0}
	skey := newKey(t)
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := translog.VerifierKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := translog.SignHead(h, signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := translog.OpenHead(msg, vkey)
	if err != nil || got != h {
		t.Fatalf("OpenHead = %+v, %v; want %+v", got, err, h)
	}
	other, err := translog.VerifierKey(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := translog.OpenHead(msg, other); err == nil {
		t.Error("a head opens with another log's key")
	}
	edited := bytes.Replace(msg, []byte("\n42\n"), []byte("\n43\n"), 1)
	if _, err := translog.OpenHead(edited, vkey); err == nil {
		t.Error("an edited head opens")
	}
	if !strings.HasPrefix(string(msg), translog.Origin+"\n42\n") {
		t.Errorf("head note:\n%s", msg)
	}
}

func TestKeyFileIsCreatedOnceAndMatchesItsVerifier(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", translog.KeyFile)
	k1, created, err := translog.LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreateKey: created=%v, %v", created, err)
	}
	k2, created, err := translog.LoadOrCreateKey(path)
	if err != nil || created || k2 != k1 {
		t.Fatalf("second LoadOrCreateKey: created=%v, same=%v, %v", created, k2 == k1, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v, %v", fi.Mode(), err)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := translog.VerifierKey(k1)
	if err != nil || strings.TrimSpace(string(pub)) != vkey {
		t.Fatalf("verifier key %q, %v; the .pub file holds %q", vkey, err, pub)
	}
	if !strings.HasPrefix(vkey, translog.KeyName+"+") {
		t.Errorf("verifier key %q is not named %s", vkey, translog.KeyName)
	}
	if k, err := translog.LoadKey(path); err != nil || k != k1 {
		t.Fatalf("LoadKey: same=%v, %v", k == k1, err)
	}
	if _, err := translog.LoadKey(path + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadKey of a missing file: %v", err)
	}
	if _, err := os.Stat(path + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Error("LoadKey created a key file")
	}
	if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := translog.LoadOrCreateKey(path); err == nil {
		t.Error("a damaged key file loads")
	}
}

func TestRecordRoundTripAndRefusals(t *testing.T) {
	doc := []byte("%PDF-1.7 faktur pajak")
	r := translog.NewRecord("FP-010.000-26.00000001", doc, "7A3F", t0)
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := "coretax signed document v1\nFP-010.000-26.00000001\n" +
		"" + fmt.Sprintf("%x", r.DocumentSHA256) + "\n7A3F\n2026-11-24T09:00:00Z\n"
	if string(b) != want {
		t.Fatalf("record:\n%s\nwant:\n%s", b, want)
	}
	got, err := translog.ParseRecord(b)
	if err != nil || got != r {
		t.Fatalf("ParseRecord = %+v, %v; want %+v", got, err, r)
	}
	if !got.Matches(doc) || got.Matches(append([]byte{}, doc[1:]...)) {
		t.Error("Matches does not tell the document from a changed one")
	}
	for _, bad := range []translog.Record{
		{DocumentID: "", CertificateSerial: "1", SignedAt: t0},
		{DocumentID: "a\nb", CertificateSerial: "1", SignedAt: t0},
		{DocumentID: "a", CertificateSerial: "", SignedAt: t0},
		{DocumentID: "a", CertificateSerial: "1"},
	} {
		if _, err := bad.Marshal(); err == nil {
			t.Errorf("Marshal(%+v) succeeds", bad)
		}
	}
	for _, bad := range []string{"", "coretax signed document v2\na\n" + strings.Repeat("0", 64) + "\n1\n2026-11-24T09:00:00Z\n",
		"coretax signed document v1\na\nXYZ\n1\n2026-11-24T09:00:00Z\n",
		"coretax signed document v1\na\n" + strings.Repeat("0", 64) + "\n1\nyesterday\n"} {
		if _, err := translog.ParseRecord([]byte(bad)); err == nil {
			t.Errorf("ParseRecord(%q) succeeds", bad)
		}
	}
}

// A signer key's base64 part may hold '+', the separator of the key's
// fields; many keys make sure one does.
func TestVerifierKeyOfManyKeys(t *testing.T) {
	for i := 0; i < 50; i++ {
		skey, vkey, err := note.GenerateKey(nil, translog.KeyName)
		if err != nil {
			t.Fatal(err)
		}
		got, err := translog.VerifierKey(skey)
		if err != nil || got != vkey {
			t.Fatalf("VerifierKey(%q) = %q, %v; want %q", skey, got, err, vkey)
		}
	}
}
