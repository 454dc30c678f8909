package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// The bookings of a property: imports of channel exports and direct
// bookings (doc/pbjt-bookings.md).

func (s *server) bookingService() (*pbjt.Bookings, error) {
	if s.bookings == nil {
		return nil, errs.E(errs.Unavailable, "bookings are not served by this server")
	}
	return s.bookings, nil
}

// bookingTarget checks act on the taxpayer first, so that a stranger hears
// the refusal before anything about the request, then reads the property.
func (s *server) bookingTarget(r *http.Request, act actor.Action) (*pbjt.Bookings, int64, error) {
	svc, err := s.bookingService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	id, err := pathNumber(r, "id", "property")
	return svc, id, err
}

type amountJSON struct {
	// Original is the amount as the channel wrote it, in the booking's
	// currency; IDR is it in rupiah (sen, integer). Both null when the
	// source does not carry the figure.
	Original *string `json:"original"`
	IDR      *int64  `json:"idr_sen"`
}

func amountOut(a booking.Amount) amountJSON {
	if !a.Known {
		return amountJSON{}
	}
	o, sen := a.Original.String(), a.IDR.Sen()
	return amountJSON{Original: &o, IDR: &sen}
}

type rateJSON struct {
	Rate   string  `json:"rate"`
	Day    *string `json:"day"`
	Source string  `json:"source"`
}

type bookingJSON struct {
	ID              int64      `json:"id"`
	PropertyID      int64      `json:"property_id"`
	ImportID        *int64     `json:"import_id"`
	Row             int        `json:"row"`
	Channel         string     `json:"channel"`
	Via             string     `json:"via"`
	Reference       string     `json:"reference"`
	Listing         string     `json:"listing"`
	Guest           string     `json:"guest"`
	CheckIn         string     `json:"check_in"`
	CheckOut        string     `json:"check_out"`
	Nights          int        `json:"nights"`
	Status          string     `json:"status"`
	Currency        string     `json:"currency"`
	Gross           amountJSON `json:"gross"`
	Commission      amountJSON `json:"commission"`
	Payout          amountJSON `json:"payout"`
	Rate            *rateJSON  `json:"rate"`
	PayoutCountry   *string    `json:"payout_country"`
	DuplicateOf     *int64     `json:"duplicate_of"`
	DuplicateReason string     `json:"duplicate_reason,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       string     `json:"created_at"`
}

func bookingOut(b pbjt.Booking) bookingJSON {
	out := bookingJSON{ID: b.ID, PropertyID: b.PropertyID, ImportID: optionalID(b.JobID), Row: b.Row, Channel: string(b.Channel), Via: b.Via,
		Reference: b.Reference, Listing: b.Listing, Guest: b.Guest, CheckIn: b.CheckIn.Format(time.DateOnly),
		CheckOut: b.CheckOut.Format(time.DateOnly), Nights: b.Nights, Status: string(b.Status), Currency: b.Currency,
		Gross: amountOut(b.Gross), Commission: amountOut(b.Commission), Payout: amountOut(b.Payout),
		DuplicateOf: optionalID(b.DuplicateOf), DuplicateReason: b.DuplicateReason,
		CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt.UTC().Format(time.RFC3339)}
	if b.Rate.Den != 0 {
		out.Rate = &rateJSON{Rate: b.Rate.String(), Day: optionalDay(b.Rate.Day), Source: b.Rate.Source}
	}
	if b.PayoutCountry != "" {
		c := string(b.PayoutCountry)
		out.PayoutCountry = &c
	}
	return out
}

type rowResultJSON struct {
	Row         int    `json:"row"`
	Result      string `json:"result"` // booking, duplicate, error, skipped
	BookingID   *int64 `json:"booking_id,omitempty"`
	DuplicateOf *int64 `json:"duplicate_of,omitempty"`
	Column      string `json:"column,omitempty"`
	Value       string `json:"value,omitempty"`
	Message     string `json:"message,omitempty"`
}

type bookingImportJSON struct {
	ID         int64           `json:"id"`
	PropertyID int64           `json:"property_id"`
	Format     string          `json:"format"`
	Title      string          `json:"title"`
	FileName   string          `json:"file_name"`
	SHA256     string          `json:"sha256"`
	Rows       int             `json:"rows"`
	Created    int             `json:"created"`
	Duplicates int             `json:"duplicates"`
	Replaced   int             `json:"replaced"`
	Rejected   int             `json:"rejected"`
	Skipped    int             `json:"skipped"`
	Results    []rowResultJSON `json:"results"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  string          `json:"created_at"`
}

func importOut(j pbjt.ImportJob) bookingImportJSON {
	out := bookingImportJSON{ID: j.ID, PropertyID: j.PropertyID, Format: string(j.Format), Title: j.Format.Title(), FileName: j.FileName, SHA256: j.SHA256,
		Rows: j.Rows, Created: j.Created, Duplicates: j.Duplicates, Replaced: j.Replaced, Rejected: j.Rejected, Skipped: j.Skipped,
		Results: make([]rowResultJSON, len(j.Results)), CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt.UTC().Format(time.RFC3339)}
	for i, r := range j.Results {
		o := rowResultJSON{Row: r.Row, BookingID: optionalID(r.BookingID), DuplicateOf: optionalID(r.DuplicateOf), Column: r.Column, Value: r.Value}
		switch {
		case r.Rejected():
			o.Result, o.Message = "error", r.Message
		case r.Skipped != "":
			o.Result, o.Message = "skipped", r.Skipped
		case r.DuplicateOf != 0:
			o.Result = "duplicate"
		default:
			o.Result = "booking"
		}
		out.Results[i] = o
	}
	return out
}

// importForm reads the multipart form of an import: the fields format,
// rates (CUR=RATE@YYYY-MM-DD, repeated or separated by commas or
// spaces), payout_country and listing, then the part named file.
func importForm(r *http.Request) ([]byte, pbjt.ImportOptions, error) {
	var opt pbjt.ImportOptions
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, opt, errs.InvalidFields("the import must be a form", errs.Field("Content-Type", r.Header.Get("Content-Type"),
			"send multipart/form-data with the fields format, rates, payout_country, listing and a part named file"))
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, opt, errs.InvalidFields("the form cannot be read", errs.Field("file", "", "send multipart/form-data with a part named file"))
	}
	var fs errs.Fields
	var file []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, opt, errs.InvalidFields("the form cannot be read", errs.Field("file", "", "%s", err))
		}
		if p.FormName() == "file" {
			opt.FileName = p.FileName()
			if file, err = io.ReadAll(io.LimitReader(p, booking.MaxFileSize+1)); err != nil {
				return nil, opt, errs.InvalidFields("the file cannot be read", errs.Field("file", "", "%s", err))
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, 64<<10))
		if err != nil {
			return nil, opt, errs.InvalidFields("the form cannot be read", errs.Field(p.FormName(), "", "%s", err))
		}
		switch s := strings.TrimSpace(string(v)); p.FormName() {
		case "format":
			opt.Format = s
		case "payout_country":
			opt.PayoutCountry = s
		case "listing":
			opt.Listing = s
		case "rates":
			for _, spec := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
				rate, err := pbjt.ParseRate(spec)
				if err != nil {
					fs.Append(errs.FieldsOf(err)...)
					continue
				}
				opt.Rates = append(opt.Rates, rate)
			}
		}
	}
	if file == nil {
		fs.Add("file", "", "send the export in a part named file")
	}
	return file, opt, fs.Err("the import cannot be read")
}

// importBookings handles POST /taxpayers/{npwp}/properties/{id}/imports:
// an export file as a multipart form. The answer is 201 with the job and
// every row's result, or 200 with the job of the same file and rates
// imported before.
func (s *server) importBookings(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, booking.MaxFileSize+1<<20)
	file, opt, err := importForm(r)
	if err != nil {
		return err
	}
	job, created, err := svc.Import(r.Context(), r.PathValue("npwp"), id, file, opt)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", Prefix+"/taxpayers/"+r.PathValue("npwp")+"/properties/"+strconv.FormatInt(id, 10)+"/imports/"+strconv.FormatInt(job.ID, 10))
	writeJSON(w, status, importOut(job))
	return nil
}

// bookingImport handles GET /taxpayers/{npwp}/properties/{id}/imports/{job}.
func (s *server) bookingImport(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	jobID, err := pathNumber(r, "job", "import")
	if err != nil {
		return err
	}
	job, err := svc.ImportJob(r.Context(), r.PathValue("npwp"), id, jobID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, importOut(job))
	return nil
}

type bookingForm struct {
	Channel       string `json:"channel"`
	Reference     string `json:"reference"`
	Guest         string `json:"guest"`
	CheckIn       string `json:"check_in"`
	CheckOut      string `json:"check_out"`
	Status        string `json:"status"`
	Currency      string `json:"currency"`
	Gross         string `json:"gross"`
	Commission    string `json:"commission"`
	Payout        string `json:"payout"`
	Rate          string `json:"rate"`
	RateSource    string `json:"rate_source"`
	PayoutCountry string `json:"payout_country"`
}

// addBooking handles POST /taxpayers/{npwp}/properties/{id}/bookings: a
// direct booking (direct, website, whatsapp, agent) entered by hand.
func (s *server) addBooking(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	var q bookingForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	var fs errs.Fields
	in := pbjt.BookingInput{Via: q.Channel, Reference: q.Reference, Guest: q.Guest, CheckIn: dayParam(&fs, "check_in", q.CheckIn),
		CheckOut: dayParam(&fs, "check_out", q.CheckOut), Status: q.Status, Currency: q.Currency, Gross: q.Gross, Commission: q.Commission,
		Payout: q.Payout, Rate: q.Rate, RateSource: q.RateSource, PayoutCountry: q.PayoutCountry}
	if err := fs.Err("the booking is not valid"); err != nil {
		return err
	}
	b, err := svc.Add(r.Context(), r.PathValue("npwp"), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, bookingOut(b))
	return nil
}

type monthJSON struct {
	Month      string `json:"month"`
	Bookings   int    `json:"bookings"`
	Gross      int64  `json:"gross_sen"`
	Commission int64  `json:"commission_sen"`
	Payout     int64  `json:"payout_sen"`
	Base       int64  `json:"base_sen"`
	Difference int64  `json:"difference_sen"`
	Unpriced   int    `json:"unpriced"`
}

// listBookings handles GET /taxpayers/{npwp}/properties/{id}/bookings:
// month=YYYY-MM, or from and to (check-out days, to exclusive); after and
// limit page the bookings. The month totals cover the whole range.
func (s *server) listBookings(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	var fs errs.Fields
	qv := r.URL.Query()
	q := pbjt.BookingQuery{From: dayParam(&fs, "from", qv.Get("from")), To: dayParam(&fs, "to", qv.Get("to")),
		After: queryInt(r, "after", &fs), Limit: int(queryInt(r, "limit", &fs))}
	if m := strings.TrimSpace(qv.Get("month")); m != "" {
		d, err := time.Parse("2006-01", m)
		if err != nil {
			fs.Add("month", m, "is not a month; write YYYY-MM, e.g. 2026-10")
		}
		q.From, q.To = d, d.AddDate(0, 1, 0)
	}
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	page, err := svc.List(r.Context(), r.PathValue("npwp"), id, q)
	if err != nil {
		return err
	}
	out := struct {
		Bookings []bookingJSON `json:"bookings"`
		Next     int64         `json:"next"`
		Months   []monthJSON   `json:"months"`
		Rule     string        `json:"rule"`
	}{Bookings: make([]bookingJSON, len(page.Bookings)), Next: page.Next, Months: make([]monthJSON, len(page.Months)), Rule: page.Rule}
	for i, b := range page.Bookings {
		out.Bookings[i] = bookingOut(b)
	}
	for i, m := range page.Months {
		out.Months[i] = monthJSON{Month: m.Period.String(), Bookings: m.Bookings, Gross: m.Gross.Sen(), Commission: m.Commission.Sen(),
			Payout: m.Payout.Sen(), Base: m.Base.Sen(), Difference: m.Difference.Sen(), Unpriced: m.Unpriced}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
