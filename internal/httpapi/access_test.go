package httpapi_test

import (
	"context"
	"encoding/json"
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
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

type accessEnv struct {
	srv   *httptest.Server
	db    *storage.DB
	world demo.World
}

func newAccessEnv(t *testing.T, db *storage.DB) *accessEnv {
	t.Helper()
	ctx := context.Background()
	clock := time.Now
	reg := registry.NewService(db.Registry(), clock)
	rs := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), clock, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: reg, Registration: rs})
	if err != nil {
		t.Fatal(err)
	}
	acc := access.NewService(db.Access(), nil, clock, access.DefaultConfig(access.Key{1}))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: rs, Registry: reg, Logger: logger, Access: acc})
	srv := httptest.NewTLSServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessEnv{srv: srv, db: db, world: w}
}

// browser is a client with its own cookie jar.
func (e *accessEnv) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *e.srv.Client()
	c.Jar = jar
	return &c
}

func call(t *testing.T, c *http.Client, method, url, bearer string, body any) (int, map[string]any, *http.Response) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out, res
}

func TestAccessAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newAccessEnv(t, db)
		u := e.srv.URL + "/api/v1/access"
		b := e.browser(t)
		nik := "5104050502680001"
		st, out, _ := call(t, b, "POST", u+"/activation", "", map[string]any{"id": nik})
		if st != 200 || out["npwp"] != string(e.world.VillaOwner.NPWP) {
			t.Fatalf("activation: %d %v", st, out)
		}
		st, out, _ = call(t, b, "POST", u+"/activation/code", "", map[string]any{"id": nik, "channel": "sms"})
		if st != 202 || !strings.HasSuffix(out["to"].(string), "788") {
			t.Fatalf("code: %d %v", st, out)
		}
		var msg string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE taxpayer_id = $1 ORDER BY id DESC LIMIT 1`, e.world.VillaOwner.ID).Scan(&msg); err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(msg)
		st, out, _ = call(t, b, "GET", u+"/activation/status?id="+nik, "", nil)
		if st != 200 || !strings.Contains(out["delivery"].(string), "by SMS") {
			t.Fatalf("status: %d %v", st, out)
		}
		const pw = "Sawah/terasering+'ubud'&$"
		st, out, _ = call(t, b, "POST", u+"/activation/complete", "", map[string]any{"id": nik, "code": code, "password": "12345678"})
		if st != 422 {
			t.Fatalf("common password: %d %v", st, out)
		}
		st, out, _ = call(t, b, "POST", u+"/activation/complete", "", map[string]any{"id": nik, "code": code, "password": pw})
		if st != 201 {
			t.Fatalf("complete: %d %v", st, out)
		}

		// Session fixation: a cookie the client chose is not a session.
		fixed := e.browser(t)
		fixed.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: access.CookieName, Value: "chosen-by-attacker"}})
		if st, _, _ := call(t, fixed, "GET", u+"/me", "", nil); st != 401 {
			t.Fatalf("fixed cookie: %d", st)
		}
		st, out, res := call(t, fixed, "POST", u+"/login", "", map[string]any{"login": nik, "password": pw})
		if st != 200 {
			t.Fatalf("login: %d %v", st, out)
		}
		var sc *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == access.CookieName {
				sc = c
			}
		}
		if sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteLaxMode || sc.Value == "chosen-by-attacker" {
			t.Fatalf("session cookie = %+v", sc)
		}
		st, out, _ = call(t, fixed, "GET", u+"/me", "", nil)
		if st != 200 || out["login"] != string(e.world.VillaOwner.NPWP) {
			t.Fatalf("me: %d %v", st, out)
		}

		// A token with registration:read reads but does not write.
		st, out, _ = call(t, fixed, "POST", u+"/tokens", "", map[string]any{"name": "ERP", "scopes": []string{"registration:read"}, "days": 30})
		if st != 201 {
			t.Fatalf("token: %d %v", st, out)
		}
		tok := out["token"].(string)
		id := int64(out["id"].(float64))
		api := e.srv.Client()
		tp := e.srv.URL + "/api/v1/taxpayers/" + string(e.world.VillaOwner.NPWP)
		if st, out, _ := call(t, api, "GET", tp, tok, nil); st != 200 {
			t.Fatalf("read with token: %d %v", st, out)
		}
		if st, out, _ := call(t, api, "PATCH", tp, tok, map[string]any{"version": 1}); st != 403 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "registration:write") {
			t.Fatalf("write with a read token: %d %v", st, out)
		}
		if st, _, _ := call(t, api, "GET", u+"/me", tok, nil); st != 403 {
			t.Fatalf("token on /access: %d", st)
		}
		if st, _, _ := call(t, api, "GET", tp, "not-a-token", nil); st != 401 {
			t.Fatalf("bad token: %d", st)
		}
		if st, _, _ := call(t, fixed, "POST", u+"/tokens/"+jsonInt(id)+"/revoke", "", map[string]any{}); st != 204 {
			t.Fatalf("revoke: %d", st)
		}
		if st, _, _ := call(t, api, "GET", tp, tok, nil); st != 401 {
			t.Fatalf("revoked token: %d", st)
		}

		// Without Content-Type: application/json a cookie-signed request
		// that changes something is refused (a cross-site form cannot send it).
		if st, _, _ := call(t, fixed, "POST", u+"/logout-everywhere", "", nil); st != 403 {
			t.Fatalf("logout everywhere without JSON: %d", st)
		}
		if st, _, _ := call(t, fixed, "POST", u+"/logout", "", map[string]any{}); st != 204 {
			t.Fatalf("logout: %d", st)
		}
		if st, _, _ := call(t, fixed, "GET", u+"/me", "", nil); st != 401 {
			t.Fatalf("me after logout: %d", st)
		}
	})
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
