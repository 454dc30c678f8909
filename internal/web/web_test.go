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

	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

func now() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }

const population = `nik,name,birth_date,sex,street,province_code,regency_code,district_code
5171031204900003,MADE WIRAWAN,1990-04-12,M,Jl. Gunung Agung No. 17,51,5171,517103
5104054502880002,NI KADEK SARI,1988-02-05,F,Jl. Raya Ubud 3,51,5104,510405
`

const companies = `registry_number,name,legal_form,deed_number,officer_position,officer_name,officer_nik,officer_passport_number,officer_nationality
9120001234567,PT SURYA KENCANA VILLAS,PT_PMA,12,director,MADE WIRAWAN,5171031204900003,,
`

type site struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
	reg *registration.Service
}

// newSite serves the pages on a fresh SQLite database with the reference
// registries loaded, behind the server's middleware.
func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteOn(t, storagetest.SQLite(t))
}

// newSiteOn is newSite on a given database, for tests that run on every
// dialect.
func newSiteOn(t *testing.T, db *storage.DB) *site {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), now)
	for kind, csv := range map[registry.Kind]string{registry.KindPopulation: population, registry.KindCompany: companies} {
		if _, err := rs.Import(ctx, kind, registry.CSV, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
	}
	svc := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: svc, Logger: logger, DemoNotes: []string{"Try the profile: http://127.0.0.1:8080/taxpayers/5171031204900003"}})
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

type page struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (s *site) get(path string) page {
	s.t.Helper()
	res, err := s.c.Get(s.srv.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	return read(s.t, res)
}

func (s *site) post(path string, form url.Values) page {
	s.t.Helper()
	res, err := s.c.PostForm(s.srv.URL+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	return read(s.t, res)
}

func read(t *testing.T, res *http.Response) page {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: res.StatusCode, header: res.Header, body: string(b), location: res.Header.Get("Location")}
}

var tokenPattern = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token loads a page with a form and returns its CSRF token.
func (s *site) token(path string) string {
	s.t.Helper()
	p := s.get(path)
	m := tokenPattern.FindStringSubmatch(p.body)
	if m == nil {
		s.t.Fatalf("no CSRF token in %s", path)
	}
	return m[1]
}

func want(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Errorf("status = %d, want %d", p.status, status)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			t.Errorf("page lacks %q", c)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func residentForm(token string) url.Values {
	return url.Values{
		"csrf_token":            {token},
		"kind":                  {"resident_individual"},
		"name":                  {"Made Wirawan"},
		"nik":                   {"5171031204900003"},
		"passport_number":       {"typed before switching kind"},
		"address.street":        {"Jl. Gunung Agung No. 17"},
		"address.province_code": {"51"},
		"address.regency_code":  {"5171"},
		"address.district_code": {"517103"},
		"address.postal_code":   {"80117"},
		"email":                 {"made.wirawan@mail.example"},
		"mobile":                {"0812-3760-4411"},
	}
}

func TestPagesRender(t *testing.T) {
	s := newSite(t)
	want(t, s.get("/"), http.StatusOK, "Coretax", `<a href="/register"`, `<a href="http://127.0.0.1:8080/taxpayers/5171031204900003">`)
	want(t, s.get("/register"), http.StatusOK, `name="kind" value="entity"`, `name="address.regency_code"`, `<option value="5103">5103 Kabupaten Badung</option>`, `name="csrf_token"`)
	want(t, s.get("/register?kind=entity"), http.StatusOK, `id="kind-entity" name="kind" value="entity" checked`)
	want(t, s.get("/officer/taxpayers"), http.StatusOK, "Officer search", "No taxpayer matches")
	want(t, s.get("/nowhere"), http.StatusNotFound, "Not found", "there is no page at /nowhere")
	want(t, s.get("/taxpayers/5104054502880002"), http.StatusNotFound, "Not found")
	css := s.get("/static/style.css")
	want(t, css, http.StatusOK, ".field-error")
	want(t, s.get("/static/htmx.min.js"), http.StatusOK)
	home := s.get("/")
	if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestRegisterAndProfile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteOn(t, db)
		p := s.post("/register", residentForm(s.token("/register")))
		if p.status != http.StatusSeeOther || p.location != "/taxpayers/5171031204900003?done=registered" {
			t.Fatalf("POST /register = %d to %q, want 303 to the profile; body %s", p.status, p.location, p.body)
		}
		prof := s.get(p.location)
		want(t, prof, http.StatusOK, "The taxpayer is registered", "Made Wirawan", "5171031204900003000000",
			"head office", "Legacy NPWP", "register", "Kota Denpasar")
		if strings.Contains(prof.body, `id="parties"`) {
			t.Error("an individual's profile shows related parties")
		}
		// A formatted number redirects to the canonical profile.
		if p := s.get("/taxpayers/5171.0312.0490.0003"); p.status != http.StatusSeeOther || p.location != "/taxpayers/5171031204900003" {
			t.Errorf("formatted NPWP: %d to %q", p.status, p.location)
		}
		want(t, s.get("/officer/taxpayers?q=wirawan"), http.StatusOK, `<a href="/taxpayers/5171031204900003">`)
		want(t, s.get("/officer/taxpayers?q=5171.03"), http.StatusOK, `<a href="/taxpayers/5171031204900003">`)
		want(t, s.get("/officer/taxpayers?kind=entity"), http.StatusOK, "No taxpayer matches")
		want(t, s.get("/officer/taxpayers?kind=alien"), http.StatusUnprocessableEntity, "is not a kind of taxpayer")
	})
}

func TestRegisterErrors(t *testing.T) {
	s := newSite(t)
	form := residentForm(s.token("/register"))
	form.Set("address.regency_code", "5199")
	form.Set("email", "not an address")
	p := s.post("/register", form)
	want(t, p, http.StatusUnprocessableEntity,
		`<p class="field-error" id="address-regency_code-error">is not a regency or city code`,
		`aria-describedby="address-regency_code-error" aria-invalid="true"`,
		`<p class="field-error" id="email-error">is not an e-mail address`,
		`<a href="#email">E-mail</a>`,
		`value="Made Wirawan"`)

	// A clash with a registered taxpayer is a 409 with the message next
	// to the field.
	wantRedirect(t, s.post("/register", residentForm(s.token("/register"))))
	other := residentForm(s.token("/register"))
	other.Set("name", "Ni Kadek Sari")
	other.Set("nik", "5104054502880002")
	other.Set("address.regency_code", "5104")
	other.Set("address.district_code", "510405")
	other.Set("mobile", "081299990000")
	want(t, s.post("/register", other), http.StatusConflict, `<p class="field-error" id="email-error">this e-mail address is already registered`)
}

func wantRedirect(t *testing.T, p page) {
	t.Helper()
	if p.status != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303; body %s", p.status, p.body)
	}
}

func TestRefreshAreaLists(t *testing.T) {
	s := newSite(t)
	form := url.Values{"csrf_token": {s.token("/register")}, "refresh": {"areas"}, "address.province_code": {"51"}, "address.regency_code": {"5103"}, "name": {"kept"}}
	p := s.post("/register", form)
	want(t, p, http.StatusOK, `<option value="510301">510301 Kuta</option>`, `value="kept"`)
	if strings.Contains(p.body, "field-error") {
		t.Error("refreshing the lists reported errors")
	}
	frag := s.get("/areas?address.province_code=51&address.regency_code=3171")
	want(t, frag, http.StatusOK, `<fieldset class="areas" id="areas"`, `<option value="5103">5103 Kabupaten Badung</option>`)
	if strings.Contains(frag.body, "<html") || strings.Contains(frag.body, `value="3171" selected`) {
		t.Errorf("areas fragment is a whole page or kept a regency outside the province: %s", frag.body)
	}
}

func TestInlineCheck(t *testing.T) {
	s := newSite(t)
	want(t, s.get("/register/check?nik=5171031204900003"), http.StatusOK, `class="good"`, "1990-04-12")
	want(t, s.get("/register/check?nik=12"), http.StatusOK, `class="bad"`)
	want(t, s.get("/register/check?mobile=0812+3760+4411"), http.StatusOK, "6281237604411")
	want(t, s.get("/register/check?email=x"), http.StatusOK, `class="bad"`)
}

func TestCSRF(t *testing.T) {
	s := newSite(t)
	form := residentForm("forged-token-from-another-site-xxxxxxxxxxxx")
	s.token("/register") // the browser has a cookie, the form a different token
	p := s.post("/register", form)
	want(t, p, http.StatusForbidden, "This form cannot be accepted", "security token does not match")

	// Without any cookie.
	res, err := http.PostForm(s.srv.URL+"/register", residentForm("x"))
	if err != nil {
		t.Fatal(err)
	}
	want(t, read(t, res), http.StatusForbidden, "did not send the security cookie")
	if _, err := s.reg.Taxpayer(context.Background(), "5171031204900003"); err == nil {
		t.Error("a rejected form registered the taxpayer")
	}
}

func TestProfileForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteOn(t, db)
		wantRedirect(t, s.post("/register", residentForm(s.token("/register"))))
		entity := url.Values{
			"csrf_token": {s.token("/register")}, "kind": {"entity"}, "name": {"PT Surya Kencana Villas"}, "entity_form": {"PT_PMA"},
			"deed_number": {"12"}, "registry_number": {"9120001234567"}, "address.street": {"Jl. Raya Uluwatu 88"},
			"address.province_code": {"51"}, "address.regency_code": {"5103"}, "address.district_code": {"510305"},
			"address.postal_code": {"80361"}, "email": {"finance@suryakencana.example"}, "mobile": {"081338801234"},
		}
		p := s.post("/register", entity)
		wantRedirect(t, p)
		base, _, _ := strings.Cut(p.location, "?")
		prof := s.get(base)
		want(t, prof, http.StatusOK, `id="parties"`, "No related parties are registered")
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(prof.body)[1]
		token := tokenPattern.FindStringSubmatch(prof.body)[1]

		// A place without a name: 422 with the message next to the field,
		// and the rest of the form kept.
		p = s.post(base+"/places", url.Values{"csrf_token": {token}, "version": {version}, "address.street": {"Jl. Pantai Berawa 34"},
			"address.province_code": {"51"}, "address.regency_code": {"5103"}, "address.district_code": {"510306"}, "address.postal_code": {"80361"}})
		want(t, p, http.StatusUnprocessableEntity, `<p class="field-error" id="name-error">is required`, `value="Jl. Pantai Berawa 34"`, `<details class="form-box" open>`)

		p = s.post(base+"/places", url.Values{"csrf_token": {token}, "version": {version}, "name": {"Villa Berawa"}, "address.street": {"Jl. Pantai Berawa 34"},
			"address.province_code": {"51"}, "address.regency_code": {"5103"}, "address.district_code": {"510306"}, "address.postal_code": {"80361"}})
		wantRedirect(t, p)
		prof = s.get(p.location)
		want(t, prof, http.StatusOK, "The place of business is added", "Villa Berawa", "000001")
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(prof.body)[1]

		// A stale version is a 409 that says to reload.
		p = s.post(base+"/pkp", url.Values{"csrf_token": {token}, "version": {"1"}, "event": {"confirmed"}, "effective_date": {"2026-11-01"}})
		want(t, p, http.StatusConflict, "changed after it was loaded")

		p = s.post(base+"/parties", url.Values{"csrf_token": {token}, "version": {version}, "relation": {"director"}, "npwp": {"5171031204900003"}, "main_pic": {"true"}, "valid_from": {"2026-11-01"}})
		wantRedirect(t, p)
		prof = s.get(p.location)
		want(t, prof, http.StatusOK, "main PIC</span>", "Main PIC today")
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(prof.body)[1]
		partyID := regexp.MustCompile(`/parties/(\d+)/end`).FindStringSubmatch(prof.body)[1]

		p = s.post(base+"/parties/"+partyID+"/end", url.Values{"csrf_token": {token}, "version": {version}, "valid_until": {"2026-10-01"}})
		want(t, p, http.StatusUnprocessableEntity, `id="end-`+partyID+`-valid_until-error">is before the party&#39;s first day`)

		p = s.post(base+"/pkp", url.Values{"csrf_token": {token}, "version": {version}, "event": {"confirmed"}, "effective_date": {"2026-11-01"}, "note": {"S-123/PKP"}})
		wantRedirect(t, p)
		want(t, s.get(p.location), http.StatusOK, "PKP since 2026-11-01", "S-123/PKP")

		// Legacy NPWP link on the resident.
		res := s.get("/taxpayers/5171031204900003")
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(res.body)[1]
		p = s.post("/taxpayers/5171031204900003/links", url.Values{"csrf_token": {token}, "version": {version}, "legacy_npwp": {"12"}})
		want(t, p, http.StatusUnprocessableEntity, `id="link-legacy_npwp-error"`)

		// History pages.
		want(t, s.get(base+"#history"), http.StatusOK, "add_place", "pkp")
	})
}
