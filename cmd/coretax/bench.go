package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/bench"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/translog"
)

const benchUsage = `
Usage: coretax bench efaktur [--database URL] [--invoices 1000] [--runs 5] [--chunk 500] [--json] [--cpuprofile FILE]

Measures a bulk upload of e-Faktur invoices end to end and, in the same
run, the yardstick: the same work written without the product.

The product: the approving bulk upload job (efaktur.Uploads.UploadSync):
the file stored and read invoice by invoice, each invoice validated and
checked against the register, its totals computed, the signer's key
opened once, and every invoice numbered, signed, logged in the
transparency log, stored approved and audited, a chunk of invoices per
transaction (--chunk, by default the product's), with the job's counts
and report.

The yardstick: the file parsed with encoding/xml into plain structs, each
invoice's bytes signed with ECDSA P-256, and one row per invoice inserted
into a scratch table with multi-row INSERTs, in one transaction.

The file holds --invoices realistic invoices (2 to 5 lines each, to four
registered buyers) of the demo company; each run uploads a new file. The
database is a scratch one: a SQLite file in a temporary directory by
default, or with --database postgres://... a new schema of that server,
dropped at the end. The signing key's passphrase is stretched with a
cheap KDF setting: the real setting costs the same once per upload,
whatever its size, and is not what is measured.

Prints the median and best invoices per second of each pipeline, the
median CPU time this process spent on one run of each (a database
server's own CPU time is not counted), the ratio of the medians, the
load average before and after, and the machine. The machine is
often shared: compare figures taken at a load average well below its
cores. Exits 0 on a completed run, 1 when the scratch database or the
world cannot be set up.

Flags:
`

func runBench(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use: coretax bench efaktur"}
	}
	switch args[0] {
	case "efaktur":
		return a.benchEfaktur(ctx, args[1:])
	case "compliance":
		return a.benchCompliance(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		return a.parse(a.newFlagSet("bench", benchUsage), []string{"--help"})
	}
	return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use efaktur", args[0])}
}

// benchResult is what bench efaktur prints with --json.
type benchResult struct {
	Database        string `json:"database"`
	DatabaseVersion string `json:"database_version"`
	Invoices        int    `json:"invoices"`
	Runs            int    `json:"runs"`
	// ChunkSize is the product's invoices per transaction.
	ChunkSize int         `json:"chunk_size"`
	Product   benchSeries `json:"product"`
	Yardstick benchSeries `json:"yardstick"`
	// Ratio is the product's median over the yardstick's.
	Ratio   float64      `json:"ratio"`
	Machine benchMachine `json:"machine"`
	// LoadBefore and LoadAfter are /proc/loadavg's 1, 5 and 15 minute
	// load averages when the runs began and ended; empty where the
	// system has no /proc/loadavg.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// benchSeries holds the invoices per second of each run, and the CPU
// time this process spent on each (user and system, in milliseconds;
// the database server's is not included).
type benchSeries struct {
	PerSecond []float64 `json:"per_second"`
	Median    float64   `json:"median"`
	Best      float64   `json:"best"`
	CPUms     []float64 `json:"cpu_ms"`
	CPUMedian float64   `json:"cpu_median_ms"`
}

func (s *benchSeries) add(n int, d, cpu time.Duration) {
	s.PerSecond = append(s.PerSecond, float64(n)/d.Seconds())
	s.CPUms = append(s.CPUms, float64(cpu.Microseconds())/1000)
	s.Median, s.Best = median(s.PerSecond)
	s.CPUMedian, _ = median(s.CPUms)
}

// median returns the median and the largest of xs.
func median(xs []float64) (med, top float64) {
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	top = sorted[len(sorted)-1]
	if m := len(sorted); m%2 == 1 {
		return sorted[m/2], top
	}
	return (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2, top
}

// loadAverage returns the first three fields of /proc/loadavg, or ""
// where there is none.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

type benchMachine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

func (a *app) benchEfaktur(ctx context.Context, args []string) error {
	fs := a.newFlagSet("bench efaktur", benchUsage)
	dbURL := fs.String("database", "", "PostgreSQL URL of a server to create a scratch schema on; empty for a scratch SQLite file")
	n := fs.Int("invoices", 1000, "invoices per upload (1 to 1000, the most one approval signs)")
	runs := fs.Int("runs", 5, "runs of each pipeline")
	chunk := fs.Int("chunk", efaktur.DefaultUploadConfig().ChunkSize, "the product's invoices per transaction")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the runs (both pipelines) to this file")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *n < 1 || *n > efaktur.MaxApprove {
		return &usageError{msg: fmt.Sprintf("--invoices %d: give 1 to %d", *n, efaktur.MaxApprove)}
	}
	if *runs < 1 {
		return &usageError{msg: fmt.Sprintf("--runs %d: give at least 1", *runs)}
	}
	if *chunk < 1 {
		return &usageError{msg: fmt.Sprintf("--chunk %d: give at least 1", *chunk)}
	}
	db, version, drop, err := benchDatabase(ctx, *dbURL)
	if err != nil {
		return fmt.Errorf("scratch database: %w", err)
	}
	defer drop()
	cfg := efaktur.DefaultUploadConfig()
	cfg.ChunkSize = *chunk
	env, err := newBenchWorld(ctx, db, cfg)
	if err != nil {
		return fmt.Errorf("set up the world: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	ys := bench.Yardstick{DB: db.SQL(), Postgres: db.Dialect() == storage.Postgres, Key: key}
	if err := ys.Setup(ctx); err != nil {
		return fmt.Errorf("set up the yardstick: %w", err)
	}
	res := benchResult{Database: db.Dialect().String(), DatabaseVersion: version, Invoices: *n, Runs: *runs, ChunkSize: *chunk,
		Machine: machine(), LoadBefore: loadAverage()}
	if *profile != "" {
		prof, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer prof.Close()
		if err := pprof.StartCPUProfile(prof); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for run := range *runs {
		file, err := bench.File(string(env.w.Company.NPWP), env.buyers, run**n+1, *n, env.day)
		if err != nil {
			return err
		}
		start, cpu := time.Now(), processCPU()
		stored, err := env.upload(ctx, file)
		if err != nil {
			return fmt.Errorf("run %d: product: %w", run+1, err)
		}
		res.Product.add(stored, time.Since(start), processCPU()-cpu)
		start, cpu = time.Now(), processCPU()
		stored, err = ys.Run(ctx, file)
		if err != nil {
			return fmt.Errorf("run %d: yardstick: %w", run+1, err)
		}
		res.Yardstick.add(stored, time.Since(start), processCPU()-cpu)
	}
	res.Ratio = res.Product.Median / res.Yardstick.Median
	res.LoadAfter = loadAverage()
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printBench(a.stdout, res)
	return nil
}

func printBench(w io.Writer, r benchResult) {
	fmt.Fprintf(w, "e-Faktur upload of %d invoices, %d run(s), on %s %s, %d invoices per transaction\n", r.Invoices, r.Runs, r.Database, r.DatabaseVersion, r.ChunkSize)
	fmt.Fprintf(w, "  %-10s median %8.0f invoices/s   best %8.0f invoices/s   CPU of this process %6.0f ms a run (median)\n", "product", r.Product.Median, r.Product.Best, r.Product.CPUMedian)
	fmt.Fprintf(w, "  %-10s median %8.0f invoices/s   best %8.0f invoices/s   CPU of this process %6.0f ms a run (median)\n", "yardstick", r.Yardstick.Median, r.Yardstick.Best, r.Yardstick.CPUMedian)
	fmt.Fprintf(w, "  ratio      %.0f %% of the yardstick (medians)\n", 100*r.Ratio)
	fmt.Fprintf(w, "machine: %s, %d cores, %s, %s\n", r.Machine.CPU, r.Machine.Cores, r.Machine.GoVersion, r.Machine.OS)
	if r.LoadBefore != "" {
		fmt.Fprintf(w, "load average (1, 5, 15 min): %s before, %s after\n", r.LoadBefore, r.LoadAfter)
	}
}

// machine describes the computer the benchmark ran on.
func machine() benchMachine {
	m := benchMachine{CPU: "unknown", Cores: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// benchDatabase opens a migrated scratch database and returns it with
// its server version and a function that closes and removes it.
func benchDatabase(ctx context.Context, rawURL string) (*storage.DB, string, func(), error) {
	if rawURL == "" {
		dir, err := os.MkdirTemp("", "coretax-bench-")
		if err != nil {
			return nil, "", nil, err
		}
		db, err := storage.OpenSQLite(ctx, filepath.Join(dir, storage.SQLiteFile))
		if err != nil {
			os.RemoveAll(dir)
			return nil, "", nil, err
		}
		drop := func() { db.Close(); os.RemoveAll(dir) }
		var v string
		if err := db.SQL().QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
			drop()
			return nil, "", nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			drop()
			return nil, "", nil, err
		}
		return db, v, drop, nil
	}
	if !strings.HasPrefix(rawURL, "postgres://") && !strings.HasPrefix(rawURL, "postgresql://") {
		return nil, "", nil, errors.New("--database takes a postgres:// URL; leave it out for a scratch SQLite file")
	}
	admin, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, "", nil, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return nil, "", nil, err
	}
	schema := "bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	dropSchema := func() {
		a, err := sql.Open("pgx", rawURL)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		dropSchema()
		return nil, "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := storage.OpenPostgres(ctx, u.String())
	if err != nil {
		dropSchema()
		return nil, "", nil, err
	}
	drop := func() { db.Close(); dropSchema() }
	var v string
	if err := db.SQL().QueryRowContext(ctx, `SHOW server_version`).Scan(&v); err != nil {
		drop()
		return nil, "", nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		drop()
		return nil, "", nil, err
	}
	return db, "PostgreSQL " + v, drop, nil
}

// benchWorld is the demo world on the scratch database, its director
// holding a signing certificate for the company.
type benchWorld struct {
	db      *storage.DB
	w       demo.World
	uploads *efaktur.Uploads
	seller  actor.Actor // the director acting for the company
	buyers  []bench.Buyer
	day     time.Time // the invoices' date: today in WIB
}

// benchPassphrase is the director's passphrase in the scratch world.
const benchPassphrase = "Bench#Passphrase2026"

func newBenchWorld(ctx context.Context, db *storage.DB, upload efaktur.UploadConfig) (*benchWorld, error) {
	now := time.Now
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		return nil, err
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()))
	ca, _, err := pki.NewCA("bench", now().Add(-time.Hour))
	if err != nil {
		return nil, err
	}
	cfg := signing.DefaultConfig([]byte("bench code key"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	dir, err := os.MkdirTemp("", "coretax-bench-log-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	key, _, err := translog.LoadOrCreateKey(filepath.Join(dir, "log.key"))
	if err != nil {
		return nil, err
	}
	tl, err := translog.NewService(db.TransLog(), key, now)
	if err != nil {
		return nil, err
	}
	sig := signing.NewService(db.Signing(), ca, tl, policy, benchLogins{}, now, cfg)
	director := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID, AccountID: w.Director.ID})
	if _, err := sig.Issue(director, w.Director.ID, benchPassphrase); err != nil {
		return nil, err
	}
	seller := actor.Actor{Kind: actor.Taxpayer, ID: string(w.Director.NPWP), TaxpayerID: w.Director.ID,
		AccountID: w.Director.ID, ActingForID: w.Company.ID, ActingFor: string(w.Company.NPWP)}
	svc := efaktur.NewService(db.EFaktur(), db.Registration(), sig, policy, now, efaktur.DefaultConfig())
	bw := &benchWorld{db: db, w: w, seller: seller, day: calendar.Day(now()),
		uploads: efaktur.NewUploads(svc, db.EFaktur(), upload)}
	for _, t := range []registration.Taxpayer{w.VillaOwner, w.Employee, w.Designer, w.Director} {
		bw.buyers = append(bw.buyers, bench.Buyer{NPWP: string(t.NPWP), Name: t.Name, Address: "Jl. Raya Ubud 1, Gianyar"})
	}
	return bw, nil
}

// benchLogins answers the signing service that no passphrase is a login
// password: the scratch world has no logins.
type benchLogins struct{}

func (benchLogins) SameAsLogin(context.Context, int64, string) (bool, error) { return false, nil }

// upload runs the product's pipeline on file, the bulk upload job of
// efaktur.Uploads run synchronously with the director's passphrase, and
// returns how many invoices it stored approved.
func (bw *benchWorld) upload(ctx context.Context, file []byte) (int, error) {
	ctx = actor.With(ctx, bw.seller)
	job, err := bw.uploads.UploadSync(ctx, string(bw.w.Company.NPWP), bytes.NewReader(file), efaktur.UploadOptions{FileName: "bench.xml", Passphrase: benchPassphrase})
	if err != nil {
		return 0, err
	}
	if job.State != efaktur.UploadDone || job.Rejected > 0 || job.Skipped > 0 {
		return 0, fmt.Errorf("upload %d ended %s (%s): %d stored, %d rejected, %d skipped", job.ID, job.State, job.Reason, job.Stored, job.Rejected, job.Skipped)
	}
	return job.Stored, nil
}
