package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
	"github.com/coretax/coretax/internal/web"
)

// upload posts a multipart form with a file named document.
func (s *accessSite) upload(path string, form url.Values, name string, file []byte) page {
	s.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile("document", name)
	if err != nil {
		s.t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	res, err := s.c.Post(s.srv.URL+path, mw.FormDataContentType(), &b)
	if err != nil {
		s.t.Fatal(err)
	}
	return read(s.t, res)
}

// TestSignPage signs a document through the page: refusals next to
// their fields, then a signature and its result page.
func TestSignPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
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

		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, Signing: svc})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		t.Cleanup(srv.Close)
		s := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}

		// Anonymous: a sign-in message, for the form and its POST.
		want(t, s.get("/sign"), http.StatusUnauthorized, "Please sign in")
		anonTok := s.token("/login")
		want(t, s.post("/sign", url.Values{"csrf_token": {anonTok}, "doc_type": {"tax_invoice"}, "text": {"x"}}), http.StatusUnauthorized, "Please sign in")

		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		p := s.get("/sign")
		want(t, p, http.StatusOK, "Sign a document", `href="/sign"`, `<option value="tax_invoice"`, string(w.Director.NPWP), `enctype="multipart/form-data"`)
		tok := s.token("/sign")
		form := func(pass string) url.Values {
			return url.Values{"csrf_token": {tok}, "doc_type": {"tax_invoice"}, "acting_for": {itoa(w.Director.ID)}, "passphrase": {pass}}
		}

		// No certificate yet: the refusal points to the wizard.
		want(t, s.upload("/sign", form("Rahasia#2026"), "faktur.xml", []byte("<faktur/>")), http.StatusForbidden, "you hold no certificate", `href="/authcode"`)

		me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID})
		if _, err := svc.Issue(me, w.Director.ID, "Rahasia#2026"); err != nil {
			t.Fatal(err)
		}

		// CSRF: a form without the token is refused and nothing is signed.
		f := form("Rahasia#2026")
		f.Del("csrf_token")
		want(t, s.upload("/sign", f, "faktur.xml", []byte("<faktur/>")), http.StatusForbidden, "security token")

		want(t, s.upload("/sign", form("Wrong#2026"), "faktur.xml", []byte("<faktur/>")), http.StatusUnprocessableEntity, "is wrong", "more wrong attempts")
		want(t, s.post("/sign", form("Rahasia#2026")), http.StatusUnprocessableEntity, "choose a file or type the text")
		want(t, s.upload("/sign", form("Rahasia#2026"), "big.pdf", make([]byte, 10<<20+1)), http.StatusUnprocessableEntity, "larger than 10 MiB")
		other := form("Rahasia#2026")
		other.Set("acting_for", itoa(w.Company.ID))
		want(t, s.upload("/sign", other, "faktur.xml", []byte("<faktur/>")), http.StatusForbidden, "you are not acting for")

		p = s.upload("/sign", form("Rahasia#2026"), "faktur.xml", []byte("<faktur/>"))
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/sign/") {
			t.Fatalf("sign: %d %s\n%.800s", p.status, p.location, p.body)
		}
		id := strings.TrimPrefix(p.location, "/sign/")
		sum := sha256.Sum256([]byte("<faktur/>"))
		p = s.get(p.location)
		want(t, p, http.StatusOK, "Document signed", id, hex.EncodeToString(sum[:]), w.Director.Name, "tax_invoice",
			`href="/verify/`+id+`"`, `href="/api/v1/signatures/`+id+`/bundle"`, "coretax verify signature-"+id+".json --document FILE --ca DATA/ca/ca.crt")
		if _, err := svc.Verification(ctx, id); err != nil {
			t.Errorf("the signature is not stored: %v", err)
		}

		// A short text document from the textarea.
		text := form("Rahasia#2026")
		text.Set("text", "I agree.")
		p = s.post("/sign", text)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/sign/") {
			t.Fatalf("sign text: %d %s\n%.800s", p.status, p.location, p.body)
		}
		sum = sha256.Sum256([]byte("I agree."))
		want(t, s.get(p.location), http.StatusOK, hex.EncodeToString(sum[:]))
	})
}
