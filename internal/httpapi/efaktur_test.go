package httpapi_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
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

// fakturEnv serves the API with e-Faktur, signing and accounts on the
// demo world with its fakturs, on the test clock.
type fakturEnv struct {
	srv *httptest.Server
	w   demo.World
	svc *efaktur.Service
	// director is signed in as the director acting for the company;
	// owner as the villa owner.
	director, owner *http.Client
}

func newFakturEnv(t *testing.T, db *storage.DB) *fakturEnv {
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
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: reg, Registry: rs, Logger: logger, Now: now, Access: acc, Signing: sig, EFaktur: fk})
	srv := httptest.NewTLSServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	e := &fakturEnv{srv: srv, w: w, svc: fk}
	ae := &accessEnv{srv: srv, db: db, world: w}
	e.director, e.owner = ae.browser(t), ae.browser(t)
	login := func(c *http.Client, login, password string) {
		if st, out, _ := call(t, c, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": login, "password": password}); st != 200 {
			t.Fatalf("login %s: %d %v", login, st, out)
		}
	}
	login(e.director, string(w.Director.NPWP), "gruber villa sunrise")
	if st, out, _ := call(t, e.director, "POST", srv.URL+"/api/v1/access/acting-for", "", map[string]any{"npwp": string(w.Company.NPWP)}); st != 200 {
		t.Fatalf("act for the company: %d %v", st, out)
	}
	login(e.owner, string(w.VillaOwner.NPWP), "sudarma sawah hijau")
	return e
}

// req sends a request with a JSON body (nil for none) and returns the
// status and the raw body.
func (e *fakturEnv) req(t *testing.T, c *http.Client, method, path string, body any) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	r, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if method != "GET" {
		r.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b, res.Header
}

// record sends a request that answers a faktur and decodes it, failing
// unless the status is want.
func (e *fakturEnv) record(t *testing.T, c *http.Client, method, path string, body any, want int) efaktur.Record {
	t.Helper()
	st, b, _ := e.req(t, c, method, path, body)
	if st != want {
		t.Fatalf("%s %s = %d, want %d\n%s", method, path, st, want, b)
	}
	var r efaktur.Record
	strictJSON(t, b, &r)
	return r
}

func strictJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// fieldOf returns the message of the error's field, failing unless the
// status and the field are there.
func fieldOf(t *testing.T, st int, b []byte, status int, field string) string {
	t.Helper()
	if st != status {
		t.Fatalf("status = %d, want %d\n%s", st, status, b)
	}
	var e apiError
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	for _, f := range e.Error.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	t.Fatalf("no field %q in %s", field, b)
	return ""
}

// form is a faktur to the villa owner dated 20 November 2026 with one
// line of services at price × 1.
func (e *fakturEnv) form(ref, price string) map[string]any {
	return map[string]any{
		"date": "2026-11-20", "trx_code": "04", "reference": ref,
		"buyer": map[string]any{"tin": string(e.w.VillaOwner.NPWP), "document": "TIN", "name": e.w.VillaOwner.Name, "address": "Jl. Raya Pengosekan, Ubud"},
		"lines": []any{map[string]any{"kind": "B", "code": "000000", "name": "Villa management", "unit": "UM.0030", "price": price, "quantity": "1"}},
	}
}

type page struct {
	Fakturs []efaktur.Record `json:"fakturs"`
	Next    string           `json:"next"`
}

// all pages through a list with the query q, limit per page.
func (e *fakturEnv) all(t *testing.T, c *http.Client, npwp, q string, limit int) []efaktur.Record {
	t.Helper()
	var out []efaktur.Record
	after := ""
	for range 100 {
		path := fmt.Sprintf("/api/v1/taxpayers/%s/efaktur/fakturs?limit=%d&%s", npwp, limit, q)
		if after != "" {
			path += "&after=" + after
		}
		st, b, _ := e.req(t, c, "GET", path, nil)
		if st != 200 {
			t.Fatalf("GET %s = %d\n%s", path, st, b)
		}
		var p page
		strictJSON(t, b, &p)
		if len(p.Fakturs) > limit {
			t.Fatalf("page of %d rows with limit %d", len(p.Fakturs), limit)
		}
		out = append(out, p.Fakturs...)
		if p.Next == "" {
			return out
		}
		after = p.Next
	}
	t.Fatal("the list never ends")
	return nil
}

func ids(rs []efaktur.Record) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestEFakturAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newFakturEnv(t, db)
		co, owner := string(e.w.Company.NPWP), string(e.w.VillaOwner.NPWP)
		base := "/api/v1/taxpayers/" + co + "/efaktur/fakturs"

		// The demo's fakturs: two approved (the first credited by the
		// villa owner) and one draft.
		demoList := e.all(t, e.director, co, "", 50)
		if len(demoList) != 3 || demoList[0].Status != efaktur.Draft || demoList[1].Status != efaktur.Approved || demoList[2].Credit != efaktur.Credited {
			t.Fatalf("demo fakturs = %+v", demoList)
		}

		// Key in: the golden vector of the domain notes.
		d := e.record(t, e.director, "POST", base, e.form("INV-1", "100000"), http.StatusCreated)
		if d.Status != efaktur.Draft || d.Number != "" || d.Version != 1 || d.Totals.VAT != "11000" || d.Lines[0].OtherTaxBase != "91666.67" ||
			d.Lines[0].VATRate != "12" || d.SellerNITKU != co+"000000" || d.Buyer.NITKU != owner+"000000" {
			t.Errorf("draft = %+v", d)
		}
		bad := e.form("INV-X", "1.234")
		bad["date"] = "20-11-2026"
		st, b, _ := e.req(t, e.director, "POST", base, bad)
		if msg := fieldOf(t, st, b, http.StatusUnprocessableEntity, "lines[0].price"); !strings.Contains(msg, "1.234") && !strings.Contains(msg, "decimal") {
			t.Errorf("price message %q", msg)
		}
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "date")
		noBuyer := e.form("INV-X", "100")
		noBuyer["buyer"] = map[string]any{"tin": "0010000016000001", "document": "TIN", "name": "X", "address": "Y"}
		st, b, _ = e.req(t, e.director, "POST", base, noBuyer)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "buyer.tin")

		// Edit and delete a draft, each at its version.
		got := e.record(t, e.director, "GET", fmt.Sprintf("%s/%d", base, d.ID), nil, http.StatusOK)
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("GET after POST (-want +got):\n%s", diff)
		}
		u := e.record(t, e.director, "PUT", fmt.Sprintf("%s/%d", base, d.ID), map[string]any{"version": 1, "faktur": e.form("INV-1b", "200000")}, http.StatusOK)
		if u.Version != 2 || u.Reference != "INV-1b" || u.Totals.VAT != "22000" {
			t.Errorf("updated = %+v", u)
		}
		st, b, _ = e.req(t, e.director, "PUT", fmt.Sprintf("%s/%d", base, d.ID), map[string]any{"version": 1, "faktur": e.form("INV-1c", "1")})
		if st != http.StatusConflict {
			t.Errorf("stale PUT = %d %s", st, b)
		}
		st, b, _ = e.req(t, e.director, "DELETE", fmt.Sprintf("%s/%d", base, d.ID), nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "version")
		if st, b, _ := e.req(t, e.director, "DELETE", fmt.Sprintf("%s/%d?version=2", base, d.ID), nil); st != http.StatusNoContent {
			t.Fatalf("DELETE = %d %s", st, b)
		}
		if st, _, _ := e.req(t, e.director, "GET", fmt.Sprintf("%s/%d", base, d.ID), nil); st != http.StatusNotFound {
			t.Errorf("deleted draft answers %d", st)
		}

		// Key in and approve seven more with one passphrase entry.
		var refs []map[string]any
		for i := range 7 {
			r := e.record(t, e.director, "POST", base, e.form(fmt.Sprintf("INV-%d", 10+i), strconv.Itoa(100000*(i+1))), http.StatusCreated)
			refs = append(refs, map[string]any{"id": r.ID, "version": r.Version})
		}
		st, b, _ = e.req(t, e.director, "POST", base+"/approve", map[string]any{"fakturs": refs, "passphrase": "wrong"})
		if st != http.StatusUnprocessableEntity {
			t.Errorf("approve with a wrong passphrase = %d %s", st, b)
		}
		st, b, _ = e.req(t, e.director, "POST", base+"/approve", map[string]any{"fakturs": refs, "passphrase": demo.DirectorPassphrase})
		if st != http.StatusOK {
			t.Fatalf("approve = %d %s", st, b)
		}
		var approved struct {
			Fakturs []efaktur.Record `json:"fakturs"`
		}
		strictJSON(t, b, &approved)
		if len(approved.Fakturs) != 7 {
			t.Fatalf("approved %d", len(approved.Fakturs))
		}
		for _, a := range approved.Fakturs {
			if a.Status != efaktur.Approved || len(a.Number) != 17 || a.Signature == "" || a.ApprovedBy != e.w.Director.Name {
				t.Errorf("approved = %+v", a)
			}
		}
		// The owner cannot approve for the company.
		if st, _, _ := e.req(t, e.owner, "POST", base+"/approve", map[string]any{}); st != http.StatusForbidden {
			t.Errorf("owner approving for the company = %d", st)
		}

		// Paging: ten fakturs in pages of three, newest first, each once.
		every := e.all(t, e.director, co, "", 3)
		if len(every) != 10 {
			t.Fatalf("paged list has %d fakturs, want 10: %v", len(every), ids(every))
		}
		for i := 1; i < len(every); i++ {
			if every[i].ID >= every[i-1].ID {
				t.Fatalf("not newest first: %v", ids(every))
			}
		}
		if diff := cmp.Diff(every, e.all(t, e.director, co, "", 1000)); diff != "" {
			t.Errorf("pages differ from one page (-paged +one):\n%s", diff)
		}

		// Filters.
		for _, tt := range []struct {
			q    string
			want int
		}{
			{"status=draft", 1},
			{"status=approved", 9},
			{"reference=INV-12", 1},
			{"number=" + approved.Fakturs[0].Number, 1},
			{"period=2026-11", 10},
			{"period=2026-10", 0},
			{"from=2026-11-21&to=2026-11-30", 3},
			{"counterparty=" + owner, 10},
			{"trx_code=04", 10},
			{"credit=credited", 1},
		} {
			if got := e.all(t, e.director, co, tt.q, 4); len(got) != tt.want {
				t.Errorf("%s: %d fakturs, want %d", tt.q, len(got), tt.want)
			}
		}
		st, b, _ = e.req(t, e.director, "GET", base+"?period=2026&limit=5000&side=sideways", nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "period")
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "limit")
		if st, _, _ := e.req(t, e.owner, "GET", base, nil); st != http.StatusForbidden {
			t.Errorf("owner listing the company's fakturs = %d", st)
		}

		// Amend and cancel.
		a0 := approved.Fakturs[0]
		repl := e.record(t, e.director, "POST", fmt.Sprintf("%s/%d/amend", base, a0.ID),
			map[string]any{"version": a0.Version, "passphrase": demo.DirectorPassphrase, "faktur": e.form("INV-10-fixed", "150000")}, http.StatusCreated)
		if repl.Replaces != a0.ID || repl.ReplacesNumber != a0.Number || repl.Number[:3]+repl.Number[4:] != a0.Number[:3]+a0.Number[4:] || repl.Number[3] != '1' || repl.Totals.VAT != "16500" {
			t.Errorf("pengganti = %+v of %s", repl, a0.Number)
		}
		if old := e.record(t, e.director, "GET", fmt.Sprintf("%s/%d", base, a0.ID), nil, http.StatusOK); old.Status != efaktur.Amended || old.ReplacedBy != repl.ID {
			t.Errorf("amended = %+v", old)
		}
		a1 := approved.Fakturs[1]
		st, b, _ = e.req(t, e.director, "POST", fmt.Sprintf("%s/%d/cancel", base, a1.ID), map[string]any{"version": a1.Version, "reason": " "})
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "reason")
		c := e.record(t, e.director, "POST", fmt.Sprintf("%s/%d/cancel", base, a1.ID), map[string]any{"version": a1.Version, "reason": "the order was withdrawn"}, http.StatusOK)
		if c.Status != efaktur.Cancelled || c.CancelReason != "the order was withdrawn" || c.CancelledAt == "" {
			t.Errorf("cancelled = %+v", c)
		}

		// The buyer's side: credit, return, uncredit refused after a return.
		in := "/api/v1/taxpayers/" + owner + "/efaktur/fakturs"
		inputs := e.all(t, e.owner, owner, "side=input", 2)
		if len(inputs) != 10 { // 2 demo + 7 + the pengganti
			t.Errorf("input list has %d: %v", len(inputs), ids(inputs))
		}
		a2 := approved.Fakturs[2]
		st, b, _ = e.req(t, e.owner, "POST", fmt.Sprintf("%s/%d/credit", in, a2.ID), map[string]any{"version": a2.Version, "period": "2027-01"})
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "period")
		cr := e.record(t, e.owner, "POST", fmt.Sprintf("%s/%d/credit", in, a2.ID), map[string]any{"version": a2.Version, "period": "2026-11"}, http.StatusOK)
		if cr.Credit != efaktur.Credited || cr.CreditPeriod != "2026-11" {
			t.Errorf("credited = %+v", cr)
		}
		st, b, _ = e.req(t, e.owner, "POST", fmt.Sprintf("%s/%d/returns", in, a2.ID), map[string]any{"date": "2026-11-24", "lines": []any{map[string]any{"line": 1, "quantity": "0.5"}}})
		if st != http.StatusCreated {
			t.Fatalf("return = %d %s", st, b)
		}
		var rt struct {
			ID       int64  `json:"id"`
			Number   string `json:"number"`
			FakturID int64  `json:"faktur_id"`
			Period   string `json:"period"`
			Totals   struct {
				TaxBase string `json:"tax_base"`
				VAT     string `json:"vat"`
			} `json:"totals"`
		}
		if err := json.Unmarshal(b, &rt); err != nil {
			t.Fatal(err)
		}
		// Half of faktur 3 (Rp 300,000): DPP 150,000, PPN 12% of 11/12.
		if rt.FakturID != a2.ID || rt.Period != "2026-11" || rt.Totals.TaxBase != "150000" || rt.Totals.VAT != "16500" || rt.Number == "" {
			t.Errorf("return = %s", b)
		}
		st, b, _ = e.req(t, e.director, "GET", fmt.Sprintf("%s/%d/returns", base, a2.ID), nil)
		if st != 200 || !strings.Contains(string(b), rt.Number) {
			t.Errorf("seller's returns = %d %s", st, b)
		}
		if st, b, _ := e.req(t, e.owner, "POST", fmt.Sprintf("%s/%d/uncredit", in, a2.ID), map[string]any{"version": cr.Version}); st != http.StatusConflict {
			t.Errorf("uncredit after a return = %d %s", st, b)
		}
		a3 := approved.Fakturs[3]
		nc := e.record(t, e.owner, "POST", fmt.Sprintf("%s/%d/not-credit", in, a3.ID), map[string]any{"version": a3.Version}, http.StatusOK)
		if nc.Credit != efaktur.NotCredited {
			t.Errorf("not credited = %+v", nc)
		}
		if uc := e.record(t, e.owner, "POST", fmt.Sprintf("%s/%d/uncredit", in, a3.ID), map[string]any{"version": nc.Version}, http.StatusOK); uc.Credit != efaktur.Uncredited {
			t.Errorf("uncredited = %+v", uc)
		}
		// The buyer cannot see the seller's draft, nor credit for the
		// company.
		if st, _, _ := e.req(t, e.owner, "GET", fmt.Sprintf("%s/%d", in, demoList[0].ID), nil); st != http.StatusNotFound {
			t.Errorf("owner reading a draft to him = %d", st)
		}

		// PDFs: a draft has none; a signed faktur has its QR link.
		st, b, _ = e.req(t, e.director, "GET", fmt.Sprintf("%s/%d/pdf", base, demoList[0].ID), nil)
		if st != http.StatusConflict || !strings.Contains(string(b), "draft") {
			t.Errorf("draft PDF = %d %s", st, b)
		}
		for _, c := range []*http.Client{e.director, e.owner} {
			npwp := co
			if c == e.owner {
				npwp = owner
			}
			st, b, h := e.req(t, c, "GET", fmt.Sprintf("/api/v1/taxpayers/%s/efaktur/fakturs/%d/pdf", npwp, repl.ID), nil)
			if st != 200 || !bytes.HasPrefix(b, []byte("%PDF")) || h.Get("Content-Type") != "application/pdf" || !strings.Contains(h.Get("Content-Disposition"), repl.Number) {
				t.Errorf("PDF = %d %q %.20q", st, h, b)
			}
		}

		// Exports.
		export := func(c *http.Client, npwp, q string) ([]byte, http.Header) {
			t.Helper()
			st, b, h := e.req(t, c, "GET", "/api/v1/taxpayers/"+npwp+"/efaktur/export?"+q, nil)
			if st != 200 {
				t.Fatalf("export %s = %d %s", q, st, b)
			}
			return b, h
		}
		// XML: every invoice read back exactly as stored.
		x, h := export(e.director, co, "format=xml&period=2026-11")
		if h.Get("Content-Disposition") != `attachment; filename="efaktur-`+co+`-output-2026-11.xml"` {
			t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
		}
		var stored []efaktur.Invoice
		director := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, TaxpayerID: e.w.Director.ID, ActingForID: e.w.Company.ID, ActingFor: co})
		if err := e.svc.Each(director, co, efaktur.Filter{Period: efaktur.Period{Year: 2026, Month: 11}}, func(f *efaktur.Faktur) error {
			stored = append(stored, f.Invoice)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rd := efaktur.NewReader(bytes.NewReader(x), efaktur.Options{})
		var read []efaktur.Invoice
		for {
			inv, ps, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || len(ps) > 0 {
				t.Fatalf("read the export: %v %v", err, ps)
			}
			read = append(read, *inv)
		}
		if rd.SellerTIN() != co || len(stored) != 11 {
			t.Errorf("TIN %s, %d stored", rd.SellerTIN(), len(stored))
		}
		if diff := cmp.Diff(stored, read, cmpopts.IgnoreUnexported(efaktur.Invoice{}, efaktur.Line{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("XML round trip (-stored +read):\n%s", diff)
		}
		st, b, _ = e.req(t, e.owner, "GET", "/api/v1/taxpayers/"+owner+"/efaktur/export?format=xml&side=input", nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "format")
		st, b, _ = e.req(t, e.director, "GET", "/api/v1/taxpayers/"+co+"/efaktur/export?format=docx", nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "format")

		// JSON lines: each the object GET answers.
		j, _ := export(e.director, co, "format=json")
		sc := bufio.NewScanner(bytes.NewReader(j))
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() {
			var r efaktur.Record
			strictJSON(t, sc.Bytes(), &r)
			if want := e.record(t, e.director, "GET", fmt.Sprintf("%s/%d", base, r.ID), nil, http.StatusOK); !cmp.Equal(want, r) {
				t.Errorf("JSON export line differs from GET:\n%s", cmp.Diff(want, r))
			}
			n++
		}
		if n != 11 {
			t.Errorf("JSON export has %d lines, want 11", n)
		}

		// CSV: one row per line.
		cb, h := export(e.owner, owner, "format=csv&side=input&status=approved")
		if !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Errorf("CSV type %q", h.Get("Content-Type"))
		}
		rows, err := csv.NewReader(bytes.NewReader(cb)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Approved input fakturs: demo 2 (one of two lines, one of
		// one), 7 approved − 1 amended − 1 cancelled + the pengganti.
		if len(rows) != 1+3+6 || rows[0][1] != "number" || rows[1][2] != "approved" {
			t.Errorf("CSV rows = %d: %q", len(rows), rows)
		}

		// A zip of the PDFs of every signed faktur; the draft is left out.
		z, _ := export(e.director, co, "format=pdf.zip")
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		if len(zr.File) != 10 {
			t.Errorf("zip holds %d PDFs, want 10", len(zr.File))
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			head := make([]byte, 4)
			if _, err := io.ReadFull(rc, head); err != nil || string(head) != "%PDF" {
				t.Errorf("%s starts %q", f.Name, head)
			}
			rc.Close()
		}
	})
}

// TestEFakturExportHasNoCeiling exports more fakturs than the service
// reads in one page, and lists them in pages of the largest size.
func TestEFakturExportHasNoCeiling(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newFakturEnv(t, db)
		co := string(e.w.Company.NPWP)
		director := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, TaxpayerID: e.w.Director.ID, ActingForID: e.w.Company.ID, ActingFor: co})
		const n = efaktur.MaxLimit + 7
		for i := range n {
			d, _ := time.Parse(time.DateOnly, "2026-11-20")
			in := efaktur.Form{Date: d, TrxCode: efaktur.TrxOtherValue, RefDesc: fmt.Sprintf("BULK-%d", i),
				Buyer: efaktur.Buyer{TIN: string(e.w.VillaOwner.NPWP), Document: efaktur.BuyerTIN, Name: e.w.VillaOwner.Name, Address: "Ubud"},
				Lines: []efaktur.LineInput{{Kind: efaktur.Services, Code: "000000", Name: "Villa management", Unit: "UM.0030", Price: 100000_00, Qty: 100}}}
			if _, err := e.svc.CreateDraft(director, co, in); err != nil {
				t.Fatal(err)
			}
		}
		st, b, _ := e.req(t, e.director, "GET", "/api/v1/taxpayers/"+co+"/efaktur/export?format=json&status=draft", nil)
		if st != 200 {
			t.Fatalf("export = %d %.300s", st, b)
		}
		seen := map[int64]bool{}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var r efaktur.Record
			strictJSON(t, sc.Bytes(), &r)
			seen[r.ID] = true
		}
		if len(seen) != n+1 { // and the demo's draft
			t.Errorf("JSON export holds %d distinct fakturs, want %d", len(seen), n+1)
		}
		if got := e.all(t, e.director, co, "status=draft", efaktur.MaxLimit); len(got) != n+1 {
			t.Errorf("list in pages of %d holds %d fakturs, want %d", efaktur.MaxLimit, len(got), n+1)
		}
	})
}
