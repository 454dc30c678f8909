package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

type thresholdsOut struct {
	From          *string `json:"from"`
	Shipped       bool    `json:"shipped"`
	Reason        string  `json:"reason"`
	RecordedBy    string  `json:"recorded_by"`
	WindowMonths  int     `json:"window_months"`
	MinShortfall  int64   `json:"min_shortfall_sen"`
	MaxEvidence   int     `json:"max_evidence"`
	NetMinShareBP int64   `json:"net_min_share_bp"`
}

func TestComplianceThresholdRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), registration.OpenPolicy(), now, compliance.Config{})
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, Compliance: engine, Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)
	do := func(method, path, body string, want int, out any) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
		}
	}
	var list struct {
		InForce  thresholdsOut   `json:"in_force"`
		Versions []thresholdsOut `json:"versions"`
	}
	do("GET", "/api/v1/compliance/thresholds", "", http.StatusOK, &list)
	if !list.InForce.Shipped || list.InForce.From != nil || list.InForce.WindowMonths != 24 || len(list.Versions) != 1 {
		t.Fatalf("before any version: %+v", list)
	}

	body := `{"from": "2026-11-24", "reason": "SE-05/PJ/2026", "window_months": 12, "min_shortfall_sen": 50000000, "net_min_share_bp": 5000,
		"net_payout_tolerance_bp": 500, "offshore_cover_bp": 9000, "nominee_max_share_bp": 1000, "nominee_min_gross_sen": 50000000000,
		"fee_tolerance_bp": 1000, "fee_min_gap_sen": 100000000, "max_evidence": 20}`
	var bad struct {
		Error struct {
			Fields []struct {
				Field, Value, Message string
			} `json:"fields"`
		} `json:"error"`
	}
	do("POST", "/api/v1/compliance/thresholds", strings.Replace(body, `"net_min_share_bp": 5000`, `"net_min_share_bp": 12000`, 1), http.StatusUnprocessableEntity, &bad)
	if fs := bad.Error.Fields; len(fs) != 1 || fs[0].Field != "net_min_share_bp" || fs[0].Value != "12000" || !strings.Contains(fs[0].Message, "1 to 10000") {
		t.Errorf("a share above 10000 bp: %+v", bad)
	}
	do("POST", "/api/v1/compliance/thresholds", strings.Replace(body, `"2026-11-24"`, `"24/11/2026"`, 1), http.StatusUnprocessableEntity, &bad)
	if fs := bad.Error.Fields; len(fs) != 1 || fs[0].Field != "from" {
		t.Errorf("a day not in YYYY-MM-DD: %+v", bad)
	}
	do("POST", "/api/v1/compliance/thresholds", `{"from": "2026-11-24", "colour": "red"}`, http.StatusUnprocessableEntity, nil)

	var added thresholdsOut
	do("POST", "/api/v1/compliance/thresholds", body, http.StatusCreated, &added)
	if added.From == nil || *added.From != "2026-11-24" || added.Shipped || added.WindowMonths != 12 || added.MinShortfall != 50_000_000 || added.RecordedBy == "" {
		t.Errorf("added = %+v", added)
	}
	do("POST", "/api/v1/compliance/thresholds", body, http.StatusConflict, nil)
	do("GET", "/api/v1/compliance/thresholds", "", http.StatusOK, &list)
	if list.InForce.From == nil || *list.InForce.From != "2026-11-24" || len(list.Versions) != 2 || !list.Versions[0].Shipped {
		t.Errorf("after the version: %+v", list)
	}

	// A run records the thresholds it used.
	var run struct {
		ID         int64 `json:"id"`
		Thresholds *struct {
			From         *string `json:"from"`
			WindowMonths int     `json:"window_months"`
		} `json:"thresholds"`
	}
	do("POST", "/api/v1/compliance/runs", "", http.StatusAccepted, &run)
	engine.Wait()
	if run.Thresholds == nil || run.Thresholds.From == nil || *run.Thresholds.From != "2026-11-24" || run.Thresholds.WindowMonths != 12 {
		t.Errorf("run thresholds = %+v", run.Thresholds)
	}
}
