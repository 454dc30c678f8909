package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

func TestExemptionRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := exemption.NewService(db.Exemptions(), db.Registration(), registration.OpenPolicy(), now)
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Exemptions: svc, Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	type cert struct {
		ID          int64    `json:"id"`
		Kind        string   `json:"kind"`
		Facility    string   `json:"facility"`
		Number      string   `json:"number"`
		TaxTypes    []string `json:"tax_types"`
		ObjectCodes []string `json:"object_codes"`
		ValidFrom   string   `json:"valid_from"`
		ValidUntil  *string  `json:"valid_until"`
		State       string   `json:"state"`
		RevokedFrom *string  `json:"revoked_from"`
		Version     int      `json:"version"`
	}
	path := "/api/v1/taxpayers/" + string(w.Designer.NPWP) + "/exemptions"
	form := map[string]any{"kind": "skb-pph23", "number": "ket-00012/skb/wpj.17/kp.0303/2026", "object_codes": []string{"24-104-01"},
		"valid_from": "2026-01-15", "valid_until": "2026-12-31", "office": "KPP Pratama Badung Utara"}
	res := doJSON(t, srv, "POST", path, form)
	wantStatus(t, res, http.StatusCreated)
	c := decode[cert](t, res)
	until := "2026-12-31"
	want := cert{ID: c.ID, Kind: "skb-pph23", Facility: "TaxExAr23", Number: "KET-00012/SKB/WPJ.17/KP.0303/2026", TaxTypes: []string{"pph23"},
		ObjectCodes: []string{"24-104-01"}, ValidFrom: "2026-01-15", ValidUntil: &until, State: "active", Version: 1}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
	wantError(t, doJSON(t, srv, "POST", path, form), http.StatusConflict, "conflict", "")
	bad := map[string]any{"kind": "skb-pph23", "number": "KET-1/2026", "object_codes": []string{"21-100-20"}, "valid_from": "2026-01-15", "office": "KPP"}
	wantError(t, doJSON(t, srv, "POST", path, bad), http.StatusUnprocessableEntity, "invalid", "object_codes")

	res = do(t, srv, "GET", path, "", "")
	wantStatus(t, res, http.StatusOK)
	list := decode[struct {
		Exemptions []cert `json:"exemptions"`
	}](t, res)
	if diff := cmp.Diff([]cert{want}, list.Exemptions); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	one := path + "/" + strconv.FormatInt(c.ID, 10)
	wantStatus(t, do(t, srv, "GET", one, "", ""), http.StatusOK)
	wantStatus(t, do(t, srv, "GET", "/api/v1/taxpayers/"+string(w.Employee.NPWP)+"/exemptions/"+strconv.FormatInt(c.ID, 10), "", ""), http.StatusNotFound)

	wantError(t, doJSON(t, srv, "POST", one+"/revoke", map[string]any{"reason": "issued in error"}), http.StatusUnprocessableEntity, "invalid", "version")
	wantError(t, doJSON(t, srv, "POST", one+"/revoke", map[string]any{"version": 1}), http.StatusUnprocessableEntity, "invalid", "reason")
	res = doJSON(t, srv, "POST", one+"/revoke", map[string]any{"version": 1, "revoked_from": "2026-06-01", "reason": "issued in error"})
	wantStatus(t, res, http.StatusOK)
	if r := decode[cert](t, res); r.State != "revoked" || r.RevokedFrom == nil || *r.RevokedFrom != "2026-06-01" || r.Version != 2 {
		t.Errorf("revoked = %+v", r)
	}
	wantError(t, doJSON(t, srv, "POST", one+"/revoke", map[string]any{"version": 2, "reason": "again"}), http.StatusConflict, "conflict", "")
}
