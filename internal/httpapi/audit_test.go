package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// auditServer is apiServerOn with the audit log, read under policy.
func auditServer(t *testing.T, db *storage.DB, policy actor.Policy) *httptest.Server {
	t.Helper()
	reg := registry.NewService(db.Registry(), now)
	svc := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: svc, Registry: reg, Logger: logger, Now: now, Audit: audit.NewService(db.Audit(), policy)})
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	wantStatus(t, do(t, srv, "POST", "/api/v1/registries/population/import", "text/csv", population), http.StatusOK)
	return srv
}

type auditPage struct {
	Entries []struct {
		Seq        int64  `json:"seq"`
		At         string `json:"at"`
		Actor      string `json:"actor"`
		TaxpayerID *int64 `json:"taxpayer_id"`
		Action     string `json:"action"`
		Address    string `json:"address"`
		Detail     string `json:"detail"`
		PrevHash   string `json:"prev_hash"`
		Hash       string `json:"hash"`
	} `json:"entries"`
	Next *string `json:"next"`
}

func TestAuditLog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := auditServer(t, db, registration.OpenPolicy())
		wantStatus(t, doJSON(t, srv, "POST", "/api/v1/taxpayers", resident()), http.StatusCreated)
		for i, email := range []string{"made@mail.example", "made.w@mail.example"} {
			wantStatus(t, doJSON(t, srv, "PATCH", "/api/v1/taxpayers/5171031204900003", map[string]any{"version": i + 1, "email": email}), http.StatusOK)
		}

		r := do(t, srv, "GET", "/api/v1/audit?taxpayer=5171.0312.0490.0003&limit=2", "", "")
		wantStatus(t, r, http.StatusOK)
		p := decode[auditPage](t, r)
		if len(p.Entries) != 2 || p.Next == nil || *p.Next != "2" {
			t.Fatalf("first page: %s", r.body)
		}
		e := p.Entries[0]
		if e.Seq != 3 || e.Action != "registration.update" || e.Detail != "email: made@mail.example → made.w@mail.example" ||
			e.Address != "127.0.0.1" || e.Actor != "anonymous@127.0.0.1" || e.TaxpayerID == nil || p.Entries[1].Hash != e.PrevHash {
			t.Errorf("newest entry: %+v", e)
		}
		r = do(t, srv, "GET", "/api/v1/audit?taxpayer=5171031204900003&limit=2&before="+*p.Next, "", "")
		wantStatus(t, r, http.StatusOK)
		p = decode[auditPage](t, r)
		if len(p.Entries) != 1 || p.Next != nil || p.Entries[0].Action != "registration.register" || p.Entries[0].PrevHash != strings.Repeat("0", 64) {
			t.Errorf("last page: %s", r.body)
		}

		wantError(t, do(t, srv, "GET", "/api/v1/audit", "", ""), http.StatusUnauthorized, "unauthenticated", "")
		wantError(t, do(t, srv, "GET", "/api/v1/audit?taxpayer=12", "", ""), http.StatusUnprocessableEntity, "invalid", "taxpayer")
		wantError(t, do(t, srv, "GET", "/api/v1/audit?taxpayer=5104054502880002", "", ""), http.StatusNotFound, "not_found", "")
		wantError(t, do(t, srv, "GET", "/api/v1/audit?taxpayer=5171031204900003&limit=501", "", ""), http.StatusUnprocessableEntity, "invalid", "limit")
		wantError(t, do(t, srv, "GET", "/api/v1/audit?taxpayer=5171031204900003&before=x", "", ""), http.StatusUnprocessableEntity, "invalid", "before")
	})
}

func TestAuditLogForbidden(t *testing.T) {
	deny := actor.PolicyFunc(func(context.Context, actor.Action, int64) error {
		return errs.E(errs.Forbidden, "you do not act for this taxpayer")
	})
	srv := auditServer(t, storagetest.SQLite(t), deny)
	wantStatus(t, doJSON(t, srv, "POST", "/api/v1/taxpayers", resident()), http.StatusCreated)
	wantError(t, do(t, srv, "GET", "/api/v1/audit?taxpayer=5171031204900003", "", ""), http.StatusForbidden, "forbidden", "")
}

func TestAuditLogUnavailable(t *testing.T) {
	srv := apiServer(t)
	wantError(t, do(t, srv, "GET", "/api/v1/audit", "", ""), http.StatusServiceUnavailable, "unavailable", "")
}
