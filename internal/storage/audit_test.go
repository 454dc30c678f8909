package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/taxid"
	"github.com/google/go-cmp/cmp"
)

var auditT0 = time.Date(2026, 11, 24, 3, 4, 5, 123456789, time.UTC)

// appendN appends n entries: account 1 + i%3, taxpayer 10 + i%4.
func appendN(t *testing.T, db *storage.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		e := audit.Entry{At: auditT0.Add(time.Duration(i) * time.Millisecond), Actor: fmt.Sprintf("taxpayer:%d@10.0.0.%d", i, i%250),
			AccountID: int64(1 + i%3), TaxpayerID: int64(10 + i%4), Action: "access.login", Address: fmt.Sprintf("10.0.0.%d", i%250),
			Detail: fmt.Sprintf("sign-in %d — kata sandi “benar”", i)}
		if i%5 == 0 {
			e.AccountID, e.TaxpayerID = 0, 0
		}
		if err := db.Audit().Append(ctx, e); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

func verify(t *testing.T, db *storage.DB) audit.Report {
	t.Helper()
	r, err := db.Audit().Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

func TestAuditAppendVerify(t *testing.T) {
	defer storage.SetVerifyChunk(7)()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		if r := verify(t, db); !r.OK() || r.Entries != 0 || r.Head != audit.Genesis {
			t.Fatalf("empty log: %+v", r)
		}
		appendN(t, db, 60)
		r := verify(t, db)
		if !r.OK() || r.Entries != 60 {
			t.Fatalf("report = %+v, want intact with 60 entries", r)
		}
		es, err := db.Audit().List(context.Background(), audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 60 || es[0].Seq != 60 || es[0].Hash != r.Head {
			t.Fatalf("List: %d entries, newest %d %s; head %s", len(es), es[0].Seq, es[0].Hash, r.Head)
		}
		// The stored entry is the one that was hashed: microseconds, UTC.
		last := es[len(es)-1]
		want := audit.Entry{Seq: 1, At: auditT0.Add(time.Millisecond).Truncate(time.Microsecond), Actor: "taxpayer:1@10.0.0.1",
			AccountID: 2, TaxpayerID: 11, Action: "access.login", Address: "10.0.0.1", Detail: "sign-in 1 — kata sandi “benar”",
			PrevHash: audit.Genesis}
		want.Hash = audit.Hash(audit.Genesis, want)
		if diff := cmp.Diff(want, last); diff != "" {
			t.Errorf("entry 1 (-want +got):\n%s", diff)
		}
	})
}

func TestAuditTampering(t *testing.T) {
	defer storage.SetVerifyChunk(7)()
	for _, tt := range []struct {
		name    string
		sql     []string
		wantSeq int64
		reason  string
	}{
		{"edited detail", []string{`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 23`}, 23, "does not match its hash"},
		{"edited time", []string{`UPDATE audit_log SET at = (SELECT at FROM audit_log WHERE seq = 8) WHERE seq = 9`}, 9, "does not match its hash"},
		{"deleted", []string{`DELETE FROM audit_log WHERE seq = 15`}, 15, "missing"},
		{"deleted last", []string{`DELETE FROM audit_log WHERE seq = 40`}, 40, "head records 40"},
		{"swapped", []string{
			`UPDATE audit_log SET seq = -1 WHERE seq = 12`,
			`UPDATE audit_log SET seq = 12 WHERE seq = 30`,
			`UPDATE audit_log SET seq = 30 WHERE seq = -1`,
		}, 12, "previous-entry hash"},
		{"bad hash", []string{`UPDATE audit_log SET hash = 'zz' WHERE seq = 4`}, 4, "hex digits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				appendN(t, db, 40)
				for _, q := range tt.sql {
					if _, err := db.SQL().Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				r := verify(t, db)
				if r.OK() {
					t.Fatalf("tampered log verified: %+v", r)
				}
				if r.Broken.Seq != tt.wantSeq || !strings.Contains(r.Broken.Reason, tt.reason) {
					t.Errorf("broken at %s, want entry %d: ...%s...", r.Broken, tt.wantSeq, tt.reason)
				}
			})
		})
	}
}

func TestAuditConcurrentAppends(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		const writers, each = 20, 5
		var wg sync.WaitGroup
		errc := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					e := audit.Entry{At: time.Now(), Actor: fmt.Sprintf("system:writer%d", w), Action: "test.append", Detail: fmt.Sprint(i)}
					if err := db.Audit().Append(context.Background(), e); err != nil {
						errc <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		if r := verify(t, db); !r.OK() || r.Entries != writers*each {
			t.Errorf("report = %+v, want intact with %d entries", r, writers*each)
		}
	})
}

func TestAuditList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		appendN(t, db, 30)
		ctx := context.Background()
		seqs := func(f audit.Filter) []int64 {
			t.Helper()
			es, err := db.Audit().List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, e := range es {
				out = append(out, e.Seq)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			f    audit.Filter
			want []int64
		}{
			{"newest", audit.Filter{Limit: 3}, []int64{30, 29, 28}},
			{"before", audit.Filter{Before: 28, Limit: 2}, []int64{27, 26}},
			// account 1 + i%3 == 1 and i%5 != 0: i = 3, 6, 9, 12, 18, 21, 24, 27
			{"account", audit.Filter{AccountID: 1, Limit: 50}, []int64{27, 24, 21, 18, 12, 9, 6, 3}},
			// taxpayer 10 + i%4 == 12 and i%5 != 0: i = 2, 6, 14, 18, 22, 26
			{"taxpayer", audit.Filter{TaxpayerIDs: []int64{12}, Limit: 50}, []int64{26, 22, 18, 14, 6, 2}},
			{"account or taxpayers", audit.Filter{AccountID: 1, TaxpayerIDs: []int64{12, 99}, Before: 20, Limit: 50}, []int64{18, 14, 12, 9, 6, 3, 2}},
		} {
			if diff := cmp.Diff(tt.want, seqs(tt.f)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}

// Every registration change is audited in its own transaction; a failed
// write leaves neither history nor audit entry.
func TestAuditRegistrationChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: "0010000016000000", AccountID: 4, Address: "203.0.113.9"})
		who := actor.From(ctx).String()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		addr := registration.Address{Street: "Jl. Bypass 1", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510301", PostalCode: "80361"}
		tp, err := db.Registration().CreateTaxpayer(ctx, registration.Taxpayer{
			NPWP: taxid.NPWP("0010000016000000"), Kind: registration.Entity, Name: "PT AUDIT", Address: addr,
			Email: "a@example.com", Mobile: "+6281100000001", RegisteredAt: at, UpdatedAt: at, RegistryNumber: "9120000000001",
		}, registration.PlaceOfBusiness{Name: "Kantor pusat", Address: addr, CreatedAt: at}, nil, nil,
			[]registration.Change{{At: at, Actor: who, Action: "register", Field: "taxpayer", New: "entity PT AUDIT"}})
		if err != nil {
			t.Fatal(err)
		}
		tp.Email, tp.UpdatedAt = "b@example.com", at.Add(time.Hour)
		hist := []registration.Change{{At: tp.UpdatedAt, Actor: who, Action: "update", Field: "email", Old: "a@example.com", New: "b@example.com"}}
		if _, err := db.Registration().UpdateTaxpayer(ctx, tp, 1, hist); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Registration().UpdateTaxpayer(ctx, tp, 1, hist); err == nil {
			t.Fatal("update against a stale version succeeded")
		}
		es, err := db.Audit().List(ctx, audit.Filter{TaxpayerIDs: []int64{tp.ID}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, fmt.Sprintf("%d %s %s %d %s %s | %s", e.Seq, e.At.Format(time.RFC3339), e.Actor, e.AccountID, e.Address, e.Action, e.Detail))
		}
		want := []string{
			"2 2026-11-24T04:00:00Z " + who + " 4 203.0.113.9 registration.update | email: a@example.com → b@example.com",
			"1 2026-11-24T03:00:00Z " + who + " 4 203.0.113.9 registration.register | taxpayer: entity PT AUDIT",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
		if r := verify(t, db); !r.OK() || r.Entries != 2 {
			t.Errorf("report = %+v", r)
		}
	})
}
