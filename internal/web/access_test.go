package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
	"github.com/pquerna/otp/totp"
)

type accessSite struct {
	*site
	db    *storage.DB
	world demo.World
}

// newAccessSite serves the pages with the demo world and its accounts.
func newAccessSite(t *testing.T, db *storage.DB) *accessSite {
	t.Helper()
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
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
}

func newClient(t *testing.T, srv *httptest.Server) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (s *accessSite) cookie(name string) string {
	u, _ := url.Parse(s.srv.URL)
	for _, c := range s.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (s *accessSite) login(t *testing.T, login, password string) page {
	t.Helper()
	return s.post("/login", url.Values{"csrf_token": {s.token("/login")}, "login": {login}, "password": {password}})
}

func TestActivateAndSignIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newAccessSite(t, db)
		designer := s.world.Designer
		tok := s.token("/activate")
		p := s.post("/activate", url.Values{"csrf_token": {tok}, "step": {"find"}, "id": {"5171016308950002"}})
		want(t, p, http.StatusOK, "Ni Luh Putu Ayu Lestari", "a***@studio.example", "SMS to", "250")
		p = s.post("/activate", url.Values{"csrf_token": {tok}, "step": {"send"}, "id": {"5171016308950002"}, "channel": {"email"}})
		want(t, p, http.StatusOK, "A code is on its way to a***@studio.example", "Delivery: waiting to be sent by e-mail")
		if _, err := db.SQL().Exec(`UPDATE outbox SET status = 'failed', attempts = 3, last_error = 'smtp: 550 mailbox unavailable' WHERE taxpayer_id = $1`, designer.ID); err != nil {
			t.Fatal(err)
		}
		want(t, s.get("/activate?step=complete&id=5171016308950002"), http.StatusOK, "Delivery: not delivered by e-mail", "sent by SMS instead")
		var body string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE taxpayer_id = $1 ORDER BY id DESC LIMIT 1`, designer.ID).Scan(&body); err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(body)
		p = s.post("/activate", url.Values{"csrf_token": {tok}, "step": {"complete"}, "id": {"5171016308950002"}, "code": {code}, "password": {"short"}})
		want(t, p, http.StatusUnprocessableEntity, "use at least 8")
		p = s.post("/activate", url.Values{"csrf_token": {tok}, "step": {"complete"}, "id": {"5171016308950002"}, "code": {code}, "password": {"desain/grafis+'bali'&$"}})
		if p.status != http.StatusSeeOther || p.location != "/login?done=activated" {
			t.Fatalf("activate: %d %s\n%.500s", p.status, p.location, p.body)
		}

		// Session fixation: a planted cookie is ignored and replaced.
		u, _ := url.Parse(s.srv.URL)
		s.c.Jar.SetCookies(u, []*http.Cookie{{Name: access.CookieName, Value: "planted-by-attacker", Path: "/"}})
		if p := s.get("/account/security"); p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("planted cookie reached the settings: %d %s", p.status, p.location)
		}
		p = s.login(t, "5171016308950002", "wrong password")
		want(t, p, http.StatusUnprocessableEntity, "sign-in failed")
		p = s.login(t, "5171016308950002", "desain/grafis+'bali'&$")
		if p.status != http.StatusSeeOther || p.location != "/account/security" {
			t.Fatalf("login: %d %s", p.status, p.location)
		}
		if v := s.cookie(access.CookieName); v == "" || v == "planted-by-attacker" {
			t.Fatalf("session cookie after login = %q", v)
		}
		// The CSRF token of the form before sign-in no longer works.
		p = s.post("/account/password", url.Values{"csrf_token": {tok}, "current_password": {"x"}, "new_password": {"y"}})
		want(t, p, http.StatusForbidden, "security token")
		p = s.get("/account/security")
		want(t, p, http.StatusOK, "Signed in as <strong>taxpayer "+string(designer.NPWP), "Sign out everywhere", "Make a token")

		// CSRF: the settings' forms need the token.
		p = s.post("/account/password", url.Values{"current_password": {"desain/grafis+'bali'&$"}, "new_password": {"another long passphrase"}})
		want(t, p, http.StatusForbidden, "security token")
		tok = s.token("/account/security")
		p = s.post("/account/password", url.Values{"csrf_token": {tok}, "current_password": {"desain/grafis+'bali'&$"}, "new_password": {"another long passphrase"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%.400s", p.status, p.body)
		}
		p = s.post("/account/tokens", url.Values{"csrf_token": {tok}, "name": {"ERP"}, "scopes": {"registration:read"}, "days": {"30"}})
		want(t, p, http.StatusOK, "Copy the token now", "ctx_")
		p = s.post("/account/two-step/enrol", url.Values{"csrf_token": {tok}})
		want(t, p, http.StatusOK, `src="data:image/png;base64,`, "Key:")
		p = s.post("/logout", url.Values{"csrf_token": {tok}})
		if p.status != http.StatusSeeOther || s.cookie(access.CookieName) != "" {
			t.Fatalf("logout: %d, cookie %q", p.status, s.cookie(access.CookieName))
		}
		p = s.login(t, "5171016308950002", "another long passphrase")
		if p.status != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", p.status)
		}
	})
}

func TestActingForAndUnlock(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newAccessSite(t, db)
		company := string(s.world.Company.NPWP)
		if p := s.login(t, string(s.world.Director.NPWP), "gruber villa sunrise"); p.status != http.StatusSeeOther {
			t.Fatalf("director login: %d\n%.300s", p.status, p.body)
		}
		before := s.cookie(access.CookieName)
		tok := s.token("/account/security")
		p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {company}})
		if p.status != http.StatusSeeOther || p.location != "/taxpayers/"+company {
			t.Fatalf("switch: %d %s\n%.400s", p.status, p.location, p.body)
		}
		if after := s.cookie(access.CookieName); after == before || after == "" {
			t.Fatal("the session ID did not change when acting for the company")
		}
		want(t, s.get("/taxpayers/"+company), http.StatusOK, "acting for taxpayer", "Switch back to yourself")
		tok = s.token("/account/security")
		p = s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {string(s.world.VillaOwner.NPWP)}})
		want(t, p, http.StatusUnprocessableEntity, "not a related party")
		p = s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {""}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("switch back: %d", p.status)
		}
		if strings.Contains(s.get("/account/security").body, "acting for taxpayer") {
			t.Fatal("still acting for the company after switching back")
		}

		// The unlock page is for officers.
		want(t, s.get("/officer/accounts"), http.StatusForbidden)
		officer := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv)}}
		for range 3 {
			_ = officer.login(t, "5104050502680001", "not the password")
		}
		if p := officer.login(t, "budi", "petugas kpp badung"); p.status != http.StatusSeeOther {
			t.Fatalf("officer login: %d", p.status)
		}
		p = officer.post("/officer/accounts/unlock", url.Values{"csrf_token": {officer.token("/officer/accounts")}, "login": {"5104050502680001"}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.location, "unlocked=") {
			t.Fatalf("unlock: %d %s\n%.400s", p.status, p.location, p.body)
		}
	})
}

func TestSecondStepPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newAccessSite(t, db)
		owner := string(s.world.VillaOwner.NPWP)
		if p := s.login(t, owner, "sudarma sawah hijau"); p.status != http.StatusSeeOther {
			t.Fatalf("login: %d", p.status)
		}
		p := s.post("/account/two-step/enrol", url.Values{"csrf_token": {s.token("/account/security")}})
		m := regexp.MustCompile(`Key: <code>([A-Z2-7]+)</code>`).FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no key on the enrolment page:\n%.600s", p.body)
		}
		code, err := totp.GenerateCode(m[1], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p = s.post("/account/two-step/confirm", url.Values{"csrf_token": {s.token("/account/security")}, "code": {code}})
		want(t, p, http.StatusOK, "Two-step verification is on", "Keep these recovery codes")
		recovery := regexp.MustCompile(`<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>`).FindStringSubmatch(p.body)
		if recovery == nil {
			t.Fatal("no recovery codes shown")
		}
		s.post("/logout", url.Values{"csrf_token": {s.token("/account/security")}})

		p = s.login(t, owner, "sudarma sawah hijau")
		if p.status != http.StatusSeeOther || p.location != "/login/second-step" {
			t.Fatalf("login with two-step: %d %s", p.status, p.location)
		}
		if p := s.get("/account/security"); p.status != http.StatusSeeOther {
			t.Fatalf("the waiting session reached the settings: %d", p.status)
		}
		tok := s.token("/login/second-step")
		want(t, s.post("/login/second-step", url.Values{"csrf_token": {tok}, "code": {"zzzzz-zzzzz"}}), http.StatusUnprocessableEntity, "not right")
		p = s.post("/login/second-step", url.Values{"csrf_token": {tok}, "code": {recovery[1]}})
		if p.status != http.StatusSeeOther || p.location != "/account/security" {
			t.Fatalf("second step: %d %s\n%.400s", p.status, p.location, p.body)
		}
		want(t, s.get("/account/security"), http.StatusOK, "Signed in as", "Turn two-step verification off")
	})
}
