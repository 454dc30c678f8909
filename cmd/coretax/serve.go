package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/web"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const serveUsage = `
Usage: coretax serve [--addr HOST:PORT] [--data DIR] [--database-url URL] [--demo] [--insecure-cookies]
                     [--smtp-addr HOST:PORT --smtp-from ADDR [--smtp-user USER]]
                     [--sms-gateway-url URL] [--dev-outbox]

Starts the HTTP server: the JSON API under /api/v1 (described at
/api/v1/openapi.yaml), the web pages under /, GET /healthz (the process is
up), GET /readyz (the database answers) and GET /metrics (Prometheus).

The database is migrated on start. Without --database-url the embedded
SQLite database in --data is used (created on first start); with a
postgres:// URL, PostgreSQL.

--demo loads a small demo world (a PT PMA in Badung with an Austrian
director, a resident employee, a freelance designer, a villa owner in
Gianyar, and the reference registries they match) and prints what to try.
It only loads into an empty database; on a data directory that already
holds data it serves what is there. The demo accounts and their passwords
are printed with the notes.

Sign-in keys its codes, sessions and tokens with the server key in
DIR/access.key (created on first start; keep it with the database), or
CORETAX_ACCESS_KEY (64 hex digits) when set. The session cookie is Secure:
behind plain http (other than localhost, which browsers treat as secure)
pass --insecure-cookies.

The transparency log of signed documents signs its tree heads with the
Ed25519 key in DIR/translog.key (created on first start with its public
verifier key in DIR/translog.key.pub; keep it with the database), or in
the file named by --translog-key, which must exist. See doc/signing.md.

People's signing certificates are issued by the system CA in DIR/ca
(ca.key, mode 0600, and ca.crt: ECDSA P-256, valid ten years, named
"Coretax Signing CA" and --ca-name; created on first start, keep it with
the database), or by an external CA given as PEM files with --ca-cert and
--ca-key. Certificates are valid --certificate-validity (two years).

Messages (one-time codes, reset links) go out through a durable outbox:
e-mail through the SMTP server at --smtp-addr (STARTTLS when offered; PLAIN
login as --smtp-user with the password from CORETAX_SMTP_PASSWORD), SMS
through the HTTP gateway at --sms-gateway-url (bearer token from
CORETAX_SMS_TOKEN; the contract is in doc/notifications.md). With
--dev-outbox (on by default with --demo) messages without a configured
sender are kept for the page /outbox and GET /api/v1/outbox instead; never
use it in production.

SIGINT or SIGTERM stops the server gracefully: new connections are refused
and requests in flight get up to 15 seconds to finish.

Every flag can also be set with an environment variable: CORETAX_ADDR,
CORETAX_DATA, CORETAX_DATABASE_URL, CORETAX_DEMO=true,
CORETAX_INSECURE_COOKIES=true, CORETAX_LOG_FORMAT
(text or json), CORETAX_LOG_LEVEL (debug, info, warn, error),
CORETAX_SMTP_ADDR, CORETAX_SMTP_FROM, CORETAX_SMTP_USER,
CORETAX_SMS_GATEWAY_URL, CORETAX_DEV_OUTBOX=true, CORETAX_TRANSLOG_KEY,
CORETAX_IDENTITY_VERIFICATION, CORETAX_IDENTITY_VERIFICATION_URL,
CORETAX_IDENTITY_MATCH_THRESHOLD (authorization codes; doc/signing.md).
`

func runServe(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("serve", serveUsage)
	addr := fs.String("addr", a.envDefault("CORETAX_ADDR", "127.0.0.1:8080"), "address to listen on (env CORETAX_ADDR)")
	sf := a.addStorageFlags(fs)
	insecureCookies := fs.Bool("insecure-cookies", a.envDefault("CORETAX_INSECURE_COOKIES", "") == "true",
		"send the session cookie without Secure, for plain-http use on this machine (env CORETAX_INSECURE_COOKIES=true)")
	withDemo := fs.Bool("demo", a.envDefault("CORETAX_DEMO", "") == "true", "load the demo world into an empty database (env CORETAX_DEMO=true)")
	logFormat := fs.String("log-format", a.envDefault("CORETAX_LOG_FORMAT", "text"), "log format: text or json (env CORETAX_LOG_FORMAT)")
	logLevel := fs.String("log-level", a.envDefault("CORETAX_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env CORETAX_LOG_LEVEL)")
	transLogKey := fs.String("translog-key", a.envDefault("CORETAX_TRANSLOG_KEY", ""),
		"file holding the transparency log's signer key; empty for translog.key in --data, created on first start (env CORETAX_TRANSLOG_KEY)")
	nf := a.addNotifyFlags(fs)
	acf := a.addAuthCodeFlags(fs)
	sgf := a.addSigningFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	devOutbox, err := nf.devOutboxMode(a, fs, *withDemo)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	logger, err := newLogger(a, *logFormat, *logLevel)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	workerCfg, err := nf.workerConfig(devOutbox, logger)
	if err != nil {
		return err
	}
	// The PPh 26 treaty table of CORETAX_TREATY_FILE (coretax treaty).
	if err := a.installTreaties(); err != nil {
		return err
	}

	db, applied, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range applied {
		logger.Info("applied migration", "version", m.Version, "name", m.Name)
	}
	logger.Info("database ready", "database", db.String())

	// The outbox worker runs until the server stops; messages it was
	// sending go back to the outbox for the next start. Every commit that
	// stores messages wakes it; its poll finds those of other processes.
	outbox := notify.NewWorker(db.Outbox(), workerCfg)
	db.Outbox().WakeOnCommit(outbox.Kick)
	workerCtx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() { defer close(workerDone); outbox.Run(workerCtx) }()
	defer func() { stopWorker(); <-workerDone }()

	svc := newServices(db)
	if svc.access, err = newAccessService(a, db, sf.dataDir, "http://"+displayAddr(*addr), svc.roles.Policy(), outbox.Kick); err != nil {
		return err
	}
	transLog, err := newTransLog(db, sf.dataDir, *transLogKey, logger)
	if err != nil {
		return err
	}
	ca, err := sgf.loadCA(sf.dataDir, logger)
	if err != nil {
		return err
	}
	signer := newSigning(db, ca, transLog, svc.roles.Policy(), svc.access.Config().Key, sgf)
	if n, err := signer.EndInterrupted(actor.With(ctx, actor.SystemActor("serve"))); err != nil {
		return err
	} else if n > 0 {
		logger.Warn("ended batch signing jobs a stopped server left running; their pending documents are refused", "jobs", n)
	}
	authCodes, err := newAuthCodeService(db, svc.access.Config().Key, svc.roles.Policy(), signer, outbox.Kick, acf)
	if err != nil {
		return err
	}
	fakturs := efaktur.NewService(db.EFaktur(), db.Registration(), signer, svc.roles.Policy(), time.Now, efaktur.DefaultConfig())
	slips := ebupot.NewService(db.EBupot(), db.Registration(), signer, svc.roles.Policy(), time.Now)
	// e-Bupot checks SKB and Suket facilities against the register of
	// exemption certificates (doc/exemptions.md).
	exemptions := exemption.NewService(db.Exemptions(), db.Registration(), svc.roles.Policy(), time.Now)
	slips.UseExemptions(exemptions)
	properties := pbjt.NewService(db.PBJT(), db.Registration(), svc.roles.Policy(), time.Now)
	bookings := pbjt.NewBookings(properties, db.PBJT())
	cases := newCases(db, svc.roles.Policy(), properties, "http://"+displayAddr(*addr))
	// The compliance engine's runs a stopped server left behind end first
	// (doc/compliance.md).
	engine := newCompliance(db, svc.roles.Policy())
	if n, err := engine.EndInterrupted(ctx); err != nil {
		return err
	} else if n > 0 {
		logger.Warn("ended compliance matching runs a stopped server left running; start a new run", "runs", n)
	}
	incomeTax := pbjt.NewIncomeTaxes(properties, db.PBJT(), db.PBJT(), nil)
	declarations := pbjt.NewDeclarations(properties, db.PBJT(), db.PBJT())
	// Bulk uploads run in the background until the server stops; jobs a
	// stopped server left behind end first (doc/efaktur-upload.md).
	uploads := efaktur.NewUploads(fakturs, db.EFaktur(), efaktur.DefaultUploadConfig())
	if n, err := uploads.EndInterrupted(actor.With(ctx, actor.SystemActor("serve"))); err != nil {
		return err
	} else if n > 0 {
		logger.Warn("ended e-Faktur bulk uploads a stopped server left running; upload their files again", "jobs", n)
	}
	uploadsCtx, stopUploads := context.WithCancel(ctx)
	uploadsDone := make(chan struct{})
	go func() { defer close(uploadsDone); uploads.Run(uploadsCtx) }()
	defer func() { stopUploads(); <-uploadsDone }()
	var notes []string
	if *withDemo {
		notes, err = loadDemo(ctx, db, svc, signer, fakturs, slips, "http://"+displayAddr(*addr), logger)
		if err != nil {
			return err
		}
	}

	metrics := httpmw.NewMetrics()
	metrics.Registry().MustRegister(collectors.NewDBStatsCollector(db.SQL(), db.Dialect().String()))
	if devOutbox && len(notes) > 0 {
		notes = append(notes, "Read the one-time codes and other messages in the development outbox: http://"+displayAddr(*addr)+"/outbox")
	}
	api := httpapi.New(httpapi.Config{Cases: cases, Registration: svc.registration, Registry: svc.registry, Logger: logger, Audit: svc.audit, Roles: svc.roles,
		Access: svc.access, InsecureCookies: *insecureCookies, Outbox: db.Outbox(), DevOutbox: devOutbox,
		TransLog: transLog, AuthCode: authCodes, PBJT: properties, PBJTBookings: bookings, PBJTDeclarations: declarations, PBJTIncomeTax: incomeTax, Signing: signer, EFaktur: fakturs, EFakturUploads: uploads,
		Compliance: engine, EBupot: slips, EBupotBatches: db.EBupot(), Exemptions: exemptions})
	pages, err := web.New(web.Config{Cases: cases, Compliance: engine, Registration: svc.registration, Logger: logger, DemoNotes: notes, Audit: svc.audit,
		Access: svc.access, InsecureCookies: *insecureCookies, Outbox: db.Outbox(), DevOutbox: devOutbox, Roles: svc.roles,
		AuthCode: authCodes, PBJT: properties, PBJTBookings: bookings, PBJTDeclarations: declarations, PBJTIncomeTax: incomeTax, Signing: signer, EFaktur: fakturs, EFakturUploads: uploads, EBupot: slips,
		EBupotBatches: db.EBupot(), Exemptions: exemptions})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api)
	mux.Handle("/", pages)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.Ping(r.Context()); err != nil {
			logger.Error("readiness check failed", "err", err, "request_id", httpmw.RequestID(r.Context()))
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", metrics.Handler())

	srv := &http.Server{
		Addr:              *addr,
		Handler:           httpmw.Chain(mux, logger, metrics),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // bulk uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	logger.Info("serving", "addr", "http://"+displayAddr(ln.Addr().String()), "version", versionString())
	if len(notes) > 0 {
		fmt.Fprintln(a.stdout, "\nDemo world loaded. Things to try:")
		for _, n := range notes {
			fmt.Fprintln(a.stdout, "  - "+n)
		}
		fmt.Fprintln(a.stdout)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// services are the domain services wired to storage.
type services struct {
	registry     *registry.Service
	registration *registration.Service
	audit        *audit.Service
	// roles serves people and roles, consultants and the access
	// diagnostic. Its policy decides every service's object-level access.
	roles *roles.Service
	// access signs people in; serve sets it (it needs the server key).
	access *access.Service
}

func newServices(db *storage.DB) services {
	now := time.Now
	policy := newPolicy(db, now)
	reg := registry.NewService(db.Registry(), now).WithPolicy(policy)
	return services{
		registry:     reg,
		registration: registration.NewService(db.Registration(), db.Registry(), policy, now, registration.DefaultConfig()),
		audit:        audit.NewService(db.Audit(), policy),
		roles:        roles.NewService(db.Roles(), policy, now),
	}
}

// loadDemo loads the demo world into an empty database and returns the
// notes to print; on a database with data it loads nothing. With the
// signing and e-Faktur services it also loads the demo fakturs, and with
// e-Bupot the demo payroll.
func loadDemo(ctx context.Context, db *storage.DB, svc services, sig *signing.Service, fakturs *efaktur.Service, slips *ebupot.Service, baseURL string, logger *slog.Logger) ([]string, error) {
	empty, err := db.IsEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		logger.Warn("--demo: the database already holds data; the demo world is loaded only into an empty one, so serving what is there", "database", db.String())
		return nil, nil
	}
	properties := pbjt.NewService(db.PBJT(), db.Registration(), svc.roles.Policy(), time.Now)
	w, err := demo.Load(ctx, demo.Services{Registry: svc.registry, Registration: svc.registration, Access: svc.access, Roles: svc.roles,
		Signing: sig, EFaktur: fakturs, EBupot: slips, EBupotBatches: db.EBupot(), PBJT: properties, Bookings: pbjt.NewBookings(properties, db.PBJT()),
		Compliance: newCompliance(db, svc.roles.Policy()), Cases: newCases(db, svc.roles.Policy(), properties, baseURL), Declarations: pbjt.NewDeclarations(properties, db.PBJT(), db.PBJT()),
		Exemptions: exemption.NewService(db.Exemptions(), db.Registration(), svc.roles.Policy(), time.Now),
		IncomeTax:  pbjt.NewIncomeTaxes(properties, db.PBJT(), db.PBJT(), nil)})
	if err != nil {
		return nil, err
	}
	logger.Info("demo world loaded", "company", w.Company.NPWP)
	return w.Notes(baseURL), nil
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func newLogger(a *app, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(a.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(a.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}
