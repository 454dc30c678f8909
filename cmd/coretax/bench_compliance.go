package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/bench"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/storage"
)

const benchComplianceUsage = `
Usage: coretax bench compliance [--database URL] [--bookings 1000000] [--properties 50000] [--json]

Measures the compliance engine's matching job (doc/compliance.md,
"Performance") on a generated world: --properties registered villas, each
with its own taxpayer and twelve months of declarations (85 % on the
gross, 10 % on the payout, 5 % none), 5 % more listings no property
matches, and --bookings third-party booking records spread over all the
listings and months; some listings lie in another region, some are paid
out abroad.

The world is written first (not measured); the records then go in
through the ingestion service in deliveries of 50,000 (measured: records
per second); then the matching job runs over everything (measured: its
time, records per second and the peak heap while it runs). The flags
raised per rule are compared with what the generator planted; a planted
case whose tax is below the rules' least shortfall (Rp 100,000) is counted
apart, as no rule flags it: with one or two bookings a listing, a villa
that declared its payout leaves out too little tax.

The database is a scratch one: a SQLite file in a temporary directory by
default, or with --database postgres://... a new schema of that server,
dropped at the end.

Flags:
`

// benchComplianceResult is what bench compliance prints with --json.
type benchComplianceResult struct {
	Database        string         `json:"database"`
	DatabaseVersion string         `json:"database_version"`
	Properties      int            `json:"properties"`
	Listings        int            `json:"listings"`
	Bookings        int            `json:"bookings"`
	Declarations    int            `json:"declarations"`
	SeedSeconds     float64        `json:"seed_seconds"`
	IngestSeconds   float64        `json:"ingest_seconds"`
	IngestPerSecond float64        `json:"ingest_records_per_second"`
	IngestCPU       float64        `json:"ingest_cpu_seconds"`
	MatchSeconds    float64        `json:"match_seconds"`
	MatchPerSecond  float64        `json:"match_records_per_second"`
	MatchCPU        float64        `json:"match_cpu_seconds"`
	LoadAverage     string         `json:"load_average"`
	PeakHeapMiB     float64        `json:"peak_heap_mib"`
	Flags           map[string]int `json:"flags"`
	Expected        map[string]int `json:"expected"`
	BelowThreshold  map[string]int `json:"below_threshold"`
	MinShortfall    money.Amount   `json:"min_shortfall"`
	Machine         benchMachine   `json:"machine"`
}

func (a *app) benchCompliance(ctx context.Context, args []string) error {
	fs := a.newFlagSet("bench compliance", benchComplianceUsage)
	dbURL := fs.String("database", "", "PostgreSQL URL of a server to create a scratch schema on; empty for a scratch SQLite file")
	bookings := fs.Int("bookings", 1_000_000, "third-party booking records to generate")
	properties := fs.Int("properties", 50_000, "registered properties to generate")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *properties < 20 || *bookings < 1 {
		return &usageError{msg: "give at least 20 --properties and 1 --bookings"}
	}
	db, version, drop, err := benchDatabase(ctx, *dbURL)
	if err != nil {
		return fmt.Errorf("scratch database: %w", err)
	}
	defer drop()
	res, err := runComplianceBench(ctx, db, *properties, *bookings, time.Now())
	if err != nil {
		return err
	}
	res.Database, res.DatabaseVersion, res.Machine = db.Dialect().String(), version, machine()
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printComplianceBench(a.stdout, res)
	return nil
}

// runComplianceBench generates the world on db, ingests the records and
// runs the matching job, timing the last two.
func runComplianceBench(ctx context.Context, db *storage.DB, properties, bookings int, now time.Time) (benchComplianceResult, error) {
	w := bench.New(properties, bookings, now)
	res := benchComplianceResult{Properties: properties, Listings: w.Listings(), Bookings: bookings, Flags: map[string]int{}, Expected: map[string]int{},
		BelowThreshold: map[string]int{}, MinShortfall: w.MinShortfall}
	for r, n := range w.Expect {
		res.Expected[string(r)] = n
	}
	for r, n := range w.BelowThreshold {
		res.BelowThreshold[string(r)] = n
	}
	start := time.Now()
	ps := make([]storage.BenchProperty, len(w.Properties))
	for i, p := range w.Properties {
		ps[i] = storage.BenchProperty{NIK: p.NIK, District: p.District, Name: p.Name, NPWPD: p.NPWPD, Bases: p.Bases}
	}
	n, err := db.Compliance().SeedComplianceBench(ctx, ps, now)
	if err != nil {
		return res, err
	}
	ps = nil
	res.Declarations, res.SeedSeconds = n, time.Since(start).Seconds()

	engine := newCompliance(db, newPolicy(db, func() time.Time { return now }))
	ctx = actor.With(ctx, actor.SystemActor("bench"))
	start, cpu := time.Now(), processCPU()
	err = w.Deliveries(50_000, func(ins []compliance.RecordInput) error {
		b, err := engine.Ingest(ctx, compliance.Delivery{Source: bench.Source, Channel: "cli", Inputs: ins})
		if err != nil {
			return err
		}
		if b.Rejected > 0 {
			for _, r := range b.Results {
				if r.Rejected() {
					return fmt.Errorf("generated record %s rejected: %s %q: %s", r.FeedID, r.Field, r.Value, r.Message)
				}
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	res.IngestSeconds, res.IngestCPU = time.Since(start).Seconds(), (processCPU() - cpu).Seconds()
	res.IngestPerSecond = float64(bookings) / res.IngestSeconds

	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start, cpu = time.Now(), processCPU()
	run, err := engine.Match(ctx)
	res.MatchSeconds, res.MatchCPU = time.Since(start).Seconds(), (processCPU() - cpu).Seconds()
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.LoadAverage = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	close(stop)
	wg.Wait()
	if err != nil {
		return res, fmt.Errorf("match: %w", err)
	}
	res.MatchPerSecond = float64(run.RecordsRead) / res.MatchSeconds
	res.PeakHeapMiB = float64(peak) / (1 << 20)
	for _, r := range compliance.Rules {
		q := compliance.FlagQuery{Rule: r, RunID: run.ID, Limit: 500}
		for {
			page, err := engine.Flags(ctx, q)
			if err != nil {
				return res, err
			}
			if len(page.Flags) > 0 {
				res.Flags[string(r)] += len(page.Flags)
			}
			if page.Next == 0 {
				break
			}
			q.After = page.Next
		}
	}
	return res, nil
}

func printComplianceBench(w io.Writer, r benchComplianceResult) {
	fmt.Fprintf(w, "compliance matching on %s %s: %d properties, %d listings, %d bookings, %d declarations\n",
		r.Database, r.DatabaseVersion, r.Properties, r.Listings, r.Bookings, r.Declarations)
	fmt.Fprintf(w, "  set-up (not measured)  %8.1f s\n", r.SeedSeconds)
	fmt.Fprintf(w, "  ingest                 %8.1f s   %8.0f records/s   CPU %.1f s\n", r.IngestSeconds, r.IngestPerSecond, r.IngestCPU)
	fmt.Fprintf(w, "  match                  %8.1f s   %8.0f records/s   CPU %.1f s   peak heap %.0f MiB\n", r.MatchSeconds, r.MatchPerSecond, r.MatchCPU, r.PeakHeapMiB)
	fmt.Fprintf(w, "  load average after the match: %s (wall time includes waiting for the cores)\n", r.LoadAverage)
	for _, rule := range compliance.Rules {
		if r.Flags[string(rule)] > 0 || r.Expected[string(rule)] > 0 || r.BelowThreshold[string(rule)] > 0 {
			fmt.Fprintf(w, "  flags %-22s %6d (planted %d", rule, r.Flags[string(rule)], r.Expected[string(rule)])
			if n := r.BelowThreshold[string(rule)]; n > 0 {
				fmt.Fprintf(w, "; %d more below the %s threshold", n, r.MinShortfall.Display())
			}
			fmt.Fprintln(w, ")")
		}
	}
	fmt.Fprintf(w, "machine: %s, %d cores, %s, %s\n", r.Machine.CPU, r.Machine.Cores, r.Machine.GoVersion, r.Machine.OS)
}
