package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// now is the test clock: a Tuesday in November 2026, 10:00 WIB.
func now() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }

const population = `nik,name,birth_date,sex,street,province_code,regency_code,district_code
5171031204900003,MADE WIRAWAN,1990-04-12,M,Jl. Gunung Agung No. 17,51,5171,517103
5104054502880002,NI KADEK SARI,1988-02-05,F,Jl. Raya Ubud 3,51,5104,510405
`

const companies = `registry_number,name,legal_form,deed_number,officer_position,officer_name,officer_nik,officer_passport_number,officer_nationality
9120001234567,PT SURYA KENCANA VILLAS,PT_PMA,12,director,MADE WIRAWAN,5171031204900003,,
`

// apiServer serves the API on a fresh SQLite database, behind the same
// middleware as the real server, and loads the reference registries
// through the import route.
func apiServer(t *testing.T) *httptest.Server {
	t.Helper()
	return apiServerOn(t, storagetest.SQLite(t))
}

// apiServerOn is apiServer on a given database, for tests that run on
// every dialect.
func apiServerOn(t *testing.T, db *storage.DB) *httptest.Server {
	t.Helper()
	reg := registry.NewService(db.Registry(), now)
	svc := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: svc, Registry: reg, Logger: logger, Now: now})
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	for kind, csv := range map[string]string{"population": population, "company": companies} {
		res := do(t, srv, "POST", "/api/v1/registries/"+kind+"/import", "text/csv", csv)
		wantStatus(t, res, http.StatusOK)
	}
	return srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, srv *httptest.Server, method, path, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func doJSON(t *testing.T, srv *httptest.Server, method, path string, body any) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, srv, method, path, "application/json", string(b))
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

type apiError struct {
	Error struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Value   string `json:"value"`
			Message string `json:"message"`
		} `json:"fields"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// wantError checks an error response and returns the message on field (""
// when field is "").
func wantError(t *testing.T, r response, status int, kind, field string) string {
	t.Helper()
	wantStatus(t, r, status)
	e := decode[apiError](t, r)
	if e.Error.Kind != kind {
		t.Errorf("kind = %q, want %q", e.Error.Kind, kind)
	}
	if e.Error.Message == "" {
		t.Error("error has no message")
	}
	if id := r.header.Get("X-Request-ID"); e.Error.RequestID != id || id == "" {
		t.Errorf("request_id = %q, want the X-Request-ID %q", e.Error.RequestID, id)
	}
	if field == "" {
		return ""
	}
	for _, f := range e.Error.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	t.Fatalf("no error on field %s in %s", field, r.body)
	return ""
}

func resident() map[string]any {
	return map[string]any{
		"kind": "resident_individual",
		"name": "Made Wirawan",
		"nik":  "5171031204900003",
		"address": map[string]any{
			"street": "Jl. Gunung Agung No. 17", "province_code": "51", "regency_code": "5171",
			"district_code": "517103", "postal_code": "80117",
		},
		"email":  "made.wirawan@mail.example",
		"mobile": "0812-3760-4411",
	}
}

func entity() map[string]any {
	return map[string]any{
		"kind": "entity", "name": "PT Surya Kencana Villas", "entity_form": "PT_PMA",
		"deed_number": "12", "registry_number": "9120001234567",
		"address": map[string]any{
			"street": "Jl. Raya Uluwatu 88", "province_code": "51", "regency_code": "5103",
			"district_code": "510305", "postal_code": "80361",
		},
		"email": "finance@suryakencana.example", "mobile": "081338801234",
	}
}

type taxpayer struct {
	NPWP    string `json:"npwp"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Mobile  string `json:"mobile"`
	Version int    `json:"version"`
	Address struct {
		RegencyCode string `json:"regency_code"`
	} `json:"address"`
	RegisteredAt string `json:"registered_at"`
}

func TestRegisterAndRead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := apiServerOn(t, db)
		r := doJSON(t, srv, "POST", "/api/v1/taxpayers", resident())
		wantStatus(t, r, http.StatusCreated)
		tp := decode[taxpayer](t, r)
		if tp.NPWP != "5171031204900003" || tp.Email != "made.wirawan@mail.example" || tp.Mobile != "+6281237604411" || tp.Version != 1 {
			t.Errorf("registered %+v", tp)
		}
		if _, err := time.Parse(time.RFC3339, tp.RegisteredAt); err != nil {
			t.Errorf("registered_at %q is not RFC 3339", tp.RegisteredAt)
		}
		if got, want := r.header.Get("Location"), "/api/v1/taxpayers/5171031204900003"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}

		r = do(t, srv, "GET", "/api/v1/taxpayers/5171.0312.0490.0003", "", "")
		wantStatus(t, r, http.StatusOK)
		if got := decode[taxpayer](t, r); got.Name != "Made Wirawan" {
			t.Errorf("GET taxpayer name = %q", got.Name)
		}

		r = do(t, srv, "GET", "/api/v1/taxpayers/5171031204900003/profile", "", "")
		wantStatus(t, r, http.StatusOK)
		prof := decode[struct {
			Today  string `json:"today"`
			Places []struct {
				NITKU      string `json:"nitku"`
				HeadOffice bool   `json:"head_office"`
			} `json:"places"`
			MainPIC *json.RawMessage `json:"main_pic"`
			PKP     struct {
				PKP bool `json:"pkp"`
			} `json:"pkp"`
		}](t, r)
		if prof.Today != "2026-11-24" || len(prof.Places) != 1 || prof.Places[0].NITKU != "5171031204900003000000" || !prof.Places[0].HeadOffice || prof.MainPIC != nil || prof.PKP.PKP {
			t.Errorf("profile = %s", r.body)
		}

		r = do(t, srv, "GET", "/api/v1/taxpayers/5171031204900003/history?limit=1", "", "")
		wantStatus(t, r, http.StatusOK)
		hist := decode[struct {
			Changes []struct{ Action string } `json:"changes"`
			Next    *string                   `json:"next"`
		}](t, r)
		if len(hist.Changes) != 1 || hist.Changes[0].Action != "register" || hist.Next == nil {
			t.Errorf("history = %s", r.body)
		}
		r = do(t, srv, "GET", "/api/v1/taxpayers/5171031204900003/history?limit=1&before="+*hist.Next, "", "")
		wantStatus(t, r, http.StatusOK)
		if got := decode[struct{ Changes []any }](t, r); len(got.Changes) != 0 {
			t.Errorf("second history page = %s, want empty", r.body)
		}

		r = do(t, srv, "GET", "/api/v1/taxpayers?q=Wira", "", "")
		wantStatus(t, r, http.StatusOK)
		found := decode[struct {
			Taxpayers []struct{ NPWP string } `json:"taxpayers"`
			Next      *string                 `json:"next"`
		}](t, r)
		if len(found.Taxpayers) != 1 || found.Taxpayers[0].NPWP != "5171031204900003" || found.Next != nil {
			t.Errorf("search by name = %s", r.body)
		}
		r = do(t, srv, "GET", "/api/v1/taxpayers?q=5171.03", "", "")
		wantStatus(t, r, http.StatusOK)
		if got := decode[struct{ Taxpayers []any }](t, r); len(got.Taxpayers) != 1 {
			t.Errorf("search by number = %s", r.body)
		}
	})
}

func TestEntityLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := apiServerOn(t, db)
		wantStatus(t, doJSON(t, srv, "POST", "/api/v1/taxpayers", resident()), http.StatusCreated)
		r := doJSON(t, srv, "POST", "/api/v1/taxpayers", entity())
		wantStatus(t, r, http.StatusCreated)
		co := decode[taxpayer](t, r)
		base := "/api/v1/taxpayers/" + co.NPWP

		r = doJSON(t, srv, "POST", base+"/places", map[string]any{"version": co.Version, "name": "Villa Berawa",
			"address": map[string]any{"street": "Jl. Pantai Berawa 34", "province_code": "51", "regency_code": "5103", "district_code": "510306", "postal_code": "80361"}})
		wantStatus(t, r, http.StatusCreated)
		if got := decode[struct{ NITKU string }](t, r); got.NITKU != co.NPWP+"000001" {
			t.Errorf("branch NITKU = %q, want %s000001", got.NITKU, co.NPWP)
		}

		// The version moved on: the old one is stale.
		r = doJSON(t, srv, "POST", base+"/parties", map[string]any{"version": co.Version, "relation": "director", "npwp": "5171031204900003", "main_pic": true, "valid_from": "2026-11-01"})
		wantError(t, r, http.StatusConflict, "conflict", "")

		r = do(t, srv, "GET", base, "", "")
		co = decode[taxpayer](t, r)
		r = doJSON(t, srv, "POST", base+"/parties", map[string]any{"version": co.Version, "relation": "director", "npwp": "5171031204900003", "main_pic": true, "valid_from": "2026-11-01"})
		wantStatus(t, r, http.StatusCreated)
		party := decode[struct {
			ID          int64 `json:"id"`
			MainPIC     bool  `json:"main_pic"`
			ActiveToday bool  `json:"active_today"`
		}](t, r)
		if !party.MainPIC || !party.ActiveToday {
			t.Errorf("party = %s", r.body)
		}

		co = decode[taxpayer](t, do(t, srv, "GET", base, "", ""))
		r = doJSON(t, srv, "POST", base+"/pkp-events", map[string]any{"version": co.Version, "event": "confirmed", "effective_date": "2026-11-01", "note": "pengukuhan"})
		wantStatus(t, r, http.StatusCreated)

		r = do(t, srv, "GET", base+"/profile", "", "")
		wantStatus(t, r, http.StatusOK)
		prof := decode[struct {
			MainPIC *struct{ Name string } `json:"main_pic"`
			PKP     struct {
				PKP   bool    `json:"pkp"`
				Since *string `json:"since"`
			} `json:"pkp"`
		}](t, r)
		if prof.MainPIC == nil || prof.MainPIC.Name != "Made Wirawan" || !prof.PKP.PKP || prof.PKP.Since == nil || *prof.PKP.Since != "2026-11-01" {
			t.Errorf("profile = %s", r.body)
		}

		co = decode[taxpayer](t, do(t, srv, "GET", base, "", ""))
		r = doJSON(t, srv, "POST", base+"/parties/"+jsonInt(party.ID)+"/end", map[string]any{"version": co.Version, "valid_until": "2026-10-01"})
		wantError(t, r, http.StatusUnprocessableEntity, "invalid", "valid_until")
		r = doJSON(t, srv, "POST", base+"/parties/"+jsonInt(party.ID)+"/end", map[string]any{"version": co.Version, "valid_until": "2026-12-31"})
		wantStatus(t, r, http.StatusNoContent)

		r = do(t, srv, "GET", "/api/v1/taxpayers/5171031204900003/represented", "", "")
		wantStatus(t, r, http.StatusOK)
		if got := decode[struct{ Parties []any }](t, r); len(got.Parties) != 1 {
			t.Errorf("represented = %s", r.body)
		}

		co = decode[taxpayer](t, do(t, srv, "GET", base, "", ""))
		r = doJSON(t, srv, "PATCH", base, map[string]any{"version": co.Version, "mobile": "0813 3880 9999"})
		wantStatus(t, r, http.StatusOK)
		if got := decode[taxpayer](t, r); got.Mobile != "+6281338809999" || got.Version != co.Version+1 {
			t.Errorf("after PATCH: %s", r.body)
		}
		r = doJSON(t, srv, "PATCH", base, map[string]any{"mobile": "0813 3880 9999"})
		wantError(t, r, http.StatusUnprocessableEntity, "invalid", "version")
	})
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRegisterInvalid(t *testing.T) {
	srv := apiServer(t)
	app := resident()
	app["address"].(map[string]any)["regency_code"] = "5199"
	app["email"] = "not an address"
	r := doJSON(t, srv, "POST", "/api/v1/taxpayers", app)
	msg := wantError(t, r, http.StatusUnprocessableEntity, "invalid", "address.regency_code")
	if !strings.Contains(msg, "4-digit") {
		t.Errorf("regency message = %q", msg)
	}
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", "email")
}

func TestNotFound(t *testing.T) {
	srv := apiServer(t)
	r := do(t, srv, "GET", "/api/v1/taxpayers/5104054502880002", "", "")
	wantError(t, r, http.StatusNotFound, "not_found", "")
	r = do(t, srv, "GET", "/api/v1/no/such/route", "", "")
	wantError(t, r, http.StatusNotFound, "not_found", "")
	r = do(t, srv, "DELETE", "/api/v1/taxpayers/5104054502880002", "", "")
	wantError(t, r, http.StatusMethodNotAllowed, "invalid", "")
	if allow := r.header.Get("Allow"); allow != "GET, PATCH, HEAD" {
		t.Errorf("Allow = %q", allow)
	}
	r = do(t, srv, "POST", "/api/v1/registries/tax/import", "text/csv", "a,b\n")
	wantError(t, r, http.StatusNotFound, "not_found", "")
}

func TestDuplicateEmail(t *testing.T) {
	srv := apiServer(t)
	wantStatus(t, doJSON(t, srv, "POST", "/api/v1/taxpayers", resident()), http.StatusCreated)
	other := map[string]any{
		"kind": "resident_individual", "name": "Ni Kadek Sari", "nik": "5104054502880002",
		"address": map[string]any{"street": "Jl. Raya Ubud 3", "province_code": "51", "regency_code": "5104", "district_code": "510405", "postal_code": "80571"},
		"email":   "MADE.WIRAWAN@mail.example", "mobile": "081299990000",
	}
	r := doJSON(t, srv, "POST", "/api/v1/taxpayers", other)
	msg := wantError(t, r, http.StatusConflict, "conflict", "email")
	if !strings.Contains(msg, "e-mail") {
		t.Errorf("email message = %q", msg)
	}
}

func TestDecodeErrors(t *testing.T) {
	srv := apiServer(t)
	for _, tc := range []struct {
		name, body, contentType string
		field                   string // "" when no field is named
		want                    string // in the field message, or else in the message
	}{
		{"unknown member", "{\n  \"kind\": \"entity\",\n  \"nickname\": \"x\"\n}", "application/json", "nickname", "line 3, column 3"},
		{"unknown member lists the accepted", `{"nickname": "x"}`, "application/json", "nickname", "registry_number"},
		{"nested unknown member", `{"kind": "entity", "address": {"street": "x", "zip": "80361"}}`, "application/json", "address.zip", "are street, province_code"},
		{"malformed", "{\n  \"kind\": \"entity\",,\n}", "application/json", "", "line 2, column 20"},
		{"wrong type", `{"kind": 7}`, "application/json", "kind", "must be a string, not a number"},
		{"nested wrong type", `{"address": {"postal_code": 80361}}`, "application/json", "address.postal_code", "must be a string"},
		{"not an object", `[1]`, "application/json", "", "must be a JSON object"},
		{"trailing data", `{"kind": "entity"} {}`, "application/json", "", "after the JSON object"},
		{"empty", ``, "application/json", "", "empty"},
		{"truncated", `{"kind": "en`, "application/json", "", "ends before"},
		{"wrong content type", `kind=entity`, "application/x-www-form-urlencoded", "", "Content-Type: application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, "POST", "/api/v1/taxpayers", tc.contentType, tc.body)
			msg := wantError(t, r, http.StatusUnprocessableEntity, "invalid", tc.field)
			if tc.field == "" {
				msg = decode[apiError](t, r).Error.Message
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	r := do(t, srv, "POST", "/api/v1/taxpayers", "application/json", big)
	wantError(t, r, http.StatusRequestEntityTooLarge, "invalid", "")
}

func TestImportErrors(t *testing.T) {
	srv := apiServer(t)
	bad := "nik,name,birth_date,sex,street,province_code,regency_code,district_code\n5171031204900003,MADE,1990-13-12,M,Jl. X,51,5171,517103\n"
	r := do(t, srv, "POST", "/api/v1/registries/population/import", "text/csv", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !bytes.Contains(r.body, []byte("birth_date")) {
		t.Errorf("import error = %s, want the bad column named", r.body)
	}
	r = do(t, srv, "POST", "/api/v1/registries/population/import", "text/plain", bad)
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", "Content-Type")
}

func TestCheckID(t *testing.T) {
	srv := apiServer(t)
	r := do(t, srv, "GET", "/api/v1/id/check?value=5171.0312.0490.0003", "", "")
	wantStatus(t, r, http.StatusOK)
	got := decode[httpapi.IDCheck](t, r)
	if got.Kind != "nik" || !got.Valid || got.Normalized != "5171031204900003" || got.NIK == nil || got.NIK.BirthDate != "1990-04-12" {
		t.Errorf("check = %s", r.body)
	}
	r = do(t, srv, "GET", "/api/v1/id/check?value=12345", "", "")
	wantStatus(t, r, http.StatusOK)
	if got := decode[httpapi.IDCheck](t, r); got.Valid || len(got.Errors) == 0 {
		t.Errorf("check of 12345 = %s, want invalid with errors", r.body)
	}
	wantError(t, do(t, srv, "GET", "/api/v1/id/check?value=1&kind=iban", "", ""), http.StatusUnprocessableEntity, "invalid", "kind")
	wantError(t, do(t, srv, "GET", "/api/v1/id/check", "", ""), http.StatusUnprocessableEntity, "invalid", "value")
}
