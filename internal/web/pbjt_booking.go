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
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, errs.Errorf(errs.NotFound, "there is no property %s", r.PathValue("id"))
	}
	return svc, id, nil
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
}

func bookingsURL(npwp string, id int64) string {
	return "/taxpayers/" + npwp + "/properties/" + strconv.FormatInt(id, 10) + "/bookings"
}

// bookings handles GET /taxpayers/{npwp}/properties/{id}/bookings?month=:
// the month's bookings (by check-out day) and totals; job= shows an
// import's row results, after= continues the list.
func (s *server) bookings(w http.ResponseWriter, r *http.Request) error {
	return s.renderBookings(w, r, http.StatusOK, nil)
}

func (s *server) renderBookings(w http.ResponseWriter, r *http.Request, status int, fe *formErrors) error {
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
		Next: month.AddDate(0, 1, 0).Format("2006-01"), Rule: list.Rule, Errors: fe, MaxMiB: booking.MaxFileSize >> 20}
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
	if r.Method == http.MethodPost {
		chosen, p.Rates = r.PostForm.Get("format"), r.PostForm.Get("rates")
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
		return s.renderBookings(w, r, http.StatusUnprocessableEntity, fe)
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
