package web_test

import (
	"context"
	"io"
	"log/slog"
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
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
	"github.com/coretax/coretax/internal/web"
)

const fakturPass = "Rahasia#2026"

// newEFakturSite serves the pages with the demo world, signing and
// e-Faktur; the villa owner is made PKP so that it can credit input VAT,
// and the director holds a certificate with passphrase fakturPass.
func newEFakturSite(t *testing.T, db *storage.DB) *accessSite {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := reg.Profile(ctx, string(w.VillaOwner.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.SetPKP(ctx, string(w.VillaOwner.NPWP), prof.Taxpayer.Version, registration.PKPConfirmed, "2025-01-01", "test"); err != nil {
		t.Fatal(err)
	}
	ca, _, err := pki.NewCA("test", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "translog.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(db.TransLog(), key, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()))
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	sig := signing.NewService(db.Signing(), ca, tl, policy, nil, time.Now, cfg)
	me := actor.With(ctx, actor.Actor{Kind: actor.Taxpayer, TaxpayerID: w.Director.ID})
	if _, err := sig.Issue(me, w.Director.ID, fakturPass); err != nil {
		t.Fatal(err)
	}
	fakturs := efaktur.NewService(db.EFaktur(), db.Registration(), sig, policy, time.Now, efaktur.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, Signing: sig, EFaktur: fakturs})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
}

// keyedForm is a faktur to the villa owner typed into the key-in form:
// villa management at price × 1, with two empty rows left as they come.
func keyedForm(tok string, w demo.World, price string) url.Values {
	return url.Values{
		"csrf_token":          {tok},
		"date":                {calendar.Day(time.Now()).Format(time.DateOnly)},
		"trx_code":            {"04"},
		"reference":           {"INV-WEB-1"},
		"buyer.document":      {"TIN"},
		"buyer.tin":           {string(w.VillaOwner.NPWP)},
		"buyer.name":          {w.VillaOwner.Name},
		"buyer.address":       {"Jl. Sawah Hijau 1, Ubud"},
		"lines[0].kind":       {"B"},
		"lines[0].code":       {"000000"},
		"lines[0].name":       {"Villa management"},
		"lines[0].unit":       {"UM.0030"},
		"lines[0].price":      {price},
		"lines[0].quantity":   {"1"},
		"lines[1].kind":       {""},
		"lines[1].price":      {""},
		"lines[2].unit":       {""},
		"lines[2].quantity":   {""},
		"lines[2].ppnbm_rate": {""},
	}
}

var fakturPath = regexp.MustCompile(`^/taxpayers/(\d+)/efaktur/fakturs/(\d+)\?done=(\w+)$`)

// created checks a redirect to a faktur's page and returns its path.
func created(t *testing.T, p page, done string) string {
	t.Helper()
	m := fakturPath.FindStringSubmatch(p.location)
	if p.status != http.StatusSeeOther || m == nil || m[3] != done {
		t.Fatalf("status %d to %q, want 303 to a faktur with done=%s\n%s", p.status, p.location, done, p.body[strings.Index(p.body, "<main"):])
	}
	return strings.TrimSuffix(p.location, "?done="+done)
}

var versionPattern = regexp.MustCompile(`name="version" value="(\d+)"`)

func version(t *testing.T, p page) string {
	t.Helper()
	m := versionPattern.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no version on the page\n%.800s", p.body)
	}
	return m[1]
}

// TestEFakturPages keys in a faktur through the form, approves, amends
// and cancels it as the seller, and credits and returns goods of another
// as the buyer; bad input is shown next to its field, a form without its
// CSRF token and a stranger are refused.
func TestEFakturPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEFakturSite(t, db)
		w := s.world
		co, owner := string(w.Company.NPWP), string(w.VillaOwner.NPWP)
		base := "/taxpayers/" + co + "/efaktur"

		// Anonymous visitors are asked to sign in.
		want(t, s.get(base), http.StatusUnauthorized, "Please sign in")

		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
		}
		want(t, s.get("/taxpayers/"+co), http.StatusOK, `href="/taxpayers/`+co+`/efaktur"`)
		want(t, s.get(base), http.StatusOK, "Output fakturs", "No faktur matches", `href="`+base+`/uploads"`,
			`href="/api/v1/taxpayers/`+co+`/efaktur/export?format=xml&amp;side=output"`)
		want(t, s.get(base+"/new"), http.StatusOK, "Key in a faktur", `name="lines[2].price"`, `<option value="UM.0018">Unit (UM.0018)</option>`,
			`<option value="04" selected>04 delivery using DPP Nilai Lain`)
		tok = s.token(base + "/new")

		// CSRF: a form without the token changes nothing.
		noToken := keyedForm(tok, w, "100000")
		noToken.Del("csrf_token")
		want(t, s.post(base+"/new", noToken), http.StatusForbidden, "security token")

		// An ambiguous amount and a Service problem, each next to its
		// field.
		p := s.post(base+"/new", keyedForm(tok, w, "1,000"))
		want(t, p, http.StatusUnprocessableEntity, `id="lines[0]-price-error">&#34;1,000&#34; is ambiguous`, `href="#lines%5b0%5d-price"`, "Line 1 price")
		bad := keyedForm(tok, w, "100.000")
		bad.Set("buyer.tin", "9999999999999999")
		p = s.post(base+"/new", bad)
		want(t, p, http.StatusUnprocessableEntity, `id="buyer-tin-error"`, `value="100.000"`)
		// The empty rows are dropped; the typed line keeps its number.
		if strings.Contains(p.body, `name="lines[2].price"`) {
			t.Error("the rejected form kept the empty rows before the typed ones")
		}
		// "Add lines" re-renders the form with more rows and saves nothing.
		more := keyedForm(tok, w, "100.000")
		more.Set("add_line", "1")
		want(t, s.post(base+"/new", more), http.StatusOK, `name="lines[5].price"`, `value="Villa management"`)

		draft := created(t, s.post(base+"/new", keyedForm(tok, w, "100.000")), "drafted")
		p = s.get(draft)
		want(t, p, http.StatusOK, "Faktur draft", "Villa management", "Rp100.000", "Rp91.666,67", "Rp11.000", "Approve and sign")
		v := version(t, p)
		id := draft[strings.LastIndex(draft, "/")+1:]

		// Edit: the form comes back filled.
		want(t, s.get(draft+"/edit"), http.StatusOK, `value="Villa management"`, `value="100000"`, `name="version" value="`+v+`"`)
		edit := keyedForm(tok, w, "100000")
		edit.Set("version", v)
		edit.Set("reference", "INV-WEB-1A")
		created(t, s.post(draft+"/edit", edit), "edited")
		want(t, s.post(draft+"/edit", edit), http.StatusConflict, "was changed")
		p = s.get(draft)
		want(t, p, http.StatusOK, "INV-WEB-1A")
		v = version(t, p)

		// A draft keyed in by mistake is deleted.
		extra := created(t, s.post(base+"/new", keyedForm(tok, w, "5000")), "drafted")
		xv := version(t, s.get(extra))
		if p := s.post(extra+"/delete", url.Values{"csrf_token": {tok}, "version": {xv}}); p.status != http.StatusSeeOther || p.location != base+"?done=deleted" {
			t.Fatalf("delete: %d %q\n%.500s", p.status, p.location, p.body)
		}
		want(t, s.get(extra), http.StatusNotFound)

		// A draft dated before the approval window cannot be approved:
		// its problem is shown on its row, and nothing is approved.
		old := keyedForm(tok, w, "100000")
		old.Set("date", calendar.Day(time.Now()).AddDate(0, -3, 0).Format(time.DateOnly))
		stale := created(t, s.post(base+"/new", old), "drafted")
		sv, sid0 := version(t, s.get(stale)), stale[strings.LastIndex(stale, "/")+1:]
		p = s.post(base+"/approve", url.Values{"csrf_token": {tok}, "fakturs": {sid0 + ":" + sv, id + ":" + v}, "passphrase": {fakturPass}})
		want(t, p, http.StatusUnprocessableEntity, "no faktur was approved", `href="#faktur-`+sid0+`"`, "draft "+sid0+": Date", `value="`+id+`:`+v+`" id="select-`+id+`" checked`)
		if strings.Contains(p.body, `href="#faktur-`+id+`"`) {
			t.Error("the valid draft is reported as failing")
		}

		// Approval from the list: a wrong passphrase is shown next to
		// the passphrase; the right one numbers and signs.
		want(t, s.get(base), http.StatusOK, `name="fakturs" value="`+id+`:`+v+`"`)
		approve := url.Values{"csrf_token": {tok}, "fakturs": {id + ":" + v}, "passphrase": {"Wrong#2026"}}
		want(t, s.post(base+"/approve", approve), http.StatusUnprocessableEntity, `class="field-error">`, "wrong")
		approve.Set("passphrase", fakturPass)
		approved := created(t, s.post(base+"/approve", approve), "approved")
		p = s.get(approved)
		want(t, p, http.StatusOK, "approved", `href="/verify/`, `href="/api/v1/taxpayers/`+co+`/efaktur/fakturs/`+id+`/pdf"`, "Amend the faktur", w.Director.Name)
		v = version(t, p)

		// Amend with a new price, signed again.
		want(t, s.get(approved+"/amend"), http.StatusOK, "Amend faktur", `value="100000"`, `name="passphrase"`)
		amend := keyedForm(tok, w, "200.000,00")
		amend.Set("version", v)
		amend.Set("passphrase", fakturPass)
		repl := created(t, s.post(approved+"/amend", amend), "amended")
		p = s.get(repl)
		want(t, p, http.StatusOK, "Rp200.000", "Rp22.000", "this is its pengganti", `href="`+approved+`"`)
		want(t, s.get(approved), http.StatusOK, "amended", `href="`+repl+`"`)

		// Cancel the pengganti: the reason is required.
		rv := version(t, p)
		want(t, s.post(repl+"/cancel", url.Values{"csrf_token": {tok}, "version": {rv}, "reason": {" "}}), http.StatusUnprocessableEntity, `id="reason-error"`)
		created(t, s.post(repl+"/cancel", url.Values{"csrf_token": {tok}, "version": {rv}, "reason": {"the transaction was cancelled"}}), "cancelled")
		want(t, s.get(repl), http.StatusOK, "cancelled", "the transaction was cancelled")

		// A second faktur for the buyer to credit.
		second := created(t, s.post(base+"/new", keyedForm(tok, w, "100000")), "drafted")
		p = s.get(second)
		created(t, s.post(second+"/approve", url.Values{"csrf_token": {tok}, "version": {version(t, p)}, "passphrase": {fakturPass}}), "approved")
		sid := second[strings.LastIndex(second, "/")+1:]

		// The buyer, a stranger to the company.
		buyer := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv)}}
		wantRedirect(t, buyer.login(t, owner, "sudarma sawah hijau"))
		want(t, buyer.get(base), http.StatusForbidden)
		want(t, buyer.get(second), http.StatusForbidden)
		btok := buyer.token("/account/security")
		want(t, buyer.post(base+"/new", keyedForm(btok, w, "100000")), http.StatusForbidden)
		want(t, buyer.post(second+"/cancel", url.Values{"csrf_token": {btok}, "version": {"1"}, "reason": {"x"}}), http.StatusForbidden)

		in := "/taxpayers/" + owner + "/efaktur/input"
		p = buyer.get(in)
		period := efaktur.PeriodOf(calendar.Day(time.Now())).String()
		want(t, p, http.StatusOK, "Input fakturs", `action="/taxpayers/`+owner+`/efaktur/fakturs/`+sid+`/credit"`, `<option value="`+period+`" selected>`)
		bv := version(t, p)
		mine := "/taxpayers/" + owner + "/efaktur/fakturs/" + sid
		want(t, buyer.post(mine+"/credit", url.Values{"csrf_token": {btok}, "version": {bv}, "period": {"2020-01"}}), http.StatusUnprocessableEntity,
			`id="period-error"`, "credit window")
		p = buyer.post(mine+"/credit", url.Values{"csrf_token": {btok}, "version": {bv}, "period": {period}, "back": {"list"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, in+"?done=credited") {
			t.Fatalf("credit: %d %q\n%.800s", p.status, p.location, p.body)
		}
		want(t, buyer.get(in+"?credit=credited"), http.StatusOK, "credited "+period)
		if strings.Contains(buyer.get(in).body, "format=xml") {
			t.Error("the input list offers the seller's XML export")
		}
		p = buyer.get(mine)
		want(t, p, http.StatusOK, "Return goods", `name="lines[0].quantity"`)
		bv = version(t, p)
		today := calendar.Day(time.Now()).Format(time.DateOnly)
		want(t, buyer.post(mine+"/return", url.Values{"csrf_token": {btok}, "version": {bv}, "date": {today}, "lines[0].quantity": {"2"}}),
			http.StatusUnprocessableEntity, `<p class="field-error">`, "at most the line&#39;s quantity 1")
		p = buyer.post(mine+"/return", url.Values{"csrf_token": {btok}, "version": {bv}, "date": {today}, "lines[0].quantity": {"0,5"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("return: %d\n%.800s", p.status, p.body)
		}
		want(t, buyer.get(mine), http.StatusOK, "RET-", "line 1: 0.5", "0.5 returned")
		// The seller sees the return on its faktur.
		want(t, s.get(second), http.StatusOK, "RET-")
	})
}
