package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

// uploadEnv serves the API with bulk uploads running. An upload is a
// file, not JSON, so clients use API tokens (a session cookie changes
// nothing without Content-Type: application/json).
type uploadEnv struct {
	srv *httptest.Server
	w   demo.World
	// director and stranger are API tokens: the director's for the
	// company, the villa owner's for himself.
	director, stranger string
	client             *http.Client
}

func newUploadEnv(t *testing.T, db *storage.DB) *uploadEnv {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()))
	acc := access.NewService(db.Access(), policy, now, access.DefaultConfig(access.Key{1}))
	ca, _, err := pki.NewCA("test", now().AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "translog.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(db.TransLog(), key, now)
	if err != nil {
		t.Fatal(err)
	}
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	sig := signing.NewService(db.Signing(), ca, tl, policy, nil, now, cfg)
	fk := efaktur.NewService(db.EFaktur(), db.Registration(), sig, policy, now, efaktur.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc, Signing: sig, EFaktur: fk})
	if err != nil {
		t.Fatal(err)
	}
	ups := efaktur.NewUploads(fk, db.EFaktur(), efaktur.DefaultUploadConfig())
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); ups.Run(runCtx) }()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: reg, Registry: rs, Logger: logger, Now: now, Access: acc, Signing: sig, EFaktur: fk, EFakturUploads: ups})
	srv := httptest.NewTLSServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(func() { srv.Close(); stop(); <-ran })
	ae := &accessEnv{srv: srv, db: db, world: w}
	token := func(login, password, npwp string) string {
		c := ae.browser(t)
		if st, out, _ := call(t, c, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": login, "password": password}); st != 200 {
			t.Fatalf("login %s: %d %v", login, st, out)
		}
		st, out, _ := call(t, c, "POST", srv.URL+"/api/v1/access/tokens", "", map[string]any{"name": "ERP", "npwp": npwp, "scopes": []string{"registration:write"}, "days": 30})
		if st != http.StatusCreated && st != http.StatusOK {
			t.Fatalf("token for %s: %d %v", npwp, st, out)
		}
		return out["token"].(string)
	}
	return &uploadEnv{srv: srv, w: w, client: srv.Client(),
		director: token(string(w.Director.NPWP), "gruber villa sunrise", string(w.Company.NPWP)),
		stranger: token(string(w.VillaOwner.NPWP), "sudarma sawah hijau", string(w.VillaOwner.NPWP))}
}

// bulk writes n invoices of the company to the villa owner, the second
// one with VAT that does not add up.
func (e *uploadEnv) bulk(t *testing.T, n int) []byte {
	t.Helper()
	d := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	co, owner := string(e.w.Company.NPWP), string(e.w.VillaOwner.NPWP)
	var b bytes.Buffer
	wr := efaktur.NewWriter(&b, co)
	for i := 1; i <= n; i++ {
		l, err := efaktur.ComputeLine(d, efaktur.TrxOtherValue, efaktur.LineInput{Kind: efaktur.Services, Code: "000000", Name: "Villa management",
			Unit: "UM.0030", Price: 100000_00, Qty: 100})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			l.VAT += 1_00
		}
		inv := &efaktur.Invoice{Date: d, Option: "Normal", TrxCode: efaktur.TrxOtherValue, RefDesc: "UP-" + strconv.Itoa(i), SellerIDTKU: co + "000000",
			Buyer: efaktur.Buyer{TIN: owner, Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-", Name: e.w.VillaOwner.Name,
				Address: "Jl. Sawah Hijau 1, Ubud", IDTKU: owner + "000000"},
			Lines: []efaktur.Line{l}}
		if err := wr.Write(inv); err != nil {
			t.Fatal(err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (e *uploadEnv) do(t *testing.T, token string, r *http.Request) (int, map[string]any) {
	t.Helper()
	r.Header.Set("Authorization", "Bearer "+token)
	res, err := e.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

func TestUploadRoutes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newUploadEnv(t, db)
		base := e.srv.URL + "/api/v1/taxpayers/" + string(e.w.Company.NPWP) + "/efaktur/uploads"
		data := e.bulk(t, 3)

		// Multipart with the passphrase: approve.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("passphrase", demo.DirectorPassphrase)
		fw, _ := mw.CreateFormFile("file", "november.xml")
		fw.Write(data)
		mw.Close()
		post := func() *http.Request {
			r, _ := http.NewRequest("POST", base, bytes.NewReader(body.Bytes()))
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.Header.Set("Idempotency-Key", "nov-1")
			return r
		}
		if st, out := e.do(t, e.stranger, post()); st != http.StatusForbidden {
			t.Errorf("stranger: %d %v", st, out)
		}
		st, job := e.do(t, e.director, post())
		if st != http.StatusAccepted || job["file_name"] != "november.xml" || job["approve"] != true || job["total"] != 3.0 {
			t.Fatalf("upload: %d %v", st, job)
		}
		id := strconv.FormatInt(int64(job["id"].(float64)), 10)
		if st, again := e.do(t, e.director, post()); st != http.StatusOK || again["id"] != job["id"] {
			t.Errorf("same key: %d %v", st, again)
		}
		deadline := time.Now().Add(20 * time.Second)
		for job["state"] == "queued" || job["state"] == "running" {
			if time.Now().After(deadline) {
				t.Fatalf("job did not end: %v", job)
			}
			time.Sleep(10 * time.Millisecond)
			r, _ := http.NewRequest("GET", base+"/"+id, nil)
			_, job = e.do(t, e.director, r)
		}
		if job["state"] != "done" || job["stored"] != 2.0 || job["rejected"] != 1.0 {
			t.Fatalf("job = %v", job)
		}
		r, _ := http.NewRequest("GET", base+"/"+id+"/problems?limit=1", nil)
		st, ps := e.do(t, e.director, r)
		problems, _ := ps["problems"].([]any)
		if st != 200 || len(problems) != 1 {
			t.Fatalf("problems: %d %v", st, ps)
		}
		p := problems[0].(map[string]any)
		if p["invoice"] != 2.0 || p["line"] != 1.0 || p["rule"] != "arithmetic" || p["xml_line"].(float64) <= 0 || p["fix"] == "" ||
			!strings.Contains(p["path"].(string), "TaxInvoice[2]/ListOfGoodService/GoodService[1]") {
			t.Errorf("problem = %v", p)
		}
		r, _ = http.NewRequest("GET", base, nil)
		if st, l := e.do(t, e.director, r); st != 200 || len(l["uploads"].([]any)) != 1 {
			t.Errorf("list: %d %v", st, l)
		}
		r, _ = http.NewRequest("POST", base+"/"+id+"/cancel", nil)
		if st, out := e.do(t, e.director, r); st != http.StatusConflict {
			t.Errorf("cancel an ended job: %d %v", st, out)
		}

		// A raw body with a wrong passphrase: no job.
		r, _ = http.NewRequest("POST", base, bytes.NewReader(e.bulk(t, 1)))
		r.Header.Set("Content-Type", "application/xml")
		r.Header.Set("X-Signing-Passphrase", "wrong")
		if st, out := e.do(t, e.director, r); st != http.StatusUnprocessableEntity {
			t.Errorf("wrong passphrase: %d %v", st, out)
		}
		// JSON is not a file.
		r, _ = http.NewRequest("POST", base, strings.NewReader("{}"))
		r.Header.Set("Content-Type", "application/json")
		if st, out := e.do(t, e.director, r); st != http.StatusUnprocessableEntity {
			t.Errorf("json body: %d %v", st, out)
		}
		r, _ = http.NewRequest("GET", base, nil)
		if _, l := e.do(t, e.director, r); len(l["uploads"].([]any)) != 1 {
			t.Errorf("jobs after refusals: %v", l)
		}
	})
}
