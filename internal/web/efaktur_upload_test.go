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
	"strconv"
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

// newUploadSite serves the pages with bulk uploads running, the villa
// owner made PKP and the director holding a certificate.
func newUploadSite(t *testing.T, db *storage.DB) *accessSite {
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
	ups := efaktur.NewUploads(fakturs, db.EFaktur(), efaktur.DefaultUploadConfig())
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); ups.Run(runCtx) }()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, Signing: sig, EFaktur: fakturs, EFakturUploads: ups})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(func() { srv.Close(); stop(); <-ran })
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
}

// bulkFile is n invoices of the company to the villa owner dated today;
// the second has VAT that does not add up.
func bulkFile(t *testing.T, w demo.World, n int) []byte {
	t.Helper()
	d := calendar.Day(time.Now())
	co, owner := string(w.Company.NPWP), string(w.VillaOwner.NPWP)
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
		if err := wr.Write(&efaktur.Invoice{Date: d, Option: "Normal", TrxCode: efaktur.TrxOtherValue, RefDesc: "UP-" + strconv.Itoa(i), SellerIDTKU: co + "000000",
			Buyer: efaktur.Buyer{TIN: owner, Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-", Name: w.VillaOwner.Name,
				Address: "Jl. Sawah Hijau 1, Ubud", IDTKU: owner + "000000"},
			Lines: []efaktur.Line{l}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postFile sends the upload form with a file.
func postFile(t *testing.T, s *accessSite, path, tok, passphrase, name string, data []byte) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", tok)
	mw.WriteField("passphrase", passphrase)
	if data != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	res, err := s.c.Post(s.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: res.StatusCode, header: res.Header, body: string(b)}
}

func TestUploadPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newUploadSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/efaktur/uploads"

		want(t, s.get(base), http.StatusUnauthorized, "Please sign in")
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
		}
		want(t, s.get(base), http.StatusOK, "Upload fakturs", `name="passphrase"`, "No upload yet.")
		tok = s.token(base)
		data := bulkFile(t, w, 3)

		// Without the CSRF token nothing is accepted.
		want(t, postFile(t, s, base, "", "", "nov.xml", data), http.StatusForbidden)
		// No file, then a wrong passphrase: the form again, no job.
		want(t, postFile(t, s, base, tok, "", "", nil), http.StatusUnprocessableEntity, "choose the TaxInvoiceBulk XML file")
		want(t, postFile(t, s, base, tok, "wrong", "nov.xml", data), http.StatusUnprocessableEntity, "has-error", "No upload yet.")

		p := postFile(t, s, base, tok, fakturPass, "nov.xml", data)
		wantRedirect(t, p)
		job := p.header.Get("Location")
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `/\d+$`).MatchString(job) {
			t.Fatalf("redirect to %q", job)
		}
		deadline := time.Now().Add(20 * time.Second)
		jp := s.get(job)
		for regexp.MustCompile(`hx-trigger="every 2s"`).MatchString(jp.body) {
			if time.Now().After(deadline) {
				t.Fatalf("job did not end:\n%s", jp.body)
			}
			time.Sleep(20 * time.Millisecond)
			jp = s.get(job)
		}
		want(t, jp, http.StatusOK, "Done: every invoice of the file was read.", "<dt>Approved</dt><dd>2</dd>", "<dt>Rejected</dt><dd>1</dd>",
			"Error report", "TaxInvoiceBulk/ListOfTaxInvoice/TaxInvoice[2]/ListOfGoodService/GoodService[1]/VAT", "Stored fakturs")
		want(t, s.get(base), http.StatusOK, "nov.xml", `href="`+job+`"`)

		// A CSV sheet is converted and uploaded as drafts; a sheet with an
		// unknown column is refused with the row and column named.
		d := calendar.Day(time.Now()).Format(time.DateOnly)
		owner := string(w.VillaOwner.NPWP)
		csv := "invoice,TaxInvoiceDate,TrxCode,BuyerTin,BuyerDocument,BuyerName,BuyerAdress,Opt,Code,Name,Unit,Price,Qty,VATRate\n" +
			"S-1," + d + ",04," + owner + ",TIN,I Made Sudarma,\"Jl. Sawah Hijau 1, Ubud\",B,000000,Villa management,UM.0030,100000,1,12\n"
		p = postFile(t, s, base, tok, "", "nov.csv", []byte(csv))
		wantRedirect(t, p)
		want(t, postFile(t, s, base, tok, "", "bad.csv", []byte("invoice,TaxInvoiceDate,Colour\nA,"+d+",red\n")),
			http.StatusUnprocessableEntity, "column C", "nothing was uploaded")

		// The villa owner is no party to the company's uploads.
		o := newClient(t, s.srv)
		s2 := &accessSite{site: &site{t: t, srv: s.srv, c: o, reg: s.reg}, db: db, world: w}
		wantRedirect(t, s2.login(t, string(w.VillaOwner.NPWP), "sudarma sawah hijau"))
		want(t, s2.get(job), http.StatusForbidden)
	})
}
