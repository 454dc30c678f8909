package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
	"github.com/coretax/coretax/internal/web"
)

func TestVerifyPage(t *testing.T) {
	ctx := context.Background()
	db := storagetest.SQLite(t)
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
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
	policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(signing.Rules()))
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	svc := signing.NewService(db.Signing(), ca, tl, policy, nil, time.Now, cfg)
	me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID, ActingForID: w.Company.ID})
	iss, err := svc.Issue(me, w.Director.ID, "Rahasia#2026")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := svc.Sign(me, signing.SignRequest{Document: []byte("<faktur/>"), DocType: roles.TaxInvoice, Passphrase: "Rahasia#2026"})
	if err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Signing: svc, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	s := &site{t: t, srv: srv, c: srv.Client()}

	p := s.get("/verify/" + sig.PublicID)
	want(t, p, http.StatusOK, "verified", w.Director.Name, "PT Surya Kencana Villas", "tax_invoice", sig.DocHash,
		"✓ inclusion proof", "✓ certificate chain", "/api/v1/signatures/"+sig.PublicID+"/bundle", "record 0",
		"Inclusion proof", "coretax transparency log v1", "coretax signed document v1")

	// A revocation after signing leaves the status at signing valid and
	// shows today's.
	if err := svc.Revoke(actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID}), iss.Certificate.ID, "key lost"); err != nil {
		t.Fatal(err)
	}
	p = s.get("/verify/" + sig.PublicID)
	want(t, p, http.StatusOK, "revoked", "key lost")
	if !strings.Contains(p.body, `<span class="badge good">valid</span>`) {
		t.Errorf("status at signing is not shown as valid:\n%s", p.body)
	}
	want(t, s.get("/verify/nosuchsignature"), http.StatusNotFound)
}
