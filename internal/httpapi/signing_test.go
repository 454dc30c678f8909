package httpapi_test

import (
	"context"
	"encoding/base64"
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
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

func TestSignatureRoutes(t *testing.T) {
	ctx := context.Background()
	db := storagetest.SQLite(t)
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
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
	me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID, ActingForID: w.Company.ID})
	if _, err := svc.Issue(me, w.Director.ID, "Rahasia#2026"); err != nil {
		t.Fatal(err)
	}
	doc := []byte("<faktur/>")
	sig, err := svc.Sign(me, signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: "Rahasia#2026"})
	if err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Signing: svc, Logger: logger}), logger, nil))
	t.Cleanup(srv.Close)

	res := do(t, srv, "GET", "/api/v1/signatures/"+sig.PublicID, "", "")
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		ID              string `json:"id"`
		DocType         string `json:"doc_type"`
		StatusAtSigning string `json:"status_at_signing"`
		Signer          struct{ Name string }
		ActingFor       struct{ NPWP string } `json:"acting_for"`
		LogIndex        *int64                `json:"log_index"`
	}](t, res)
	if got.ID != sig.PublicID || got.DocType != "tax_invoice" || got.StatusAtSigning != "valid" || got.Signer.Name != w.Director.Name ||
		got.ActingFor.NPWP != string(w.Company.NPWP) || got.LogIndex == nil {
		t.Errorf("signature = %+v from %s", got, res.body)
	}

	res = do(t, srv, "GET", "/api/v1/signatures/"+sig.PublicID+"/bundle", "", "")
	wantStatus(t, res, http.StatusOK)
	b, err := signing.ParseBundle(res.body)
	if err != nil {
		t.Fatal(err)
	}
	if cs := signing.Verify(b, signing.VerifyOptions{Document: doc, CA: ca.Cert}); !signing.Passed(cs) {
		t.Errorf("downloaded bundle does not verify: %+v", cs)
	}

	wantError(t, do(t, srv, "GET", "/api/v1/signatures/nosuchsignature", "", ""), http.StatusNotFound, "not_found", "")
	body := `{"document": "` + base64.StdEncoding.EncodeToString(doc) + `", "doc_type": "tax_invoice", "passphrase": "Rahasia#2026"}`
	wantError(t, do(t, srv, "POST", "/api/v1/signatures", "application/json", body), http.StatusUnauthorized, "unauthenticated", "")
	wantError(t, do(t, srv, "GET", "/api/v1/certificates/mine", "", ""), http.StatusUnauthorized, "unauthenticated", "")
	batch := `{"documents": ["` + base64.StdEncoding.EncodeToString(doc) + `"], "doc_type": "tax_invoice", "passphrase": "Rahasia#2026"}`
	wantError(t, do(t, srv, "POST", "/api/v1/signing-jobs", "application/json", batch), http.StatusUnauthorized, "unauthenticated", "")
	wantError(t, do(t, srv, "POST", "/api/v1/signing-jobs", "application/json", `{"documents": ["%%%"], "doc_type": "tax_invoice"}`), http.StatusUnprocessableEntity, "invalid", "documents[0]")
	wantError(t, do(t, srv, "GET", "/api/v1/signing-jobs/1", "", ""), http.StatusNotFound, "not_found", "")
	if res := do(t, apiServer(t), "GET", "/api/v1/signatures/x", "", ""); res.status != http.StatusServiceUnavailable || !strings.Contains(string(res.body), "signing") {
		t.Errorf("without signing: %d %s", res.status, res.body)
	}
}
