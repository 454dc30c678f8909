package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
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

// importForm builds the multipart body of an import.
func importForm(t *testing.T, fields map[string]string, name string, file []byte) (string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), body.String()
}

type importOut struct {
	ID       int64  `json:"id"`
	Format   string `json:"format"`
	Rows     int    `json:"rows"`
	Created  int    `json:"created"`
	Replaced int    `json:"replaced"`
	Rejected int    `json:"rejected"`
	Skipped  int    `json:"skipped"`
	Results  []struct {
		Row       int    `json:"row"`
		Result    string `json:"result"`
		BookingID *int64 `json:"booking_id"`
		Column    string `json:"column"`
		Value     string `json:"value"`
		Message   string `json:"message"`
	} `json:"results"`
}

func TestBookingRoutes(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), registration.OpenPolicy(), now)
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Registration: reg, PBJT: svc, PBJTBookings: pbjt.NewBookings(svc, db.PBJT()),
		Logger: logger, Now: now}), logger, nil))
	t.Cleanup(srv.Close)

	owner := string(w.VillaOwner.NPWP)
	p, err := svc.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Segara", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Pantai Batu Bolong 12", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80351"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/taxpayers/" + owner + "/properties/" + strconv.FormatInt(p.ID, 10)
	sample := func(name string) []byte {
		b, err := os.ReadFile("../booking/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	ct, body := importForm(t, map[string]string{"format": "ical", "listing": "Villa Segara"}, "calendar.ics", sample("calendar.ics"))
	res := do(t, srv, "POST", base+"/imports", ct, body)
	wantStatus(t, res, http.StatusCreated)
	cal := decode[importOut](t, res)
	if cal.Format != "ical" || cal.Created != 4 || len(cal.Results) != 4 || cal.Results[0].Result != "booking" {
		t.Errorf("calendar import = %+v", cal)
	}

	tx := sample("airbnb_transactions.csv")
	ct, body = importForm(t, map[string]string{"format": "airbnb", "listing": "Villa Segara", "rates": "USD=16250@2026-10-02"}, "tx.csv", tx)
	res = do(t, srv, "POST", base+"/imports", ct, body)
	wantStatus(t, res, http.StatusCreated)
	job := decode[importOut](t, res)
	if job.Format != "airbnb-transactions" || job.Created != 1 || job.Replaced != 1 || job.Rejected != 1 {
		t.Errorf("transactions import = %+v", job)
	}
	found := false
	for _, r := range job.Results {
		if r.Result == "error" {
			found = r.Row == 3 && r.Column == "Currency" && r.Value == "USD"
		}
	}
	if !found {
		t.Errorf("no row error for row 3's USD rate: %+v", job.Results)
	}
	if loc := res.header.Get("Location"); loc != base+"/imports/"+strconv.FormatInt(job.ID, 10) {
		t.Errorf("Location = %q", loc)
	}
	// The same file and rates again: the first job, 200.
	res = do(t, srv, "POST", base+"/imports", ct, body)
	wantStatus(t, res, http.StatusOK)
	if again := decode[importOut](t, res); again.ID != job.ID {
		t.Errorf("re-import = job %d, want %d", again.ID, job.ID)
	}
	res = do(t, srv, "GET", base+"/imports/"+strconv.FormatInt(job.ID, 10), "", "")
	wantStatus(t, res, http.StatusOK)
	if got := decode[importOut](t, res); got.ID != job.ID || len(got.Results) != len(job.Results) {
		t.Errorf("GET import = %+v", got)
	}
	wantError(t, do(t, srv, "GET", base+"/imports/999", "", ""), http.StatusNotFound, "not_found", "")
	ct, body = importForm(t, map[string]string{"rates": "USD:16250"}, "tx.csv", tx)
	wantError(t, do(t, srv, "POST", base+"/imports", ct, body), http.StatusUnprocessableEntity, "invalid", "rates")
	ct, body = importForm(t, map[string]string{"format": "agoda"}, "tx.csv", tx)
	wantError(t, do(t, srv, "POST", base+"/imports", ct, body), http.StatusUnprocessableEntity, "invalid", "format")

	res = doJSON(t, srv, "POST", base+"/bookings", map[string]string{"channel": "agent", "guest": "Marco Rossi", "check_in": "2026-12-18",
		"check_out": "2026-12-22", "currency": "USD", "gross": "1600.00", "commission": "160.00", "rate": "16285.50", "payout_country": "SGP"})
	wantStatus(t, res, http.StatusCreated)
	type amount struct {
		Original *string `json:"original"`
		IDR      *int64  `json:"idr_sen"`
	}
	b := decode[struct {
		ID      int64  `json:"id"`
		Channel string `json:"channel"`
		Via     string `json:"via"`
		Gross   amount `json:"gross"`
		Payout  amount `json:"payout"`
		Rate    struct {
			Rate string `json:"rate"`
			Day  string `json:"day"`
		} `json:"rate"`
	}](t, res)
	if b.Channel != "direct" || b.Via != "agent" || *b.Gross.IDR != 2605680000 || *b.Payout.Original != "1440.00" || b.Rate.Rate != "16285.50" || b.Rate.Day != "2026-12-22" {
		t.Errorf("manual booking = %+v", b)
	}
	wantError(t, doJSON(t, srv, "POST", base+"/bookings", map[string]string{"guest": "X", "check_in": "18-12-2026"}),
		http.StatusUnprocessableEntity, "invalid", "check_in")

	res = do(t, srv, "GET", base+"/bookings?month=2026-12", "", "")
	wantStatus(t, res, http.StatusOK)
	list := decode[struct {
		Bookings []struct {
			ID          int64  `json:"id"`
			DuplicateOf *int64 `json:"duplicate_of"`
		} `json:"bookings"`
		Months []struct {
			Month   string `json:"month"`
			Gross   int64  `json:"gross_sen"`
			Payout  int64  `json:"payout_sen"`
			Base    int64  `json:"base_sen"`
			Unpriv  int    `json:"unpriced"`
			Dif     int64  `json:"difference_sen"`
			Entries int    `json:"bookings"`
		} `json:"months"`
		Rule string `json:"rule"`
	}](t, res)
	if len(list.Months) != 1 || list.Rule == "" {
		t.Fatalf("December = %+v", list)
	}
	m := list.Months[0]
	// Olivia Chen 4500 USD at 16250 and Marco Rossi 1600 USD at 16285.50;
	// Wayan's calendar entry has no price yet.
	if m.Month != "2026-12" || m.Base != m.Gross || m.Gross != 4500_00*16250+2605680000 || m.Payout == m.Gross || m.Dif != m.Gross-m.Payout || m.Unpriv != 1 {
		t.Errorf("December totals = %+v", m)
	}
	wantError(t, do(t, srv, "GET", base+"/bookings?month=December", "", ""), http.StatusUnprocessableEntity, "invalid", "month")

	// Without the right the body is not even read.
	refuse := actor.PolicyFunc(func(ctx context.Context, act actor.Action, _ int64) error {
		return errs.E(errs.Forbidden, "you may not: not met: a related party of the taxpayer")
	})
	closedSvc := pbjt.NewService(db.PBJT(), db.Registration(), refuse, now)
	closed := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{PBJT: closedSvc, PBJTBookings: pbjt.NewBookings(closedSvc, db.PBJT()),
		Logger: logger, Now: now}), logger, nil))
	t.Cleanup(closed.Close)
	wantError(t, do(t, closed, "POST", base+"/imports", "text/plain", "x"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "POST", base+"/bookings", "application/json", "{not json"), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "GET", base+"/bookings?month=2026-12", "", ""), http.StatusForbidden, "forbidden", "")
	wantError(t, do(t, closed, "GET", base+"/imports/1", "", ""), http.StatusForbidden, "forbidden", "")
}
