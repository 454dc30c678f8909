package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// The bookings page of a property: the month's totals with the PBJT base
// (the gross the guest paid, UU 1/2022 Pasal 57) beside the payout, the
// bookings with their original amounts and exchange rates, and the form
// that imports a channel's export (doc/pbjt-bookings.md).

func (s *server) bookingService() (*pbjt.Bookings, error) {
	if s.pbjtBookings == nil {
		return nil, errs.E(errs.Unavailable, "the bookings of properties are not served by this server")
	}
	return s.pbjtBookings, nil
}

// bookingTarget checks act on the taxpayer first, so that a stranger is
// refused before anything of the request is read, then reads the
// property's number from the path.
func (s *server) bookingTarget(r *http.Request, act actor.Action) (*pbjt.Bookings, int64, error) {
	svc, err := s.bookingService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, 0, err
	}
	id, err := formID(r, "property")
	return svc, id, err
}

// bookingFormats are the choices of the import form's format select.
var bookingFormats = []booking.Format{booking.AirbnbReservations, booking.AirbnbTransactions, booking.BookingStatement,
	booking.AgodaBookings, booking.ICalendar, booking.Generic}

type formatOption struct {
	Value, Label string
	Selected     bool
}

type monthView struct {
	Month                                       string
	Bookings, Unpriced                          int
	Gross, Commission, Payout, Base, Difference string
}

type amountView struct {
	Known            bool
	Original, Rupiah string
}

func viewAmount(a booking.Amount) amountView {
	if !a.Known {
		return amountView{}
	}
	return amountView{Known: true, Original: a.Original.String(), Rupiah: a.IDR.Display()}
}

type bookingView struct {
	ID                                      int64
	Channel, Via, Reference, Guest, Listing string
	CheckIn, CheckOut                       string
	Cancelled                               bool
	Currency                                string
	Gross, Commission, Payout               amountView
	Rate, RateDay, RateSource               string
	DuplicateOf                             int64
	DuplicateReason                         string
}

type rowResultView struct {
	Row                             int
	BookingID, DuplicateOf          int64
	Column, Value, Message, Skipped string
}

type importView struct {
	ID                                                     int64
	Format, FileName                                       string
	Rows, Created, Duplicates, Replaced, Rejected, Skipped int
	Results                                                []rowResultView
}

type bookingsPage struct {
	page
	NPWP     string
	Property int64
	Base     string
	Month    string
	Prev     string
	Next     string
	Rule     string
	Months   []monthView
	Bookings []bookingView
	// NextPage continues the list after its last booking; "" at the end.
	NextPage string
	Job      *importView
	Errors   *formErrors
	Formats  []formatOption
	Rates    string
	MaxMiB   int
	// Direct is the direct-booking form with its errors.
	Direct       directForm
	DirectErrors *formErrors
	Vias         []formatOption
}

// directForm is the direct-booking form as sent: the values are shown
// again when the service refuses it.
type directForm struct {
	Via, Reference, Guest, CheckIn, CheckOut, Currency string
	Gross, Commission, Payout, Rate, PayoutCountry     string
}

// directVias are the ways a direct booking comes in, as the form offers
// them; the service accepts the same values.
var directVias = []struct{ value, label string }{
	{"website", "Own website"}, {"whatsapp", "WhatsApp"}, {"agent", "Agent"}, {"walk-in", "Walk-in"}, {"direct", "Other direct booking"},
}

func bookingsURL(npwp string, id int64) string {
	return "/taxpayers/" + npwp + "/properties/" + strconv.FormatInt(id, 10) + "/bookings"
}

// bookings handles GET /taxpayers/{npwp}/properties/{id}/bookings?month=:
// the month's bookings (by check-out day) and totals; job= shows an
// import's row results, after= continues the list.
func (s *server) bookings(w http.ResponseWriter, r *http.Request) error {
	return s.renderBookings(w, r, http.StatusOK, nil, nil)
}

func (s *server) renderBookings(w http.ResponseWriter, r *http.Request, status int, fe, direct *formErrors) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActRead)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	qv := r.URL.Query()
	var fs errs.Fields
	month := calendar.Day(time.Now())
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m := strings.TrimSpace(qv.Get("month")); m != "" {
		if month, err = time.Parse("2006-01", m); err != nil {
			fs.Add("month", m, "is not a month; write YYYY-MM, e.g. 2026-10")
		}
	}
	var after, jobID int64
	for _, q := range []struct {
		name string
		v    *int64
	}{{"after", &after}, {"job", &jobID}} {
		if v := strings.TrimSpace(qv.Get(q.name)); v != "" {
			if *q.v, err = strconv.ParseInt(v, 10, 64); err != nil || *q.v < 0 {
				fs.Add(q.name, v, "is not a number")
			}
		}
	}
	if err := fs.Err("the page is not valid"); err != nil {
		return err
	}
	list, err := svc.List(r.Context(), npwp, id, pbjt.BookingQuery{From: month, To: month.AddDate(0, 1, 0), After: after})
	if err != nil {
		return err
	}
	base := bookingsURL(npwp, id)
	p := bookingsPage{NPWP: npwp, Property: id, Base: base, Month: month.Format("2006-01"), Prev: month.AddDate(0, -1, 0).Format("2006-01"),
		Next: month.AddDate(0, 1, 0).Format("2006-01"), Rule: list.Rule, Errors: fe, MaxMiB: booking.MaxFileSize >> 20, DirectErrors: direct}
	for _, m := range list.Months {
		p.Months = append(p.Months, monthView{Month: m.Period.String(), Bookings: m.Bookings, Unpriced: m.Unpriced, Gross: m.Gross.Display(),
			Commission: m.Commission.Display(), Payout: m.Payout.Display(), Base: m.Base.Display(), Difference: m.Difference.Display()})
	}
	for _, b := range list.Bookings {
		p.Bookings = append(p.Bookings, bookingView{ID: b.ID, Channel: string(b.Channel), Via: b.Via, Reference: b.Reference, Guest: b.Guest,
			Listing: b.Listing, CheckIn: date(b.CheckIn), CheckOut: date(b.CheckOut), Cancelled: b.Status == booking.Cancelled, Currency: b.Currency,
			Gross: viewAmount(b.Gross), Commission: viewAmount(b.Commission), Payout: viewAmount(b.Payout),
			Rate: b.Rate.String(), RateDay: date(b.Rate.Day), RateSource: b.Rate.Source, DuplicateOf: b.DuplicateOf, DuplicateReason: b.DuplicateReason})
	}
	if list.Next != 0 {
		p.NextPage = base + "?" + url.Values{"month": {p.Month}, "after": {strconv.FormatInt(list.Next, 10)}}.Encode()
	}
	if jobID != 0 {
		job, err := svc.ImportJob(r.Context(), npwp, id, jobID)
		if err != nil {
			return err
		}
		v := &importView{ID: job.ID, Format: job.Format.Title(), FileName: job.FileName, Rows: job.Rows, Created: job.Created,
			Duplicates: job.Duplicates, Replaced: job.Replaced, Rejected: job.Rejected, Skipped: job.Skipped}
		for _, res := range job.Results {
			v.Results = append(v.Results, rowResultView{Row: res.Row, BookingID: res.BookingID, DuplicateOf: res.DuplicateOf,
				Column: res.Column, Value: res.Value, Message: res.Message, Skipped: res.Skipped})
		}
		p.Job = v
	}
	chosen := ""
	p.Direct = directForm{Via: "website", Currency: "IDR", PayoutCountry: "IDN"}
	if r.Method == http.MethodPost && direct == nil {
		chosen, p.Rates = r.PostForm.Get("format"), r.PostForm.Get("rates")
	}
	if r.Method == http.MethodPost && direct != nil {
		f := r.PostForm
		p.Direct = directForm{Via: f.Get("channel"), Reference: f.Get("reference"), Guest: f.Get("guest"), CheckIn: f.Get("check_in"),
			CheckOut: f.Get("check_out"), Currency: f.Get("currency"), Gross: f.Get("gross"), Commission: f.Get("commission"),
			Payout: f.Get("payout"), Rate: f.Get("rate"), PayoutCountry: f.Get("payout_country")}
	}
	for _, v := range directVias {
		p.Vias = append(p.Vias, formatOption{Value: v.value, Label: v.label, Selected: p.Direct.Via == v.value})
	}
	p.Formats = []formatOption{{Value: "", Label: "Recognise it from the file", Selected: chosen == ""}}
	for _, f := range bookingFormats {
		p.Formats = append(p.Formats, formatOption{Value: string(f), Label: f.Title(), Selected: chosen == string(f)})
	}
	p.page = s.newPage(w, r, "Bookings", "properties")
	s.render(w, r, status, "pbjt_bookings", p)
	return nil
}

// importBookings handles POST /taxpayers/{npwp}/properties/{id}/bookings/imports:
// a channel's export as a multipart form (file, format, rates). The
// browser is sent back to the bookings page of the month with the
// import's row results; a form the service refuses is shown again with
// its messages.
func (s *server) importBookings(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	back := func(fe *formErrors) error {
		// The page that shows the form again is that of the month the
		// form was sent from.
		r.URL.RawQuery = url.Values{"month": {r.PostForm.Get("month")}}.Encode()
		if r.PostForm.Get("month") == "" {
			r.URL.RawQuery = ""
		}
		return s.renderBookings(w, r, http.StatusUnprocessableEntity, fe, nil)
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		msg := "could not be read; choose it again"
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			msg = "choose the export of Airbnb, Booking.com or Agoda, a calendar (.ics) or a CSV sheet"
		}
		return back(errorsOf(errs.InvalidFields("choose a file", errs.Field("file", "", "%s", msg))))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return back(errorsOf(errs.InvalidFields("the file could not be read", errs.Field("file", "", "could not be read; choose it again"))))
	}
	opt := pbjt.ImportOptions{Format: r.PostForm.Get("format"), FileName: h.Filename}
	for _, spec := range strings.FieldsFunc(r.PostForm.Get("rates"), func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t' }) {
		rate, err := pbjt.ParseRate(spec)
		if err != nil {
			return back(errorsOf(err))
		}
		opt.Rates = append(opt.Rates, rate)
	}
	job, _, err := svc.Import(r.Context(), npwp, id, data, opt)
	if err != nil {
		if errs.KindOf(err) == errs.Invalid {
			fe := errorsOf(err)
			for name := range fe.Fields {
				// The service names each rate rates[i]; the form has one
				// rates field.
				if strings.HasPrefix(name, "rates[") {
					fe.Fields["rates"] = fe.Fields[name]
				}
			}
			if len(fe.Fields) == 0 {
				fe.Fields["file"] = errs.Message(err)
			}
			return back(fe)
		}
		return err
	}
	q := url.Values{"job": {strconv.FormatInt(job.ID, 10)}}
	if m := r.PostForm.Get("month"); m != "" {
		q.Set("month", m)
	}
	return seeOther(w, r, bookingsURL(npwp, id)+"?"+q.Encode()+"#import")
}

// addBooking handles POST /taxpayers/{npwp}/properties/{id}/bookings: a
// direct booking (own website, WhatsApp, agent, walk-in) entered by hand
// with the guest price, commission, payout, currency and rate. The browser
// is sent to the month of its check-out; a booking the service refuses is
// shown again with its messages (422).
func (s *server) addBooking(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.bookingTarget(r, pbjt.ActManage)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	f := r.PostForm
	back := func(err error) error {
		fe := errorsOf(err)
		fe.Prefix = "booking-"
		r.URL.RawQuery = ""
		if m := f.Get("month"); m != "" {
			r.URL.RawQuery = url.Values{"month": {m}}.Encode()
		}
		return s.renderBookings(w, r, http.StatusUnprocessableEntity, nil, fe)
	}
	var fs errs.Fields
	day := func(name string) time.Time {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			fs.Add(name, v, "is not a day; write YYYY-MM-DD, e.g. 2026-10-03")
		}
		return d
	}
	in := pbjt.BookingInput{Via: f.Get("channel"), Reference: f.Get("reference"), Guest: f.Get("guest"), CheckIn: day("check_in"),
		CheckOut: day("check_out"), Currency: f.Get("currency"), Gross: f.Get("gross"), Commission: f.Get("commission"), Payout: f.Get("payout"),
		Rate: f.Get("rate"), PayoutCountry: f.Get("payout_country")}
	if err := fs.Err("the booking is not valid"); err != nil {
		return back(err)
	}
	b, err := svc.Add(r.Context(), npwp, id, in)
	if errs.Is(errs.Invalid, err) {
		return back(err)
	}
	if err != nil {
		return err
	}
	q := url.Values{"month": {b.CheckOut.Format("2006-01")}}
	return seeOther(w, r, bookingsURL(npwp, id)+"?"+q.Encode()+"#booking-"+strconv.FormatInt(b.ID, 10))
}
