package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

// bupotEnv serves the API with e-Bupot on the demo world with its
// payroll, on the test clock: the director acts for the company, the
// employee and the villa owner are signed in as themselves.
type bupotEnv struct {
	*fakturEnv
	slips                      *ebupot.Service
	employee, stranger, nobody *http.Client
	// token is an API token of the director for the company: a file
	// is sent with it, as a session cookie changes only with JSON.
	token string
}

func newBupotEnv(t *testing.T, db *storage.DB) *bupotEnv {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()).Merge(ebupot.Rules()))
	acc := access.NewService(db.Access(), policy, now, access.DefaultConfig(access.Key{1}))
	ca, _, err := pki.NewCA("test", now().AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "translog.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(db.TransLog(), key, now)
	if err != nil {
		t.Fatal(err)
	}
	cfg := signing.DefaultConfig([]byte("k"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	sig := signing.NewService(db.Signing(), ca, tl, policy, nil, now, cfg)
	bp := ebupot.NewService(db.EBupot(), db.Registration(), sig, policy, now)
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc, Signing: sig, EBupot: bp, EBupotBatches: db.EBupot()})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.New(httpapi.Config{Registration: reg, Registry: rs, Logger: logger, Now: now, Access: acc, Signing: sig, EBupot: bp, EBupotBatches: db.EBupot()})
	srv := httptest.NewTLSServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	e := &bupotEnv{fakturEnv: &fakturEnv{srv: srv, w: w}, slips: bp}
	ae := &accessEnv{srv: srv, db: db, world: w}
	e.director, e.employee, e.stranger, e.nobody = ae.browser(t), ae.browser(t), ae.browser(t), ae.browser(t)
	login := func(c *http.Client, login, password string) {
		if st, out, _ := call(t, c, "POST", srv.URL+"/api/v1/access/login", "", map[string]any{"login": login, "password": password}); st != 200 {
			t.Fatalf("login %s: %d %v", login, st, out)
		}
	}
	login(e.director, string(w.Director.NPWP), "gruber villa sunrise")
	if st, out, _ := call(t, e.director, "POST", srv.URL+"/api/v1/access/acting-for", "", map[string]any{"npwp": string(w.Company.NPWP)}); st != 200 {
		t.Fatalf("act for the company: %d %v", st, out)
	}
	login(e.employee, string(w.Employee.NPWP), "wirawan kopi pagi")
	login(e.stranger, string(w.VillaOwner.NPWP), "sudarma sawah hijau")
	st, out, _ := call(t, e.director, "POST", srv.URL+"/api/v1/access/tokens", "", map[string]any{"name": "payroll", "npwp": string(w.Company.NPWP),
		"scopes": []string{"registration:read", "registration:write"}, "days": 30})
	if st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("token: %d %v", st, out)
	}
	e.token = out["token"].(string)
	return e
}

// The JSON shapes as a client reads them.
type slipOut struct {
	ID         int64  `json:"id"`
	Withholder string `json:"withholder"`
	Type       string `json:"type"`
	Number     string `json:"number"`
	Revision   int    `json:"revision"`
	Status     string `json:"status"`
	Replaces   int64  `json:"replaces"`
	ReplacedBy int64  `json:"replaced_by"`
	Year       int    `json:"year"`
	Month      int    `json:"month"`
	MonthStart int    `json:"month_start"`
	MonthEnd   int    `json:"month_end"`
	Recipient  struct {
		TIN       string `json:"tin"`
		Name      string `json:"name"`
		Passport  string `json:"passport"`
		Country   string `json:"country"`
		Address   string `json:"address"`
		Kind      string `json:"kind"`
		Status    string `json:"status"`
		Position  string `json:"position"`
		NIP       string `json:"nip"`
		Rank      string `json:"rank"`
		NITKU     string `json:"nitku"`
		BirthDate string `json:"birth_date"`
		BirthCity string `json:"birth_city"`
		Kitas     string `json:"kitas"`
		ID        int64  `json:"id"`
		Temporary bool   `json:"temporary"`
		Resident  bool   `json:"resident"`
	} `json:"recipient"`
	ObjectCode  string `json:"object_code"`
	Facility    string `json:"facility"`
	FacilityRef string `json:"facility_ref"`
	Gross       string `json:"gross"`
	Deemed      string `json:"deemed"`
	Rate        string `json:"rate"`
	Tax         string `json:"tax"`
	Withheld    string `json:"withheld"`
	DTP         string `json:"dtp"`
	Credited    string `json:"credited"`
	Explanation struct {
		Method   string `json:"method"`
		Category string `json:"category"`
		Steps    []struct {
			Label  string `json:"label"`
			Amount string `json:"amount"`
			Source string `json:"source"`
		} `json:"steps"`
		Citations []string `json:"citations"`
	} `json:"explanation"`
	Document        string `json:"document"`
	DocumentNumber  string `json:"document_number"`
	DocumentDate    string `json:"document_date"`
	PlaceNITKU      string `json:"place_nitku"`
	WithholdingDate string `json:"withholding_date"`
	Final           bool   `json:"final"`
	Treasurer       string `json:"treasurer"`
	SP2D            string `json:"sp2d"`
	BatchID         int64  `json:"batch_id"`
	SignedAt        string `json:"signed_at"`
	SignedBy        string `json:"signed_by"`
	PublicID        string `json:"public_id"`
	CancelledAt     string `json:"cancelled_at"`
	CancelReason    string `json:"cancel_reason"`
	CreatedAt       string `json:"created_at"`
	Version         int    `json:"version"`
}

type slipPage struct {
	Slips []slipOut `json:"slips"`
	Next  string    `json:"next"`
}

type batchOut struct {
	Batch struct {
		ID        int64  `json:"id"`
		Source    string `json:"source"`
		Created   int    `json:"created"`
		Rejected  int    `json:"rejected"`
		CreatedAt string `json:"created_at"`
		Rows      []struct {
			Row      int    `json:"row"`
			SlipID   int64  `json:"slip_id"`
			Tax      string `json:"tax"`
			Problems []struct {
				Field   string `json:"field"`
				Value   string `json:"value"`
				Message string `json:"message"`
			} `json:"problems"`
		} `json:"rows"`
	} `json:"batch"`
}

// send sends a raw body with a content type and the director's API token.
func (e *bupotEnv) send(t *testing.T, method, path, ctype string, body []byte) (int, []byte) {
	t.Helper()
	r, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

func (e *bupotEnv) decode(t *testing.T, c *http.Client, method, path string, body any, want int, v any) {
	t.Helper()
	st, b, _ := e.req(t, c, method, path, body)
	if st != want {
		t.Fatalf("%s %s = %d, want %d\n%s", method, path, st, want, b)
	}
	strictJSON(t, b, v)
}

// bpmp is a monthly slip of the employee in 2026 as keyed in.
func (e *bupotEnv) bpmp(month int, gross string) map[string]any {
	return map[string]any{"type": "BPMP", "year": 2026, "month": month, "object_code": "21-100-01", "gross": gross,
		"recipient":        map[string]any{"tin": string(e.w.Employee.NPWP), "kind": "permanent-employee", "status": "K/1", "position": "Villa operations supervisor"},
		"withholding_date": fmt.Sprintf("2026-%02d-25", month)}
}

func TestEBupotAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newBupotEnv(t, db)
		co, emp := string(e.w.Company.NPWP), string(e.w.Employee.NPWP)
		base := "/api/v1/taxpayers/" + co + "/ebupot"

		// The demo's year: 11 monthly slips (March corrected), the BPA1,
		// three casual, three freelance and one foreign slip; three BPPU
		// and one BPNR.
		var demoYear slipPage
		e.decode(t, e.director, "GET", base+"/slips?year=2025&current=true&limit=100", nil, http.StatusOK, &demoYear)
		count := map[string]int{}
		for _, s := range demoYear.Slips {
			count[s.Type]++
			if s.Status != "signed" || s.Number == "" {
				t.Errorf("demo slip %d %s %s is %s", s.ID, s.Type, s.Number, s.Status)
			}
		}
		if diff := cmp.Diff(map[string]int{"BPMP": 11, "BPA1": 1, "BP21": 6, "BP26": 1, "BPPU": 3, "BPNR": 1}, count); diff != "" {
			t.Errorf("demo slips (-want +got):\n%s", diff)
		}
		p := e.w.Payroll
		if p.Corrected.Revision != 1 || p.Corrected.Gross != 13_250_000_00 || p.Annual.Credited == 0 || p.Annual.Gross != 12*12_000_000_00+1_250_000_00 ||
			p.Foreign[0].Tax != 10_000_000_00 || !p.Casual[0].Recipient.Temporary {
			t.Errorf("demo payroll: corrected %+v annual gross %s credited %s foreign tax %s casual temporary %v", p.Corrected.Revision,
				p.Annual.Gross.XML(), p.Annual.Credited.XML(), p.Foreign[0].Tax.XML(), p.Casual[0].Recipient.Temporary)
		}

		// Calculate stores nothing.
		var calc slipOut
		e.decode(t, e.director, "POST", base+"/calculate", e.bpmp(1, "15000000"), http.StatusOK, &calc)
		if calc.ID != 0 || calc.Tax == "0" || calc.Rate == "" || len(calc.Explanation.Steps) == 0 || calc.Explanation.Method != "ter-monthly" {
			t.Errorf("calculate = %+v", calc)
		}
		var none slipPage
		e.decode(t, e.director, "GET", base+"/slips?year=2026", nil, http.StatusOK, &none)
		if len(none.Slips) != 0 {
			t.Errorf("calculate stored %d slips", len(none.Slips))
		}

		// Key in a draft; a gross that is not an amount names the field.
		var jan slipOut
		e.decode(t, e.director, "POST", base+"/slips", e.bpmp(1, "15000000"), http.StatusCreated, &jan)
		if jan.Status != "draft" || jan.Tax != calc.Tax || jan.Version != 1 || jan.PlaceNITKU != co+"000000" {
			t.Errorf("draft = %+v", jan)
		}
		st, b, _ := e.req(t, e.director, "POST", base+"/slips", e.bpmp(2, "lima juta"))
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "gross")

		// A batch with a bad row: the good rows are drafts, the bad one
		// names its row.
		bad := e.bpmp(3, "5000000")
		bad["recipient"] = map[string]any{"tin": string(e.w.Designer.NPWP), "kind": "permanent-employee", "status": "TK/0"}
		var batch batchOut
		e.decode(t, e.director, "POST", base+"/batches", map[string]any{"rows": []any{e.bpmp(2, "15000000"), e.bpmp(3, "15000000"), bad, e.bpmp(4, "15000000")}},
			http.StatusCreated, &batch)
		bt := batch.Batch
		if bt.Created != 3 || bt.Rejected != 1 || bt.Source != "api" || len(bt.Rows) != 4 || bt.Rows[2].Row != 3 || len(bt.Rows[2].Problems) == 0 || bt.Rows[2].SlipID != 0 {
			t.Fatalf("batch = %+v", bt)
		}
		if pr := bt.Rows[2].Problems[0]; pr.Field != "object_code" || !strings.Contains(pr.Message, "21-100-20") {
			t.Errorf("bad row problem %+v", pr)
		}
		var again batchOut
		e.decode(t, e.director, "GET", fmt.Sprintf("%s/batches/%d", base, bt.ID), nil, http.StatusOK, &again)
		if diff := cmp.Diff(batch, again); diff != "" {
			t.Errorf("GET batch (-posted +got):\n%s", diff)
		}
		var inBatch slipPage
		e.decode(t, e.director, "GET", fmt.Sprintf("%s/slips?batch=%d", base, bt.ID), nil, http.StatusOK, &inBatch)
		if len(inBatch.Slips) != 3 {
			t.Errorf("batch holds %d slips", len(inBatch.Slips))
		}

		// Delete a draft at its version, and sign the others.
		st, b, _ = e.req(t, e.director, "DELETE", fmt.Sprintf("%s/slips/%d", base, bt.Rows[3].SlipID), nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "version")
		if st, b, _ := e.req(t, e.director, "DELETE", fmt.Sprintf("%s/slips/%d?version=1", base, bt.Rows[3].SlipID), nil); st != http.StatusNoContent {
			t.Fatalf("delete = %d %s", st, b)
		}
		refs := []map[string]any{{"id": jan.ID, "version": 1}, {"id": bt.Rows[0].SlipID, "version": 1}, {"id": bt.Rows[1].SlipID, "version": 1}}
		st, b, _ = e.req(t, e.director, "POST", base+"/slips/sign", map[string]any{"slips": refs, "passphrase": "wrong"})
		if st < 400 {
			t.Fatalf("sign with a wrong passphrase = %d %s", st, b)
		}
		var signed struct {
			Slips []slipOut `json:"slips"`
		}
		e.decode(t, e.director, "POST", base+"/slips/sign", map[string]any{"slips": refs, "passphrase": demo.DirectorPassphrase}, http.StatusOK, &signed)
		if len(signed.Slips) != 3 || !strings.HasPrefix(signed.Slips[0].Number, "BPMP26") || signed.Slips[0].PublicID == "" || signed.Slips[0].SignedAt == "" {
			t.Fatalf("signed = %+v", signed.Slips)
		}

		// Correct January: same number, the next revision.
		janSigned := signed.Slips[0]
		var corr slipOut
		e.decode(t, e.director, "POST", fmt.Sprintf("%s/slips/%d/correct", base, janSigned.ID),
			map[string]any{"version": janSigned.Version, "passphrase": demo.DirectorPassphrase, "slip": e.bpmp(1, "16000000")}, http.StatusCreated, &corr)
		if corr.Number != janSigned.Number || corr.Revision != 1 || corr.Replaces != janSigned.ID || corr.Gross != "16000000" {
			t.Errorf("correction = %+v", corr)
		}
		var old slipOut
		e.decode(t, e.director, "GET", fmt.Sprintf("%s/slips/%d", base, janSigned.ID), nil, http.StatusOK, &old)
		if old.Status != "corrected" || old.ReplacedBy != corr.ID {
			t.Errorf("old revision %s replaced by %d", old.Status, old.ReplacedBy)
		}

		// Cancel March with a reason.
		mar := signed.Slips[2]
		st, b, _ = e.req(t, e.director, "POST", fmt.Sprintf("%s/slips/%d/cancel", base, mar.ID), map[string]any{"version": mar.Version})
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "reason")
		var cancelled slipOut
		e.decode(t, e.director, "POST", fmt.Sprintf("%s/slips/%d/cancel", base, mar.ID), map[string]any{"version": mar.Version, "reason": "the March pay was paid twice by mistake"},
			http.StatusOK, &cancelled)
		if cancelled.Status != "cancelled" || cancelled.CancelReason == "" {
			t.Errorf("cancelled = %+v", cancelled)
		}

		// The employee receives the signed slips, never drafts; the
		// demo's year is there too.
		var got slipPage
		e.decode(t, e.employee, "GET", "/api/v1/taxpayers/"+emp+"/ebupot/received?year=2026&current=true", nil, http.StatusOK, &got)
		if len(got.Slips) != 3 || got.Slips[0].ID != corr.ID {
			t.Errorf("received 2026 = %d slips, first %d", len(got.Slips), got.Slips[0].ID)
		}
		e.decode(t, e.employee, "GET", "/api/v1/taxpayers/"+emp+"/ebupot/received?year=2025&current=true", nil, http.StatusOK, &got)
		if len(got.Slips) != 12 {
			t.Errorf("received 2025 = %d slips", len(got.Slips))
		}
		e.decode(t, e.employee, "GET", fmt.Sprintf("/api/v1/taxpayers/%s/ebupot/slips/%d", emp, corr.ID), nil, http.StatusOK, &old)

		// Strangers are refused.
		for _, path := range []string{base + "/slips", "/api/v1/taxpayers/" + emp + "/ebupot/received", base + "/export?format=csv"} {
			if st, b, _ := e.req(t, e.stranger, "GET", path, nil); st != http.StatusForbidden {
				t.Errorf("stranger GET %s = %d %s", path, st, b)
			}
		}
		if st, _, _ := e.req(t, e.employee, "POST", base+"/slips", e.bpmp(5, "1000000")); st != http.StatusForbidden {
			t.Errorf("employee keys in for the company = %d", st)
		}

		// Export the demo's year as Coretax XML, one file per type: it
		// reads back to the inputs the slips state.
		for _, typ := range []string{"BPMP", "BPA1", "BP21", "BP26", "BPPU", "BPNR"} {
			st, file := e.send(t, "GET", base+"/export?format=xml&year=2025&type="+typ, "", nil)
			if st != http.StatusOK {
				t.Fatalf("export %s = %d %s", typ, st, file)
			}
			im, err := ebupot.ImportXML(bytes.NewReader(file))
			if err != nil {
				t.Fatalf("import %s: %v %+v\n%s", typ, err, errs.FieldsOf(err), file)
			}
			want, err := e.slips.List(actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(e.w.Director.NPWP), TaxpayerID: e.w.Director.ID, ActingForID: e.w.Company.ID, ActingFor: co}), co, ebupot.Filter{Type: objectcode.SlipType(typ), Year: 2025, Current: true, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(im.Rows) != len(want) {
				t.Fatalf("%s: %d rows, %d slips", typ, len(im.Rows), len(want))
			}
			for i, r := range im.Rows {
				if len(r.Problems) > 0 {
					t.Errorf("%s row %d: %+v", typ, r.Row, r.Problems)
				}
				if diff := cmp.Diff(ebupot.InputOf(&want[i]), r.Input); diff != "" {
					t.Errorf("%s row %d (-slip +imported):\n%s", typ, r.Row, diff)
				}
			}
		}
		// Uploaded back, the file's rows are refused one by one: those
		// slips exist.
		_, file := e.send(t, "GET", base+"/export?format=xml&year=2025&type=BPMP", "", nil)
		st, b = e.send(t, "POST", base+"/batches", "application/xml", file)
		var dup batchOut
		if st != http.StatusCreated {
			t.Fatalf("upload = %d %s", st, b)
		}
		strictJSON(t, b, &dup)
		if dup.Batch.Created != 0 || dup.Batch.Rejected != 11 || dup.Batch.Source != "xml:BPMP" || !strings.Contains(dup.Batch.Rows[0].Problems[0].Message, "one slip per recipient") {
			t.Errorf("re-upload = %+v", dup.Batch)
		}
		// The 2026 slips exported and moved to May and June are
		// accepted; a row with month 13 is refused with its XML line.
		_, file = e.send(t, "GET", base+"/export?format=xml&year=2026&type=BPMP", "", nil)
		moved := strings.NewReplacer("<TaxPeriodMonth>1<", "<TaxPeriodMonth>5<", "2026-01-25", "2026-05-25",
			"<TaxPeriodMonth>2<", "<TaxPeriodMonth>6<", "2026-02-25", "2026-06-25").Replace(string(file))
		if strings.Count(moved, "<MmPayroll>") != 2 {
			t.Fatalf("2026 export:\n%s", file)
		}
		moved = strings.Replace(moved, "  </ListOfMmPayroll>", "    <MmPayroll>\n      <TaxPeriodMonth>13</TaxPeriodMonth>\n    </MmPayroll>\n  </ListOfMmPayroll>", 1)
		line := strings.Count(moved[:strings.Index(moved, "<TaxPeriodMonth>13")], "\n") + 1
		st, b = e.send(t, "POST", base+"/batches", "application/xml; charset=utf-8", []byte(moved))
		var up batchOut
		if st != http.StatusCreated {
			t.Fatalf("upload = %d %s", st, b)
		}
		strictJSON(t, b, &up)
		if u := up.Batch; u.Created != 2 || u.Rejected != 1 || u.Rows[2].Row != 3 || !strings.HasPrefix(u.Rows[2].Problems[0].Message, fmt.Sprintf("XML line %d,", line)) {
			t.Errorf("upload = %+v", u)
		}
		// A file that is not a bulk file is refused whole.
		st, b = e.send(t, "POST", base+"/batches", "application/xml", []byte("<Payroll/>"))
		if st != http.StatusUnprocessableEntity {
			t.Errorf("not a bulk file = %d %s", st, b)
		}
		// CSV and JSON lines exports.
		st, csvFile := e.send(t, "GET", base+"/export?format=csv&year=2025", "", nil)
		if st != http.StatusOK || strings.Count(string(csvFile), "\n") != 1+24 {
			t.Errorf("csv export = %d, %d lines", st, strings.Count(string(csvFile), "\n"))
		}
		st, lines := e.send(t, "GET", base+"/export?format=json&type=BP26&year=2025", "", nil)
		var foreign slipOut
		if st != http.StatusOK || json.Unmarshal(bytes.TrimSpace(lines), &foreign) != nil || foreign.Recipient.Country != "SGP" || foreign.Rate != "20" {
			t.Errorf("json export = %d %s", st, lines)
		}
		st, b, _ = e.req(t, e.director, "GET", base+"/export?format=xml&year=2025", nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "type")
	})
}

func TestObjectCodesAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newBupotEnv(t, db)
		var list struct {
			On    string `json:"on"`
			Codes []struct {
				Code       string   `json:"code"`
				Name       string   `json:"name"`
				Slips      []string `json:"slips"`
				Recipients []string `json:"recipients"`
				Basis      string   `json:"basis"`
				Deemed     string   `json:"deemed"`
			} `json:"codes"`
		}
		st, b, _ := e.req(t, e.nobody, "GET", "/api/v1/objectcodes?slip=BP21&q=tenaga+ahli", nil)
		if st != http.StatusOK || json.Unmarshal(b, &list) != nil || len(list.Codes) != 1 || list.Codes[0].Code != "21-100-07" || list.Codes[0].Deemed != "50" || list.On != "2026-11-24" {
			t.Errorf("search = %d %s", st, b)
		}
		st, b, _ = e.req(t, e.nobody, "GET", "/api/v1/objectcodes?q=21-100-0&on=2024-06-01", nil)
		// In 2024 the e-Bupot 21/26 list of PMK 168/2023 was in force.
		if st != http.StatusOK || json.Unmarshal(b, &list) != nil || len(list.Codes) != 3 || list.Codes[0].Code != "21-100-03" {
			t.Errorf("2024 codes = %d %s", st, b)
		}
		var one struct {
			Code  string `json:"code"`
			Basis string `json:"basis"`
		}
		st, b, _ = e.req(t, e.nobody, "GET", "/api/v1/objectcodes/21-100-01", nil)
		if st != http.StatusOK || json.Unmarshal(b, &one) != nil || one.Basis != "ter-monthly" {
			t.Errorf("21-100-01 = %d %s", st, b)
		}
		// A code retired before the day names its replacements.
		st, b, _ = e.req(t, e.nobody, "GET", "/api/v1/objectcodes/21-100-03", nil)
		if st != http.StatusNotFound || !strings.Contains(string(b), "21-100-35") {
			t.Errorf("retired = %d %s", st, b)
		}
		st, b, _ = e.req(t, e.nobody, "GET", "/api/v1/objectcodes?slip=BPX", nil)
		fieldOf(t, st, b, http.StatusUnprocessableEntity, "slip")
	})
}
