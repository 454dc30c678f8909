package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

// TestMyCertificateRenewRevoke renews and revokes the signed-in person's
// certificate through the API.
func TestMyCertificateRenewRevoke(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{1}))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
		if err != nil {
			t.Fatal(err)
		}
		policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(signing.Rules()))
		ca, _, err := pki.NewCA("test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "translog.key"))
		if err != nil {
			t.Fatal(err)
		}
		tl, err := translog.NewService(db.TransLog(), key, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		cfg := signing.DefaultConfig([]byte("k"))
		cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
		svc := signing.NewService(db.Signing(), ca, tl, policy, nil, time.Now, cfg)
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		srv := httptest.NewTLSServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Access: acc, Signing: svc, Logger: logger}), logger, nil))
		defer srv.Close()
		e := &accessEnv{srv: srv, db: db, world: w}
		u := srv.URL + "/api/v1/certificates/mine"

		anon := e.browser(t)
		if st, _, _ := call(t, anon, "POST", u+"/renew", "", map[string]any{"passphrase": "Rahasia#2026"}); st != 401 {
			t.Errorf("anonymous renew: %d", st)
		}
		if st, _, _ := call(t, anon, "POST", u+"/revoke", "", map[string]any{"reason": "lost"}); st != 401 {
			t.Errorf("anonymous revoke: %d", st)
		}

		me := e.browser(t)
		if st, out, _ := call(t, me, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": string(w.Director.NPWP), "password": "gruber villa sunrise"}); st != 200 {
			t.Fatalf("director login: %d %v", st, out)
		}
		if st, out, _ := call(t, me, "POST", u+"/revoke", "", map[string]any{"reason": "lost"}); st != 404 {
			t.Errorf("revoke without a certificate: %d %v", st, out)
		}
		if _, err := svc.Issue(actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID}), w.Director.ID, "Rahasia#2026"); err != nil {
			t.Fatal(err)
		}

		st, out, _ := call(t, me, "POST", u+"/renew", "", map[string]any{"passphrase": "Wrong#2026"})
		if st != 422 || !strings.Contains(fmt.Sprint(out), "is wrong") {
			t.Errorf("renew with a wrong passphrase: %d %v", st, out)
		}
		st, out, _ = call(t, me, "POST", u+"/renew", "", map[string]any{"passphrase": "Rahasia#2026"})
		cert, _ := out["certificate"].(map[string]any)
		if code, _ := out["code"].(string); st != 200 || len(code) != signing.CodeLength || cert["status"] != "valid" || cert["serial"] != float64(2) {
			t.Fatalf("renew: %d %v", st, out)
		}

		if st, out, _ := call(t, me, "POST", u+"/revoke", "", map[string]any{"reason": " "}); st != 422 || !strings.Contains(fmt.Sprint(out), "reason") {
			t.Errorf("revoke without a reason: %d %v", st, out)
		}
		st, out, _ = call(t, me, "POST", u+"/revoke", "", map[string]any{"reason": "the passphrase may be known"})
		if st != 200 || out["status"] != "revoked" || out["end_reason"] != "the passphrase may be known" || out["serial"] != float64(2) {
			t.Fatalf("revoke: %d %v", st, out)
		}
		if st, out, _ := call(t, me, "POST", u+"/revoke", "", map[string]any{"reason": "again"}); st != 409 {
			t.Errorf("second revoke: %d %v", st, out)
		}
		if st, out, _ := call(t, me, "GET", u, "", nil); st != 200 || out["status"] != "revoked" {
			t.Errorf("status after revoking: %d %v", st, out)
		}
	})
}
