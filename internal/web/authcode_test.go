package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

type pageIssuer struct {
	holders []int64
	status  string
}

func (p *pageIssuer) Status(_ context.Context, holder int64) (authcode.Certificate, error) {
	if p.status == "" {
		return authcode.Certificate{Status: "none"}, nil
	}
	return authcode.Certificate{Status: p.status, ID: 1, Serial: 7, Subject: "CN=Johann Gruber", Until: time.Date(2028, 11, 24, 0, 0, 0, 0, time.UTC)}, nil
}

func (p *pageIssuer) Renew(_ context.Context, holder int64, passphrase string) (authcode.Issued, error) {
	if passphrase != "Matahari#2026" {
		return authcode.Issued{}, errs.InvalidFields("the passphrase is wrong", errs.Field("passphrase", "", "is wrong"))
	}
	return authcode.Issued{Certificate: "serial 8", Code: "R8N3YL2QMS"}, nil
}

func (p *pageIssuer) Revoke(_ context.Context, holder int64, reason string) error {
	p.status = "revoked"
	return nil
}

func (p *pageIssuer) Issue(_ context.Context, holder int64, _ string) (authcode.Issued, error) {
	p.holders = append(p.holders, holder)
	p.status = "valid"
	return authcode.Issued{Certificate: "serial 7", Code: "Q7M2XK9PLR"}, nil
}

// TestAuthCodeThroughThePages walks the wizard under the manual policy:
// the director requests a code for the company, confirms the one-time
// code, an officer approves in the queue, and the director sets the
// passphrase and sees the code once.
func TestAuthCodeThroughThePages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
		if err != nil {
			t.Fatal(err)
		}
		issuer := &pageIssuer{}
		cfg := authcode.DefaultConfig([32]byte{1})
		cfg.Policy = authcode.PolicyManual
		ac := authcode.NewService(authcode.Deps{Store: db.AuthCode(), Taxpayers: db.Registration(), Registries: db.Registry(),
			Accounts: db.Access(), Issuer: issuer, Certificates: issuer}, time.Now, cfg)
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, AuthCode: ac})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		defer srv.Close()
		s := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}

		if p := s.get("/authcode"); p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("anonymous /authcode: %d %s", p.status, p.location)
		}
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		p := s.get("/authcode")
		want(t, p, http.StatusOK, "Request a new authorization code", "PT Surya Kencana Villas", "you are the main PIC of PT Surya Kencana Villas",
			"no unfiled returns or unpaid bills are recorded", "Identity verification on this server: <strong>manual</strong>")
		tok := s.token("/authcode")
		p = s.post("/authcode/start", url.Values{"csrf_token": {tok}, "subject": {"999999"}, "channel": {"sms"}})
		want(t, p, http.StatusUnprocessableEntity, "no such taxpayer")
		p = s.post("/authcode/start", url.Values{"csrf_token": {tok}, "subject": {itoa(w.Company.ID)}, "channel": {"sms"}})
		if p.status != http.StatusSeeOther || p.location != "/authcode?done=sent" {
			t.Fatalf("start: %d %s\n%.800s", p.status, p.location, p.body)
		}
		p = s.get("/authcode?done=sent")
		want(t, p, http.StatusOK, "A one-time code is on its way", "waiting for the one-time code", "sent by SMS")
		var body string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE purpose = 'authcode_code' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(body)
		id := regexp.MustCompile(`/authcode/(\d+)/confirm`).FindStringSubmatch(p.body)
		if id == nil {
			t.Fatalf("no confirm form:\n%s", p.body)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		want(t, s.post("/authcode/"+id[1]+"/confirm", url.Values{"csrf_token": {tok}, "code": {wrong}}), http.StatusUnprocessableEntity, "4 tries left")
		wantRedirect(t, s.post("/authcode/"+id[1]+"/confirm", url.Values{"csrf_token": {tok}, "code": {code}}))
		want(t, s.get("/authcode"), http.StatusOK, "waiting for an officer to verify the identity in person", "Visit a tax office")

		// The officer's queue.
		director := s.c
		s.c = newClient(t, srv)
		want(t, s.get("/officer/authcode"), http.StatusForbidden)
		wantRedirect(t, s.login(t, "budi", "petugas kpp badung"))
		p = s.get("/officer/authcode")
		want(t, p, http.StatusOK, "Request "+id[1]+": Johann Gruber", "identity verification in person is required by policy")
		otok := s.token("/officer/authcode")
		want(t, s.post("/officer/authcode/"+id[1]+"/decision", url.Values{"csrf_token": {otok}, "decision": {"reject"}}),
			http.StatusUnprocessableEntity, "give the reason for the rejection")
		p = s.post("/officer/authcode/"+id[1]+"/decision", url.Values{"csrf_token": {otok}, "decision": {"approve"}, "reason": {"passport and KITAS seen"}})
		if p.status != http.StatusSeeOther || p.location != "/officer/authcode?done=approved" {
			t.Fatalf("approve: %d %s\n%.800s", p.status, p.location, p.body)
		}
		want(t, s.get("/officer/authcode?done=approved"), http.StatusOK, "The request is approved", "No request is waiting")

		// Back to the director: the passphrase, then the code, once.
		s.c = director
		p = s.get("/authcode")
		want(t, p, http.StatusOK, "identity verified: set the signing passphrase", "Signing passphrase")
		want(t, s.post("/authcode/"+id[1]+"/issue", url.Values{"csrf_token": {tok}, "passphrase": {"Has/Slash1a"}, "confirm": {"Has/Slash1a"}}),
			http.StatusUnprocessableEntity, "may not contain /")
		p = s.post("/authcode/"+id[1]+"/issue", url.Values{"csrf_token": {tok}, "passphrase": {"Matahari#2026"}, "confirm": {"Matahari#2026"}})
		want(t, p, http.StatusOK, "Q7M2XK9PLR", "shown <strong>only this once</strong>")
		if len(issuer.holders) != 1 || issuer.holders[0] != w.Director.ID {
			t.Errorf("issuer asked for %v", issuer.holders)
		}
		p = s.get("/authcode")
		want(t, p, http.StatusOK, "<strong>issued</strong>", "serial 7")
		if strings.Contains(p.body, "Q7M2XK9PLR") {
			t.Error("the code is shown a second time")
		}

		want(t, p, http.StatusOK, `href="/authcode/letter"`)
		if l := s.get("/authcode/letter"); l.status != http.StatusOK || l.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(l.body, "%PDF-") || strings.Contains(l.body, "Q7M2XK9PLR") {
			t.Errorf("letter: %d %s %.20q", l.status, l.header.Get("Content-Type"), l.body)
		}

		// The status, renewal and revocation.
		want(t, p, http.StatusOK, "Your certificate", "<strong>valid</strong> until 2028-11-24", "CN=Johann Gruber")
		want(t, s.post("/authcode/renew", url.Values{"csrf_token": {tok}, "passphrase": {"Wrong#2026"}}), http.StatusUnprocessableEntity, "is wrong")
		want(t, s.post("/authcode/renew", url.Values{"csrf_token": {tok}, "passphrase": {"Matahari#2026"}}), http.StatusOK, "R8N3YL2QMS", "only this once")
		want(t, s.post("/authcode/revoke", url.Values{"csrf_token": {tok}, "reason": {""}}), http.StatusUnprocessableEntity, "say why the certificate is revoked")
		p = s.post("/authcode/revoke", url.Values{"csrf_token": {tok}, "reason": {"the passphrase may be known"}})
		if p.status != http.StatusSeeOther || p.location != "/authcode?done=revoked" {
			t.Fatalf("revoke: %d %s\n%.600s", p.status, p.location, p.body)
		}
		want(t, s.get("/authcode?done=revoked"), http.StatusOK, "Your certificate is revoked", "<strong>revoked</strong>", "Request a new authorization code")
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
