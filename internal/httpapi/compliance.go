package httpapi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
)

// The compliance engine: third-party data in, the matching job, flags
// with their evidence, and a taxpayer's self-check (doc/compliance.md).

// maxDelivery bounds a delivery's body.
const maxDelivery = 64 << 20

func (s *server) complianceService() (*compliance.Service, error) {
	if s.compliance == nil {
		return nil, errs.E(errs.Unavailable, "the compliance engine is not served by this server")
	}
	return s.compliance, nil
}

// text is a JSON member given as a string or a number, kept as its text.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*t = jsonText(n.String())
	default:
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	return nil
}

// recordJSON is a third-party record as senders write it; the members are
// the CSV columns (compliance.Columns).
type recordJSON struct {
	SourceRecordID jsonText `json:"source_record_id"`
	Kind           jsonText `json:"kind"`
	Corrects       jsonText `json:"corrects"`
	ListingID      jsonText `json:"listing_id"`
	ListingName    jsonText `json:"listing_name"`
	Street         jsonText `json:"street"`
	ProvinceCode   jsonText `json:"province_code"`
	RegencyCode    jsonText `json:"regency_code"`
	DistrictCode   jsonText `json:"district_code"`
	PostalCode     jsonText `json:"postal_code"`
	Lat            jsonText `json:"lat"`
	Lon            jsonText `json:"lon"`
	HostName       jsonText `json:"host_name"`
	HostNIK        jsonText `json:"host_nik"`
	HostNPWP       jsonText `json:"host_npwp"`
	NPWPD          jsonText `json:"npwpd"`
	CheckIn        jsonText `json:"check_in"`
	CheckOut       jsonText `json:"check_out"`
	Month          jsonText `json:"month"`
	GrossIDR       jsonText `json:"gross_idr"`
	CommissionIDR  jsonText `json:"commission_idr"`
	PayoutIDR      jsonText `json:"payout_idr"`
	PayeeName      jsonText `json:"payee_name"`
	PayoutCountry  jsonText `json:"payout_country"`
	PayeeID        jsonText `json:"payee_id"`
}

func (r recordJSON) input() compliance.RecordInput {
	return compliance.RecordInput{FeedID: string(r.SourceRecordID), Kind: string(r.Kind), Corrects: string(r.Corrects),
		ListingID: string(r.ListingID), ListingName: string(r.ListingName), Street: string(r.Street), ProvinceCode: string(r.ProvinceCode),
		RegencyCode: string(r.RegencyCode), DistrictCode: string(r.DistrictCode), PostalCode: string(r.PostalCode), Lat: string(r.Lat),
		Lon: string(r.Lon), HostName: string(r.HostName), HostNIK: string(r.HostNIK), HostNPWP: string(r.HostNPWP), NPWPD: string(r.NPWPD),
		CheckIn: string(r.CheckIn), CheckOut: string(r.CheckOut), Month: string(r.Month), GrossIDR: string(r.GrossIDR),
		CommissionIDR: string(r.CommissionIDR), PayoutIDR: string(r.PayoutIDR), PayeeName: string(r.PayeeName),
		PayoutCountry: string(r.PayoutCountry), PayeeID: string(r.PayeeID)}
}

// deliveryRowJSON is one row's result.
type deliveryRowJSON struct {
	Row            int    `json:"row"`
	SourceRecordID string `json:"source_record_id"`
	RecordID       int64  `json:"record_id,omitempty"`
	Field          string `json:"field,omitempty"`
	Value          string `json:"value,omitempty"`
	Fix            string `json:"fix,omitempty"`
}

type deliveryJSON struct {
	ID         int64             `json:"id"`
	Source     string            `json:"source"`
	Channel    string            `json:"channel"`
	FileName   string            `json:"file_name,omitempty"`
	SHA256     string            `json:"sha256,omitempty"`
	Rows       int               `json:"rows"`
	Accepted   int               `json:"accepted"`
	Rejected   int               `json:"rejected"`
	ReceivedBy string            `json:"received_by"`
	ReceivedAt time.Time         `json:"received_at"`
	Results    []deliveryRowJSON `json:"results"`
}

func deliveryOut(b compliance.Batch) deliveryJSON {
	out := deliveryJSON{ID: b.ID, Source: b.Source, Channel: b.Channel, FileName: b.FileName, SHA256: b.SHA256, Rows: b.Rows,
		Accepted: b.Accepted, Rejected: b.Rejected, ReceivedBy: b.ReceivedBy, ReceivedAt: b.ReceivedAt, Results: []deliveryRowJSON{}}
	for _, r := range b.Results {
		out.Results = append(out.Results, deliveryRowJSON{Row: r.Row, SourceRecordID: r.FeedID, RecordID: r.RecordID, Field: r.Field, Value: r.Value, Fix: r.Message})
	}
	return out
}

// readDelivery reads the body after the sender's access is checked.
func (s *server) readDelivery(w http.ResponseWriter, r *http.Request) (*compliance.Service, []byte, error) {
	svc, err := s.complianceService()
	if err != nil {
		return nil, nil, err
	}
	if err := svc.AllowIngest(r.Context()); err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDelivery))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, errs.Errorf(errs.Invalid, "the delivery is larger than %d bytes; send it in parts", tooLarge.Limit)
		}
		return nil, nil, errs.E(errs.Invalid, "the request body could not be read").Wrap(err)
	}
	return svc, body, nil
}

// postRecords handles POST /compliance/records?source=NAME: a JSON array
// of records, or JSON lines (one record object a line).
func (s *server) postRecords(w http.ResponseWriter, r *http.Request) error {
	svc, body, err := s.readDelivery(w, r)
	if err != nil {
		return err
	}
	trimmed := bytes.TrimSpace(body)
	var ins []compliance.RecordInput
	var rows []int
	decodeOne := func(b []byte, row int) error {
		var rec recordJSON
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return errs.InvalidFields("a record is not valid JSON", errs.Field("records", strconv.Itoa(row), "record %d: %v; the members are %s", row, err, strings.Join(compliance.Columns, ", ")))
		}
		ins = append(ins, rec.input())
		rows = append(rows, row)
		return nil
	}
	switch {
	case len(trimmed) == 0:
		return errs.InvalidFields("the delivery is empty", errs.Field("records", "", "send a JSON array of records or one JSON record a line (doc/compliance.md)"))
	case trimmed[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return errs.InvalidFields("the delivery is not a JSON array", errs.Field("records", "", "%v", err))
		}
		for i, m := range raw {
			if err := decodeOne(m, i+1); err != nil {
				return err
			}
		}
	default:
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			if err := decodeOne(sc.Bytes(), line); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return errs.InvalidFields("the delivery cannot be read", errs.Field("records", "", "line %d: %v", line+1, err))
		}
	}
	sum := sha256.Sum256(body)
	b, err := svc.Ingest(r.Context(), compliance.Delivery{Source: r.URL.Query().Get("source"), Channel: "api", SHA256: hex.EncodeToString(sum[:]), Inputs: ins, Rows: rows})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, deliveryOut(b))
	return nil
}

// postImport handles POST /compliance/imports: a CSV file with the
// documented columns, as the body (Content-Type text/csv, source and
// file_name in the query) or as a multipart form with parts source and
// file.
func (s *server) postImport(w http.ResponseWriter, r *http.Request) error {
	svc, body, err := s.readDelivery(w, r)
	if err != nil {
		return err
	}
	source, name, file := r.URL.Query().Get("source"), r.URL.Query().Get("file_name"), body
	if mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		file = nil
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errs.InvalidFields("the form cannot be read", errs.Field("file", "", "%v", err))
			}
			v, err := io.ReadAll(p)
			if err != nil {
				return errs.InvalidFields("the form cannot be read", errs.Field(p.FormName(), "", "%v", err))
			}
			switch p.FormName() {
			case "file":
				file, name = v, p.FileName()
			case "source":
				source = strings.TrimSpace(string(v))
			}
		}
		if file == nil {
			return errs.InvalidFields("the form has no file", errs.Field("file", "", "send the CSV in a part named file"))
		}
	}
	ins, lines, err := compliance.ReadCSV(bytes.NewReader(file))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(file)
	b, err := svc.Ingest(r.Context(), compliance.Delivery{Source: source, Channel: "file", FileName: name, SHA256: hex.EncodeToString(sum[:]), Inputs: ins, Rows: lines})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, deliveryOut(b))
	return nil
}

type complianceRunJSON struct {
	ID              int64      `json:"id"`
	Status          string     `json:"status"`
	StartedBy       string     `json:"started_by"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	RecordsRead     int64      `json:"records_read"`
	Listings        int64      `json:"listings"`
	FlagsRaised     int64      `json:"flags_raised"`
	FlagsSuperseded int64      `json:"flags_superseded"`
	Error           string     `json:"error,omitempty"`
	// Thresholds are those the run used (compliance_thresholds.go).
	Thresholds *runThresholdsJSON `json:"thresholds"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func complianceRunOut(r compliance.Run) complianceRunJSON {
	return complianceRunJSON{ID: r.ID, Status: r.Status, StartedBy: r.StartedBy, CreatedAt: r.CreatedAt, StartedAt: optionalTime(r.StartedAt), FinishedAt: optionalTime(r.FinishedAt),
		RecordsRead: r.RecordsRead, Listings: r.Listings, FlagsRaised: r.FlagsRaised, FlagsSuperseded: r.FlagsSuperseded, Error: r.Error,
		Thresholds: runThresholdsOut(r.Thresholds)}
}

// startRun handles POST /compliance/runs: 202 with the queued run.
func (s *server) startRun(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	run, err := svc.StartRun(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/compliance/runs/"+strconv.FormatInt(run.ID, 10))
	writeJSON(w, http.StatusAccepted, complianceRunOut(run))
	return nil
}

// listRuns handles GET /compliance/runs.
func (s *server) listRuns(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	var fs errs.Fields
	limit := queryInt(r, "limit", &fs)
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	runs, err := svc.Runs(r.Context(), pageLimit(limit))
	if err != nil {
		return err
	}
	out := []complianceRunJSON{}
	for _, run := range runs {
		out = append(out, complianceRunOut(run))
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
	return nil
}

// complianceRun handles GET /compliance/runs/{id}.
func (s *server) complianceRun(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "run")
	if err != nil {
		return err
	}
	run, err := svc.RunByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, complianceRunOut(run))
	return nil
}

type evidenceJSON struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id,omitempty"`
	Source  string `json:"source,omitempty"`
	Ref     string `json:"ref,omitempty"`
	Period  string `json:"period,omitempty"`
	Label   string `json:"label"`
	Summary string `json:"summary"`
}

type flagPeriodJSON struct {
	Period              string `json:"period"`
	ThirdPartyGrossSen  int64  `json:"third_party_gross_sen"`
	DeclaredSen         int64  `json:"declared_sen"`
	RateBP              int64  `json:"rate_bp"`
	ShortfallSen        int64  `json:"shortfall_sen"`
	PenaltyVoluntarySen int64  `json:"penalty_voluntary_sen"`
	PenaltyAuditSen     int64  `json:"penalty_audit_sen"`
	InterestMonths      int    `json:"interest_months"`
}

type flagJSONOut struct {
	ID                  int64            `json:"id"`
	RunID               int64            `json:"run_id"`
	Rule                string           `json:"rule"`
	TaxpayerID          int64            `json:"taxpayer_id,omitempty"`
	PropertyID          int64            `json:"property_id,omitempty"`
	NPWP                string           `json:"npwp,omitempty"`
	Subject             string           `json:"subject"`
	Regency             string           `json:"regency_code"`
	PeriodFrom          string           `json:"period_from"`
	PeriodTo            string           `json:"period_to"`
	Confidence          int              `json:"confidence"`
	ShortfallSen        int64            `json:"shortfall_sen"`
	PenaltyVoluntarySen int64            `json:"penalty_voluntary_sen"`
	PenaltyAuditSen     int64            `json:"penalty_audit_sen"`
	Explanation         string           `json:"explanation"`
	Status              string           `json:"status"`
	SupersededBy        int64            `json:"superseded_by,omitempty"`
	CreatedAt           time.Time        `json:"created_at"`
	Evidence            []evidenceJSON   `json:"evidence,omitempty"`
	Periods             []flagPeriodJSON `json:"periods,omitempty"`
}

func flagJSON(f compliance.Flag, detail bool) flagJSONOut {
	out := flagJSONOut{ID: f.ID, RunID: f.RunID, Rule: string(f.Rule), TaxpayerID: f.TaxpayerID, PropertyID: f.PropertyID, NPWP: f.NPWP, Subject: f.Subject,
		Regency: f.Regency, PeriodFrom: f.PeriodFrom, PeriodTo: f.PeriodTo, Confidence: f.Confidence, ShortfallSen: f.Shortfall.Sen(),
		PenaltyVoluntarySen: f.PenaltyVoluntary.Sen(), PenaltyAuditSen: f.PenaltyAudit.Sen(), Explanation: f.Explanation, Status: f.Status,
		SupersededBy: f.SupersededBy, CreatedAt: f.CreatedAt}
	if detail {
		out.Evidence = []evidenceJSON{}
		for _, e := range f.Evidence {
			out.Evidence = append(out.Evidence, evidenceJSON{Kind: e.Kind, ID: e.ID, Source: e.Source, Ref: e.Ref, Period: e.Period, Label: e.Label(), Summary: e.Summary})
		}
		out.Periods = []flagPeriodJSON{}
		for _, p := range f.Periods {
			out.Periods = append(out.Periods, flagPeriodJSON{p.Period, p.ThirdPartyGross.Sen(), p.Declared.Sen(), p.Rate, p.Shortfall.Sen(), p.PenaltyVoluntary.Sen(), p.PenaltyAudit.Sen(), p.Months})
		}
	}
	return out
}

// listFlags handles GET /compliance/flags?rule=&regency=&npwp=&status=&run=&after=&limit=.
func (s *server) listFlags(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var fs errs.Fields
	fq := compliance.FlagQuery{Rule: compliance.Rule(q.Get("rule")), Regency: q.Get("regency"), NPWP: q.Get("npwp"), Status: q.Get("status"),
		TaxpayerID: queryInt(r, "taxpayer_id", &fs), RunID: queryInt(r, "run", &fs), After: queryInt(r, "after", &fs), Limit: int(queryInt(r, "limit", &fs))}
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	page, err := svc.Flags(r.Context(), fq)
	if err != nil {
		return err
	}
	out := []flagJSONOut{}
	for _, f := range page.Flags {
		out = append(out, flagJSON(f, false))
	}
	body := map[string]any{"flags": out}
	if page.Next != 0 {
		v := r.URL.Query()
		v.Set("after", strconv.FormatInt(page.Next, 10))
		body["next"] = Prefix + "/compliance/flags?" + v.Encode()
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// complianceFlag handles GET /compliance/flags/{id}: the flag with its
// evidence and periods.
func (s *server) complianceFlag(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "flag")
	if err != nil {
		return err
	}
	f, err := svc.Flag(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, flagJSON(f, true))
	return nil
}

// selfCheck handles GET /taxpayers/{npwp}/compliance/self-check: what the
// rules find on the taxpayer's own data, not stored.
func (s *server) selfCheck(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	sc, err := svc.SelfCheck(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	flags := []flagJSONOut{}
	for _, f := range sc.Flags {
		flags = append(flags, flagJSON(f, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"npwp": sc.NPWP, "as_of": sc.AsOf.Format(time.DateOnly), "period_from": sc.From, "period_to": sc.To,
		"properties": sc.Properties, "listings": sc.Listings, "flags": flags})
	return nil
}
