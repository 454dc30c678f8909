package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

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

func TestPBJTRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, PBJT: svc, Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	type value struct {
		Value  any    `json:"value"`
		Status string `json:"status"`
		Source string `json:"source"`
	}
	type region struct {
		Code       string  `json:"code"`
		Name       string  `json:"name"`
		From       string  `json:"from"`
		Rate       value   `json:"rate_bp"`
		Fine       value   `json:"late_filing_fine_sen"`
		Regulation value   `json:"regulation"`
		RecordedBy *string `json:"recorded_by"`
	}
	res := do(t, srv, "GET", "/api/v1/regencies?on=2026-11-24", "", "")
	wantStatus(t, res, http.StatusOK)
	regions := decode[struct {
		On      string   `json:"on"`
		Regions []region `json:"regions"`
	}](t, res)
	if len(regions.Regions) != 9 || regions.On != "2026-11-24" {
		t.Fatalf("regencies = %+v", regions)
	}
	badung := regions.Regions[2]
	if badung.Code != "5103" || badung.Name != "Kabupaten Badung" || badung.Rate.Value != float64(1000) || badung.Rate.Status != "unverified" ||
		badung.Regulation.Status != "verified" || badung.Fine.Status != "unknown" || badung.RecordedBy != nil || badung.Rate.Source == "" {
		t.Errorf("Badung = %+v", badung)
	}
	wantStatus(t, do(t, srv, "GET", "/api/v1/regencies?on=24-11-2026", "", ""), http.StatusUnprocessableEntity)

	path := "/api/v1/taxpayers/" + string(w.VillaOwner.NPWP) + "/properties"
	form := map[string]any{
		"name": "Villa Sawah Hijau", "kind": "villa", "npwpd": "P.2.0001234.03.05",
		"address": map[string]string{"street": "Jl. Raya Ubud 8", "province_code": "51", "regency_code": "5104", "district_code": "510406", "postal_code": "80571"},
		"units":   []map[string]any{{"name": "Villa A", "rooms": 2}},
		"owners": []map[string]any{{"npwp": string(w.VillaOwner.NPWP), "share_bp": 6000, "from": "2024-03-01"},
			{"npwp": string(w.Designer.NPWP), "share_bp": 4000, "from": "2024-03-01"}},
	}
	res = doJSON(t, srv, "POST", path, form)
	wantStatus(t, res, http.StatusCreated)
	p := decode[struct {
		ID          int64   `json:"id"`
		RegencyCode string  `json:"regency_code"`
		NPWPD       *string `json:"npwpd"`
		Owners      []struct {
			Name  string  `json:"name"`
			Until *string `json:"until"`
		} `json:"owners"`
		Version int `json:"version"`
	}](t, res)
	if p.ID == 0 || p.RegencyCode != "5104" || p.NPWPD == nil || len(p.Owners) != 2 || p.Owners[1].Name != w.Designer.Name || p.Owners[1].Until != nil || p.Version != 1 {
		t.Errorf("registered = %+v", p)
	}

	form["owners"] = []map[string]any{{"npwp": string(w.VillaOwner.NPWP), "share_bp": 6000, "from": "1 March 2024"}}
	wantError(t, doJSON(t, srv, "POST", path, form), http.StatusUnprocessableEntity, "invalid", "owners[0].from")

	res = do(t, srv, "GET", "/api/v1/taxpayers/"+string(w.Designer.NPWP)+"/properties", "", "")
	wantStatus(t, res, http.StatusOK)
	hs := decode[struct {
		Properties []struct {
			Operator bool   `json:"operator"`
			Share    int    `json:"share_bp"`
			Region   region `json:"region"`
			Filing   struct {
				Period string  `json:"period"`
				Due    *string `json:"due"`
			} `json:"filing"`
		} `json:"properties"`
	}](t, res)
	if len(hs.Properties) != 1 {
		t.Fatalf("co-owner's portfolio = %+v", hs)
	}
	h := hs.Properties[0]
	if h.Operator || h.Share != 4000 || h.Region.Code != "5104" || h.Filing.Period != "2026-11" || h.Filing.Due == nil || *h.Filing.Due != "2026-12-20" {
		t.Errorf("holding = %+v", h)
	}

	// An officer adds a version; it is in force from its first day.
	version := map[string]any{"from": "2027-01-01", "note": "Perda read by the office",
		"regulation":            value{Value: "Perda Kabupaten Gianyar 1/2026", Status: "verified", Source: "Perda Gianyar 1/2026"},
		"office":                value{Value: "Badan Pendapatan Daerah Kabupaten Gianyar", Status: "verified", Source: "the office"},
		"rate_bp":               value{Value: 900, Status: "verified", Source: "Perda Gianyar 1/2026 Pasal 60"},
		"filing_day":            value{Value: 15, Status: "verified", Source: "Pasal 70"},
		"payment_day":           value{Value: 15, Status: "verified", Source: "Pasal 71"},
		"interest_bp_per_month": value{Value: 100, Status: "verified", Source: "Pasal 80"},
		"interest_max_months":   value{Value: 24, Status: "verified", Source: "Pasal 80"},
		"late_filing_fine_sen":  value{Value: 0, Status: "unknown", Source: ""},
		"form_layout":           value{Value: "sptpd-generic", Status: "unverified", Source: "coretax"},
		"numbering":             value{Value: "SPTPD/{regency}/{yyyy}/{mm}/{seq:5}", Status: "unverified", Source: "coretax"},
	}
	version["rate_bp"] = value{Value: 1500, Status: "verified", Source: "x"}
	wantError(t, doJSON(t, srv, "POST", "/api/v1/regencies/5104/versions", version), http.StatusUnprocessableEntity, "invalid", "rate_bp.value")
	version["rate_bp"] = value{Value: 900, Status: "verified", Source: "Perda Gianyar 1/2026 Pasal 60"}
	res = doJSON(t, srv, "POST", "/api/v1/regencies/5104/versions", version)
	wantStatus(t, res, http.StatusCreated)
	if got := decode[region](t, res); got.Code != "5104" || got.From != "2027-01-01" || got.RecordedBy == nil {
		t.Errorf("added = %+v", got)
	}
	wantError(t, doJSON(t, srv, "POST", "/api/v1/regencies/5104/versions", version), http.StatusConflict, "conflict", "")
	res = do(t, srv, "GET", "/api/v1/regencies/5104/versions", "", "")
	wantStatus(t, res, http.StatusOK)
	if vs := decode[struct {
		Versions []region `json:"versions"`
	}](t, res); len(vs.Versions) != 2 || vs.Versions[1].Rate.Value != float64(900) {
		t.Errorf("versions = %+v", vs)
	}
	wantError(t, do(t, srv, "GET", "/api/v1/regencies/3171/versions", "", ""), http.StatusNotFound, "not_found", "")

	// Without the right the body is not even read.
	refuse := actor.PolicyFunc(func(ctx context.Context, act actor.Action, _ int64) error {
		if act == pbjt.ActConfigure {
			return errs.E(errs.Forbidden, "you may not add a version: not met: holds the officer role officer.regional")
		}
		return nil
	})
	closed := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{PBJT: pbjt.NewService(db.PBJT(), db.Registration(), refuse, now),
		Logger: logger, Now: now}), logger, nil))
	t.Cleanup(closed.Close)
	wantError(t, do(t, closed, "POST", "/api/v1/regencies/5104/versions", "application/json", "{not json"), http.StatusForbidden, "forbidden", "")
}
