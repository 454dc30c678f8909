package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/bench"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/signing/signingtest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// approveWorld is the demo world with the company's director holding a
// certificate, and a Signer opened for the company.
type approveWorld struct {
	w      demo.World
	signer *signing.Signer
	buyers map[string]int64 // NPWP → taxpayer ID
	bench  []bench.Buyer
}

var benchDay = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func newApproveWorld(tb testing.TB, db *storage.DB) *approveWorld {
	tb.Helper()
	ctx := context.Background()
	now := func() time.Time { return benchDay }
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		tb.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()))
	sig := signingtest.New(tb, db.Signing(), db.TransLog(), policy, now)
	signingtest.Certify(tb, sig, w.Director.ID, "Rahasia#2026")
	forCompany := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		AccountID: w.Director.ID, ActingForID: w.Company.ID, ActingFor: string(w.Company.NPWP)})
	signer, err := sig.Open(forCompany, roles.TaxInvoice, w.Company.ID, "Rahasia#2026", "benchmark")
	if err != nil {
		tb.Fatal(err)
	}
	aw := &approveWorld{w: w, signer: signer, buyers: map[string]int64{}}
	for _, t := range []registration.Taxpayer{w.VillaOwner, w.Employee, w.Designer, w.Director} {
		aw.buyers[string(t.NPWP)] = t.ID
		aw.bench = append(aw.bench, bench.Buyer{NPWP: string(t.NPWP), Name: t.Name, Address: "Jl. Raya Ubud 1, Gianyar"})
	}
	return aw
}

// fakturs returns n new fakturs of the company, ready for Approve as the
// service hands them over.
func (aw *approveWorld) fakturs(tb testing.TB, n int) []*efaktur.Faktur {
	tb.Helper()
	invs, err := bench.Invoices(string(aw.w.Company.NPWP), aw.bench, 1, n, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		tb.Fatal(err)
	}
	fs := make([]*efaktur.Faktur, n)
	for i, inv := range invs {
		t, err := efaktur.Sum(inv)
		if err != nil {
			tb.Fatal(err)
		}
		fs[i] = &efaktur.Faktur{SellerID: aw.w.Company.ID, SellerNPWP: string(aw.w.Company.NPWP), BuyerID: aw.buyers[inv.Buyer.TIN],
			Status: efaktur.Approved, Source: "upload", Invoice: *inv, Totals: t, ApprovedAt: benchDay, ApprovedBy: aw.w.Director.Name,
			Credit: efaktur.Uncredited, CreatedAt: benchDay, UpdatedAt: benchDay}
	}
	return fs
}

// sign is the service's SignFunc: the canonical document, prepared by
// the signer.
func (aw *approveWorld) sign(f *efaktur.Faktur) (signing.Prepared, error) {
	doc, err := efaktur.Document(f)
	if err != nil {
		return signing.Prepared{}, err
	}
	p, err := aw.signer.Prepare(doc)
	if err != nil {
		return signing.Prepared{}, err
	}
	f.PublicID = p.Signature.PublicID
	return p, nil
}

func benchmarkApprove(b *testing.B, db *storage.DB, n int) {
	aw := newApproveWorld(b, db)
	ctx := context.Background()
	ev := audit.Entry{Actor: "taxpayer:" + string(aw.w.Director.NPWP), Action: "efaktur.approve", TaxpayerID: aw.w.Company.ID, Detail: "benchmark"}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fs := aw.fakturs(b, n)
		b.StartTimer()
		if err := db.EFaktur().Approve(ctx, fs, aw.sign, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "fakturs/s")
}

// BenchmarkApprove1000 approves 1,000 new fakturs in one call, as an
// upload does: numbering, signing, the transparency log, the signatures,
// the fakturs and the audit entry, in one transaction.
func BenchmarkApprove1000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkApprove(b, storagetest.SQLite(b), 1000) })
	b.Run("postgres", func(b *testing.B) { benchmarkApprove(b, storagetest.Postgres(b), 1000) })
}

// TestApproveBatch approves more fakturs than one statement of each
// batched INSERT holds and checks what the batch wrote: each faktur under
// its own ID with its own number and signature, the signatures at
// consecutive transparency log indexes, one audit entry per signature
// plus the batch's, and an intact audit chain.
func TestApproveBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		aw := newApproveWorld(t, db)
		before, err := db.Audit().Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		logBefore, err := db.TransLog().Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const n = 120
		fs := aw.fakturs(t, n)
		ev := audit.Entry{Actor: "test", Action: "efaktur.approve", TaxpayerID: aw.w.Company.ID, Detail: "120 fakturs"}
		if err := db.EFaktur().Approve(ctx, fs, aw.sign, ev); err != nil {
			t.Fatal(err)
		}
		for i, f := range fs {
			got, err := db.EFaktur().Faktur(ctx, f.ID)
			if err != nil {
				t.Fatalf("faktur %d: %v", i, err)
			}
			if got.Number != f.Number || got.PublicID != f.PublicID || got.SignatureID != f.SignatureID || got.Invoice.RefDesc != f.Invoice.RefDesc {
				t.Fatalf("faktur %d stored as %s %s sig %d %s, want %s %s sig %d %s", i, got.Number, got.PublicID, got.SignatureID, got.Invoice.RefDesc,
					f.Number, f.PublicID, f.SignatureID, f.Invoice.RefDesc)
			}
			if want := fmt.Sprintf("%011d", i+1); f.Number[len(f.Number)-11:] != want {
				t.Errorf("faktur %d numbered %s, want serial %s", i, f.Number, want)
			}
			v, err := db.Signing().SignatureView(ctx, f.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			if v.ID != f.SignatureID || v.LogIndex != logBefore+int64(i) {
				t.Errorf("signature of faktur %d: id %d log index %d, want %d and %d", i, v.ID, v.LogIndex, f.SignatureID, logBefore+int64(i))
			}
		}
		after, err := db.Audit().Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !after.OK() || after.Entries != before.Entries+n+1 {
			t.Errorf("audit after: %d entries, broken %v; want %d intact", after.Entries, after.Broken, before.Entries+n+1)
		}
		if size, err := db.TransLog().Size(ctx); err != nil || size != logBefore+n {
			t.Errorf("log size %d, %v; want %d", size, err, logBefore+n)
		}
	})
}

// TestApproveBatchNumberTaken approves a batch whose numbers are taken
// (the counter set back under it): the batch fails as a Conflict and
// leaves nothing behind, neither fakturs nor signatures, log records or
// audit entries, whether its rows are written with INSERTs (SQLite) or
// COPY (PostgreSQL).
func TestApproveBatchNumberTaken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		aw := newApproveWorld(t, db)
		ev := audit.Entry{Actor: "test", Action: "efaktur.approve", TaxpayerID: aw.w.Company.ID, Detail: "batch"}
		if err := db.EFaktur().Approve(ctx, aw.fakturs(t, 40), aw.sign, ev); err != nil {
			t.Fatal(err)
		}
		count := func() [4]int {
			var c [4]int
			for i, table := range []string{"efaktur_fakturs", "signatures", "translog_leaves", "audit_log"} {
				if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&c[i]); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		before := count()
		if _, err := db.SQL().ExecContext(ctx, `UPDATE counters SET value = 30 WHERE name = 'nsfp'`); err != nil {
			t.Fatal(err)
		}
		err := db.EFaktur().Approve(ctx, aw.fakturs(t, 40), aw.sign, ev)
		if !errs.Is(errs.Conflict, err) {
			t.Fatalf("approve over taken numbers: %v, want a Conflict", err)
		}
		if after := count(); after != before {
			t.Errorf("fakturs, signatures, log records, audit entries: %v after the failed batch, %v before", after, before)
		}
		if v, err := db.Audit().Verify(ctx); err != nil || !v.OK() {
			t.Errorf("audit after the failed batch: %+v, %v", v, err)
		}
		if size, err := db.TransLog().Size(ctx); err != nil || size != int64(before[2]) {
			t.Errorf("log size %d, %v; want %d", size, err, before[2])
		}
	})
}
