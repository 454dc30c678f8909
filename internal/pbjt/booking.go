package pbjt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/booking"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/taxid"
)

// The bookings of a property: imports of channel exports and direct
// bookings entered by hand, kept with the guest price, the commission and
// the payout side by side (doc/pbjt-bookings.md). The PBJT base is the
// gross the guest paid (UU 1/2022 Pasal 57), never the payout.

// Booking is a stay of a property as stored: what the channel reported
// (booking.Booking) and where it came from.
type Booking struct {
	ID         int64
	PropertyID int64
	TaxpayerID int64
	// JobID is the import the booking came from; 0 for a booking entered
	// by hand.
	JobID int64
	// Via is how a direct booking came in (direct, website, whatsapp,
	// agent, walk-in); for an imported booking it is the file's format.
	Via string
	booking.Booking
	// DuplicateOf is the booking kept for the same stay under
	// booking.DuplicateRule; 0 when this booking is the one kept.
	// DuplicateReason says which step of the rule decided.
	DuplicateOf     int64
	DuplicateReason string
	CreatedBy       string
	CreatedAt       time.Time
}

// RowResult is what became of one row of an imported file: a booking
// (BookingID, with DuplicateOf set when it records a stay already kept), an
// error naming the column, value and fix, or a skip with its reason. A row
// with several errors has one result per error.
type RowResult struct {
	Row         int
	BookingID   int64
	DuplicateOf int64
	Column      string
	Value       string
	Message     string
	Skipped     string
}

// Rejected reports whether the row did not become a booking because of an
// error.
func (r RowResult) Rejected() bool { return r.Message != "" }

// ImportJob is one imported file with the result of each row. The file is
// processed when it is imported; the job records what happened.
type ImportJob struct {
	ID         int64
	PropertyID int64
	TaxpayerID int64
	Format     booking.Format
	FileName   string
	// SHA256 is the file's digest; RatesKey the digest of the rates given
	// with it. A file imported again for the same property with the same
	// rates returns this job.
	SHA256   string
	RatesKey string
	// Rows counts the data rows; Created the bookings stored, of which
	// Duplicates record a stay already kept; Replaced the bookings stored
	// before that are now duplicates of a new one (an iCal block of a
	// stay whose OTA record arrived); Rejected the rows with errors;
	// Skipped the rows that are not stays.
	Rows, Created, Duplicates, Replaced, Rejected, Skipped int
	Results                                                []RowResult
	CreatedBy                                              string
	CreatedAt                                              time.Time
}

// Ref names a booking in a save: a stored one by ID, or one being saved
// by its index among the new bookings.
type Ref struct {
	ID  int64
	New int
}

// IsNew reports whether r names a booking being saved.
func (r Ref) IsNew() bool { return r.ID == 0 }

// Link marks Dup as a duplicate of Kept. When Dup is a stored booking that
// was kept so far, the stored duplicates of it move to Kept as well, so
// that every duplicate names a kept booking.
type Link struct {
	Dup, Kept Ref
	Reason    string
}

// BookingStore keeps the bookings and the import jobs. Each method that
// changes state is one transaction that appends its audit entry.
type BookingStore interface {
	// ImportByFile returns the job of the property with the file digest
	// and rates key, or NotFound.
	ImportByFile(ctx context.Context, propertyID int64, sha, ratesKey string) (ImportJob, error)
	// ImportJob returns the job with its row results, or NotFound.
	ImportJob(ctx context.Context, id int64) (ImportJob, error)
	// KeptBookings returns the property's stored bookings that are not
	// duplicates, in ID order.
	KeptBookings(ctx context.Context, propertyID int64) ([]Booking, error)
	// SaveImport stores the job, the new bookings (setting their IDs and
	// JobID), the row results (whose BookingID and DuplicateOf name new
	// bookings by index+1 as negative numbers until stored) and the links,
	// and sets job.ID. A Conflict when the same file and rates were
	// stored for the property meanwhile.
	SaveImport(ctx context.Context, job *ImportJob, bs []Booking, links []Link, e audit.Entry) error
	// AddBooking stores b (setting its ID) and the links, whose new side
	// is b (New 0).
	AddBooking(ctx context.Context, b *Booking, links []Link, e audit.Entry) error
	// Bookings returns the property's bookings whose check-out falls in
	// [from, to), in ID order.
	Bookings(ctx context.Context, propertyID int64, from, to time.Time) ([]Booking, error)
}

// Bookings are the use cases of a property's bookings. Access follows the
// properties': the taxpayer the property is registered to or an owner of
// it, with pbjt.read to see and pbjt.manage to import and add, and
// officers holding officer.regional.
type Bookings struct {
	svc   *Service
	store BookingStore
}

// NewBookings returns the bookings of the properties svc serves.
func NewBookings(svc *Service, store BookingStore) *Bookings {
	return &Bookings{svc: svc, store: store}
}

// Allow checks that the actor in ctx may perform act on the taxpayer
// named by npwp, before a transport reads a request body.
func (s *Bookings) Allow(ctx context.Context, npwp string, act actor.Action) error {
	return s.svc.Allow(ctx, npwp, act)
}

// RateInput is an exchange rate given with an import: from Day on, one
// unit of Currency is Rate rupiah.
type RateInput struct {
	Currency string
	Day      time.Time
	Rate     string
	Source   string
}

var rateSpec = regexp.MustCompile(`^([A-Za-z]{3})=([0-9]+(?:\.[0-9]+)?)@([0-9]{4}-[0-9]{2}-[0-9]{2})$`)

// ParseRate reads a rate written CUR=RATE@YYYY-MM-DD ("USD=16250@2026-10-01"),
// as the command line and the API's rates field take it.
func ParseRate(s string) (RateInput, error) {
	m := rateSpec.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return RateInput{}, errs.InvalidFields("the exchange rate cannot be read",
			errs.Field("rates", s, "write CURRENCY=RUPIAH@FIRST-DAY, e.g. USD=16250@2026-10-01 or EUR=17480.25@2026-10-05"))
	}
	d, err := time.Parse(time.DateOnly, m[3])
	if err != nil {
		return RateInput{}, errs.InvalidFields("the exchange rate cannot be read", errs.Field("rates", s, "%s is not a calendar date", m[3]))
	}
	return RateInput{Currency: strings.ToUpper(m[1]), Day: d, Rate: m[2], Source: "rate given with the import: " + strings.TrimSpace(s)}, nil
}

// decimalSpec is an amount or rate as a person types it: digits with at
// most six decimals after a point.
var decimalSpec = regexp.MustCompile(`^-?[0-9]{1,12}(\.[0-9]{1,6})?$`)

func parseDecimal(s string) (booking.Decimal, bool) {
	s = strings.TrimSpace(s)
	if !decimalSpec.MatchString(s) {
		return booking.Decimal{}, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return booking.Decimal{}, false
	}
	return booking.Decimal{Units: n, Scale: len(frac)}, true
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// rateTable checks the rates and builds the table, with the key that
// identifies them for idempotency.
func rateTable(in []RateInput) (*booking.RateTable, string, error) {
	var t booking.RateTable
	var fs errs.Fields
	keys := make([]string, 0, len(in))
	for i, r := range in {
		f := fmt.Sprintf("rates[%d]", i)
		cur := strings.ToUpper(strings.TrimSpace(r.Currency))
		d, ok := parseDecimal(r.Rate)
		switch {
		case len(cur) != 3 || cur == "IDR":
			fs.Add(f, r.Currency, "give the ISO 4217 code of a foreign currency (USD, EUR, AUD)")
		case r.Day.IsZero():
			fs.Add(f, r.Rate, "give the first day the rate holds")
		case !ok || d.Units <= 0:
			fs.Add(f, r.Rate, "give the rupiah value of one %s as a positive number, e.g. 16250 or 16250.50", cur)
		default:
			src := r.Source
			if src == "" {
				src = fmt.Sprintf("rate given with the import: %s=%s@%s", cur, r.Rate, r.Day.Format(time.DateOnly))
			}
			t.Add(cur, r.Day, d.Units, pow10(d.Scale), src)
			keys = append(keys, fmt.Sprintf("%s=%d/%d@%s", cur, d.Units, pow10(d.Scale), r.Day.Format(time.DateOnly)))
		}
	}
	if err := fs.Err("the exchange rates are not valid"); err != nil {
		return nil, "", err
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	return &t, hex.EncodeToString(sum[:]), nil
}

// ResolveFormat turns what the user named (a format such as
// "airbnb-transactions", or a channel: airbnb, booking, agoda, ical, csv)
// into the file's format: a channel is detected from the file's header and
// must match it.
func ResolveFormat(name string, data []byte) (booking.Format, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, f := range booking.Formats {
		if string(f) == name {
			return f, nil
		}
	}
	if name == "generic" || name == "csv" {
		return booking.Generic, nil
	}
	c, ok := booking.ParseChannel(name)
	if name != "" && (!ok || c == booking.Direct) {
		return "", errs.InvalidFields("the format is not known", errs.Field("format", name,
			"use airbnb, booking, agoda, ical or csv, or a format name (airbnb-reservations, airbnb-transactions, booking-statement, booking-reservations, agoda-bookings, ical, generic)"))
	}
	f, err := booking.Detect(data)
	if err != nil {
		return "", err
	}
	if name != "" && f.Channel() != c {
		return "", errs.InvalidFields("the file is not an export of that channel", errs.Field("format", name,
			"the file reads as a %s (%s); choose that channel, or export the file from %s", f.Title(), f, name))
	}
	return f, nil
}

// ImportOptions are what the user gives with a file.
type ImportOptions struct {
	// Format is a format or channel name (ResolveFormat); empty detects
	// the format from the file.
	Format   string
	FileName string
	Rates    []RateInput
	// PayoutCountry is the ISO 3166-1 alpha-3 country of the account the
	// channel pays into; empty when not known. A generic CSV may give it
	// per row.
	PayoutCountry string
	// Listing, when set, imports only the rows whose listing name starts
	// with it (any case), for an export of an account with several
	// listings; the other rows are skipped with their listing named.
	Listing string
}

// ownedProperty resolves a property the taxpayer operates or owns, after
// checking act on the taxpayer.
func (s *Bookings) property(ctx context.Context, npwp string, id int64, act actor.Action) (Property, error) {
	t, err := s.svc.allowed(ctx, npwp, act)
	if err != nil {
		return Property{}, err
	}
	p, err := s.svc.store.Property(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && !involves(p, t.ID) {
		return Property{}, errs.Errorf(errs.NotFound, "taxpayer %s has no property %d", t.NPWP, id)
	}
	return p, err
}

// propertyKey is the Property of every booking of a property: an import
// is for one property, chosen by the user, so every row maps to it and
// the listing name the channel used is kept beside it.
func propertyKey(id int64) string { return "property " + strconv.FormatInt(id, 10) }

// Import reads an export file for the property and stores its bookings in
// one transaction with the job and every row's result. Duplicates of
// stays already recorded for the property, or recorded twice in the file,
// are stored marked with the kept booking (booking.DuplicateRule); when a
// new booking is kept over a stored one (an OTA record over an iCal
// block), the stored one is marked. The same file with the same rates
// imported again for the property returns the first job and created
// false.
func (s *Bookings) Import(ctx context.Context, npwp string, propertyID int64, file []byte, opt ImportOptions) (ImportJob, bool, error) {
	p, err := s.property(ctx, npwp, propertyID, ActManage)
	if err != nil {
		return ImportJob{}, false, err
	}
	if len(file) > booking.MaxFileSize {
		return ImportJob{}, false, errs.Errorf(errs.Invalid, "the file is larger than %d MiB; export a shorter period", booking.MaxFileSize>>20)
	}
	rates, ratesKey, err := rateTable(opt.Rates)
	if err != nil {
		return ImportJob{}, false, err
	}
	var country taxid.Country
	if strings.TrimSpace(opt.PayoutCountry) != "" {
		if country, err = taxid.ParseCountry(opt.PayoutCountry); err != nil {
			return ImportJob{}, false, errs.InvalidFields("the payout country is not valid",
				errs.Field("payout_country", opt.PayoutCountry, "give the ISO 3166-1 alpha-3 code of the account's country (IDN, SGP, AUS)"))
		}
	}
	format, err := ResolveFormat(opt.Format, file)
	if err != nil {
		return ImportJob{}, false, err
	}
	sum := sha256.Sum256(file)
	sha := hex.EncodeToString(sum[:])
	if job, err := s.store.ImportByFile(ctx, p.ID, sha, ratesKey); err == nil {
		return job, false, nil
	} else if !errs.Is(errs.NotFound, err) {
		return ImportJob{}, false, err
	}
	now := s.svc.now().UTC()
	key := propertyKey(p.ID)
	res, err := booking.Read(bytes.NewReader(file), format, booking.Options{Rates: rates, PayoutCountry: country, ImportedAt: now,
		Property: func(booking.Channel, string) string { return key }})
	if err != nil {
		return ImportJob{}, false, err
	}
	onlyListing(res, opt.Listing)
	stored, err := s.store.KeptBookings(ctx, p.ID)
	if err != nil {
		return ImportJob{}, false, err
	}
	who := actor.From(ctx).String()
	job := ImportJob{PropertyID: p.ID, TaxpayerID: p.TaxpayerID, Format: format, FileName: opt.FileName, SHA256: sha, RatesKey: ratesKey,
		CreatedBy: who, CreatedAt: now}
	bs := make([]Booking, len(res.Bookings))
	for i, b := range res.Bookings {
		bs[i] = Booking{PropertyID: p.ID, TaxpayerID: p.TaxpayerID, Via: string(format), Booking: b, CreatedBy: who, CreatedAt: now}
	}
	links := linkDuplicates(stored, bs, key)
	dupOf := map[int]Ref{}
	for _, l := range links {
		if l.Dup.IsNew() {
			dupOf[l.Dup.New] = l.Kept
		} else {
			job.Replaced++
		}
	}
	rows := map[int]bool{}
	rejected := map[int]bool{}
	for i, b := range bs {
		r := RowResult{Row: b.Row, BookingID: -int64(i + 1)}
		if k, ok := dupOf[i]; ok {
			job.Duplicates++
			r.DuplicateOf = k.ID
			if k.IsNew() {
				r.DuplicateOf = -int64(k.New + 1)
			}
		}
		rows[b.Row] = true
		job.Results = append(job.Results, r)
	}
	for _, e := range res.Errors {
		rows[e.Row], rejected[e.Row] = true, true
		job.Results = append(job.Results, RowResult{Row: e.Row, Column: e.Column, Value: e.Value, Message: e.Message})
	}
	for _, sk := range res.Skipped {
		rows[sk.Row] = true
		job.Results = append(job.Results, RowResult{Row: sk.Row, Skipped: sk.Reason})
	}
	slices.SortStableFunc(job.Results, func(a, b RowResult) int { return a.Row - b.Row })
	job.Rows, job.Created, job.Rejected, job.Skipped = len(rows), len(bs), len(rejected), len(res.Skipped)
	e := s.svc.entry(ctx, p.TaxpayerID, "pbjt.booking.import", fmt.Sprintf("property %d: %s %q sha256 %s: %d rows, %d bookings (%d duplicates, %d stored ones replaced), %d rejected, %d skipped",
		p.ID, format, opt.FileName, sha[:12], job.Rows, job.Created, job.Duplicates, job.Replaced, job.Rejected, job.Skipped))
	err = s.store.SaveImport(ctx, &job, bs, links, e)
	if errs.Is(errs.Conflict, err) {
		// The same file arrived twice at once: the other request's job
		// is the one.
		if found, ferr := s.store.ImportByFile(ctx, p.ID, sha, ratesKey); ferr == nil {
			return found, false, nil
		}
	}
	if err != nil {
		return ImportJob{}, false, err
	}
	return job, true, nil
}

// onlyListing moves the bookings of listings that do not start with
// prefix to the skipped rows.
func onlyListing(res *booking.Result, prefix string) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return
	}
	lower := strings.ToLower(prefix)
	kept := res.Bookings[:0]
	for _, b := range res.Bookings {
		if strings.HasPrefix(strings.ToLower(b.Listing), lower) {
			kept = append(kept, b)
			continue
		}
		res.Skipped = append(res.Skipped, booking.Skip{Row: b.Row,
			Reason: fmt.Sprintf("listing %q is not the one imported (%q)", b.Listing, prefix)})
	}
	res.Bookings = kept
}

// linkDuplicates applies booking.Duplicates to the property's kept
// bookings followed by the new ones, and returns the links to store.
func linkDuplicates(stored, fresh []Booking, key string) []Link {
	all := make([]booking.Booking, 0, len(stored)+len(fresh))
	for _, b := range stored {
		bb := b.Booking
		bb.Property, bb.ImportedAt = key, b.CreatedAt
		all = append(all, bb)
	}
	for _, b := range fresh {
		all = append(all, b.Booking)
	}
	ref := func(i int) Ref {
		if i < len(stored) {
			return Ref{ID: stored[i].ID}
		}
		return Ref{New: i - len(stored)}
	}
	var out []Link
	for _, d := range booking.Duplicates(all) {
		out = append(out, Link{Dup: ref(d.Dup), Kept: ref(d.Kept), Reason: d.Reason})
	}
	return out
}

// ImportJob returns an import of the property with every row's result.
func (s *Bookings) ImportJob(ctx context.Context, npwp string, propertyID, jobID int64) (ImportJob, error) {
	p, err := s.property(ctx, npwp, propertyID, ActRead)
	if err != nil {
		return ImportJob{}, err
	}
	j, err := s.store.ImportJob(ctx, jobID)
	if errs.Is(errs.NotFound, err) || err == nil && j.PropertyID != p.ID {
		return ImportJob{}, errs.Errorf(errs.NotFound, "property %d has no import %d", p.ID, jobID)
	}
	return j, err
}

// The ways a direct booking comes in.
var directVia = []string{"direct", "website", "whatsapp", "agent", "walk-in"}

// BookingInput is a direct booking as the owner enters it. Amounts and the
// rate are decimals in Currency ("1078.76"); Rate is the rupiah value of
// one unit of Currency and is needed for any currency but IDR.
type BookingInput struct {
	Via           string
	Reference     string
	Guest         string
	CheckIn       time.Time
	CheckOut      time.Time
	Status        string
	Currency      string
	Gross         string
	Commission    string
	Payout        string
	Rate          string
	RateSource    string
	PayoutCountry string
}

// checkBooking turns the input into a booking, or names every bad field.
func checkBooking(in BookingInput, key string, now time.Time) (booking.Booking, string, error) {
	var fs errs.Fields
	via := strings.ToLower(strings.TrimSpace(in.Via))
	if via == "" {
		via = "direct"
	}
	if !slices.Contains(directVia, via) {
		fs.Add("channel", in.Via, "use %s; bookings of Airbnb, Booking.com and Agoda are imported from their exports", strings.Join(directVia, ", "))
	}
	b := booking.Booking{Channel: booking.Direct, Reference: strings.TrimSpace(in.Reference), Property: key, Listing: key,
		Guest: strings.TrimSpace(in.Guest), CheckIn: in.CheckIn, CheckOut: in.CheckOut, Status: booking.Confirmed, ImportedAt: now}
	if b.Guest == "" {
		fs.Add("guest", in.Guest, "give the guest's name")
	}
	switch {
	case in.CheckIn.IsZero():
		fs.Add("check_in", "", "give the day of arrival, YYYY-MM-DD")
	case in.CheckOut.IsZero():
		fs.Add("check_out", "", "give the day of departure, YYYY-MM-DD")
	case !in.CheckOut.After(in.CheckIn):
		fs.Add("check_out", in.CheckOut.Format(time.DateOnly), "must be after check-in %s", in.CheckIn.Format(time.DateOnly))
	default:
		b.Nights = int(in.CheckOut.Sub(in.CheckIn).Hours()+12) / 24
	}
	switch strings.ToLower(strings.TrimSpace(in.Status)) {
	case "", "confirmed":
	case "cancelled":
		b.Status = booking.Cancelled
	default:
		fs.Add("status", in.Status, "use confirmed or cancelled")
	}
	b.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if b.Currency == "" {
		b.Currency = "IDR"
	}
	if len(b.Currency) != 3 {
		fs.Add("currency", in.Currency, "give the ISO 4217 code (IDR, USD, EUR)")
	}
	amount := func(field, v string) booking.Amount {
		if strings.TrimSpace(v) == "" {
			return booking.Amount{}
		}
		d, ok := parseDecimal(v)
		if !ok || d.Units < 0 {
			fs.Add(field, v, "give an amount in %s with a decimal point and at most six decimals, e.g. 1078.76", b.Currency)
			return booking.Amount{}
		}
		return booking.Amount{Known: true, Original: d}
	}
	b.Gross, b.Commission, b.Payout = amount("gross", in.Gross), amount("commission", in.Commission), amount("payout", in.Payout)
	if !b.Gross.Known && strings.TrimSpace(in.Gross) == "" {
		fs.Add("gross", "", "give what the guest paid: the PBJT base")
	}
	if b.Gross.Known && !b.Commission.Known && strings.TrimSpace(in.Commission) == "" {
		b.Commission = booking.Amount{Known: true, Original: booking.Decimal{Scale: b.Gross.Original.Scale}}
	}
	if b.Gross.Known && b.Commission.Known && !b.Payout.Known && strings.TrimSpace(in.Payout) == "" {
		b.Payout = booking.Amount{Known: true, Original: subDecimal(b.Gross.Original, b.Commission.Original)}
	}
	if strings.TrimSpace(in.PayoutCountry) != "" {
		c, err := taxid.ParseCountry(in.PayoutCountry)
		if err != nil {
			fs.Add("payout_country", in.PayoutCountry, "give the ISO 3166-1 alpha-3 code of the account's country (IDN, SGP, AUS)")
		}
		b.PayoutCountry = c
	}
	if err := fs.Err("the booking is not valid"); err != nil {
		return b, via, err
	}
	b.Rate = booking.Rate{Num: 1, Den: 1, Day: b.CheckOut, Source: "IDR"}
	if b.Currency != "IDR" {
		r, ok := parseDecimal(in.Rate)
		if !ok || r.Units <= 0 {
			fs.Add("rate", in.Rate, "give the rupiah value of one %s on %s (the check-out day), e.g. 16250.50", b.Currency, b.CheckOut.Format(time.DateOnly))
			return b, via, fs.Err("the booking is not valid")
		}
		src := strings.TrimSpace(in.RateSource)
		if src == "" {
			src = "rate entered with the booking"
		}
		b.Rate = booking.Rate{Num: r.Units, Den: pow10(r.Scale), Day: b.CheckOut, Source: src}
	}
	for _, a := range []struct {
		field string
		v     *booking.Amount
	}{{"gross", &b.Gross}, {"commission", &b.Commission}, {"payout", &b.Payout}} {
		if !a.v.Known {
			continue
		}
		idr, err := toIDR(a.v.Original, b.Rate)
		if err != nil {
			fs.Add(a.field, a.v.Original.String(), "%s", err)
		}
		a.v.IDR = idr
	}
	return b, via, fs.Err("the booking is not valid")
}

func subDecimal(a, b booking.Decimal) booking.Decimal {
	for a.Scale < b.Scale {
		a.Units, a.Scale = a.Units*10, a.Scale+1
	}
	for b.Scale < a.Scale {
		b.Units, b.Scale = b.Units*10, b.Scale+1
	}
	return booking.Decimal{Units: a.Units - b.Units, Scale: a.Scale}
}

// toIDR converts d at rate r to sen, rounding half away from zero to the
// sen, as booking.Read does for imported rows (doc/booking-imports.md,
// "Exchange rates").
func toIDR(d booking.Decimal, r booking.Rate) (money.Amount, error) {
	v, err := money.MulRat(money.Amount(d.Units), r.Num*100, r.Den*pow10(d.Scale), money.HalfUp)
	if err != nil {
		return 0, fmt.Errorf("%s at %s rupiah is beyond the largest amount", d, r)
	}
	return v, nil
}

// AddBooking records a direct booking (website, WhatsApp, agent, or
// direct) for the property. A duplicate of a stay already recorded is
// stored marked with the kept booking, under booking.DuplicateRule.
func (s *Bookings) Add(ctx context.Context, npwp string, propertyID int64, in BookingInput) (Booking, error) {
	p, err := s.property(ctx, npwp, propertyID, ActManage)
	if err != nil {
		return Booking{}, err
	}
	now := s.svc.now().UTC()
	key := propertyKey(p.ID)
	b, via, err := checkBooking(in, key, now)
	if err != nil {
		return Booking{}, err
	}
	b.Listing = p.Name
	stored, err := s.store.KeptBookings(ctx, p.ID)
	if err != nil {
		return Booking{}, err
	}
	out := Booking{PropertyID: p.ID, TaxpayerID: p.TaxpayerID, Via: via, Booking: b, CreatedBy: actor.From(ctx).String(), CreatedAt: now}
	links := linkDuplicates(stored, []Booking{out}, key)
	for _, l := range links {
		if l.Dup.IsNew() {
			out.DuplicateOf, out.DuplicateReason = l.Kept.ID, l.Reason
		}
	}
	e := s.svc.entry(ctx, p.TaxpayerID, "pbjt.booking.add", fmt.Sprintf("property %d: %s booking of %q %s..%s, gross %s %s",
		p.ID, via, b.Guest, b.CheckIn.Format(time.DateOnly), b.CheckOut.Format(time.DateOnly), b.Gross.Original, b.Currency))
	if err := s.store.AddBooking(ctx, &out, links, e); err != nil {
		return Booking{}, err
	}
	return out, nil
}

// BookingQuery selects bookings by check-out day in [From, To) and pages
// them by ID after After.
type BookingQuery struct {
	From, To time.Time
	After    int64
	Limit    int
}

// DefaultBookingLimit and MaxBookingLimit bound a page of bookings.
const (
	DefaultBookingLimit = 100
	MaxBookingLimit     = 1000
)

// MonthTotal is a month's bookings summed under booking.GrossRule: Base is
// the PBJT base, the gross of the confirmed bookings that are not
// duplicates; Payout is what reached the owner; Difference = Base −
// Payout is what the channels kept and is taxed all the same.
type MonthTotal struct {
	Period     Period
	Bookings   int
	Gross      money.Amount
	Commission money.Amount
	Payout     money.Amount
	Base       money.Amount
	Difference money.Amount
	// Unpriced counts confirmed bookings without a known guest price
	// (iCal blocks, Airbnb reservations rows): the month cannot be
	// declared in full until their gross is imported or entered.
	Unpriced int
}

// BookingPage is a page of bookings with the totals of every month the
// query covers (not only of the page).
type BookingPage struct {
	Bookings []Booking
	// Next is the After of the next page; 0 at the end.
	Next   int64
	Months []MonthTotal
	Rule   string
}

// Bookings lists the property's bookings whose check-out falls in the
// query's range, with per-month totals. A booking belongs to the month of
// its check-out, the day the stay has been delivered (the same day whose
// rate converts it; doc/pbjt-bookings.md).
func (s *Bookings) List(ctx context.Context, npwp string, propertyID int64, q BookingQuery) (BookingPage, error) {
	p, err := s.property(ctx, npwp, propertyID, ActRead)
	if err != nil {
		return BookingPage{}, err
	}
	var fs errs.Fields
	switch {
	case q.From.IsZero() || q.To.IsZero():
		fs.Add("from", "", "give the range of check-out days: from and to, or a month")
	case !q.To.After(q.From):
		fs.Add("to", q.To.Format(time.DateOnly), "must be after from %s", q.From.Format(time.DateOnly))
	}
	if q.Limit < 0 || q.Limit > MaxBookingLimit {
		fs.Add("limit", strconv.Itoa(q.Limit), "give 1 to %d", MaxBookingLimit)
	}
	if err := fs.Err("the query is not valid"); err != nil {
		return BookingPage{}, err
	}
	if q.Limit == 0 {
		q.Limit = DefaultBookingLimit
	}
	all, err := s.store.Bookings(ctx, p.ID, q.From, q.To)
	if err != nil {
		return BookingPage{}, err
	}
	out := BookingPage{Rule: booking.GrossRule}
	if out.Months, err = monthTotals(all); err != nil {
		return BookingPage{}, err
	}
	for _, b := range all {
		if b.ID <= q.After {
			continue
		}
		if len(out.Bookings) == q.Limit {
			out.Next = out.Bookings[len(out.Bookings)-1].ID
			break
		}
		out.Bookings = append(out.Bookings, b)
	}
	return out, nil
}

// monthTotals sums bs by month of check-out with booking.GrossBasis;
// duplicates are left out of the base.
func monthTotals(bs []Booking) ([]MonthTotal, error) {
	byMonth := map[Period][]Booking{}
	var periods []Period
	for _, b := range bs {
		per := PeriodOf(b.CheckOut)
		if _, ok := byMonth[per]; !ok {
			periods = append(periods, per)
		}
		byMonth[per] = append(byMonth[per], b)
	}
	slices.SortFunc(periods, func(a, b Period) int { return (a.Year*12 + int(a.Month)) - (b.Year*12 + int(b.Month)) })
	out := make([]MonthTotal, 0, len(periods))
	for _, per := range periods {
		var month []booking.Booking
		var dups []booking.Duplicate
		for _, b := range byMonth[per] {
			if b.DuplicateOf != 0 {
				dups = append(dups, booking.Duplicate{Dup: len(month)})
			}
			month = append(month, b.Booking)
		}
		basis, err := booking.GrossBasis(month, dups)
		if err != nil {
			return nil, fmt.Errorf("totals of %s: %w", per, err)
		}
		out = append(out, MonthTotal{Period: per, Bookings: len(basis.Lines), Gross: basis.Gross, Commission: basis.Commission,
			Payout: basis.Payout, Base: basis.Gross, Difference: basis.Difference, Unpriced: len(basis.Unpriced)})
	}
	return out, nil
}
