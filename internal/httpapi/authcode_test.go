package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

type apiIssuer struct{}

func (apiIssuer) Issue(context.Context, int64, string) (authcode.Issued, error) {
	return authcode.Issued{Certificate: "serial 3", Code: "H4K7NP2QRT"}, nil
}

// TestAuthCodeAPI walks the wizard through the API under the manual
// policy, with an officer's approval, and checks that failures explain
// themselves.
func TestAuthCodeAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registry.NewService(db.Registry(), time.Now)
		rs := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{1}))
		w, err := demo.Load(ctx, demo.Services{Registry: reg, Registration: rs, Access: acc})
		if err != nil {
			t.Fatal(err)
		}
		cfg := authcode.DefaultConfig([32]byte{4})
		cfg.Policy = authcode.PolicyManual
		ac := authcode.NewService(authcode.Deps{Store: db.AuthCode(), Taxpayers: db.Registration(), Registries: db.Registry(),
			Accounts: db.Access(), Issuer: apiIssuer{}}, time.Now, cfg)
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h := httpapi.New(httpapi.Config{Registration: rs, Logger: logger, Access: acc, AuthCode: ac})
		srv := httptest.NewTLSServer(httpmw.Chain(h, logger, nil))
		defer srv.Close()
		e := &accessEnv{srv: srv, db: db, world: w}
		u := srv.URL + "/api/v1/authcode"

		anon := e.browser(t)
		if st, _, _ := call(t, anon, "GET", u+"/profiles", "", nil); st != 401 {
			t.Errorf("anonymous profiles: %d", st)
		}
		emp := e.browser(t)
		if st, out, _ := call(t, emp, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": string(w.Employee.NPWP), "password": "wirawan kopi pagi"}); st != 200 {
			t.Fatalf("employee login: %d %v", st, out)
		}
		st, out, _ := call(t, emp, "POST", u+"/requests", "", map[string]any{"subject_id": w.Company.ID})
		if st != 422 || !strings.Contains(fmt.Sprint(out), "consultants and other related parties cannot request the primary code") {
			t.Errorf("employee for the company: %d %v", st, out)
		}

		me := e.browser(t)
		if st, out, _ := call(t, me, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": string(w.Director.NPWP), "password": "gruber villa sunrise"}); st != 200 {
			t.Fatalf("director login: %d %v", st, out)
		}
		st, out, _ = call(t, me, "GET", u+"/profiles", "", nil)
		if st != 200 || !strings.Contains(fmt.Sprint(out), "you are the main PIC of PT Surya Kencana Villas") {
			t.Fatalf("profiles: %d %v", st, out)
		}
		st, out, _ = call(t, me, "POST", u+"/requests", "", map[string]any{"subject_id": w.Company.ID, "channel": "email"})
		if st != 201 {
			t.Fatalf("start: %d %v", st, out)
		}
		id := int64(out["request"].(map[string]any)["id"].(float64))
		if sent := out["code_sent"].(map[string]any); sent["channel"] != "email" {
			t.Errorf("code sent %v", sent)
		}
		var body string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE purpose = 'authcode_code' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		req := fmt.Sprintf("%s/requests/%d", u, id)
		st, out, _ = call(t, me, "POST", req+"/confirm", "", map[string]any{"code": regexp.MustCompile(`\d{6}`).FindString(body)})
		if st != 200 || out["state"] != "manual" {
			t.Fatalf("confirm: %d %v", st, out)
		}
		st, out, _ = call(t, me, "GET", u+"/request", "", nil)
		if st != 200 || out["state"] != "manual" || out["subject_npwp"] != string(w.Company.NPWP) {
			t.Errorf("current: %d %v", st, out)
		}
		if st, _, _ := call(t, me, "POST", req+"/decision", "", map[string]any{"approve": true}); st != 403 {
			t.Errorf("the director decides: %d", st)
		}

		officer := e.browser(t)
		if st, out, _ := call(t, officer, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": "budi", "password": "petugas kpp badung"}); st != 200 {
			t.Fatalf("officer login: %d %v", st, out)
		}
		st, out, _ = call(t, officer, "GET", u+"/queue", "", nil)
		if st != 200 || len(out["requests"].([]any)) != 1 {
			t.Fatalf("queue: %d %v", st, out)
		}
		st, out, _ = call(t, officer, "POST", req+"/decision", "", map[string]any{"approve": true, "reason": "KITAS checked"})
		if st != 200 || out["state"] != "ready" {
			t.Fatalf("approve: %d %v", st, out)
		}
		st, out, _ = call(t, me, "POST", req+"/issue", "", map[string]any{"passphrase": "gruber villa sunrise", "confirm": "gruber villa sunrise"})
		if st != 422 || !strings.Contains(fmt.Sprint(out), "needs an upper-case letter") {
			t.Errorf("weak passphrase: %d %v", st, out)
		}
		st, out, _ = call(t, me, "POST", req+"/issue", "", map[string]any{"passphrase": "Matahari#2026", "confirm": "Matahari#2026"})
		if st != 200 || out["code"] != "H4K7NP2QRT" {
			t.Fatalf("issue: %d %v", st, out)
		}
		st, out, _ = call(t, officer, "POST", u+"/reset", "", map[string]any{"npwp": string(w.Director.NPWP), "reason": "lost phone, passport checked"})
		if st != 201 || out["state"] != "ready" {
			t.Errorf("reset: %d %v", st, out)
		}
	})
}
