package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
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

// incomeTaxNow is the fixed day of the income tax pages' services.
func incomeTaxNow() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }

// newIncomeTaxSite serves the pages with the demo accounts and the villa
// owner's Villa Segara with three direct bookings of 2026; it returns the
// property's ID.
func newIncomeTaxSite(t *testing.T, db *storage.DB) (*accessSite, int64) {
	t.Helper()
	ctx := context.Background()
	now := incomeTaxNow
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{2}))
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
	if err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), time.Now, roles.DefaultRules().Merge(pbjt.Rules()))
	props := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	owner := string(w.VillaOwner.NPWP)
	open := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	p, err := open.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Segara", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Pantai Batu Bolong 12", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80351"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	bk := pbjt.NewBookings(open, db.PBJT())
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, b := range []pbjt.BookingInput{
		{Via: "website", Guest: "Sophie Laurent", CheckIn: day("2026-05-01"), CheckOut: day("2026-05-31"), Gross: "450000000"},
		{Via: "agent", Guest: "Chen Wei", CheckIn: day("2026-06-01"), CheckOut: day("2026-06-20"), Gross: "150000000", Commission: "15000000"},
		{Via: "agent", Guest: "PT Yoga Retreat", CheckIn: day("2026-07-01"), CheckOut: day("2026-09-30"), Gross: "90000000"},
	} {
		if _, err := bk.Add(ctx, owner, p.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, InsecureCookies: true, PBJT: props,
		PBJTBookings: pbjt.NewBookings(props, db.PBJT()), PBJTIncomeTax: pbjt.NewIncomeTaxes(props, db.PBJT(), db.PBJT(), nil)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}, p.ID
}

func TestIncomeTaxPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, prop := newIncomeTaxSite(t, db)
		w := s.world
		npwp := string(w.VillaOwner.NPWP)
		base := "/taxpayers/" + npwp + "/income-tax/2026"

		want(t, s.get(base), http.StatusUnauthorized, "Please sign in")
		wantRedirect(t, s.login(t, npwp, "sudarma sawah hijau"))
		want(t, s.get("/taxpayers/"+npwp+"/properties"), http.StatusOK, `href="/taxpayers/`+npwp+`/income-tax"`)
		if p := s.get("/taxpayers/" + npwp + "/income-tax"); p.status != http.StatusSeeOther || !regexp.MustCompile(`/income-tax/\d{4}$`).MatchString(p.location) {
			t.Errorf("the current year: %d to %q", p.status, p.location)
		}
		// May within the exemption, June crossing it: Rp 50 million of
		// Rp 150 million exempt, Rp 100 million taxed, Rp 500.000 due
		// on 15 July; no regime applied until the owner chooses.
		want(t, s.get(base), http.StatusOK, "choice needed", "PP 55/2022: final 0.5 % of gross turnover", "Rp50.000.000", "Rp100.000.000",
			"<strong>Rp500.000</strong>", "2026-07-15", "passes Rp 500 million this month", "PP 34/2017: final 10 % of gross rent",
			"Not computed from the bookings", "unverified", `action="`+base+`/choices"`, `action="`+base+`/leases"`)
		want(t, s.get("/taxpayers/"+npwp+"/income-tax/2040"), http.StatusUnprocessableEntity, "give a tax year from 2018")
		tok := s.token(base)

		// Without the CSRF token nothing is recorded.
		want(t, s.post(base+"/choices", url.Values{"regime": {"pp55"}, "basis": {"villa let by the night with daily cleaning"}}),
			http.StatusForbidden)
		p := s.post(base+"/choices", url.Values{"csrf_token": {tok}, "regime": {"pp34"}, "basis": {"short"}})
		want(t, p, http.StatusUnprocessableEntity, "has-error", `href="#choice-basis"`, "at least 10 characters")
		p = s.post(base+"/choices", url.Values{"csrf_token": {tok}, "regime": {"pp55"}, "basis": {"villa let by the night with daily cleaning"}})
		wantRedirect(t, p)
		if p.location != base+"#choice" {
			t.Errorf("redirect to %q", p.location)
		}
		want(t, s.get(base), http.StatusOK, "Applied: <strong>PP 55/2022", "on this basis: “villa let by the night with daily cleaning”",
			"Choices recorded for 2026")

		// The long stay stated as a lease without services: PP 34/2017
		// on its Rp 90 million, apart from the turnover.
		p = s.post(base+"/leases", url.Values{"csrf_token": {tok}, "booking": {"x"}, "tenant": {"PT Yoga Retreat"}})
		want(t, p, http.StatusUnprocessableEntity, "choose one of the bookings listed")
		page := s.get(base)
		m := regexp.MustCompile(`<option value="(\d+:\d+)"`).FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no booking offered as a lease")
		}
		p = s.post(base+"/leases", url.Values{"csrf_token": {tok}, "booking": {m[1]}, "tenant": {""}, "whole_property": {"true"}})
		want(t, p, http.StatusUnprocessableEntity, "give the tenant&#39;s name", `id="lease-whole_property" name="whole_property" value="true" checked`)
		p = s.post(base+"/leases", url.Values{"csrf_token": {tok}, "booking": {m[1]}, "tenant": {"PT Yoga Retreat"}, "whole_property": {"true"}, "no_services": {"true"}})
		wantRedirect(t, p)
		want(t, s.get(base), http.StatusOK, "Genuine leases", "lease to PT Yoga Retreat", "<strong>Rp9.000.000</strong>")

		// The expenses: refused with the rows kept, then stated; the
		// Rp 240 million of short stays left beside the lease, less Rp 100
		// million, less PTKP K/1 (Rp 63 million) is Rp 77 million: 5 % ×
		// 60 million + 15 % × 17 million = Rp 5.55 million.
		want(t, s.get(base), http.StatusOK, `href="#expenses"`, `action="`+base+`/expenses"`, `id="expenses-ptkp_status"`)
		p = s.post(base+"/expenses", url.Values{"csrf_token": {tok}, "label": {"staff wages", "OTA commissions", ""}, "amount": {"60000000", "lots", ""}})
		want(t, p, http.StatusUnprocessableEntity, "has-error", `href="#expenses-lines%5b1%5d-amount"`, `id="expenses-lines[1]-amount"`, "give the year&#39;s amount in rupiah",
			`href="#expenses-ptkp_status"`, `value="staff wages"`, `value="lots"`)
		p = s.post(base+"/expenses", url.Values{"csrf_token": {tok}, "label": {"staff wages", "OTA commissions", ""}, "amount": {"60000000", "40000000", ""},
			"ptkp_status": {"K/1"}, "note": {"ledger 2026"}})
		wantRedirect(t, p)
		if p.location != base+"#expenses" {
			t.Errorf("redirect to %q", p.location)
		}
		want(t, s.get(base), http.StatusOK, "PTKP of status K/1", "Rp63.000.000", "UU PPh Pasal 17(4)", "<strong>Rp5.550.000</strong>",
			"Expenses stated for 2026", "Version 1", `<option value="K/1" selected>`, `value="60000000"`,
			"normal income tax (Rp5.550.000) is Rp5.550.000 more than PP 55/2022 (Rp0)")

		// Another taxpayer's director is refused the page and the forms.
		o := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv), reg: s.reg}, db: db, world: w}
		wantRedirect(t, o.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		want(t, o.get(base), http.StatusForbidden)
		otok := o.token("/account/security")
		want(t, o.post(base+"/choices", url.Values{"csrf_token": {otok}, "regime": {"normal"}, "basis": {"elected out of PP 55/2022"}}), http.StatusForbidden)
		want(t, o.post(base+"/leases", url.Values{"csrf_token": {otok}, "booking": {strconv.FormatInt(prop, 10) + ":1"}, "tenant": {"x"}}), http.StatusForbidden)
		want(t, o.post(base+"/expenses", url.Values{"csrf_token": {otok}, "label": {"x"}, "amount": {"1"}, "ptkp_status": {"K/0"}}), http.StatusForbidden)
	})
}

func TestDirectBookingForm(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, base := newBookingSite(t, db)
		w := s.world
		wantRedirect(t, s.login(t, string(w.VillaOwner.NPWP), "sudarma sawah hijau"))
		want(t, s.get(base+"?month=2026-12"), http.StatusOK, "Enter a direct booking", `<option value="walk-in">Walk-in</option>`,
			`id="booking-gross"`, `id="booking-payout_country"`)
		tok := s.token(base)

		form := url.Values{"csrf_token": {tok}, "month": {"2026-12"}, "channel": {"agent"}, "guest": {"Marco Rossi"}, "check_in": {"2026-12-22"},
			"check_out": {"2026-12-18"}, "currency": {"USD"}, "gross": {"1600.00"}, "commission": {"160.00"}, "rate": {"16285.50"}, "payout_country": {"SGP"}}
		// Without the CSRF token nothing is stored.
		noToken := url.Values{}
		for k, v := range form {
			if k != "csrf_token" {
				noToken[k] = v
			}
		}
		want(t, s.post(base, noToken), http.StatusForbidden)
		// Check-out before check-in: the form again with the values.
		want(t, s.post(base, form), http.StatusUnprocessableEntity, "has-error", `href="#booking-check_out"`, "must be after check-in 2026-12-22",
			`value="Marco Rossi"`, `<option value="agent" selected>`, `value="16285.50"`)
		form.Set("check_in", "12/18/2026")
		want(t, s.post(base, form), http.StatusUnprocessableEntity, "is not a day; write YYYY-MM-DD")
		form.Set("check_in", "2026-12-18")
		form.Set("check_out", "2026-12-22")
		form.Set("rate", "")
		want(t, s.post(base, form), http.StatusUnprocessableEntity, "give the rupiah value of one USD")
		form.Set("rate", "16285.50")
		p := s.post(base, form)
		wantRedirect(t, p)
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `\?month=2026-12#booking-\d+$`).MatchString(p.location) {
			t.Fatalf("redirect to %q", p.location)
		}
		// 1600.00 USD at 16285.50 is the gross; the payout is 1440.00 USD.
		want(t, s.get(p.location), http.StatusOK, "Marco Rossi", "agent", "1600.00", "Rp26.056.800", "Rp23.451.120")

		// A walk-in guest paying in rupiah, without commission.
		form = url.Values{"csrf_token": {tok}, "channel": {"walk-in"}, "guest": {"Komang Ayu"}, "check_in": {"2026-12-01"}, "check_out": {"2026-12-03"},
			"currency": {"IDR"}, "gross": {"5000000"}}
		wantRedirect(t, s.post(base, form))
		want(t, s.get(base+"?month=2026-12"), http.StatusOK, "Komang Ayu", "walk-in", "Rp5.000.000")

		o := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv), reg: s.reg}, db: db, world: w}
		wantRedirect(t, o.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		form.Set("csrf_token", o.token("/account/security"))
		want(t, o.post(base, form), http.StatusForbidden)
	})
}
