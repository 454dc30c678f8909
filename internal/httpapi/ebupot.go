package httpapi

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// The e-Bupot routes (doc/ebupot-api.md): withholding slips keyed in,
// computed, uploaded as payroll batches (JSON or a Coretax bulk XML file),
// signed, corrected, cancelled, listed, exported and received, and the
// tax object code browser. Amounts are strings of rupiah in plain decimal
// form ("15000000", "91666.67"), rates and deemed percentages strings of a
// percentage ("2.25" is 2.25 %), as in the e-Faktur routes.

func (s *server) bupotService() (*ebupot.Service, error) {
	if s.ebupot == nil || s.bupotBatches == nil {
		return nil, errs.E(errs.Unavailable, "e-Bupot is not served by this server")
	}
	return s.ebupot, nil
}

// recipientJSON is who received the income.
type recipientJSON struct {
	TIN      string `json:"tin"`
	Name     string `json:"name"`
	Passport string `json:"passport"`
	Country  string `json:"country"`
	Address  string `json:"address"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Position string `json:"position"`
	// NIP and Rank of a civil servant or TNI/Polri member (BPA2).
	NIP  string `json:"nip,omitempty"`
	Rank string `json:"rank,omitempty"`
	// NITKU is the recipient's receiving place of business (BPPU).
	NITKU string `json:"nitku,omitempty"`
	// BirthDate, BirthCity and Kitas of a non-resident (BPNR).
	BirthDate string `json:"birth_date,omitempty"`
	BirthCity string `json:"birth_city,omitempty"`
	Kitas     string `json:"kitas,omitempty"`
	ID        int64  `json:"id,omitempty"`
	Temporary bool   `json:"temporary,omitempty"`
	Resident  bool   `json:"resident,omitempty"`
}

type excludedItemJSON struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	Reason string `json:"reason"`
}

// slipForm is a slip as keyed in: the facts of ebupot.Input. Member names
// are the field names of the service's field errors.
type slipForm struct {
	Type                string             `json:"type"`
	Year                int                `json:"year"`
	Month               int                `json:"month"`
	MonthStart          int                `json:"month_start"`
	MonthEnd            int                `json:"month_end"`
	Recipient           recipientJSON      `json:"recipient"`
	ObjectCode          string             `json:"object_code"`
	Facility            string             `json:"facility"`
	FacilityRef         string             `json:"facility_ref"`
	Gross               string             `json:"gross"`
	GrossUp             bool               `json:"gross_up"`
	Excluded            []excludedItemJSON `json:"excluded"`
	PensionContribution string             `json:"pension_contribution"`
	TreatyRate          string             `json:"treaty_rate"`
	// QualifyingShareholding asks for the treaty's dividend rate of a
	// qualifying shareholding (BP26/BPNR, 27-101-01, facility COD).
	QualifyingShareholding bool   `json:"qualifying_shareholding"`
	Sector                 string `json:"sector"`
	KLU                    string `json:"klu"`
	RegularGross           string `json:"regular_gross"`
	// Rate and Deemed, when given, are checked against the computed ones.
	Rate            *string `json:"rate"`
	Deemed          *string `json:"deemed"`
	Document        string  `json:"document"`
	DocumentNumber  string  `json:"document_number"`
	DocumentDate    string  `json:"document_date"`
	PlaceNITKU      string  `json:"place_nitku"`
	WithholdingDate string  `json:"withholding_date"`
	// Treasurer and SP2D: GovTreasurerOpt and SP2DNumber (BPPU, BPNR).
	Treasurer string `json:"treasurer"`
	SP2D      string `json:"sp2d"`
}

// percentParam reads a percentage with at most two decimals ("2.25").
func percentParam(fs *errs.Fields, field, v string) int64 {
	a := amountParam(fs, field, v, false)
	return int64(a)
}

// input converts q, naming each value that cannot be read under prefix
// ("", "slip." or "rows[3].").
func (q slipForm) input(prefix string, fs *errs.Fields) ebupot.Input {
	rc := q.Recipient
	in := ebupot.Input{Type: objectcode.SlipType(strings.ToUpper(strings.TrimSpace(q.Type))), Year: q.Year, Month: q.Month, MonthStart: q.MonthStart, MonthEnd: q.MonthEnd,
		Recipient: ebupot.Recipient{TIN: rc.TIN, Name: rc.Name, Passport: rc.Passport, Country: strings.ToUpper(rc.Country), Address: rc.Address,
			Kind: objectcode.RecipientKind(rc.Kind), Status: rc.Status, Position: rc.Position, NIP: rc.NIP, Rank: rc.Rank, NITKU: rc.NITKU,
			BirthCity: rc.BirthCity, Kitas: rc.Kitas},
		ObjectCode: q.ObjectCode, Facility: ebupot.Facility(q.Facility), FacilityRef: q.FacilityRef, GrossUp: q.GrossUp,
		Sector: pph21.Sector(q.Sector), KLU: q.KLU, Document: q.Document, DocumentNumber: q.DocumentNumber, PlaceNITKU: q.PlaceNITKU,
		Treasurer: ebupot.Treasurer(q.Treasurer), SP2D: q.SP2D, QualifyingShareholding: q.QualifyingShareholding}
	in.Recipient.BirthDate = dayParam(fs, prefix+"recipient.birth_date", rc.BirthDate)
	in.Gross = amountParam(fs, prefix+"gross", q.Gross, true)
	in.PensionContribution = amountParam(fs, prefix+"pension_contribution", q.PensionContribution, false)
	in.RegularGross = amountParam(fs, prefix+"regular_gross", q.RegularGross, false)
	in.TreatyRate = pph21.Rate(percentParam(fs, prefix+"treaty_rate", q.TreatyRate))
	for i, x := range q.Excluded {
		in.Excluded = append(in.Excluded, pph21.Excluded{Name: x.Name, Reason: x.Reason,
			Amount: amountParam(fs, fmt.Sprintf("%sexcluded[%d].amount", prefix, i), x.Amount, true)})
	}
	if q.Rate != nil {
		in.Rate, in.HasRate = pph21.Rate(percentParam(fs, prefix+"rate", *q.Rate)), true
	}
	if q.Deemed != nil {
		in.Deemed, in.HasDeemed = objectcode.Percent(percentParam(fs, prefix+"deemed", *q.Deemed)), true
	}
	in.DocumentDate = dayParam(fs, prefix+"document_date", q.DocumentDate)
	in.WithholdingDate = dayParam(fs, prefix+"withholding_date", q.WithholdingDate)
	return in
}

// stepJSON is one step of a slip's computation.
type stepJSON struct {
	Label  string       `json:"label"`
	Amount money.Amount `json:"amount"`
	Source string       `json:"source,omitempty"`
}

type explanationJSON struct {
	Method    string     `json:"method"`
	Category  string     `json:"category,omitempty"`
	Steps     []stepJSON `json:"steps"`
	Citations []string   `json:"citations"`
}

// slipJSON is a slip in a response and in the JSON export.
type slipJSON struct {
	ID              int64           `json:"id,omitempty"`
	Withholder      string          `json:"withholder"`
	Type            string          `json:"type"`
	Number          string          `json:"number,omitempty"`
	Revision        int             `json:"revision"`
	Status          string          `json:"status,omitempty"`
	Replaces        int64           `json:"replaces,omitempty"`
	ReplacedBy      int64           `json:"replaced_by,omitempty"`
	Year            int             `json:"year"`
	Month           int             `json:"month"`
	MonthStart      int             `json:"month_start,omitempty"`
	MonthEnd        int             `json:"month_end,omitempty"`
	Recipient       recipientJSON   `json:"recipient"`
	ObjectCode      string          `json:"object_code"`
	Facility        string          `json:"facility"`
	FacilityRef     string          `json:"facility_ref,omitempty"`
	Gross           money.Amount    `json:"gross"`
	Deemed          string          `json:"deemed"`
	Rate            string          `json:"rate"`
	Tax             money.Amount    `json:"tax"`
	Withheld        money.Amount    `json:"withheld"`
	DTP             money.Amount    `json:"dtp"`
	Credited        money.Amount    `json:"credited"`
	Explanation     explanationJSON `json:"explanation"`
	Document        string          `json:"document,omitempty"`
	DocumentNumber  string          `json:"document_number,omitempty"`
	DocumentDate    string          `json:"document_date,omitempty"`
	PlaceNITKU      string          `json:"place_nitku"`
	WithholdingDate string          `json:"withholding_date"`
	Final           bool            `json:"final,omitempty"`
	// QualifyingShareholding: the treaty's qualifying-shareholding
	// dividend rate was asked for.
	QualifyingShareholding bool       `json:"qualifying_shareholding,omitempty"`
	Treasurer              string     `json:"treasurer,omitempty"`
	SP2D                   string     `json:"sp2d,omitempty"`
	BatchID                int64      `json:"batch_id,omitempty"`
	SignedAt               *time.Time `json:"signed_at,omitempty"`
	SignedBy               string     `json:"signed_by,omitempty"`
	PublicID               string     `json:"public_id,omitempty"`
	CancelledAt            *time.Time `json:"cancelled_at,omitempty"`
	CancelReason           string     `json:"cancel_reason,omitempty"`
	CreatedAt              *time.Time `json:"created_at,omitempty"`
	Version                int        `json:"version,omitempty"`
}

func slipOut(sl *ebupot.Slip) slipJSON {
	r := sl.Recipient
	ex := sl.Explanation
	out := slipJSON{ID: sl.ID, Withholder: sl.WithholderNPWP, Type: string(sl.Type), Number: sl.Number, Revision: sl.Revision, Status: string(sl.Status),
		Replaces: sl.Replaces, ReplacedBy: sl.ReplacedBy, Year: sl.Period.Year, Month: sl.Period.Month, MonthStart: sl.MonthStart, MonthEnd: sl.MonthEnd,
		Recipient: recipientJSON{TIN: r.TIN, Name: r.Name, Passport: r.Passport, Country: r.Country, Address: r.Address, Kind: string(r.Kind),
			Status: r.Status, Position: r.Position, NIP: r.NIP, Rank: r.Rank, NITKU: r.NITKU, BirthDate: day(r.BirthDate), BirthCity: r.BirthCity,
			Kitas: r.Kitas, ID: r.ID, Temporary: r.Temporary, Resident: r.Resident},
		ObjectCode: sl.ObjectCode, Facility: string(sl.Facility), FacilityRef: sl.FacilityRef, Gross: sl.Gross, Deemed: sl.Deemed.String(),
		Rate: objectcode.Percent(sl.Rate).String(), Tax: sl.Tax, Withheld: sl.Withheld, DTP: sl.DTPTax, Credited: sl.Credited,
		Explanation: explanationJSON{Method: string(ex.Method), Category: string(ex.Category), Steps: []stepJSON{}, Citations: ex.Citations},
		Document:    sl.Document, DocumentNumber: sl.DocumentNumber, DocumentDate: day(sl.DocumentDate), PlaceNITKU: sl.PlaceNITKU,
		WithholdingDate: day(sl.WithholdingDate), Final: sl.Final, QualifyingShareholding: sl.QualifyingShareholding, Treasurer: string(sl.Treasurer), SP2D: sl.SP2D, BatchID: sl.BatchID, SignedAt: timePtr(sl.SignedAt.UTC()), SignedBy: sl.SignedBy,
		PublicID: sl.PublicID, CancelledAt: timePtr(sl.CancelledAt.UTC()), CancelReason: sl.CancelReason, CreatedAt: timePtr(sl.CreatedAt.UTC()), Version: sl.Version}
	if out.Explanation.Citations == nil {
		out.Explanation.Citations = []string{}
	}
	for _, st := range ex.Steps {
		out.Explanation.Steps = append(out.Explanation.Steps, stepJSON{Label: st.Label, Amount: st.Amount, Source: st.Source})
	}
	return out
}

// slipID reads the {id} of the path.
func slipID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Errorf(errs.NotFound, "there is no slip or batch %q; IDs are positive whole numbers", v)
	}
	return id, nil
}

// calculateSlip handles POST /taxpayers/{npwp}/ebupot/calculate: the slip
// computed from the input, with its tax and explanation, nothing stored.
func (s *server) calculateSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActCompute); err != nil {
		return err
	}
	var q slipForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	var fs errs.Fields
	in := q.input("", &fs)
	if err := fs.Err("the slip cannot be read"); err != nil {
		return err
	}
	sl, err := svc.Calculate(r.Context(), npwp, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slipOut(&sl))
	return nil
}

// createSlip handles POST /taxpayers/{npwp}/ebupot/slips: 201 with the
// computed draft.
func (s *server) createSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActDraft); err != nil {
		return err
	}
	var q slipForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	var fs errs.Fields
	in := q.input("", &fs)
	if err := fs.Err("the slip cannot be read"); err != nil {
		return err
	}
	sl, err := svc.Create(r.Context(), npwp, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/taxpayers/%s/ebupot/slips/%d", Prefix, sl.WithholderNPWP, sl.ID))
	writeJSON(w, http.StatusCreated, slipOut(&sl))
	return nil
}

// slipFilter reads the list and export query parameters.
func slipFilter(r *http.Request) (ebupot.Filter, error) {
	q := r.URL.Query()
	var fs errs.Fields
	f := ebupot.Filter{Type: objectcode.SlipType(strings.ToUpper(strings.TrimSpace(q.Get("type")))), Status: ebupot.Status(q.Get("status")),
		RecipientTIN: strings.TrimSpace(q.Get("recipient")), ObjectCode: objectcode.Normalize(strings.TrimSpace(q.Get("object_code"))),
		Number: strings.TrimSpace(q.Get("number"))}
	if q.Get("object_code") == "" {
		f.ObjectCode = ""
	}
	f.Year = int(queryInt(r, "year", &fs))
	if m := queryInt(r, "month", &fs); m > 12 {
		fs.Add("month", q.Get("month"), "give 1 to 12")
	} else {
		f.Month = int(m)
	}
	f.BatchID = queryInt(r, "batch", &fs)
	f.After = queryInt(r, "after", &fs)
	if n := queryInt(r, "limit", &fs); n > ebupot.MaxLimit {
		fs.Add("limit", strconv.FormatInt(n, 10), "give 1 to %d", ebupot.MaxLimit)
	} else {
		f.Limit = int(n)
	}
	switch v := q.Get("current"); v {
	case "", "false":
	case "true":
		f.Current = true
	default:
		fs.Add("current", v, "give true (only the latest revision of each slip) or false")
	}
	return f, fs.Err("the query cannot be read")
}

type slipListJSON struct {
	Slips []slipJSON `json:"slips"`
	// Next is the cursor of the next page (its after parameter), empty
	// on the last page.
	Next string `json:"next"`
}

func writeSlipPage(w http.ResponseWriter, page []ebupot.Slip, limit int) {
	out := slipListJSON{Slips: make([]slipJSON, len(page))}
	for i := range page {
		out.Slips[i] = slipOut(&page[i])
	}
	if len(page) == limit && limit > 0 {
		out.Next = strconv.FormatInt(page[len(page)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

// listSlips handles GET /taxpayers/{npwp}/ebupot/slips: a page of the
// withholder's slips, newest first.
func (s *server) listSlips(w http.ResponseWriter, r *http.Request) error {
	return s.slipPage(w, r, ebupot.ActRead, (*ebupot.Service).List)
}

// receivedSlips handles GET /taxpayers/{npwp}/ebupot/received: a page of
// the slips published to the taxpayer, newest first.
func (s *server) receivedSlips(w http.ResponseWriter, r *http.Request) error {
	return s.slipPage(w, r, ebupot.ActReceived, (*ebupot.Service).Received)
}

// slipPage writes a page of the slips list selects for the taxpayer
// {npwp}, after checking act.
func (s *server) slipPage(w http.ResponseWriter, r *http.Request, act actor.Action,
	list func(*ebupot.Service, context.Context, string, ebupot.Filter) ([]ebupot.Slip, error)) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, act); err != nil {
		return err
	}
	f, err := slipFilter(r)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = ebupot.DefaultLimit
	}
	page, err := list(svc, r.Context(), npwp, f)
	if err != nil {
		return err
	}
	writeSlipPage(w, page, f.Limit)
	return nil
}

// slip handles GET /taxpayers/{npwp}/ebupot/slips/{id}: a slip of the
// withholder, or one it received.
func (s *server) slip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	id, err := slipID(r)
	if err != nil {
		return err
	}
	sl, err := svc.Slip(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slipOut(&sl))
	return nil
}

// deleteSlip handles DELETE /taxpayers/{npwp}/ebupot/slips/{id}?version=N:
// 204 once the draft is gone.
func (s *server) deleteSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	id, err := slipID(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActDraft); err != nil {
		return err
	}
	var fs errs.Fields
	var version *int
	if r.URL.Query().Has("version") {
		v := int(queryInt(r, "version", &fs))
		version = &v
	}
	if err := fs.Err("the query cannot be read"); err != nil {
		return err
	}
	v, err := needSlipVersion(version)
	if err != nil {
		return err
	}
	if err := svc.DeleteDraft(r.Context(), npwp, id, v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// needSlipVersion checks that a change names the version of the slip it
// was based on.
func needSlipVersion(v *int) (int, error) {
	if v == nil {
		return 0, errs.InvalidFields("the change does not say which version of the slip it is based on",
			errs.Field("version", "", "is required: the version of the slip you loaded (its version member), so that a change made meanwhile is not overwritten"))
	}
	return *v, nil
}

type signSlipsRequest struct {
	Slips      []refJSON `json:"slips"`
	Passphrase string    `json:"passphrase"`
}

type slipsJSON struct {
	Slips []slipJSON `json:"slips"`
}

// signSlips handles POST /taxpayers/{npwp}/ebupot/slips/sign: the drafts
// numbered, signed and published with one passphrase entry, all or none.
func (s *server) signSlips(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActSign); err != nil {
		return err
	}
	var q signSlipsRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	refs := make([]ebupot.Ref, len(q.Slips))
	for i, ref := range q.Slips {
		refs[i] = ebupot.Ref{ID: ref.ID, Version: ref.Version}
	}
	signed, err := svc.Sign(r.Context(), npwp, refs, q.Passphrase)
	if err != nil {
		return err
	}
	out := slipsJSON{Slips: make([]slipJSON, len(signed))}
	for i := range signed {
		out.Slips[i] = slipOut(&signed[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type correctSlipRequest struct {
	Version    *int     `json:"version"`
	Passphrase string   `json:"passphrase"`
	Slip       slipForm `json:"slip"`
}

// correctSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/correct:
// 201 with the signed correction (same number, next revision).
func (s *server) correctSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	id, err := slipID(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActSign); err != nil {
		return err
	}
	var q correctSlipRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := needSlipVersion(q.Version)
	if err != nil {
		return err
	}
	var fs errs.Fields
	in := q.Slip.input("slip.", &fs)
	if err := fs.Err("the correction cannot be read"); err != nil {
		return err
	}
	sl, err := svc.Correct(r.Context(), npwp, id, v, in, q.Passphrase)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/taxpayers/%s/ebupot/slips/%d", Prefix, sl.WithholderNPWP, sl.ID))
	writeJSON(w, http.StatusCreated, slipOut(&sl))
	return nil
}

// cancelSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/cancel.
func (s *server) cancelSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	id, err := slipID(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, ebupot.ActSign); err != nil {
		return err
	}
	var q cancelRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := needSlipVersion(q.Version)
	if err != nil {
		return err
	}
	sl, err := svc.Cancel(r.Context(), npwp, id, v, q.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slipOut(&sl))
	return nil
}

// maxBatchBody bounds a batch request: MaxBatch rows of JSON or XML come
// to a few megabytes.
const maxBatchBody = 32 << 20

type batchRequest struct {
	Rows []slipForm `json:"rows"`
}

type rowJSON struct {
	Row      int          `json:"row"`
	SlipID   int64        `json:"slip_id,omitempty"`
	Tax      money.Amount `json:"tax"`
	Problems []fieldJSON  `json:"problems"`
}

type batchJSON struct {
	ID        int64     `json:"id"`
	Source    string    `json:"source"`
	Created   int       `json:"created"`
	Rejected  int       `json:"rejected"`
	CreatedAt time.Time `json:"created_at"`
	Rows      []rowJSON `json:"rows"`
}

type batchBody struct {
	Batch batchJSON `json:"batch"`
}

func batchOut(b ebupot.Batch) batchBody {
	out := batchJSON{ID: b.ID, Source: b.Source, Created: b.Created, Rejected: b.Rejected, CreatedAt: b.CreatedAt.UTC(), Rows: make([]rowJSON, len(b.Rows))}
	for i, rr := range b.Rows {
		row := rowJSON{Row: rr.Row, SlipID: rr.SlipID, Tax: rr.Tax, Problems: make([]fieldJSON, len(rr.Problems))}
		for j, p := range rr.Problems {
			row.Problems[j] = fieldJSON(p)
		}
		out.Rows[i] = row
	}
	return batchBody{Batch: out}
}

// createBatch handles POST /taxpayers/{npwp}/ebupot/batches: a payroll
// batch from JSON rows or from a Coretax bulk XML file (Content-Type
// application/xml). 201 with every row's result: the good rows are
// drafts, the bad ones carry their problems.
func (s *server) createBatch(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	ctx := r.Context()
	if err := svc.Allow(ctx, npwp, ebupot.ActDraft); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := http.MaxBytesReader(w, r.Body, maxBatchBody)
	var b ebupot.Batch
	switch mt {
	case "application/xml", "text/xml":
		im, err := ebupot.ImportXML(body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return errs.Errorf(errs.Invalid, "the file is larger than %d bytes; split it", tooLarge.Limit).Wrap(err)
			}
			return err
		}
		if b, err = svc.ImportBatch(ctx, npwp, im, s.bupotBatches); err != nil {
			return err
		}
	case "", "application/json":
		raw, err := io.ReadAll(body)
		if err != nil {
			return errs.Errorf(errs.Invalid, "the request body could not be read or is larger than %d bytes", maxBatchBody).Wrap(err)
		}
		var q batchRequest
		if err := decodeBytes(raw, &q); err != nil {
			return err
		}
		var fs errs.Fields
		ins := make([]ebupot.Input, len(q.Rows))
		for i, row := range q.Rows {
			ins[i] = row.input(fmt.Sprintf("rows[%d].", i), &fs)
		}
		if err := fs.Err("the rows cannot be read"); err != nil {
			return err
		}
		if b, err = svc.CreateBatch(ctx, npwp, "api", ins, s.bupotBatches); err != nil {
			return err
		}
	default:
		return errs.Errorf(errs.Invalid, "send the batch as JSON (Content-Type: application/json) or as a Coretax bulk XML file (Content-Type: application/xml), not %q", r.Header.Get("Content-Type"))
	}
	w.Header().Set("Location", fmt.Sprintf("%s/taxpayers/%s/ebupot/batches/%d", Prefix, npwp, b.ID))
	writeJSON(w, http.StatusCreated, batchOut(b))
	return nil
}

// batch handles GET /taxpayers/{npwp}/ebupot/batches/{id}.
func (s *server) batch(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	id, err := slipID(r)
	if err != nil {
		return err
	}
	b, err := svc.Batch(r.Context(), r.PathValue("npwp"), id, s.bupotBatches)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, batchOut(b))
	return nil
}

// slipCSVHeader are the columns of the CSV export.
var slipCSVHeader = []string{"id", "type", "number", "revision", "status", "year", "month", "month_start", "month_end", "recipient_tin", "recipient_name",
	"recipient_kind", "ptkp", "object_code", "facility", "facility_ref", "gross", "deemed", "rate", "tax", "withheld", "dtp", "credited",
	"document", "document_number", "document_date", "place_nitku", "withholding_date", "batch_id", "signed_at", "public_id", "cancel_reason"}

func slipCSVRecord(sl *ebupot.Slip) []string {
	r := sl.Recipient
	signed := ""
	if !sl.SignedAt.IsZero() {
		signed = sl.SignedAt.UTC().Format(time.RFC3339)
	}
	docDate := ""
	if !sl.DocumentDate.IsZero() {
		docDate = sl.DocumentDate.Format(time.DateOnly)
	}
	i := strconv.Itoa
	return []string{strconv.FormatInt(sl.ID, 10), string(sl.Type), sl.Number, i(sl.Revision), string(sl.Status), i(sl.Period.Year), i(sl.Period.Month),
		i(sl.MonthStart), i(sl.MonthEnd), r.TIN, r.Name, string(r.Kind), r.Status, sl.ObjectCode, string(sl.Facility), sl.FacilityRef,
		sl.Gross.XML(), sl.Deemed.String(), objectcode.Percent(sl.Rate).String(), sl.Tax.XML(), sl.Withheld.XML(), sl.DTPTax.XML(), sl.Credited.XML(),
		sl.Document, sl.DocumentNumber, docDate, sl.PlaceNITKU, sl.WithholdingDate.Format(time.DateOnly), strconv.FormatInt(sl.BatchID, 10),
		signed, sl.PublicID, sl.CancelReason}
}

// exportSlips handles GET /taxpayers/{npwp}/ebupot/export: every slip
// matching the filter, however many, streamed as a Coretax bulk XML file
// of one type, CSV or JSON lines.
func (s *server) exportSlips(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.bupotService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	ctx := r.Context()
	if err := svc.Allow(ctx, npwp, ebupot.ActRead); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	ft, ok := exportFormats[format]
	if !ok || format == "pdf.zip" {
		return errs.InvalidFields("unknown export format", errs.Field("format", format, "use xml (the Coretax bulk file of one slip type), csv or json (JSON lines)"))
	}
	f, err := slipFilter(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("after") || r.URL.Query().Has("limit") {
		return errs.InvalidFields("an export has no pages", errs.Field("after", r.URL.Query().Get("after"), "after and limit page a list; an export holds every matching slip, so leave them out"))
	}
	var xw *ebupot.XMLWriter
	if format == "xml" {
		if f.Type == "" {
			return errs.InvalidFields("a Coretax bulk file holds one slip type", errs.Field("type", "", "give type BPMP, BP21, BP26, BPA1, BPA2, BPPU or BPNR"))
		}
		// A file for Coretax holds what stands: the current revisions, not
		// the cancelled ones, unless a status is asked for.
		f.Current = true
	}
	span := "all"
	if f.Year != 0 {
		span = strconv.Itoa(f.Year)
		if f.Month != 0 {
			span += fmt.Sprintf("-%02d", f.Month)
		}
	}
	kind := "slips"
	if f.Type != "" {
		kind = string(f.Type)
	}
	lw := &lazyWriter{w: w, header: func(h http.Header) {
		h.Set("Content-Type", ft[0])
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ebupot-%s-%s-%s.%s"`, npwp, kind, span, ft[1]))
	}}
	switch format {
	case "xml":
		if xw, err = ebupot.NewXMLWriter(lw, f.Type, npwp); err != nil {
			return err
		}
		err = svc.Each(ctx, npwp, f, func(sl *ebupot.Slip) error {
			if f.Status == "" && sl.Status == ebupot.Cancelled {
				return nil
			}
			return xw.Write(sl)
		})
		if err == nil {
			err = xw.Close()
		}
	case "csv":
		cw := csv.NewWriter(lw)
		err = cw.Write(slipCSVHeader)
		if err == nil {
			err = svc.Each(ctx, npwp, f, func(sl *ebupot.Slip) error { return cw.Write(slipCSVRecord(sl)) })
		}
		if err == nil {
			cw.Flush()
			err = cw.Error()
		}
	case "json":
		enc := json.NewEncoder(lw)
		err = svc.Each(ctx, npwp, f, func(sl *ebupot.Slip) error { return enc.Encode(slipOut(sl)) })
	}
	if err == nil {
		if !lw.started {
			lw.Write(nil)
		}
		return nil
	}
	if !lw.started {
		return err
	}
	s.logger.ErrorContext(ctx, "export failed after it began", "err", err.Error(), "path", r.URL.Path)
	panic(http.ErrAbortHandler)
}

// codeJSON is one version of a tax object code.
type codeJSON struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Slips       []string `json:"slips"`
	Recipients  []string `json:"recipients"`
	Final       bool     `json:"final"`
	Basis       string   `json:"basis"`
	Rate        string   `json:"rate,omitempty"`
	Deemed      string   `json:"deemed"`
	KAP         string   `json:"kap"`
	KJS         string   `json:"kjs"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  string   `json:"valid_until,omitempty"`
	Replacement []string `json:"replacement,omitempty"`
	Source      string   `json:"source"`
}

func codeOut(c objectcode.Code) codeJSON {
	out := codeJSON{Code: c.Code, Name: c.Name, Slips: []string{}, Recipients: []string{}, Final: c.Final, Basis: string(c.Basis), Rate: c.Rate.String(),
		Deemed: c.DeemedPercent.String(), KAP: c.KAP, KJS: c.KJS, ValidFrom: c.ValidFrom.Format(time.DateOnly), Replacement: c.Replacement, Source: c.Source}
	if !c.ValidUntil.IsZero() {
		out.ValidUntil = c.ValidUntil.Format(time.DateOnly)
	}
	for _, sl := range c.Slips {
		out.Slips = append(out.Slips, string(sl))
	}
	for _, k := range c.Recipients {
		out.Recipients = append(out.Recipients, string(k))
	}
	return out
}

// codeDay reads the on parameter: the day the codes are looked up on,
// today (WIB) by default.
func (s *server) codeDay(r *http.Request) (time.Time, error) {
	var fs errs.Fields
	on := dayParam(&fs, "on", r.URL.Query().Get("on"))
	if err := fs.Err("the query cannot be read"); err != nil {
		return time.Time{}, err
	}
	if on.IsZero() {
		on = calendar.Day(s.now())
	}
	return on, nil
}

type codesJSON struct {
	On    string     `json:"on"`
	Codes []codeJSON `json:"codes"`
}

// objectCodes handles GET /objectcodes?q=&slip=&on=: the tax object codes
// in force on a day, searched by code prefix or words of the name, and
// limited to those a slip type accepts. Public reference data.
func (s *server) objectCodes(w http.ResponseWriter, r *http.Request) error {
	on, err := s.codeDay(r)
	if err != nil {
		return err
	}
	var slip objectcode.SlipType
	if v := strings.TrimSpace(r.URL.Query().Get("slip")); v != "" {
		if slip, err = objectcode.ParseSlipType(v); err != nil {
			return errs.InvalidFields("unknown slip type", errs.Field("slip", v, "%s", err))
		}
	}
	out := codesJSON{On: on.Format(time.DateOnly), Codes: []codeJSON{}}
	for _, c := range objectcode.Search(r.URL.Query().Get("q"), on) {
		if slip == "" || c.AcceptsSlip(slip) {
			out.Codes = append(out.Codes, codeOut(c))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// objectCode handles GET /objectcodes/{code}?on=: the version of a code
// in force on a day; a retired or unknown code answers 404 with the codes
// to use instead.
func (s *server) objectCode(w http.ResponseWriter, r *http.Request) error {
	on, err := s.codeDay(r)
	if err != nil {
		return err
	}
	c, err := objectcode.Lookup(r.PathValue("code"), on)
	if err != nil {
		if errs.Is(errs.Invalid, err) {
			return errs.E(errs.NotFound, errs.Message(err)).Wrap(err)
		}
		return err
	}
	writeJSON(w, http.StatusOK, codeOut(c))
	return nil
}
