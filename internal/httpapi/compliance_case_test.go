package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// The case routes on the demo world, with the open policy: access is the
// services' (casework's tests) and the route tests' concern.
func TestComplianceCaseRoutes(t *testing.T) {
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
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Cases: cases, Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	type caseOut struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Version  int    `json:"version"`
		Expected int64  `json:"expected_recovery_sen"`
		Letter   *struct {
			Number string `json:"number"`
			PDF    string `json:"pdf"`
		} `json:"letter"`
	}
	id := w.Case.ID
	risks := decode[struct {
		Risks []struct {
			Subject  string `json:"subject"`
			Expected int64  `json:"expected_recovery_sen"`
			CaseID   *int64 `json:"case_id"`
		} `json:"risks"`
		More bool `json:"more"`
	}](t, doJSON(t, srv, "GET", "/api/v1/compliance/risks?limit=2", nil))
	if len(risks.Risks) != 2 || !risks.More || risks.Risks[0].Expected < risks.Risks[1].Expected {
		t.Errorf("risks = %+v", risks)
	}
	wantError(t, doJSON(t, srv, "GET", "/api/v1/compliance/risks?rule=nope", nil), http.StatusUnprocessableEntity, "invalid", "rule")

	list := decode[struct {
		Cases []caseOut `json:"cases"`
	}](t, doJSON(t, srv, "GET", "/api/v1/compliance/cases?status=letter_sent", nil))
	if len(list.Cases) != 1 || list.Cases[0].ID != id || list.Cases[0].Letter == nil {
		t.Fatalf("cases = %+v", list)
	}
	c := list.Cases[0]
	wantError(t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/compliance/cases/%d/letter", id), map[string]any{"version": c.Version}), http.StatusConflict, "conflict", "")
	wantError(t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/compliance/cases/%d/assignment", id), map[string]any{"officer": "wayan"}), http.StatusUnprocessableEntity, "invalid", "version")
	pdf := doJSON(t, srv, "GET", c.Letter.PDF, nil)
	wantStatus(t, pdf, http.StatusOK)
	if !bytes.HasPrefix(pdf.body, []byte("%PDF-")) || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("letter PDF: %q %.20q", pdf.header.Get("Content-Type"), pdf.body)
	}

	// The taxpayer's side.
	darma := string(w.Compliance.NetOwner.NPWP)
	mine := decode[struct {
		Letters []caseOut `json:"letters"`
	}](t, doJSON(t, srv, "GET", "/api/v1/taxpayers/"+darma+"/letters", nil))
	if len(mine.Letters) != 1 || mine.Letters[0].Expected != 0 || mine.Letters[0].Letter.PDF != fmt.Sprintf("/api/v1/taxpayers/%s/letters/%d/pdf", darma, id) {
		t.Errorf("Darma's letters = %+v", mine)
	}
	wantStatus(t, doJSON(t, srv, "GET", mine.Letters[0].Letter.PDF, nil), http.StatusOK)
	wantStatus(t, doJSON(t, srv, "GET", fmt.Sprintf("/api/v1/taxpayers/%s/letters/%d", w.VillaOwner.NPWP, id), nil), http.StatusNotFound)
	wantError(t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/taxpayers/%s/letters/%d/response", darma, id), map[string]any{}), http.StatusUnprocessableEntity, "invalid", "explanation")
	got := decode[caseOut](t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/taxpayers/%s/letters/%d/response", darma, id),
		map[string]any{"explanation": "I declared the payouts.", "correction": true}))
	if got.Status != "response_received" {
		t.Errorf("after the response: %+v", got)
	}
	c = decode[caseOut](t, doJSON(t, srv, "GET", fmt.Sprintf("/api/v1/compliance/cases/%d", id), nil))
	closed := decode[caseOut](t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/compliance/cases/%d/close", id),
		map[string]any{"outcome": "corrected_voluntarily", "version": c.Version}))
	if closed.Status != "closed" {
		t.Errorf("closed = %+v", closed)
	}
	wantError(t, doJSON(t, srv, "POST", fmt.Sprintf("/api/v1/compliance/cases/%d/close", id), map[string]any{"outcome": "forgiven", "version": closed.Version}),
		http.StatusUnprocessableEntity, "invalid", "outcome")

	// The voluntary correction.
	owner := string(w.VillaOwner.NPWP)
	prop := decode[struct {
		Corrections []struct {
			PropertyID int64  `json:"property_id"`
			Period     string `json:"period"`
			BaseSen    int64  `json:"base_sen"`
		} `json:"corrections"`
	}](t, doJSON(t, srv, "GET", "/api/v1/taxpayers/"+owner+"/voluntary-correction", nil))
	if len(prop.Corrections) != 1 || prop.Corrections[0].BaseSen != 2_100_000_000 {
		t.Fatalf("proposal = %+v", prop)
	}
	m := prop.Corrections[0]
	wantStatus(t, doJSON(t, srv, "POST", "/api/v1/taxpayers/"+owner+"/voluntary-correction",
		map[string]any{"months": []any{map[string]any{"property_id": m.PropertyID, "period": m.Period, "base_sen": m.BaseSen + 100}}}), http.StatusUnprocessableEntity)
	filed := decode[struct {
		Filed []struct {
			Revision int   `json:"revision"`
			TaxSen   int64 `json:"tax_sen"`
		} `json:"filed"`
	}](t, doJSON(t, srv, "POST", "/api/v1/taxpayers/"+owner+"/voluntary-correction",
		map[string]any{"months": []any{map[string]any{"property_id": m.PropertyID, "period": m.Period, "base_sen": m.BaseSen}}}))
	if len(filed.Filed) != 1 || filed.Filed[0].Revision != 1 || filed.Filed[0].TaxSen != 210_000_000 {
		t.Errorf("filed = %+v", filed)
	}

	dash := decode[struct {
		From    string `json:"from"`
		Regions []struct {
			Regency string `json:"regency"`
			Months  []struct {
				Period        string `json:"period"`
				ThirdPartySen int64  `json:"third_party_sen"`
			} `json:"months"`
		} `json:"regions"`
	}](t, doJSON(t, srv, "GET", "/api/v1/compliance/dashboard?from=2026-08&to=2026-10", nil))
	if dash.From != "2026-08" || len(dash.Regions) != 9 || len(dash.Regions[0].Months) != 3 {
		t.Errorf("dashboard = %+v", dash)
	}
	wantError(t, doJSON(t, srv, "GET", "/api/v1/compliance/dashboard?from=2026-13", nil), http.StatusUnprocessableEntity, "invalid", "from")
}
