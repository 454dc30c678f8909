package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// TestExemptionPages records, refuses and revokes a certificate through
// the pages. The policy is open, so the requests reach the service; who
// may do what is tested in cmd/coretax's page guard test.
func TestExemptionPages(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := exemption.NewService(db.Exemptions(), db.Registration(), registration.OpenPolicy(), now)
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Exemptions: svc})
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
	s := &site{t: t, srv: srv, c: c, reg: reg}

	path := "/taxpayers/" + string(w.Designer.NPWP) + "/exemptions"
	want(t, s.get(path), http.StatusOK, "No exemption certificate is recorded")
	token := s.token("/register")
	form := url.Values{"csrf_token": {token}, "kind": {"skb-pph21"}, "number": {"KET-00031/SKB/WPJ.17/KP.0303/2026"},
		"object_codes": {"21-100-20, 21-100-07"}, "valid_from": {"2026-01-01"}, "valid_until": {"2026-12-31"}, "office": {"KPP Pratama Denpasar Timur"}}
	p := s.post(path, form)
	wantRedirect(t, p)
	if p.location != path+"?done=recorded" {
		t.Errorf("redirect to %q", p.location)
	}
	want(t, s.get(path+"?done=recorded"), http.StatusOK, "The certificate is recorded", "KET-00031/SKB/WPJ.17/KP.0303/2026",
		"PPh 21: 21-100-20, 21-100-07", "from 2026-01-01 to 2026-12-31", "active")

	bad := url.Values{"csrf_token": {token}, "kind": {"skb-pph21"}, "number": {"KET"}, "object_codes": {"24-104-01"}, "valid_from": {"2026-01-01"}, "office": {"KPP Pratama Denpasar Timur"}}
	want(t, s.post(path, bad), http.StatusUnprocessableEntity, "a certificate number has 5 to 60", "is not a code of PPh 21")
	want(t, s.post(path, form), http.StatusUnprocessableEntity, "is already recorded")

	cs, err := svc.List(ctx, string(w.Designer.NPWP))
	if err != nil || len(cs) != 1 {
		t.Fatalf("certificates = %v, %v", cs, err)
	}
	revoke := path + "/" + itoa(cs[0].ID) + "/revoke"
	want(t, s.post(revoke, url.Values{"csrf_token": {token}, "version": {"1"}}), http.StatusUnprocessableEntity, "say why the certificate is revoked")
	wantRedirect(t, s.post(revoke, url.Values{"csrf_token": {token}, "version": {"1"}, "revoked_from": {"2026-06-01"}, "reason": {"issued in error"}}))
	want(t, s.get(path), http.StatusOK, "revoked from 2026-06-01", "issued in error")

	want(t, s.get("/officer/exemptions"), http.StatusForbidden)
}
