package storage_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/bench"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// BenchmarkComplianceMatch measures the matching job over a generated
// world of bookings/20 properties and the bookings, at two sizes ten
// times apart so that near-linearity shows in ns/op; on PostgreSQL too
// when CORETAX_TEST_POSTGRES is set. The full-size figures come from
// coretax bench compliance (doc/compliance.md).
func BenchmarkComplianceMatch(b *testing.B) {
	dbs := map[string]func(testing.TB) *storage.DB{"sqlite": storagetest.SQLite}
	if os.Getenv("CORETAX_TEST_POSTGRES") != "" {
		dbs["postgres"] = storagetest.Postgres
	}
	for name, open := range dbs {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/bookings=%d", name, n), func(b *testing.B) {
				db := open(b)
				ctx := actor.With(context.Background(), actor.SystemActor("bench"))
				now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
				w := bench.New(n/20, n, now)
				ps := make([]storage.BenchProperty, len(w.Properties))
				for i, p := range w.Properties {
					ps[i] = storage.BenchProperty{NIK: p.NIK, District: p.District, Name: p.Name, NPWPD: p.NPWPD, Bases: p.Bases}
				}
				if _, err := db.Compliance().SeedComplianceBench(ctx, ps, now); err != nil {
					b.Fatal(err)
				}
				allow := actor.PolicyFunc(func(context.Context, actor.Action, int64) error { return nil })
				engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), allow, func() time.Time { return now }, compliance.Config{})
				err := w.Deliveries(50_000, func(ins []compliance.RecordInput) error {
					_, err := engine.Ingest(ctx, compliance.Delivery{Source: bench.Source, Channel: "cli", Inputs: ins})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					run, err := engine.Match(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if run.RecordsRead != int64(n) {
						b.Fatalf("read %d records, want %d", run.RecordsRead, n)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
