package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/fakturpdf"
	"github.com/coretax/coretax/internal/efaktur/fakturview"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The e-Faktur routes (doc/efaktur-api.md). A faktur in a response is an
// efaktur.Record, the same object the JSON export writes one per line.
// Amounts are strings of rupiah in plain decimal form ("91666.67"), as
// money.Amount writes JSON everywhere in this API.

func (s *server) fakturService() (*efaktur.Service, error) {
	if s.efaktur == nil {
		return nil, errs.E(errs.Unavailable, "e-Faktur is not served by this server")
	}
	return s.efaktur, nil
}

// fakturCall begins every e-Faktur handler of a taxpayer alike: the
// service, then act checked for the taxpayer {npwp} before anything else
// of the request is read (a stranger is refused whatever the body), then
// the faktur {id} of the path when withID, and the JSON body into body
// when it is not nil.
func (s *server) fakturCall(r *http.Request, act actor.Action, withID bool, body any) (svc *efaktur.Service, npwp string, id int64, err error) {
	if svc, err = s.fakturService(); err != nil {
		return nil, "", 0, err
	}
	npwp = r.PathValue("npwp")
	if err = svc.Allow(r.Context(), npwp, act); err != nil {
		return nil, "", 0, err
	}
	if withID {
		if id, err = fakturID(r); err != nil {
			return nil, "", 0, err
		}
	}
	if body != nil {
		if err = decodeJSON(r, body); err != nil {
			return nil, "", 0, err
		}
	}
	return svc, npwp, id, nil
}

// buyerJSON is the buyer of a keyed-in faktur.
type buyerJSON struct {
	TIN            string `json:"tin"`
	Document       string `json:"document"`
	Country        string `json:"country"`
	DocumentNumber string `json:"document_number"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	Email          string `json:"email"`
	NITKU          string `json:"nitku"`
}

// lineInputJSON is one keyed-in line; the amounts are computed.
type lineInputJSON struct {
	Kind        string `json:"kind"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Price       string `json:"price"`
	Quantity    string `json:"quantity"`
	Discount    string `json:"discount"`
	PPnBMRate   string `json:"ppnbm_rate"`
	SpecificVAT string `json:"specific_vat"`
}

// fakturForm is a faktur as keyed in. Member names are the field names of
// the service's field errors (efaktur.FieldErrors).
type fakturForm struct {
	Date               string          `json:"date"`
	TrxCode            string          `json:"trx_code"`
	AddInfo            string          `json:"add_info"`
	CustomDoc          string          `json:"custom_doc"`
	CustomDocMonthYear string          `json:"custom_doc_month_year"`
	Reference          string          `json:"reference"`
	FacilityStamp      string          `json:"facility_stamp"`
	SellerNITKU        string          `json:"seller_nitku"`
	Buyer              buyerJSON       `json:"buyer"`
	Lines              []lineInputJSON `json:"lines"`
}

// form converts q, naming each value that cannot be read under prefix
// ("" or "faktur.").
func (q fakturForm) form(prefix string) (efaktur.Form, error) {
	var fs errs.Fields
	b := q.Buyer
	in := efaktur.Form{TrxCode: efaktur.TrxCode(q.TrxCode), AddInfo: q.AddInfo, CustomDoc: q.CustomDoc,
		CustomDocMonthYear: q.CustomDocMonthYear, RefDesc: q.Reference, FacilityStamp: q.FacilityStamp, SellerIDTKU: q.SellerNITKU,
		Buyer: efaktur.Buyer{TIN: b.TIN, Document: efaktur.BuyerDocument(b.Document), Country: b.Country, DocumentNumber: b.DocumentNumber,
			Name: b.Name, Address: b.Address, Email: b.Email, IDTKU: b.NITKU}}
	in.Date = dayParam(&fs, prefix+"date", q.Date)
	for i, l := range q.Lines {
		name := fmt.Sprintf("%slines[%d].", prefix, i)
		li := efaktur.LineInput{Kind: efaktur.Kind(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit}
		li.Price = amountParam(&fs, name+"price", l.Price, true)
		li.Qty = efaktur.Quantity(amountParam(&fs, name+"quantity", l.Quantity, true))
		li.Discount = amountParam(&fs, name+"discount", l.Discount, false)
		li.PPnBMRate = efaktur.Percent(amountParam(&fs, name+"ppnbm_rate", l.PPnBMRate, false))
		li.SpecificVAT = amountParam(&fs, name+"specific_vat", l.SpecificVAT, false)
		in.Lines = append(in.Lines, li)
	}
	return in, fs.Err("the faktur cannot be read")
}

// amountParam reads a decimal with at most two decimals: an amount of
// rupiah, a quantity or a percentage. An empty value is 0, or an error
// when required.
func amountParam(fs *errs.Fields, field, v string, required bool) money.Amount {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			fs.Add(field, "", "is required: a decimal with at most two decimals, as a string, e.g. \"100000\" or \"1.5\"")
		}
		return 0
	}
	a, err := money.Parse(v)
	if err != nil {
		fs.Add(field, v, "%s", errs.Message(err))
	}
	return a
}

// dayParam reads an optional YYYY-MM-DD day.
func dayParam(fs *errs.Fields, field, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		fs.Add(field, v, "is not a day; write YYYY-MM-DD, e.g. 2026-11-20")
	}
	return d
}

// fakturID reads the {id} of the path.
func fakturID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Errorf(errs.NotFound, "there is no faktur %q; faktur IDs are positive whole numbers", v)
	}
	return id, nil
}

// needVersion checks that a change names the version of the faktur it
// was based on.
func needVersion(v *int) (int, error) {
	if v == nil {
		return 0, errs.InvalidFields("the change does not say which version of the faktur it is based on",
			errs.Field("version", "", "is required: the version of the faktur you loaded (its version member), so that a change made meanwhile is not overwritten"))
	}
	return *v, nil
}

// createFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs: 201 with
// the computed draft.
func (s *server) createFaktur(w http.ResponseWriter, r *http.Request) error {
	var q fakturForm
	svc, npwp, _, err := s.fakturCall(r, efaktur.ActDraft, false, &q)
	if err != nil {
		return err
	}
	in, err := q.form("")
	if err != nil {
		return err
	}
	f, err := svc.CreateDraft(r.Context(), npwp, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/taxpayers/%s/efaktur/fakturs/%d", Prefix, f.SellerNPWP, f.ID))
	writeJSON(w, http.StatusCreated, efaktur.NewRecord(&f))
	return nil
}

// filterFrom reads the list and export query parameters.
func filterFrom(r *http.Request) (efaktur.Filter, error) {
	q := r.URL.Query()
	var fs errs.Fields
	f := efaktur.Filter{Side: efaktur.Side(q.Get("side")), Status: efaktur.Status(q.Get("status")), Credit: efaktur.Credit(q.Get("credit")),
		TrxCode: efaktur.TrxCode(q.Get("trx_code")), Counterparty: strings.TrimSpace(q.Get("counterparty")),
		Number: strings.TrimSpace(q.Get("number")), Reference: q.Get("reference")}
	if v := strings.TrimSpace(q.Get("period")); v != "" {
		p, err := efaktur.ParsePeriod(v)
		if err != nil {
			fs.Add("period", v, "is not a tax period; write YYYY-MM, e.g. 2026-11")
		}
		f.Period = p
	}
	f.From = dayParam(&fs, "from", q.Get("from"))
	f.To = dayParam(&fs, "to", q.Get("to"))
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		fs.Add("to", q.Get("to"), "is before from (%s)", q.Get("from"))
	}
	f.UploadID = queryInt(r, "upload", &fs)
	f.After = queryInt(r, "after", &fs)
	if n := queryInt(r, "limit", &fs); n > efaktur.MaxLimit {
		fs.Add("limit", strconv.FormatInt(n, 10), "give 1 to %d", efaktur.MaxLimit)
	} else {
		f.Limit = int(n)
	}
	return f, fs.Err("the query cannot be read")
}

type fakturListJSON struct {
	Fakturs []efaktur.Record `json:"fakturs"`
	// Next is the cursor of the next page (its after parameter), empty
	// on the last page.
	Next string `json:"next"`
}

// listFakturs handles GET /taxpayers/{npwp}/efaktur/fakturs: a page of
// fakturs, newest first, with the cursor of the next page.
func (s *server) listFakturs(w http.ResponseWriter, r *http.Request) error {
	svc, npwp, _, err := s.fakturCall(r, efaktur.ActRead, false, nil)
	if err != nil {
		return err
	}
	f, err := filterFrom(r)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = efaktur.DefaultLimit
	}
	page, err := svc.List(r.Context(), npwp, f)
	if err != nil {
		return err
	}
	out := fakturListJSON{Fakturs: make([]efaktur.Record, len(page))}
	for i := range page {
		out.Fakturs[i] = efaktur.NewRecord(&page[i])
	}
	if len(page) == f.Limit {
		out.Next = strconv.FormatInt(page[len(page)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// faktur handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}.
func (s *server) faktur(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.fakturService()
	if err != nil {
		return err
	}
	id, err := fakturID(r)
	if err != nil {
		return err
	}
	f, err := svc.Faktur(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, efaktur.NewRecord(&f))
	return nil
}

type updateFakturRequest struct {
	Version *int       `json:"version"`
	Faktur  fakturForm `json:"faktur"`
}

// updateFaktur handles PUT /taxpayers/{npwp}/efaktur/fakturs/{id}: the
// draft replaced by the form, at the version it was loaded.
func (s *server) updateFaktur(w http.ResponseWriter, r *http.Request) error {
	var q updateFakturRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActDraft, true, &q)
	if err != nil {
		return err
	}
	v, err := needVersion(q.Version)
	if err != nil {
		return err
	}
	in, err := q.Faktur.form("faktur.")
	if err != nil {
		return err
	}
	f, err := svc.UpdateDraft(r.Context(), npwp, id, v, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, efaktur.NewRecord(&f))
	return nil
}

// deleteFaktur handles DELETE /taxpayers/{npwp}/efaktur/fakturs/{id}?version=N:
// 204 once the draft is gone.
func (s *server) deleteFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActDraft, true, nil)
	if err != nil {
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
	v, err := needVersion(version)
	if err != nil {
		return err
	}
	if err := svc.DeleteDraft(r.Context(), npwp, id, v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type refJSON struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

type approveRequest struct {
	Fakturs    []refJSON `json:"fakturs"`
	Passphrase string    `json:"passphrase"`
}

type faktursJSON struct {
	Fakturs []efaktur.Record `json:"fakturs"`
}

// approveFakturs handles POST /taxpayers/{npwp}/efaktur/fakturs/approve:
// the drafts numbered and signed with one passphrase entry, all or none.
func (s *server) approveFakturs(w http.ResponseWriter, r *http.Request) error {
	var q approveRequest
	svc, npwp, _, err := s.fakturCall(r, efaktur.ActApprove, false, &q)
	if err != nil {
		return err
	}
	refs := make([]efaktur.Ref, len(q.Fakturs))
	for i, f := range q.Fakturs {
		refs[i] = efaktur.Ref{ID: f.ID, Version: f.Version}
	}
	fs, err := svc.Approve(r.Context(), npwp, refs, q.Passphrase)
	if err != nil {
		return err
	}
	out := faktursJSON{Fakturs: make([]efaktur.Record, len(fs))}
	for i := range fs {
		out.Fakturs[i] = efaktur.NewRecord(&fs[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type amendRequest struct {
	Version    *int       `json:"version"`
	Passphrase string     `json:"passphrase"`
	Faktur     fakturForm `json:"faktur"`
}

// amendFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/amend:
// 201 with the signed pengganti.
func (s *server) amendFaktur(w http.ResponseWriter, r *http.Request) error {
	var q amendRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActApprove, true, &q)
	if err != nil {
		return err
	}
	v, err := needVersion(q.Version)
	if err != nil {
		return err
	}
	in, err := q.Faktur.form("faktur.")
	if err != nil {
		return err
	}
	f, err := svc.Amend(r.Context(), npwp, id, v, in, q.Passphrase)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/taxpayers/%s/efaktur/fakturs/%d", Prefix, f.SellerNPWP, f.ID))
	writeJSON(w, http.StatusCreated, efaktur.NewRecord(&f))
	return nil
}

type cancelRequest struct {
	Version *int   `json:"version"`
	Reason  string `json:"reason"`
}

// cancelFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/cancel.
func (s *server) cancelFaktur(w http.ResponseWriter, r *http.Request) error {
	var q cancelRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActApprove, true, &q)
	if err != nil {
		return err
	}
	v, err := needVersion(q.Version)
	if err != nil {
		return err
	}
	f, err := svc.Cancel(r.Context(), npwp, id, v, q.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, efaktur.NewRecord(&f))
	return nil
}

type creditRequest struct {
	Version *int   `json:"version"`
	Period  string `json:"period"`
}

type versionRequest struct {
	Version *int `json:"version"`
}

// creditFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/credit:
// the buyer credits an input faktur in a period (YYYY-MM).
func (s *server) creditFaktur(w http.ResponseWriter, r *http.Request) error {
	var q creditRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActCredit, true, &q)
	if err != nil {
		return err
	}
	v, err := needVersion(q.Version)
	if err != nil {
		return err
	}
	p, err := efaktur.ParsePeriod(strings.TrimSpace(q.Period))
	if err != nil {
		return errs.InvalidFields("the period cannot be read", errs.Field("period", q.Period, "is not a tax period; write YYYY-MM, e.g. 2026-11"))
	}
	f, err := svc.Credit(r.Context(), npwp, id, v, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, efaktur.NewRecord(&f))
	return nil
}

// uncreditFaktur handles POST .../fakturs/{id}/uncredit.
func (s *server) uncreditFaktur(w http.ResponseWriter, r *http.Request) error {
	return s.decideCredit(w, r, (*efaktur.Service).Uncredit)
}

// notCreditFaktur handles POST .../fakturs/{id}/not-credit.
func (s *server) notCreditFaktur(w http.ResponseWriter, r *http.Request) error {
	return s.decideCredit(w, r, (*efaktur.Service).NotCredit)
}

func (s *server) decideCredit(w http.ResponseWriter, r *http.Request, decide func(*efaktur.Service, context.Context, string, int64, int) (efaktur.Faktur, error)) error {
	var q versionRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActCredit, true, &q)
	if err != nil {
		return err
	}
	v, err := needVersion(q.Version)
	if err != nil {
		return err
	}
	f, err := decide(svc, r.Context(), npwp, id, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, efaktur.NewRecord(&f))
	return nil
}

type returnLineJSON struct {
	Line     int    `json:"line"`
	Quantity string `json:"quantity"`
}

type returnRequest struct {
	Date  string           `json:"date"`
	Lines []returnLineJSON `json:"lines"`
}

type returLineJSON struct {
	Line         int    `json:"line"`
	Quantity     string `json:"quantity"`
	TaxBase      string `json:"tax_base"`
	OtherTaxBase string `json:"other_tax_base"`
	VAT          string `json:"vat"`
	PPnBM        string `json:"ppnbm"`
}

type returTotalsJSON struct {
	TaxBase      string `json:"tax_base"`
	OtherTaxBase string `json:"other_tax_base"`
	VAT          string `json:"vat"`
	PPnBM        string `json:"ppnbm"`
}

type returJSON struct {
	ID        int64           `json:"id"`
	Number    string          `json:"number"`
	FakturID  int64           `json:"faktur_id"`
	Date      string          `json:"date"`
	Period    string          `json:"period"`
	Lines     []returLineJSON `json:"lines"`
	Totals    returTotalsJSON `json:"totals"`
	CreatedAt string          `json:"created_at"`
	CreatedBy string          `json:"created_by"`
}

func returOut(rt efaktur.Retur) returJSON {
	out := returJSON{ID: rt.ID, Number: rt.Number, FakturID: rt.FakturID, Date: rt.Date.Format(time.DateOnly), Period: rt.Period.String(),
		Lines: make([]returLineJSON, len(rt.Lines)),
		Totals: returTotalsJSON{TaxBase: rt.Totals.TaxBase.String(), OtherTaxBase: rt.Totals.OtherTaxBase.String(),
			VAT: rt.Totals.VAT.String(), PPnBM: rt.Totals.PPnBM.String()},
		CreatedAt: rt.CreatedAt.UTC().Format(time.RFC3339), CreatedBy: rt.CreatedBy}
	for i, l := range rt.Lines {
		out.Lines[i] = returLineJSON{Line: l.Line, Quantity: l.Qty.XML(), TaxBase: l.TaxBase.String(), OtherTaxBase: l.OtherTaxBase.String(),
			VAT: l.VAT.String(), PPnBM: l.PPnBM.String()}
	}
	return out
}

// returnGoods handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/returns:
// 201 with the return of goods (nota retur).
func (s *server) returnGoods(w http.ResponseWriter, r *http.Request) error {
	var q returnRequest
	svc, npwp, id, err := s.fakturCall(r, efaktur.ActCredit, true, &q)
	if err != nil {
		return err
	}
	var fs errs.Fields
	d := dayParam(&fs, "date", q.Date)
	lines := make([]efaktur.ReturnLine, len(q.Lines))
	for i, l := range q.Lines {
		lines[i] = efaktur.ReturnLine{Line: l.Line, Qty: efaktur.Quantity(amountParam(&fs, fmt.Sprintf("lines[%d].quantity", i), l.Quantity, true))}
	}
	if err := fs.Err("the return cannot be read"); err != nil {
		return err
	}
	rt, err := svc.Return(r.Context(), npwp, id, d, lines)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, returOut(rt))
	return nil
}

// returs handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}/returns:
// the returns of goods against a faktur, oldest first.
func (s *server) returs(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.fakturService()
	if err != nil {
		return err
	}
	id, err := fakturID(r)
	if err != nil {
		return err
	}
	rs, err := svc.Returs(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	out := struct {
		Returns []returJSON `json:"returns"`
	}{Returns: make([]returJSON, len(rs))}
	for i, rt := range rs {
		out.Returns[i] = returOut(rt)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// baseURL is the scheme and host the request was sent to, for the
// verification link printed in a faktur's QR code. Forwarding headers
// are not trusted (see clientAddress).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fakturPDF handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}/pdf: the
// signed faktur as a PDF with the QR code of its verification page; a
// draft is a 409.
func (s *server) fakturPDF(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.fakturService()
	if err != nil {
		return err
	}
	id, err := fakturID(r)
	if err != nil {
		return err
	}
	f, seller, err := svc.Printable(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	pf, err := fakturview.PDF(&f, seller, baseURL(r))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := fakturpdf.Write(&b, pf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="faktur-%s.pdf"`, f.Number))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
	return nil
}

// exportFormats are the export formats with their content type and file
// extension.
var exportFormats = map[string][2]string{
	"xml":     {"application/xml", "xml"},
	"csv":     {"text/csv; charset=utf-8", "csv"},
	"json":    {"application/x-ndjson", "jsonl"},
	"pdf.zip": {"application/zip", "zip"},
}

// lazyWriter sets the export's headers on the first byte written, so that
// an error found before anything is sent still becomes a JSON error
// response.
type lazyWriter struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.header(l.w.Header())
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// errStop ends a pulled iteration early.
var errStop = errors.New("stop")

// exportFakturs handles GET /taxpayers/{npwp}/efaktur/export: every
// faktur matching the filter, however many, streamed in the format asked.
func (s *server) exportFakturs(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.fakturService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	ctx := r.Context()
	if err := svc.Allow(ctx, npwp, efaktur.ActRead); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	ft, ok := exportFormats[format]
	if !ok {
		return errs.InvalidFields("unknown export format", errs.Field("format", format, "use xml (Coretax TaxInvoiceBulk), csv, json (JSON lines) or pdf.zip"))
	}
	f, err := filterFrom(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("after") || r.URL.Query().Has("limit") {
		return errs.InvalidFields("an export has no pages", errs.Field("after", r.URL.Query().Get("after"), "after and limit page a list; an export holds every matching faktur, so leave them out"))
	}
	if format == "xml" && f.Side == efaktur.Input {
		return errs.InvalidFields("the Coretax XML holds the fakturs of one seller", errs.Field("format", format,
			"is for the seller's own (output) fakturs, the file an upload takes; export input fakturs as csv, json or pdf.zip"))
	}
	side := f.Side
	if side == "" {
		side = efaktur.Output
	}
	span := "all"
	switch {
	case !f.Period.IsZero():
		span = f.Period.String()
	case !f.From.IsZero() || !f.To.IsZero():
		span = day(f.From) + "_" + day(f.To)
	}
	lw := &lazyWriter{w: w, header: func(h http.Header) {
		h.Set("Content-Type", ft[0])
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="efaktur-%s-%s-%s.%s"`, npwp, side, span, ft[1]))
	}}
	switch format {
	case "xml":
		xw := efaktur.NewWriter(lw, npwp)
		err = svc.Each(ctx, npwp, f, func(fk *efaktur.Faktur) error { return xw.Write(&fk.Invoice) })
		if err == nil {
			err = xw.Close()
		}
	case "csv":
		cw := efaktur.NewCSVWriter(lw)
		err = svc.Each(ctx, npwp, f, cw.Write)
		if err == nil {
			err = cw.Close()
		}
	case "json":
		jw := efaktur.NewJSONWriter(lw)
		err = svc.Each(ctx, npwp, f, jw.Write)
		if err == nil {
			err = jw.Close()
		}
	case "pdf.zip":
		err = writePDFZip(lw, svc, r, npwp, f)
	}
	if err == nil {
		if !lw.started {
			// Nothing matched and the format wrote nothing (only an
			// empty zip or CSV header could); send the empty file.
			lw.Write(nil)
		}
		return nil
	}
	if !lw.started {
		return err
	}
	// Part of the file is out: end the connection without the final
	// chunk, so that the client sees a broken transfer rather than a
	// file cut short.
	s.logger.ErrorContext(ctx, "export failed after it began", "err", err.Error(), "path", r.URL.Path)
	panic(http.ErrAbortHandler)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// writePDFZip streams a zip of the PDFs of the matching fakturs; drafts
// have no PDF and are left out.
func writePDFZip(w *lazyWriter, svc *efaktur.Service, r *http.Request, npwp string, f efaktur.Filter) error {
	base := baseURL(r)
	var eachErr error
	seq := func(yield func(fakturpdf.Faktur) bool) {
		eachErr = svc.EachPrintable(r.Context(), npwp, f, func(fk *efaktur.Faktur, seller efaktur.Party) error {
			if fk.Status == efaktur.Draft {
				return nil
			}
			pf, err := fakturview.PDF(fk, seller, base)
			if err != nil {
				return err
			}
			if !yield(pf) {
				return errStop
			}
			return nil
		})
	}
	next, stop := iter.Pull(iter.Seq[fakturpdf.Faktur](seq))
	defer stop()
	return fakturpdf.WriteZip(w, func() (fakturpdf.Faktur, bool, error) {
		pf, ok := next()
		if !ok {
			if errors.Is(eachErr, errStop) {
				return pf, false, nil
			}
			return pf, false, eachErr
		}
		return pf, true, nil
	})
}
