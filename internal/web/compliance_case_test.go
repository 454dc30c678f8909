package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// The compliance pages on the demo world with the open policy (access is
// checked by the services and the page route tests).
func TestCompliancePages(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := actor.With(context.Background(), actor.SystemActor("test"))
	open := registration.OpenPolicy()
	reg := registration.NewService(db.Registration(), db.Registry(), open, now, registration.DefaultConfig())
	props := pbjt.NewService(db.PBJT(), db.Registration(), open, now)
	decl := pbjt.NewDeclarations(props, db.PBJT(), db.PBJT())
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), open, now, compliance.Config{})
	cases := casework.NewService(db.Cases(), engine, db.Registration(), props, open, now, casework.Config{}).
		WithSelfCheck(casework.EngineSelfCheck(engine), casework.PBJTDeclarations{D: decl}).WithDashboard(db.Cases())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg, PBJT: props,
		Bookings: pbjt.NewBookings(props, db.PBJT()), Compliance: engine, Declarations: decl, Cases: cases})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Cases: cases})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s := &site{t: t, srv: srv, c: c, reg: reg}

	id := w.Case.ID
	want(t, s.get("/officer/compliance?from=2026-08&to=2026-10"), http.StatusOK, `<svg class="chart" id="chart-regions"`, `role="img"`,
		`<caption>Kabupaten Badung per month</caption>`, "Third-party gross")
	want(t, s.get("/officer/compliance/flags"), http.StatusOK, "net-instead-of-gross", "undeclared-property")
	risks := s.get("/officer/compliance/risks")
	want(t, risks, http.StatusOK, "Open a case", fmt.Sprintf(`<a href="/officer/compliance/cases/%d">case %d</a>`, id, id))
	want(t, s.get("/officer/compliance/cases?status=letter_sent"), http.StatusOK, w.Compliance.NetOwner.Name)
	want(t, s.get(fmt.Sprintf("/officer/compliance/evidence?subject=taxpayer:%d", w.Compliance.NetOwner.ID)), http.StatusOK, "Evidence", "record", "The taxpayer's PBJT declarations", "Every revision, by property and month")
	// A place's evidence names each listing by its source and its id
	// there, and each record by the sender's id too, never by a zero id.
	place := s.get("/officer/compliance/evidence?" + url.Values{"subject": {demo.UndeclaredSubject}}.Encode())
	want(t, place, http.StatusOK,
		`<span class="badge">listing ABB-88213 on Airbnb PJAP feed 01</span> listing ABB-88213 &#34;Villa Batu Bolong`,
		`<span class="badge">listing BDC-1201955 on Booking.com feed BALI-7</span> listing BDC-1201955`,
		`(Airbnb PJAP feed 01 HMC2026-0801)</span> Airbnb PJAP feed 01 record HMC2026-0801:`,
		`(Booking.com feed BALI-7 4471902213)</span>`)
	if zero := regexp.MustCompile(`class="badge">[a-z]+ 0<`).FindString(place.body); zero != "" {
		t.Errorf("the evidence page names an item by a zero id: %s", zero)
	}
	casePage := s.get(fmt.Sprintf("/officer/compliance/cases/%d", id))
	want(t, casePage, http.StatusOK, w.Case.Letter.Number, "Record a reply received on paper", "Close the case")

	// Opening a case for the undeclared listing, then sending its letter.
	token := s.token("/officer/compliance/risks")
	subject := demo.UndeclaredSubject
	p := s.post("/officer/compliance/cases", url.Values{"csrf_token": {token}, "subject": {subject}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/officer/compliance/cases/") {
		t.Fatalf("open = %d %q", p.status, p.location)
	}
	want(t, s.post("/officer/compliance/cases", url.Values{"csrf_token": {token}, "subject": {subject}}), http.StatusConflict, "already has case")
	want(t, s.post(p.location+"/letter", url.Values{"csrf_token": {token}, "version": {"9"}}), http.StatusConflict, "changed by someone else")
	l := s.post(p.location+"/letter", url.Values{"csrf_token": {token}, "version": {"1"}})
	if l.status != http.StatusSeeOther {
		t.Fatalf("letter = %d %s", l.status, l.body)
	}
	want(t, s.get(p.location), http.StatusOK, "/5103/2026", "on paper")
	pdf := s.get(p.location + "/letter/pdf")
	if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF-") {
		t.Errorf("letter PDF = %d %.20q", pdf.status, pdf.body)
	}
	want(t, s.post(p.location+"/close", url.Values{"csrf_token": {token}, "version": {"2"}, "outcome": {"forgiven"}}), http.StatusUnprocessableEntity, "is not an outcome")

	// The taxpayer's letter and answer.
	darma := string(w.Compliance.NetOwner.NPWP)
	letter := fmt.Sprintf("/taxpayers/%s/letters/%d", darma, id)
	want(t, s.get("/taxpayers/"+darma+"/letters"), http.StatusOK, w.Case.Letter.Number, "waiting for your answer")
	want(t, s.post(letter+"/response", url.Values{"csrf_token": {token}}), http.StatusUnprocessableEntity, "write what explains the data")
	if p := s.post(letter+"/response", url.Values{"csrf_token": {token}, "explanation": {"I declared the payouts."}, "correction": {"true"}}); p.status != http.StatusSeeOther || p.location != letter {
		t.Fatalf("response = %d %q", p.status, p.location)
	}
	want(t, s.get(letter), http.StatusOK, "Your answer", "I declared the payouts.", "you correct voluntarily")

	// What the tax office will see, and the voluntary correction.
	owner := string(w.VillaOwner.NPWP)
	want(t, s.get("/taxpayers/"+owner+"/self-check"), http.StatusOK, "offshore-payout", "Sanction if you correct now", "Prepare a voluntary correction")
	form := s.get("/taxpayers/" + owner + "/self-check/correction")
	want(t, form, http.StatusOK, "Rp21.000.000", `name="month"`)
	key := strings.SplitN(strings.SplitN(form.body, `name="month" value="`, 2)[1], `"`, 2)[0]
	want(t, s.post("/taxpayers/"+owner+"/self-check/correction", url.Values{"csrf_token": {token}, "month": {key + "0"}}), http.StatusUnprocessableEntity, "reload it and confirm again")
	if p := s.post("/taxpayers/"+owner+"/self-check/correction", url.Values{"csrf_token": {token}, "month": {key}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?filed=1") {
		t.Fatalf("file = %d %q %s", p.status, p.location, p.body)
	}
	want(t, s.get("/taxpayers/"+owner+"/self-check?filed=1"), http.StatusOK, "1 amended declaration(s) filed", "The rules find nothing")
}
