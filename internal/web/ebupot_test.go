package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
	"github.com/coretax/coretax/internal/web"
)

// newEBupotSite serves the pages with the demo world, signing and
// e-Bupot on the clock of now(); the employee works for the company from
// 2024, and the director holds a certificate with passphrase fakturPass.
func newEBupotSite(t *testing.T, db *storage.DB) *accessSite {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := reg.Profile(ctx, string(w.Company.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.AddParty(ctx, string(w.Company.NPWP), registration.PartyInput{Version: prof.Taxpayer.Version, Relation: "employee",
		NPWP: string(w.Employee.NPWP), Name: w.Employee.Name, NIK: string(w.Employee.NIK), ValidFrom: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	ca, _, err := pki.NewCA("test", now().Add(-time.Hour))
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
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(ebupot.Rules()))
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	sig := signing.NewService(db.Signing(), ca, tl, policy, nil, now, cfg)
	me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID})
	if _, err := sig.Issue(me, w.Director.ID, fakturPass); err != nil {
		t.Fatal(err)
	}
	slips := ebupot.NewService(db.EBupot(), db.Registration(), sig, policy, now)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, Signing: sig,
		EBupot: slips, EBupotBatches: db.EBupot()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
}

// payrollRows is October 2026's payroll: the employee, and the freelance
// designer keyed in as a permanent employee by mistake.
func payrollRows(tok string, w demo.World, action string) url.Values {
	return url.Values{
		"csrf_token":          {tok},
		"action":              {action},
		"year":                {"2026"},
		"month":               {"10"},
		"withholding_date":    {"2026-10-31"},
		"rows[0].tin":         {string(w.Employee.NPWP)},
		"rows[0].kind":        {"permanent-employee"},
		"rows[0].status":      {"K/1"},
		"rows[0].object_code": {"21-100-01"},
		"rows[0].gross":       {"15.000.000"},
		"rows[0].position":    {"Barista"},
		"rows[1].tin":         {""},
		"rows[1].gross":       {""},
		"rows[2].tin":         {string(w.Designer.NPWP)},
		"rows[2].kind":        {"permanent-employee"},
		"rows[2].status":      {"TK/0"},
		"rows[2].object_code": {"21-100-01"},
		"rows[2].gross":       {"5000000"},
	}
}

var signRefs = regexp.MustCompile(`name="slips" value="(\d+:\d+)"`)

// TestEBupotPages computes a payroll month, saves it with one bad row
// (its problem next to its cell, the good row saved), signs, corrects and
// cancels the slip, shows it to the employee in their slips received,
// searches the object codes, and refuses a form without its CSRF token
// and a stranger.
func TestEBupotPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEBupotSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/ebupot"

		want(t, s.get(base), http.StatusUnauthorized, "Please sign in")
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
		}
		want(t, s.get(base), http.StatusOK, "Withholding slips", "No slip matches", `href="`+base+`/payroll"`,
			`href="/api/v1/taxpayers/`+co+`/ebupot/export?format=csv"`, "Choose a slip type to export the Coretax XML")
		want(t, s.get(base+"?type=BPMP"), http.StatusOK, `href="/api/v1/taxpayers/`+co+`/ebupot/export?format=xml&amp;type=BPMP"`)
		want(t, s.get(base+"/payroll?year=2026&month=10"), http.StatusOK, "Payroll 2026-10", `name="rows[4].gross"`,
			`<option value="21-100-01">21-100-01 Income of permanent employees`, `value="2026-10-31"`)
		want(t, s.get(base+"/payroll?year=2026&month=12"), http.StatusOK, "December is the last tax period", "BPA1")
		tok = s.token(base + "/payroll")

		// CSRF: a form without the token changes nothing.
		noToken := payrollRows(tok, w, "save")
		noToken.Del("csrf_token")
		want(t, s.post(base+"/payroll", noToken), http.StatusForbidden, "security token")

		// Calculate: the employee's TER tax with its explanation; the
		// designer's row refused next to its code.
		ter, err := pph21.Compute(pph21.Input{Year: 2026, Month: 10, Status: "K/1", Method: pph21.TERMonthly, Gross: 15_000_000_00, Identity: pph21.IdentityNIK})
		if err != nil {
			t.Fatal(err)
		}
		p := s.post(base+"/payroll", payrollRows(tok, w, "calculate"))
		want(t, p, http.StatusUnprocessableEntity, "<strong>"+ter.Tax.Display()+"</strong>", "TER category "+string(ter.Category),
			"<details>", ter.Steps[0].Label, `id="rows[1]-object_code-error"`, "21-100-01 is for permanent employees",
			`href="#rows%5b1%5d-object_code"`, "nothing was saved")
		if got := s.get(base); !strings.Contains(got.body, "No slip matches") {
			t.Error("calculate stored slips")
		}
		// An unreadable gross is shown next to its cell.
		bad := payrollRows(tok, w, "calculate")
		bad.Set("rows[0].gross", "1,000")
		want(t, s.post(base+"/payroll", bad), http.StatusUnprocessableEntity, `id="rows[0]-gross-error">&#34;1,000&#34; is ambiguous`)
		// Add rows saves nothing.
		want(t, s.post(base+"/payroll", payrollRows(tok, w, "add_rows")), http.StatusOK, `name="rows[7].gross"`, `value="Barista"`)

		// Save: the good row becomes a draft, the bad row stays with its
		// problem, and the saved draft can be signed from the page.
		p = s.post(base+"/payroll", payrollRows(tok, w, "save"))
		want(t, p, http.StatusUnprocessableEntity, "1 row(s) saved as drafts, 1 row(s) rejected", "open the draft",
			`id="rows[0]-object_code-error"`, `value="`+string(w.Designer.NPWP)+`"`, "Sign the 1 saved draft(s)")
		if strings.Contains(p.body, `name="rows[0].tin" value="`+string(w.Employee.NPWP)+`"`) {
			t.Error("the saved row is still in the form")
		}
		refs := signRefs.FindAllStringSubmatch(p.body, -1)
		if len(refs) != 1 {
			t.Fatalf("sign refs %v", refs)
		}
		want(t, s.post(base+"/sign", url.Values{"csrf_token": {tok}, "slips": {refs[0][1]}, "passphrase": {"Wrong#2026"}}),
			http.StatusUnprocessableEntity, `class="field-error">`, "wrong")
		p = s.post(base+"/sign", url.Values{"csrf_token": {tok}, "slips": {refs[0][1]}, "passphrase": {fakturPass}})
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?done=signed") {
			t.Fatalf("sign: %d %q\n%.800s", p.status, p.location, p.body)
		}
		slip := strings.TrimSuffix(p.location, "?done=signed")
		p = s.get(slip)
		want(t, p, http.StatusOK, "BPMP26", "signed", `href="/verify/`, "Correct the slip", ter.Tax.Display(), w.Director.Name,
			`value="15000000"`)
		v := version(t, p)
		want(t, s.get(base+"?status=signed"), http.StatusOK, "BPMP26")

		// Correct: the same number, the next revision.
		corr := url.Values{"csrf_token": {tok}, "version": {v}, "recipient.tin": {string(w.Employee.NPWP)}, "recipient.kind": {"permanent-employee"},
			"recipient.status": {"K/1"}, "recipient.position": {"Head barista"}, "object_code": {"21-100-01"}, "facility": {"N/A"},
			"gross": {"16.000.000"}, "withholding_date": {"2026-10-31"}, "passphrase": {fakturPass}}
		bad = url.Values{}
		for k, vs := range corr {
			bad[k] = vs
		}
		bad.Set("recipient.status", "X/9")
		want(t, s.post(slip+"/correct", bad), http.StatusUnprocessableEntity, `id="recipient-status-error"`)
		p = s.post(slip+"/correct", corr)
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?done=corrected") {
			t.Fatalf("correct: %d %q\n%.800s", p.status, p.location, p.body)
		}
		repl := strings.TrimSuffix(p.location, "?done=corrected")
		p = s.get(repl)
		want(t, p, http.StatusOK, "revision 1", "Head barista", "Rp16.000.000", `href="`+slip+`"`)
		want(t, s.get(slip), http.StatusOK, "corrected", `href="`+repl+`"`)
		number := regexp.MustCompile(`BPMP26\d+`).FindString(p.body)

		// The employee sees the slip received; a stranger sees nothing.
		emp := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv)}}
		wantRedirect(t, emp.login(t, string(w.Employee.NPWP), "wirawan kopi pagi"))
		mine := "/taxpayers/" + string(w.Employee.NPWP) + "/ebupot/received"
		want(t, emp.get(mine), http.StatusOK, "Slips received", number, "rev. 1", co)

		// Cancel the correction: the reason is required.
		rv := version(t, p)
		want(t, s.post(repl+"/cancel", url.Values{"csrf_token": {tok}, "version": {rv}, "reason": {" "}}), http.StatusUnprocessableEntity, `id="reason-error"`)
		p = s.post(repl+"/cancel", url.Values{"csrf_token": {tok}, "version": {rv}, "reason": {"the payment was not made"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d\n%.800s", p.status, p.body)
		}
		want(t, s.get(repl), http.StatusOK, "cancelled", "the payment was not made")

		// The villa owner is a stranger to the company.
		owner := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv)}}
		wantRedirect(t, owner.login(t, string(w.VillaOwner.NPWP), "sudarma sawah hijau"))
		otok := owner.token("/account/security")
		want(t, owner.get(base), http.StatusForbidden)
		want(t, owner.get(base+"/payroll"), http.StatusForbidden)
		want(t, owner.get(slip), http.StatusForbidden)
		want(t, owner.post(base+"/payroll", payrollRows(otok, w, "save")), http.StatusForbidden)
		want(t, owner.post(repl+"/cancel", url.Values{"csrf_token": {otok}, "version": {"1"}, "reason": {"x"}}), http.StatusForbidden)
		want(t, owner.get(mine), http.StatusForbidden)
	})
}

// TestObjectCodePages searches the object codes by words, by code and by
// slip type, and lists a retired code with its replacement.
func TestObjectCodePages(t *testing.T) {
	s := newEBupotSite(t, storagetest.SQLite(t))
	want(t, s.get("/objectcodes?q=tenaga+ahli"), http.StatusOK, "21-100-07", "411121-100", "non-final")
	p := s.get("/objectcodes?q=21-100&slip=BPMP")
	want(t, p, http.StatusOK, "21-100-01", "21-100-35")
	if strings.Contains(p.body, `<td class="mono">21-100-07</td>`) {
		t.Error("a BP21-only code is listed for BPMP")
	}
	want(t, s.get("/objectcodes?q=21-100-03"), http.StatusOK, "Retired codes that match", "2024-12-31", `href="/objectcodes?q=21-100-35"`)
	want(t, s.get("/objectcodes?on=2024-06-01&q=21-100-03"), http.StatusOK, `<td class="mono">21-100-03</td>`)
	want(t, s.get("/objectcodes?slip=XX"), http.StatusUnprocessableEntity, `id="slip-error"`)
}

// TestPayrollUpload uploads Coretax MmPayrollBulk files: a file that is
// not XML or names another withholder is refused next to the file input,
// and a row the Service rejects is listed with its XML line.
func TestPayrollUpload(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEBupotSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/ebupot"
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d", p.status)
		}
		tok = s.token(base + "/payroll")
		upload := func(file []byte) page {
			t.Helper()
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf_token", tok)
			fw, _ := mw.CreateFormFile("file", "payroll.xml")
			fw.Write(file)
			mw.Close()
			res, err := s.c.Post(s.srv.URL+base+"/payroll/upload", mw.FormDataContentType(), &b)
			if err != nil {
				t.Fatal(err)
			}
			return read(t, res)
		}
		ter, err := pph21.Compute(pph21.Input{Year: 2026, Month: 9, Status: "K/1", Method: pph21.TERMonthly, Gross: 15_000_000_00, Identity: pph21.IdentityNIK})
		if err != nil {
			t.Fatal(err)
		}
		xmlOf := func(tin string, rate pph21.Rate) []byte {
			var b bytes.Buffer
			sl := ebupot.Slip{Type: objectcode.BPMP, Period: ebupot.Period{Year: 2026, Month: 9}, ObjectCode: "21-100-01", Facility: ebupot.NoFacility,
				Recipient: ebupot.Recipient{TIN: string(w.Employee.NPWP), Kind: objectcode.PermanentEmployee, Status: "K/1", Position: "Barista", Resident: true},
				Gross:     15_000_000_00, Deemed: 10000, PlaceNITKU: co + "000000", WithholdingDate: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)}
			x, err := ebupot.NewXMLWriter(&b, objectcode.BPMP, tin)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Write(&sl); err != nil {
				t.Fatal(err)
			}
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		want(t, upload([]byte("not xml")), http.StatusUnprocessableEntity, `class="field-error"`)
		want(t, upload(xmlOf(string(w.VillaOwner.NPWP), ter.Rate)), http.StatusUnprocessableEntity, "the file is another withholder")
		// A row the Service rejects (a rate other than the TER's) is
		// listed with its row and XML line; nothing else is saved.
		want(t, upload(xmlOf(co, 0)), http.StatusUnprocessableEntity, "0 row(s) saved as drafts, 1 row(s) rejected", "Row 1: ", "XML line 5",
			"must be "+ter.Rate.String())
	})
}
