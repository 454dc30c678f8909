package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

func TestDeclarationsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := actor.With(context.Background(), actor.SystemActor("test"))
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
		if err != nil {
			t.Fatal(err)
		}
		policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(pbjt.Rules()))
		props := pbjt.NewService(db.PBJT(), db.Registration(), policy, time.Now)
		owner := string(w.VillaOwner.NPWP)
		open := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), time.Now)
		p, err := open.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Kembang", Kind: "villa",
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
		if _, _, err := pbjt.NewBookings(open, db.PBJT()).Import(ctx, owner, p.ID, file, pbjt.ImportOptions{Format: "csv", FileName: "generic.csv",
			Rates: []pbjt.RateInput{rate}, Listing: "Villa Kembang"}); err != nil {
			t.Fatal(err)
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, PBJT: props,
			PBJTBookings: pbjt.NewBookings(props, db.PBJT()), PBJTDeclarations: pbjt.NewDeclarations(props, db.PBJT(), db.PBJT())})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		t.Cleanup(srv.Close)
		s := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
		base := "/taxpayers/" + owner + "/properties/" + strconv.FormatInt(p.ID, 10) + "/declarations"

		want(t, s.get(base), http.StatusUnauthorized, "Please sign in")
		wantRedirect(t, s.login(t, owner, "sudarma sawah hijau"))
		// Emma Thompson's 1,078.76 USD at 16,250 = Rp17.529.850.
		want(t, s.get(base), http.StatusOK, "PBJT declarations of Villa Kembang", "Kabupaten Gianyar (5104)", "Next to declare:",
			`href="`+base+`?month=2026-10#month"`, "Rp17.529.850", "not filed")
		want(t, s.get("/taxpayers/"+owner+"/properties"), http.StatusOK, `href="`+base+`"`, "2026-10 not declared")
		want(t, s.get(base+"?month=2026-10"), http.StatusOK, "The declaration as it would be filed today", "tax Rp1.752.985",
			`action="`+base+`"`, `name="revision" value="0"`)
		want(t, s.get(base+"?month=Oktober"), http.StatusUnprocessableEntity, "write YYYY-MM")
		tok := s.token(base + "?month=2026-10")

		want(t, s.post(base, url.Values{"csrf_token": {tok}, "month": {"2026-10"}, "revision": {"0"}, "base": {"12,5 juta"}}),
			http.StatusUnprocessableEntity, "has-error", `value="12,5 juta"`, "is not an amount in rupiah")
		res := s.post(base, url.Values{"csrf_token": {tok}, "month": {"2026-10"}, "revision": {"0"}, "base": {"15000000"}, "reason": {"one refund"}})
		wantRedirect(t, res)
		if !strings.Contains(res.location, "done=filed") {
			t.Fatalf("redirect to %q", res.location)
		}
		want(t, s.get(res.location), http.StatusOK, "The declaration is filed", "SPTPD/5104/2026/10/00001", "510420261000000001",
			"differs from the bookings", "below the gross of the month", base+"/2026-10/revisions/0/pdf", "File amendment 1", "Record a payment")
		// Filing revision 0 again is refused with the revision named.
		want(t, s.post(base, url.Values{"csrf_token": {tok}, "month": {"2026-10"}, "revision": {"0"}}), http.StatusUnprocessableEntity,
			"an amendment is revision 1")
		res = s.post(base, url.Values{"csrf_token": {tok}, "month": {"2026-10"}, "revision": {"1"}, "reason": {"the gross"}})
		wantRedirect(t, res)
		want(t, s.get(res.location), http.StatusOK, "The amendment is filed", "SPTPD/5104/2026/10/00002", "superseded", "amendment 1")

		want(t, s.post(base+"/2026-10/payments", url.Values{"csrf_token": {tok}, "paid_on": {"2026-11-24"}, "amount": {"0"}, "receipt": {"X"}}),
			http.StatusUnprocessableEntity, "is not a positive amount")
		today := calendar.Day(time.Now()).Format(time.DateOnly)
		res = s.post(base+"/2026-10/payments", url.Values{"csrf_token": {tok}, "paid_on": {today}, "amount": {"1000000"}, "receipt": {"NTPD-9"}})
		wantRedirect(t, res)
		want(t, s.get(res.location), http.StatusOK, "The payment is recorded", "NTPD-9", "Rp1.000.000")

		pdf := s.get(base + "/2026-10/revisions/0/pdf")
		if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF-") {
			t.Errorf("PDF: %d %.20q", pdf.status, pdf.body)
		}
		want(t, s.get(base+"/2026-10/revisions/1/csv"), http.StatusOK, "number,Nomor SPTPD,SPTPD/5104/2026/10/00002")

		// Another taxpayer's director is refused the page and the forms.
		o := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
		wantRedirect(t, o.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		want(t, o.get(base), http.StatusForbidden)
		want(t, o.get(base+"/2026-10/revisions/0/pdf"), http.StatusForbidden)
		want(t, o.post(base, url.Values{"csrf_token": {o.token("/account/security")}, "month": {"2026-10"}, "revision": {"2"}}), http.StatusForbidden)
	})
}
