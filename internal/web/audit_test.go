package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// auditSite is newSiteOn with the security log, read under the open
// policy.
func auditSite(t *testing.T, db *storage.DB) *site {
	t.Helper()
	rs := registry.NewService(db.Registry(), now)
	if _, err := rs.Import(context.Background(), registry.KindPopulation, registry.CSV, strings.NewReader(population)); err != nil {
		t.Fatal(err)
	}
	svc := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: svc, Logger: logger, Audit: audit.NewService(db.Audit(), registration.OpenPolicy())})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &site{t: t, srv: srv, c: c, reg: svc}
}

func TestSecurityLog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := auditSite(t, db)
		want(t, s.get("/security-log"), http.StatusUnauthorized, "Please sign in", "sign in to see your security log")

		p := s.post("/register", residentForm(s.token("/register")))
		if p.status != http.StatusSeeOther {
			t.Fatalf("POST /register = %d; body %s", p.status, p.body)
		}
		tp, err := s.reg.Taxpayer(context.Background(), "5171031204900003")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for i := 1; i <= 55; i++ {
			e := audit.Entry{At: now(), Actor: actor.Actor{Kind: actor.Taxpayer, ID: "5171031204900003", Address: "198.51.100.7"}.String(),
				TaxpayerID: tp.ID, Action: "access.login", Address: "198.51.100.7", Detail: fmt.Sprintf("sign-in <%d>", i)}
			if err := db.Audit().Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		first := s.get("/security-log?taxpayer=5171.0312.0490.0003")
		want(t, first, http.StatusOK, "Security log of Made Wirawan", "2026-11-24 10:00:00 WIB", "198.51.100.7",
			"access.login", "sign-in &lt;55&gt;", `href="/security-log?before=7&amp;taxpayer=5171031204900003"`)
		if strings.Contains(first.body, "sign-in &lt;5&gt;<") || strings.Contains(first.body, "registration.register") {
			t.Error("the first page shows entries of the second")
		}
		older := s.get("/security-log?before=7&taxpayer=5171031204900003")
		want(t, older, http.StatusOK, "sign-in &lt;5&gt;", "registration.register", "taxpayer: resident_individual Made Wirawan",
			"127.0.0.1", `href="/security-log?taxpayer=5171031204900003"`)
		if strings.Contains(older.body, "Older entries") {
			t.Error("the last page links to older entries")
		}
		want(t, s.get("/security-log?before=x"), http.StatusUnprocessableEntity, "is not a page cursor")
		want(t, s.get("/security-log?taxpayer=5104054502880002"), http.StatusNotFound)
	})
}

func TestSecurityLogUnavailable(t *testing.T) {
	want(t, newSite(t).get("/security-log"), http.StatusServiceUnavailable, "not available")
}

// A signed-in person sees the failed and successful sign-ins of their own
// account and the changes to their own taxpayer record, and nobody else's.
func TestSecurityLogSignedIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := time.Now
		rs := registry.NewService(db.Registry(), clock)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), clock, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, clock, access.DefaultConfig(access.Key{2}))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
		if err != nil {
			t.Fatal(err)
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true,
			Audit: audit.NewService(db.Audit(), registration.OpenPolicy())})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		t.Cleanup(srv.Close)
		s := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}

		director := string(w.Director.NPWP)
		var password string
		for _, a := range w.Accounts {
			if a.Login == director {
				password = a.Password
			}
		}
		if password == "" {
			t.Fatalf("the demo world has no account for %s", director)
		}
		want(t, s.login(t, director, "not the password"), http.StatusUnprocessableEntity)
		if p := s.login(t, director, password); p.status != http.StatusSeeOther {
			t.Fatalf("login: %d\n%.400s", p.status, p.body)
		}
		p := s.get("/security-log")
		want(t, p, http.StatusOK, "Who accessed your account", "access.login.failed", "wrong password", "access.login<",
			"registration.register", "Johann Gruber", "127.0.0.1")
		if strings.Contains(p.body, "Made Wirawan") || strings.Contains(p.body, "Ni Luh Putu Ayu Lestari") {
			t.Error("the security log shows entries of other taxpayers")
		}
	})
}
