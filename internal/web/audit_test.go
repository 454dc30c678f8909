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

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
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
