package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
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

func TestIncomeTaxRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	bk := pbjt.NewBookings(svc, db.PBJT())
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, PBJT: svc, PBJTBookings: bk,
		PBJTIncomeTax: pbjt.NewIncomeTaxes(svc, db.PBJT(), db.PBJT(), nil), Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	owner := string(w.VillaOwner.NPWP)
	p, err := svc.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Segara", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Pantai Batu Bolong 12", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80351"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
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
	base := "/api/v1/taxpayers/" + owner + "/income-tax/2026"
	type view struct {
		Turnover int64 `json:"turnover_sen"`
		Lines    []struct {
			BookingID int64 `json:"booking_id"`
			Nights    int   `json:"nights"`
			Lease     bool  `json:"lease"`
		} `json:"lines"`
		Options []struct {
			Regime    string `json:"regime"`
			Available bool   `json:"available"`
			Computed  bool   `json:"computed"`
			Tax       *int64 `json:"tax_sen"`
			Months    []struct {
				Month  string `json:"month"`
				Exempt int64  `json:"exempt_sen"`
				Tax    int64  `json:"tax_sen"`
				Due    string `json:"due"`
			} `json:"months"`
			Missing []string `json:"missing"`
		} `json:"options"`
		Leases *struct {
			Tax *int64 `json:"tax_sen"`
		} `json:"leases"`
		Leading   *string `json:"leading"`
		Applied   *string `json:"applied"`
		Contested bool    `json:"contested"`
		Choice    *struct {
			Regime string `json:"regime"`
			Basis  string `json:"basis"`
		} `json:"choice"`
		Parameters []struct {
			Status string `json:"status"`
		} `json:"parameters"`
	}
	res := do(t, srv, "GET", base, "", "")
	wantStatus(t, res, http.StatusOK)
	v := decode[view](t, res)
	if v.Turnover != 690_000_000_00 || v.Applied != nil || !v.Contested || v.Leading == nil || *v.Leading != "pp55" || len(v.Options) != 3 || len(v.Parameters) != 14 {
		t.Fatalf("view = %+v", v)
	}
	pp55 := v.Options[0]
	// May: 450 million, exempt. June: 150 million, 50 million exempt, 100
	// million taxed. September: 90 million taxed.
	if pp55.Regime != "pp55" || *pp55.Tax != 950_000_00 || len(pp55.Months) != 3 || pp55.Months[1].Exempt != 50_000_000_00 ||
		pp55.Months[1].Tax != 500_000_00 || pp55.Months[1].Due != "2026-07-15" {
		t.Errorf("PP 55/2022 = %+v", pp55)
	}
	if n := v.Options[2]; n.Regime != "normal" || n.Computed || n.Tax != nil || len(n.Missing) == 0 {
		t.Errorf("normal = %+v", n)
	}
	wantError(t, do(t, srv, "GET", "/api/v1/taxpayers/"+owner+"/income-tax/twenty", "", ""), http.StatusUnprocessableEntity, "invalid", "year")
	wantError(t, do(t, srv, "GET", "/api/v1/taxpayers/"+owner+"/income-tax/2030", "", ""), http.StatusUnprocessableEntity, "invalid", "year")

	wantError(t, doJSON(t, srv, "POST", base+"/choices", map[string]string{"regime": "pp34", "basis": "short"}), http.StatusUnprocessableEntity, "invalid", "basis")
	res = doJSON(t, srv, "POST", base+"/choices", map[string]string{"regime": "pp55", "basis": "villa let by the night with daily cleaning"})
	wantStatus(t, res, http.StatusCreated)

	long := v.Lines[2]
	lease := "/api/v1/taxpayers/" + owner + "/properties/" + strconv.FormatInt(p.ID, 10) + "/bookings/" + strconv.FormatInt(long.BookingID, 10) + "/lease"
	wantError(t, doJSON(t, srv, "PUT", lease, map[string]any{"tenant": "", "whole_property": true, "no_services": true}), http.StatusUnprocessableEntity, "invalid", "tenant")
	res = doJSON(t, srv, "PUT", lease, map[string]any{"tenant": "PT Yoga Retreat", "whole_property": true, "no_services": true, "note": "bare villa, tenant cleans"})
	wantStatus(t, res, http.StatusOK)

	res = do(t, srv, "GET", base, "", "")
	wantStatus(t, res, http.StatusOK)
	v = decode[view](t, res)
	if v.Applied == nil || *v.Applied != "pp55" || v.Choice == nil || v.Choice.Basis != "villa let by the night with daily cleaning" ||
		v.Leases == nil || *v.Leases.Tax != 9_000_000_00 || !v.Lines[2].Lease || v.Turnover != 600_000_000_00 {
		t.Errorf("after the choice and the lease: %+v", v)
	}

	// The expenses: the owner's 600 million of short stays (the lease
	// left out) less 200 million is 400 million; less PTKP K/1 63 million
	// is 337 million: 3 + 28.5 + 25 % × 87 = 53.25 million.
	wantError(t, doJSON(t, srv, "PUT", base+"/expenses", map[string]any{"lines": []map[string]string{{"label": "staff", "amount": "lots"}}, "ptkp_status": "K/1"}),
		http.StatusUnprocessableEntity, "invalid", "lines[0].amount")
	wantError(t, doJSON(t, srv, "PUT", base+"/expenses", map[string]any{"lines": []map[string]string{{"label": "staff", "amount": "1"}}}),
		http.StatusUnprocessableEntity, "invalid", "ptkp_status")
	res = doJSON(t, srv, "PUT", base+"/expenses", map[string]any{"lines": []map[string]string{{"label": "staff wages", "amount": "150000000"},
		{"label": "OTA commissions", "amount": "50000000"}}, "ptkp_status": "k/1", "note": "ledger"})
	wantStatus(t, res, http.StatusOK)
	type statement struct {
		Version int    `json:"version"`
		Total   int64  `json:"total_sen"`
		PTKP    string `json:"ptkp_status"`
	}
	if e := decode[statement](t, res); e.Version != 1 || e.Total != 200_000_000_00 || e.PTKP != "K/1" {
		t.Errorf("stated expenses = %+v", e)
	}
	res = do(t, srv, "GET", base, "", "")
	wantStatus(t, res, http.StatusOK)
	v = decode[view](t, res)
	if n := v.Options[2]; !n.Computed || n.Tax == nil || *n.Tax != 53_250_000_00 || len(n.Missing) != 0 || *v.Applied != "pp55" {
		t.Errorf("normal after the expenses = %+v", n)
	}

	// Without the right nothing of the request is read.
	refuse := actor.PolicyFunc(func(ctx context.Context, act actor.Action, _ int64) error {
		return errs.E(errs.Forbidden, "you may not: not met: a related party of the taxpayer")
	})
	closed := pbjt.NewService(db.PBJT(), db.Registration(), refuse, now)
	srv2 := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, PBJT: closed,
		PBJTIncomeTax: pbjt.NewIncomeTaxes(closed, db.PBJT(), db.PBJT(), nil), Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv2.Close)
	wantError(t, do(t, srv2, "GET", base, "", ""), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, srv2, "POST", base+"/choices", "text/plain", "not json"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, srv2, "PUT", lease, "text/plain", "not json"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, srv2, "PUT", base+"/expenses", "text/plain", "not json"), http.StatusForbidden, "forbidden", "")
}
