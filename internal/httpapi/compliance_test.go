package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

type deliveryOut struct {
	ID       int64 `json:"id"`
	Rows     int   `json:"rows"`
	Accepted int   `json:"accepted"`
	Rejected int   `json:"rejected"`
	Results  []struct {
		Row      int    `json:"row"`
		RecordID int64  `json:"record_id"`
		Field    string `json:"field"`
		Value    string `json:"value"`
		Fix      string `json:"fix"`
	} `json:"results"`
}

func TestComplianceRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), registration.OpenPolicy(), now, compliance.Config{})
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Compliance: engine, Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)
	post := func(path, contentType, body string, want int, out any) {
		t.Helper()
		resp, err := http.Post(srv.URL+path, contentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("POST %s = %d, want %d: %s", path, resp.StatusCode, want, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
		}
	}
	get := func(path string, want int, out any) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("GET %s = %d, want %d: %s", path, resp.StatusCode, want, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
		}
	}

	// A JSON array: amounts as numbers or strings; the bad row is named.
	var d deliveryOut
	post("/api/v1/compliance/records?source=Airbnb+PJAP+feed+01", "application/json", `[
		{"source_record_id": "A1", "listing_id": "L1", "listing_name": "Villa Batu", "district_code": "510306", "check_in": "2026-10-01", "check_out": "2026-10-11", "gross_idr": 62000000, "commission_idr": "9300000", "payout_country": "AUS"},
		{"source_record_id": "A2", "listing_id": "L1", "district_code": "510306", "check_in": "2026-09-01", "check_out": "2026-09-11", "gross_idr": "62.000.000"}
	]`, http.StatusCreated, &d)
	if d.Rows != 2 || d.Accepted != 1 || d.Rejected != 1 || d.Results[0].RecordID == 0 || d.Results[1].Field != "gross_idr" || d.Results[1].Row != 2 || d.Results[1].Fix == "" {
		t.Errorf("JSON delivery = %+v", d)
	}
	// JSON lines, with a correction of A1.
	post("/api/v1/compliance/records?source=Airbnb+PJAP+feed+01", "application/x-ndjson",
		`{"source_record_id": "A1-R1", "corrects": "A1", "listing_id": "L1", "district_code": "510306", "check_in": "2026-10-01", "check_out": "2026-10-09", "gross_idr": "50000000", "payout_country": "AUS"}`+"\n",
		http.StatusCreated, &d)
	if d.Accepted != 1 {
		t.Errorf("JSON lines delivery = %+v", d)
	}
	post("/api/v1/compliance/records?source=x", "application/json", `[{"source_record_id": "B1", "colour": "red"}]`, http.StatusUnprocessableEntity, nil)
	post("/api/v1/compliance/records", "application/json", `[{"source_record_id": "B1", "listing_id": "L", "month": "2026-10", "gross_idr": 1}]`, http.StatusUnprocessableEntity, nil)

	// A CSV body; the rows are file lines.
	csv := "source_record_id,listing_id,listing_name,district_code,month,gross_idr,commission_idr\n" +
		"BK1,B7,Villa Batu,510306,2026-09,42000000,6300000\n" +
		"BK2,B7,Villa Batu,519999,2026-10,48000000,7200000\n"
	post("/api/v1/compliance/imports?source=Booking.com+feed&file_name=feed.csv", "text/csv", csv, http.StatusCreated, &d)
	if d.Accepted != 1 || d.Results[1].Row != 3 || d.Results[1].Field != "district_code" {
		t.Errorf("CSV import = %+v", d)
	}
	ct, body := importForm(t, map[string]string{"source": "Booking.com feed"}, "feed2.csv", []byte("source_record_id,listing_id,district_code,month,gross_idr\nBK3,B7,510306,2026-10,48000000\n"))
	post("/api/v1/compliance/imports", ct, body, http.StatusCreated, &d)
	if d.Accepted != 1 {
		t.Errorf("multipart import = %+v", d)
	}

	// The job, its flags and a flag's evidence.
	var run struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	post("/api/v1/compliance/runs", "application/json", "", http.StatusAccepted, &run)
	engine.Wait()
	get("/api/v1/compliance/runs/"+strconv.FormatInt(run.ID, 10), http.StatusOK, &run)
	if run.Status != compliance.RunDone {
		t.Fatalf("run = %+v", run)
	}
	var list struct {
		Flags []struct {
			ID           int64  `json:"id"`
			Rule         string `json:"rule"`
			Subject      string `json:"subject"`
			ShortfallSen int64  `json:"shortfall_sen"`
		} `json:"flags"`
		Next string `json:"next"`
	}
	get("/api/v1/compliance/flags?rule=undeclared-property&limit=1", http.StatusOK, &list)
	if len(list.Flags) != 1 || list.Next == "" {
		t.Fatalf("first page = %+v", list)
	}
	first, next := list.Flags[0], list.Next
	list.Next = ""
	get(next, http.StatusOK, &list)
	if len(list.Flags) != 1 || list.Flags[0].ID >= first.ID || list.Next != "" {
		t.Errorf("second page = %+v after %d", list, first.ID)
	}
	var flag struct {
		Subject  string `json:"subject"`
		Evidence []struct {
			Kind    string `json:"kind"`
			ID      int64  `json:"id"`
			Source  string `json:"source"`
			Ref     string `json:"ref"`
			Label   string `json:"label"`
			Summary string `json:"summary"`
		} `json:"evidence"`
		Periods []struct {
			Period string `json:"period"`
		} `json:"periods"`
	}
	get("/api/v1/compliance/flags/"+strconv.FormatInt(first.ID, 10), http.StatusOK, &flag)
	if len(flag.Evidence) == 0 || flag.Evidence[0].Summary == "" || len(flag.Periods) == 0 {
		t.Errorf("flag = %+v", flag)
	}
	// Third-party items are named by their sender and the sender's id.
	named := 0
	for _, e := range flag.Evidence {
		thirdParty := e.Kind == compliance.EvidenceListing || e.Kind == compliance.EvidenceRecord && e.ID != 0
		if thirdParty && (e.Source == "" || e.Ref == "" || !strings.Contains(e.Label, e.Ref)) {
			t.Errorf("evidence %+v lacks its source, its id at the source or a label naming it", e)
		}
		if thirdParty {
			named++
		}
	}
	if named == 0 {
		t.Errorf("flag %s has no third-party evidence: %+v", flag.Subject, flag.Evidence)
	}
	get("/api/v1/compliance/flags?rule=bogus", http.StatusUnprocessableEntity, nil)
	get("/api/v1/compliance/flags/999", http.StatusNotFound, nil)
	var sc struct {
		NPWP  string            `json:"npwp"`
		Flags []json.RawMessage `json:"flags"`
	}
	get("/api/v1/taxpayers/"+string(w.VillaOwner.NPWP)+"/compliance/self-check", http.StatusOK, &sc)
	if sc.NPWP != string(w.VillaOwner.NPWP) || len(sc.Flags) != 0 {
		t.Errorf("self-check = %+v", sc)
	}
}
