package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestDeclarationRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := actor.With(context.Background(), actor.SystemActor("test"))
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	bk := pbjt.NewBookings(svc, db.PBJT())
	dc := pbjt.NewDeclarations(svc, db.PBJT(), db.PBJT())
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, PBJT: svc, PBJTBookings: bk, PBJTDeclarations: dc,
		Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	owner := string(w.VillaOwner.NPWP)
	p, err := svc.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Kembang", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Raya Sayan", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405", PostalCode: "80571"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("../booking/testdata/generic.csv")
	if err != nil {
		t.Fatal(err)
	}
	rate, _ := pbjt.ParseRate("USD=16250@2026-09-01")
	if _, _, err := bk.Import(ctx, owner, p.ID, file, pbjt.ImportOptions{Format: "csv", FileName: "generic.csv", Rates: []pbjt.RateInput{rate}, Listing: "Villa Kembang"}); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/taxpayers/" + owner + "/properties/" + strconv.FormatInt(p.ID, 10) + "/declarations"

	type decl struct {
		Month       string   `json:"month"`
		Revision    int      `json:"revision"`
		Status      string   `json:"status"`
		Number      string   `json:"number"`
		PaymentCode *string  `json:"payment_code"`
		Base        int64    `json:"base_sen"`
		Gross       int64    `json:"bookings_gross_sen"`
		Difference  int64    `json:"difference_sen"`
		Tax         int64    `json:"tax_sen"`
		Late        bool     `json:"late"`
		Warnings    []string `json:"warnings"`
		PaymentDue  string   `json:"payment_due"`
		Rule        struct {
			Text     string `json:"text"`
			Interest struct {
				Value  int64  `json:"value"`
				Status string `json:"status"`
			} `json:"interest_bp_per_month"`
		} `json:"penalty_rule"`
	}
	// October: Emma Thompson's 1,078.76 USD at 16,250.
	gross := int64(107876 * 16250)
	res := doJSON(t, srv, "POST", base, map[string]any{"month": "2026-10"})
	wantStatus(t, res, http.StatusCreated)
	d := decode[decl](t, res)
	if d.Month != "2026-10" || d.Revision != 0 || d.Status != "current" || d.Number != "SPTPD/5104/2026/10/00001" || d.PaymentCode == nil ||
		*d.PaymentCode != "510420261000000001" || d.Base != gross || d.Gross != gross || d.Tax != gross/1000*100 || !d.Late ||
		len(d.Warnings) != 0 || d.PaymentDue != "2026-11-20" || d.Rule.Interest.Value != 200 || d.Rule.Interest.Status != "unverified" {
		t.Errorf("filed = %+v", d)
	}
	if loc := res.header.Get("Location"); loc != base+"/2026-10" {
		t.Errorf("Location = %q", loc)
	}
	wantError(t, doJSON(t, srv, "POST", base, map[string]any{"month": "2026-10"}), http.StatusConflict, "conflict", "revision")
	wantError(t, doJSON(t, srv, "POST", base, map[string]any{"month": "October"}), http.StatusUnprocessableEntity, "invalid", "month")
	wantError(t, doJSON(t, srv, "POST", base, map[string]any{"month": "2026-11"}), http.StatusUnprocessableEntity, "invalid", "month")

	// An amendment declaring less than the bookings: warned.
	res = doJSON(t, srv, "POST", base, map[string]any{"month": "2026-10", "revision": 1, "base": "10000000", "reason": "test"})
	wantStatus(t, res, http.StatusCreated)
	am := decode[decl](t, res)
	if am.Revision != 1 || am.Difference != 10_000_000_00-gross || len(am.Warnings) != 1 || am.PaymentCode != nil {
		t.Errorf("amendment = %+v", am)
	}

	type account struct {
		State       string `json:"state"`
		Revisions   []decl `json:"revisions"`
		Tax         int64  `json:"tax_sen"`
		Interest    int64  `json:"interest_sen"`
		Outstanding int64  `json:"outstanding_sen"`
		Lines       []struct {
			Months int  `json:"months"`
			Unpaid bool `json:"unpaid"`
		} `json:"interest_lines"`
	}
	res = do(t, srv, "GET", base+"/2026-10", "", "")
	wantStatus(t, res, http.StatusOK)
	acc := decode[account](t, res)
	if acc.State != "late" || len(acc.Revisions) != 2 || acc.Revisions[0].Status != "superseded" || acc.Tax != 1_000_000_00 ||
		acc.Interest != 20_000_00 || acc.Outstanding != 1_020_000_00 || len(acc.Lines) != 1 || acc.Lines[0].Months != 1 {
		t.Errorf("account = %+v", acc)
	}
	wantError(t, do(t, srv, "GET", base+"/2026-10?as_of=tomorrow", "", ""), http.StatusUnprocessableEntity, "invalid", "as_of")
	wantError(t, do(t, srv, "GET", base+"/2026-08", "", ""), http.StatusNotFound, "not_found", "")

	wantError(t, doJSON(t, srv, "POST", base+"/2026-10/payments", map[string]string{"paid_on": "2026-11-24", "amount": "2000000", "receipt": "NTPD-1"}),
		http.StatusUnprocessableEntity, "invalid", "amount")
	res = doJSON(t, srv, "POST", base+"/2026-10/payments", map[string]string{"paid_on": "2026-11-24", "amount": "1020000", "receipt": "NTPD-1"})
	wantStatus(t, res, http.StatusCreated)
	paid := decode[struct {
		Account account `json:"account"`
	}](t, res)
	if paid.Account.State != "paid" || paid.Account.Outstanding != 0 {
		t.Errorf("after paying = %+v", paid.Account)
	}

	res = do(t, srv, "GET", base, "", "")
	wantStatus(t, res, http.StatusOK)
	list := decode[struct {
		Next   *string `json:"next"`
		Months []struct {
			Month   string   `json:"month"`
			State   string   `json:"state"`
			Gross   int64    `json:"bookings_gross_sen"`
			Account *account `json:"account"`
		} `json:"months"`
	}](t, res)
	if len(list.Months) != 1 || list.Months[0].Month != "2026-10" || list.Months[0].State != "paid" || list.Months[0].Gross != gross ||
		list.Months[0].Account == nil || list.Next != nil {
		t.Errorf("months = %+v", list)
	}

	res = do(t, srv, "GET", base+"/2026-10/revisions/0/pdf", "", "")
	wantStatus(t, res, http.StatusOK)
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) || res.header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(res.header.Get("Content-Disposition"), "sptpd-5104-2026-10-r0.pdf") {
		t.Errorf("PDF: %s, %.20q", res.header, res.body)
	}
	res = do(t, srv, "GET", base+"/2026-10/revisions/1/csv", "", "")
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(string(res.body), "number,Nomor SPTPD,SPTPD/5104/2026/10/00002\n") || !strings.Contains(string(res.body), "base,") {
		t.Errorf("CSV:\n%s", res.body)
	}
	wantError(t, do(t, srv, "GET", base+"/2026-10/revisions/2/csv", "", ""), http.StatusNotFound, "not_found", "")

	// The portfolio names the next month to declare: none is left.
	res = do(t, srv, "GET", "/api/v1/taxpayers/"+owner+"/properties", "", "")
	wantStatus(t, res, http.StatusOK)
	pf := decode[struct {
		Properties []struct {
			Next *struct {
				Month *string `json:"month"`
			} `json:"next_declaration"`
		} `json:"properties"`
	}](t, res)
	if len(pf.Properties) != 1 || pf.Properties[0].Next == nil || pf.Properties[0].Next.Month != nil {
		t.Errorf("portfolio = %+v", pf)
	}

	// The payment code pattern is part of each region's configuration.
	res = do(t, srv, "GET", "/api/v1/regencies/5104/versions", "", "")
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(string(res.body), `"payment_code": {`) || !strings.Contains(string(res.body), `"value": "{regency}{yyyy}{mm}{seq:8}"`) {
		t.Errorf("versions lack the payment code:\n%.600s", res.body)
	}

	// Without the right the body is not even read.
	refuse := actor.PolicyFunc(func(ctx context.Context, act actor.Action, _ int64) error {
		return errs.E(errs.Forbidden, "you may not: not met: a related party of the taxpayer")
	})
	closedSvc := pbjt.NewService(db.PBJT(), db.Registration(), refuse, now)
	closed := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{PBJT: closedSvc,
		PBJTDeclarations: pbjt.NewDeclarations(closedSvc, db.PBJT(), db.PBJT()), Logger: logger, Now: now}), logger, nil))
	t.Cleanup(closed.Close)
	wantError(t, do(t, closed, "POST", base, "application/json", "{not json"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "POST", base+"/2026-10/payments", "application/json", "{not json"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "GET", base, "", ""), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "GET", base+"/2026-10", "", ""), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "GET", base+"/2026-10/revisions/0/pdf", "", ""), http.StatusForbidden, "forbidden", "")
}
