package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

func TestPBJTPages(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	svc := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	_, err = svc.RegisterProperty(ctx, string(w.VillaOwner.NPWP), pbjt.PropertyInput{Name: "Villa Sawah Hijau", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Raya Ubud 8", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510406", PostalCode: "80571"},
		Units:   []pbjt.Unit{{Name: "Villa A", Rooms: 2}},
		Owners:  []pbjt.OwnerInput{{NPWP: string(w.VillaOwner.NPWP), Share: 10000, From: now()}}})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Config{Registration: reg, Logger: logger, PBJT: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b)
	}

	code, body := get("/regencies?on=2026-11-24")
	if code != http.StatusOK {
		t.Fatalf("GET /regencies = %d\n%.500s", code, body)
	}
	for _, want := range []string{"Kabupaten Jembrana", "Kota Denpasar", "Perda Kabupaten Badung 7/2023", `<span class="badge good">verified</span>`,
		`<span class="badge">unverified</span>`, `<span class="badge">unknown</span>`, "not known", "day 20 of the following month"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /regencies lacks %q", want)
		}
	}
	if code, _ := get("/regencies?on=yesterday"); code != http.StatusUnprocessableEntity {
		t.Errorf("a bad day = %d, want 422", code)
	}

	code, body = get("/taxpayers/" + string(w.VillaOwner.NPWP) + "/properties")
	if code != http.StatusOK {
		t.Fatalf("GET properties = %d\n%.500s", code, body)
	}
	for _, want := range []string{"Villa Sawah Hijau", "Kabupaten Gianyar", "not registered with the region", "operator, owner of 100.00 %",
		"2026-11: by 2026-12-20", "unverified deadline"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET properties lacks %q", want)
		}
	}
}
