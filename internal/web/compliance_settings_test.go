package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// The thresholds page: the shipped defaults in force, a refused version
// naming the field, a version added and then in force, a second one of
// the same day refused as a conflict.
func TestComplianceSettingsPage(t *testing.T) {
	db := storagetest.SQLite(t)
	open := registration.OpenPolicy()
	reg := registration.NewService(db.Registration(), db.Registry(), open, now, registration.DefaultConfig())
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), open, now, compliance.Config{})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Compliance: engine})
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

	want(t, s.get("/officer/compliance/settings"), http.StatusOK, "Compliance thresholds", "The shipped defaults", "window_months", "Rp100.000",
		`name="min_shortfall_sen" value="100000"`, `value="2026-11-25"`)
	token := s.token("/officer/compliance/settings")
	form := url.Values{"csrf_token": {token}, "from": {"2026-11-24"}, "reason": {"SE-05/PJ/2026 narrows the review"}, "window_months": {"12"},
		"min_shortfall_sen": {"250.000"}, "net_min_share_bp": {"5000"}, "net_payout_tolerance_bp": {"500"}, "offshore_cover_bp": {"9000"},
		"nominee_max_share_bp": {"1000"}, "nominee_min_gross_sen": {"500.000.000"}, "fee_tolerance_bp": {"1000"}, "fee_min_gap_sen": {"1.000.000"},
		"max_evidence": {"20"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("max_evidence", "5000")
	want(t, s.post("/officer/compliance/settings", bad), http.StatusUnprocessableEntity, "is a number of records from 1 to 1000", `value="5000"`)
	bad.Set("max_evidence", "twenty")
	want(t, s.post("/officer/compliance/settings", bad), http.StatusUnprocessableEntity, "is not a whole number")

	p := s.post("/officer/compliance/settings", form)
	wantRedirect(t, p)
	want(t, s.get("/officer/compliance/settings"), http.StatusOK, "The version from 2026-11-24", "SE-05/PJ/2026 narrows the review",
		"window_months 24 → 12", "min_shortfall_sen 10000000 → 25000000", "Rp250.000", "(in force)")
	want(t, s.post("/officer/compliance/settings", form), http.StatusConflict, "already recorded")
}
