package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// rolesServer serves the API with the roles policy deciding access, as a
// server with accounts does.
func rolesServer(t *testing.T) *httptest.Server {
	t.Helper()
	db := storagetest.SQLite(t)
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules())
	reg := registration.NewService(db.Registration(), db.Registry(), policy, now, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: reg, Roles: roles.NewService(db.Roles(), policy, now), Logger: logger, Now: now})
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return srv
}

func TestRolesRoutesAnonymous(t *testing.T) {
	srv := rolesServer(t)
	res := do(t, srv, "GET", "/api/v1/roles", "", "")
	wantStatus(t, res, http.StatusOK)
	var cat struct {
		Roles []struct {
			Role string `json:"role"`
			Code string `json:"coretax_code"`
		} `json:"roles"`
	}
	if err := json.Unmarshal(res.body, &cat); err != nil {
		t.Fatal(err)
	}
	if len(cat.Roles) != 17 || cat.Roles[0].Role != "tax_invoice_drafter" || cat.Roles[14].Code != "ROLE_CTAS_PORTAL_STAMP_DUT_Y_TAX_RETURN_DRAFTER" {
		t.Errorf("catalogue = %+v", cat.Roles)
	}
	// Nobody signed in: every taxpayer's data is refused with 401, whatever
	// NPWP is guessed.
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/taxpayers/5171031204900003/roles", ""},
		{"POST", "/api/v1/taxpayers/5171031204900003/roles", `{"party_npwp": "5171031204900003", "role": "payment"}`},
		{"GET", "/api/v1/taxpayers/5171031204900003/invitations", ""},
		{"GET", "/api/v1/taxpayers/5171031204900003/profile", ""},
		{"GET", "/api/v1/access/why?taxpayer=5171031204900003&action=registration.read", ""},
		{"GET", "/api/v1/taxpayers?q=made", ""},
	} {
		ct := ""
		if c.body != "" {
			ct = "application/json"
		}
		res := do(t, srv, c.method, c.path, ct, c.body)
		if res.status != http.StatusUnauthorized && res.status != http.StatusNotFound {
			t.Errorf("%s %s anonymous = %d %s, want 401 (or 404 for an unknown NPWP)", c.method, c.path, res.status, res.body)
		}
	}
	res = do(t, srv, "POST", "/api/v1/taxpayers", "application/json", `{}`)
	if res.status == http.StatusUnauthorized || res.status == http.StatusForbidden {
		t.Errorf("anonymous registration refused: %d %s", res.status, res.body)
	}
	res = do(t, srv, "GET", "/api/v1/access/why?taxpayer=5171031204900003", "", "")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(string(res.body), `"action"`) {
		t.Errorf("why without action: %s", res.body)
	}
}

func TestRolesRoutesUnavailable(t *testing.T) {
	srv := apiServer(t)
	res := do(t, srv, "GET", "/api/v1/access/why?action=registration.read", "", "")
	wantStatus(t, res, http.StatusServiceUnavailable)
}
