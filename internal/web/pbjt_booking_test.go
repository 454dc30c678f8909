package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// newBookingSite serves the pages with the demo accounts and the villa
// owner's Villa Segara in Badung; it returns the property's bookings page.
func newBookingSite(t *testing.T, db *storage.DB) (*accessSite, string) {
	t.Helper()
	ctx := context.Background()
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
	// The property is registered outside the policy, as the demo does.
	open := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), time.Now)
	p, err := open.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Segara", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Pantai Batu Bolong 12", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80351"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, PBJT: props,
		PBJTBookings: pbjt.NewBookings(props, db.PBJT())})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	s := &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
	return s, "/taxpayers/" + owner + "/properties/" + strconv.FormatInt(p.ID, 10) + "/bookings"
}

// postImport sends the import form.
func postImport(t *testing.T, s *accessSite, path string, fields map[string]string, name string, data []byte) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
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
	return read(t, res)
}

func TestBookingsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, base := newBookingSite(t, db)
		w := s.world
		tx, err := os.ReadFile("../booking/testdata/airbnb_transactions.csv")
		if err != nil {
			t.Fatal(err)
		}

		want(t, s.get(base+"?month=2026-10"), http.StatusUnauthorized, "Please sign in")
		wantRedirect(t, s.login(t, string(w.VillaOwner.NPWP), "sudarma sawah hijau"))
		want(t, s.get("/taxpayers/"+string(w.VillaOwner.NPWP)+"/properties"), http.StatusOK, `href="`+base+`"`)
		want(t, s.get(base+"?month=2026-10"), http.StatusOK, "No booking checks out in 2026-10.", "the payout is never the base",
			`action="`+base+`/imports"`, `<option value="airbnb-transactions">`)
		want(t, s.get(base+"?month=October"), http.StatusUnprocessableEntity, "write YYYY-MM")
		tok := s.token(base)

		// Without the CSRF token nothing is imported.
		want(t, postImport(t, s, base+"/imports", map[string]string{"format": "airbnb-transactions", "rates": "USD=16250@2026-09-01"}, "tx.csv", tx),
			http.StatusForbidden, "This form cannot be accepted")
		want(t, s.get(base+"?month=2026-10"), http.StatusOK, "No booking checks out in 2026-10.")
		// A rate that cannot be read, and no file: the form again.
		want(t, postImport(t, s, base+"/imports", map[string]string{"csrf_token": tok, "month": "2026-10", "rates": "USD:16250"}, "tx.csv", tx),
			http.StatusUnprocessableEntity, "has-error", "CURRENCY=RUPIAH@FIRST-DAY", `value="USD:16250"`)
		want(t, postImport(t, s, base+"/imports", map[string]string{"csrf_token": tok}, "", nil),
			http.StatusUnprocessableEntity, "choose the export of Airbnb")

		// Without a rate for the day, October's first stay is rejected
		// with its row, column and value named.
		p := postImport(t, s, base+"/imports", map[string]string{"csrf_token": tok, "month": "2026-10", "format": "airbnb-transactions",
			"rates": "USD=16250@2026-10-02"}, "tx.csv", tx)
		wantRedirect(t, p)
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `\?job=\d+&month=2026-10#import$`).MatchString(p.location) {
			t.Fatalf("redirect to %q", p.location)
		}
		want(t, s.get(p.location), http.StatusOK, "Read as", "<td>3</td>", `<td><span class="badge">rejected</span></td><td>Currency</td><td class="mono">USD</td>`)

		// With the rate from September every stay converts: the gross
		// the guests paid is the PBJT base, and the payout and the
		// difference are shown beside it. October: 1,500.00 + 1,078.76
		// + 2,000.00 USD gross, 1,455.00 + 1,046.40 + 1,940.00 USD
		// payout, at 16,250.
		p = postImport(t, s, base+"/imports", map[string]string{"csrf_token": tok, "month": "2026-10", "format": "",
			"rates": "USD=16250@2026-09-01"}, "tx.csv", tx)
		wantRedirect(t, p)
		page := s.get(p.location)
		want(t, page, http.StatusOK, "HMT2RZ9VXF", "Kenji Watanabe", "2000.00", "rate given with the import: USD=16250@2026-09-01",
			"PBJT base (= gross)", "Difference gross − payout", "duplicate of booking")
		gross, payout, diff := money.Amount(457876*16250).Display(), money.Amount(444140*16250).Display(), money.Amount(13736*16250).Display()
		want(t, page, http.StatusOK, `<td class="num">`+gross+`</td><td class="num">`, `<td class="num">`+payout+`</td>`,
			`<td class="num"><strong>`+gross+`</strong></td><td class="num">`+diff+`</td>`)

		// Another taxpayer's director is refused the page and the import.
		o := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv), reg: s.reg}, db: db, world: w}
		wantRedirect(t, o.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		want(t, o.get(base+"?month=2026-10"), http.StatusForbidden)
		want(t, postImport(t, o, base+"/imports", map[string]string{"csrf_token": o.token("/account/security"), "rates": "USD=16250@2026-09-01"}, "tx.csv", tx),
			http.StatusForbidden)
	})
}
