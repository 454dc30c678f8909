package compliance

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/taxid"
)

// The kinds of third-party record.
const (
	// KindBooking is a stay a platform sold or a bank saw paid for: a
	// listing, its address, the host, the amounts and the dates.
	KindBooking = "booking"
	// KindExpenseClaim is a professional fee a taxpayer claims as a
	// deductible expense (from a bookkeeping platform's feed or the
	// attachment of an annual return): who claims it (HostNPWP), whom it
	// was paid to (PayeeID, NIK or NPWP), the amount (Gross) and the month.
	KindExpenseClaim = "expense-claim"
)

// Record is one item of third-party data as received. Records are never
// changed: a correction is a new record whose Corrects names the record
// it replaces, and the matching job reads only records no later record
// corrects.
type Record struct {
	ID int64
	// BatchID is the delivery the record came in.
	BatchID int64
	// Source names who sent it: "Airbnb PJAP feed".
	Source string
	// FeedID is the sender's own id of the record, unique per Source.
	FeedID string
	// Kind is KindBooking or KindExpenseClaim.
	Kind string
	// Corrects is the record this one replaces, zero for none;
	// CorrectsFeedID its FeedID as the sender named it.
	Corrects       int64
	CorrectsFeedID string

	// ListingID and ListingName identify the listing on the platform.
	ListingID   string
	ListingName string
	// The address; RegencyCode and ProvinceCode are derived from
	// DistrictCode when it is given, never typed freely.
	Street       string
	ProvinceCode string
	RegencyCode  string
	DistrictCode string
	PostalCode   string
	// LatE6 and LonE6 are the coordinates in millionths of a degree when
	// HasGeo; they are kept as evidence, not used to match.
	LatE6, LonE6 int64
	HasGeo       bool
	// The host as the platform knows them, and the NPWPD if the host gave
	// one.
	HostName string
	HostNIK  string
	HostNPWP string
	NPWPD    string

	// CheckIn and CheckOut are the stay (zero for a monthly total);
	// Period is the tax month, the month of CheckOut (as PBJT bookings are
	// counted, doc/pbjt-bookings.md) or the month given.
	CheckIn, CheckOut time.Time
	Period            string
	// Gross is what the guest paid, Commission the platform's fee,
	// Payout what the host received, all in rupiah.
	Gross, Commission, Payout money.Amount
	// PayeeName and PayoutCountry (ISO 3166-1 alpha-3, as bookings keep it) say where the money
	// went; PayeeID is, for an expense claim, the NIK or NPWP of whom the
	// fee was paid to.
	PayeeName     string
	PayoutCountry string
	PayeeID       string

	ReceivedAt time.Time
}

// Offshore reports whether the payout went to an account outside
// Indonesia.
func (r Record) Offshore() bool { return r.PayoutCountry != "" && r.PayoutCountry != "IDN" }

// ListingKey is the stable key of the record's listing: the source and
// the listing id.
func (r Record) ListingKey() string { return "listing:" + r.Source + ":" + r.ListingID }

// Evidence is the record as an item of a flag's evidence: our id, the
// sender and the sender's own id of the record, and its summary.
func (r Record) Evidence() Evidence {
	return Evidence{Kind: EvidenceRecord, ID: r.ID, Source: r.Source, Ref: r.FeedID, Summary: r.Summary()}
}

// Summary is the one-line description of the record used as evidence.
func (r Record) Summary() string {
	if r.Kind == KindExpenseClaim {
		return fmt.Sprintf("%s record %s: %s claims a fee of %s paid to %s (%s) in %s", r.Source, r.FeedID, r.HostNPWP, r.Gross.Display(), r.PayeeName, r.PayeeID, r.Period)
	}
	when := r.Period
	if !r.CheckIn.IsZero() {
		when = r.CheckIn.Format(time.DateOnly) + ".." + r.CheckOut.Format(time.DateOnly)
	}
	where := r.RegencyCode
	if where == "" {
		where = "no address codes"
	}
	to := ""
	if r.PayoutCountry != "" {
		to = " to " + r.PayoutCountry
	}
	return fmt.Sprintf("%s record %s: listing %s %q (%s), %s, gross %s, commission %s, payout %s%s",
		r.Source, r.FeedID, r.ListingID, r.ListingName, where, when, r.Gross.Display(), r.Commission.Display(), r.Payout.Display(), to)
}

// RecordInput is a record as a sender writes it, every field as text; the
// JSON API and the CSV import both produce it. Amounts are rupiah with up
// to two decimals and no thousands separators.
type RecordInput struct {
	FeedID, Kind, Corrects                                      string
	ListingID, ListingName                                      string
	Street, ProvinceCode, RegencyCode, DistrictCode, PostalCode string
	Lat, Lon                                                    string
	HostName, HostNIK, HostNPWP, NPWPD                          string
	CheckIn, CheckOut, Month                                    string
	GrossIDR, CommissionIDR, PayoutIDR                          string
	PayeeName, PayoutCountry, PayeeID                           string
}

// Columns are the columns of the CSV import, in the order of the
// template; a file may order them freely (doc/compliance.md).
var Columns = []string{
	"source_record_id", "kind", "corrects", "listing_id", "listing_name",
	"street", "province_code", "regency_code", "district_code", "postal_code", "lat", "lon",
	"host_name", "host_nik", "host_npwp", "npwpd",
	"check_in", "check_out", "month", "gross_idr", "commission_idr", "payout_idr",
	"payee_name", "payout_country", "payee_id",
}

func (in *RecordInput) field(col string) *string {
	switch col {
	case "source_record_id":
		return &in.FeedID
	case "kind":
		return &in.Kind
	case "corrects":
		return &in.Corrects
	case "listing_id":
		return &in.ListingID
	case "listing_name":
		return &in.ListingName
	case "street":
		return &in.Street
	case "province_code":
		return &in.ProvinceCode
	case "regency_code":
		return &in.RegencyCode
	case "district_code":
		return &in.DistrictCode
	case "postal_code":
		return &in.PostalCode
	case "lat":
		return &in.Lat
	case "lon":
		return &in.Lon
	case "host_name":
		return &in.HostName
	case "host_nik":
		return &in.HostNIK
	case "host_npwp":
		return &in.HostNPWP
	case "npwpd":
		return &in.NPWPD
	case "check_in":
		return &in.CheckIn
	case "check_out":
		return &in.CheckOut
	case "month":
		return &in.Month
	case "gross_idr":
		return &in.GrossIDR
	case "commission_idr":
		return &in.CommissionIDR
	case "payout_idr":
		return &in.PayoutIDR
	case "payee_name":
		return &in.PayeeName
	case "payout_country":
		return &in.PayoutCountry
	case "payee_id":
		return &in.PayeeID
	}
	return nil
}

// RowResult is what became of one row of a delivery: the record stored,
// or the field that is wrong with its value and what would be accepted.
type RowResult struct {
	// Row is the position: the file line for a CSV (the header is line
	// 1), the index from 1 for a JSON array or JSON lines.
	Row      int
	RecordID int64
	FeedID   string
	// Field, Value and Message name the problem of a rejected row.
	Field, Value, Message string
}

// Rejected reports whether the row was not stored.
func (r RowResult) Rejected() bool { return r.Message != "" }

// ReadCSV reads a CSV delivery (doc/compliance.md): a header row naming
// columns of Columns, then one record per row. It returns the inputs with
// their file lines, or an Invalid error for a file it cannot read at all.
func ReadCSV(r io.Reader) ([]RecordInput, []int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errs.InvalidFields("the file is empty", errs.Field("file", "", "send a CSV file whose first line names the columns, e.g. %s", strings.Join(Columns[:5], ",")))
	}
	if err != nil {
		return nil, nil, errs.InvalidFields("the file is not CSV", errs.Field("file", "", "line 1: %v", err))
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		var in RecordInput
		if in.field(h) == nil {
			return nil, nil, errs.InvalidFields("the header names an unknown column", errs.Field("file", h, "line 1, column %d: the columns are %s", i+1, strings.Join(Columns, ", ")))
		}
		if seen[h] {
			return nil, nil, errs.InvalidFields("the header names a column twice", errs.Field("file", h, "line 1, column %d: name each column once", i+1))
		}
		seen[h] = true
		cols[i] = h
	}
	if !seen["source_record_id"] {
		return nil, nil, errs.InvalidFields("the header lacks source_record_id", errs.Field("file", strings.Join(header, ","), "line 1: every record needs the sender's own id in a source_record_id column"))
	}
	var ins []RecordInput
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, nil, errs.InvalidFields("the file is not valid CSV", errs.Field("file", "", "%v", err))
		}
		var in RecordInput
		for i, v := range rec {
			if i < len(cols) {
				*in.field(cols[i]) = strings.TrimSpace(v)
			}
		}
		ins = append(ins, in)
		lines = append(lines, line)
	}
	return ins, lines, nil
}

// MaxRows is the most records one delivery may carry.
const MaxRows = 100000

// checkRecord validates one input and returns the record it describes, or
// the first problem as a RowResult-shaped field error.
func checkRecord(in RecordInput, source string, now time.Time) (Record, *errs.FieldError) {
	bad := func(field, value, format string, args ...any) (Record, *errs.FieldError) {
		fe := errs.Field(field, value, format, args...)
		return Record{}, &fe
	}
	r := Record{Source: source, FeedID: strings.TrimSpace(in.FeedID), Kind: strings.ToLower(strings.TrimSpace(in.Kind)), ReceivedAt: now}
	if r.FeedID == "" || utf8.RuneCountInString(r.FeedID) > 100 {
		return bad("source_record_id", in.FeedID, "give the sender's own id of the record, 1 to 100 characters, unique for the source")
	}
	if r.Kind == "" {
		r.Kind = KindBooking
	}
	if r.Kind != KindBooking && r.Kind != KindExpenseClaim {
		return bad("kind", in.Kind, "is %s or %s", KindBooking, KindExpenseClaim)
	}
	r.CorrectsFeedID = strings.TrimSpace(in.Corrects)
	if r.CorrectsFeedID == r.FeedID && r.FeedID != "" {
		return bad("corrects", in.Corrects, "names the record itself; name the source_record_id of the earlier record this one replaces")
	}
	text := func(field, v string, max int) (string, *errs.FieldError) {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) > max || strings.ContainsAny(v, "\r\n\x00") {
			fe := errs.Field(field, v, "at most %d characters on one line", max)
			return "", &fe
		}
		return v, nil
	}
	var fe *errs.FieldError
	for _, f := range []struct {
		name string
		in   string
		out  *string
		max  int
	}{
		{"listing_id", in.ListingID, &r.ListingID, 100}, {"listing_name", in.ListingName, &r.ListingName, 200},
		{"street", in.Street, &r.Street, 300}, {"postal_code", in.PostalCode, &r.PostalCode, 10},
		{"host_name", in.HostName, &r.HostName, 200}, {"npwpd", in.NPWPD, &r.NPWPD, 40},
		{"payee_name", in.PayeeName, &r.PayeeName, 200},
	} {
		if *f.out, fe = text(f.name, f.in, f.max); fe != nil {
			return Record{}, fe
		}
	}
	if in.HostNIK != "" {
		n, err := taxid.ParseNIK(in.HostNIK)
		if err != nil {
			return bad("host_nik", in.HostNIK, "%s", errs.Message(err))
		}
		r.HostNIK = string(n)
	}
	if in.HostNPWP != "" {
		n, _, err := taxid.ParseNPWP(in.HostNPWP)
		if err != nil {
			return bad("host_npwp", in.HostNPWP, "%s", errs.Message(err))
		}
		r.HostNPWP = string(n)
	}
	if in.PayoutCountry != "" {
		c, err := taxid.ParseCountry(in.PayoutCountry)
		if err != nil {
			return bad("payout_country", in.PayoutCountry, "give the ISO 3166-1 alpha-3 code of the payout account's country, e.g. IDN, SGP, AUS")
		}
		r.PayoutCountry = string(c)
	}
	if fe := r.address(in); fe != nil {
		return Record{}, fe
	}
	if in.Lat != "" || in.Lon != "" {
		lat, ok1 := parseE6(in.Lat, 90)
		lon, ok2 := parseE6(in.Lon, 180)
		if !ok1 {
			return bad("lat", in.Lat, "give latitude and longitude together in decimal degrees, e.g. -8.6478")
		}
		if !ok2 {
			return bad("lon", in.Lon, "give latitude and longitude together in decimal degrees, e.g. 115.1385")
		}
		r.LatE6, r.LonE6, r.HasGeo = lat, lon, true
	}
	if fe := r.dates(in); fe != nil {
		return Record{}, fe
	}
	if fe := r.amounts(in); fe != nil {
		return Record{}, fe
	}
	switch r.Kind {
	case KindBooking:
		if r.ListingID == "" {
			return bad("listing_id", in.ListingID, "a booking needs the platform's listing id")
		}
	case KindExpenseClaim:
		if r.HostNPWP == "" {
			return bad("host_npwp", in.HostNPWP, "an expense claim needs the NPWP of the taxpayer who claims the fee")
		}
		id := strings.TrimSpace(in.PayeeID)
		if len(id) != 16 || strings.Trim(id, "0123456789") != "" {
			return bad("payee_id", in.PayeeID, "an expense claim needs the 16-digit NIK or NPWP of whom the fee was paid to")
		}
		r.PayeeID = id
		if r.Gross <= 0 {
			return bad("gross_idr", in.GrossIDR, "an expense claim needs the fee claimed, more than 0")
		}
	}
	return r, nil
}

// address derives the region from the codes: the district code's first
// four digits are the regency, its first two the province; a regency or
// province code given as well must agree.
func (r *Record) address(in RecordInput) *errs.FieldError {
	bad := func(field, value, format string, args ...any) *errs.FieldError {
		fe := errs.Field(field, value, format, args...)
		return &fe
	}
	d := area.Normalize(in.DistrictCode)
	g := area.Normalize(in.RegencyCode)
	p := area.Normalize(in.ProvinceCode)
	if d != "" {
		a, ok := area.District(d)
		if !ok {
			return bad("district_code", in.DistrictCode, "is not a Kemendagri district code; give six digits such as 510303 (Kuta Utara, Badung)")
		}
		r.DistrictCode = a.Code
		if g != "" && g != a.Code[:4] {
			return bad("regency_code", in.RegencyCode, "district %s lies in regency %s; leave regency_code empty or give %s", a.Code, a.Code[:4], a.Code[:4])
		}
		g = a.Code[:4]
	}
	if g != "" {
		if _, ok := area.Regency(g); !ok {
			return bad("regency_code", in.RegencyCode, "is not a Kemendagri regency code; give four digits such as 5103 (Badung)")
		}
		if !pbjt.IsRegion(g) {
			return bad("regency_code", in.RegencyCode, "lies outside Bali; the engine matches the nine Bali regions %s", strings.Join(pbjt.Regions, ", "))
		}
		if p != "" && p != g[:2] {
			return bad("province_code", in.ProvinceCode, "regency %s lies in province %s", g, g[:2])
		}
		r.RegencyCode, r.ProvinceCode = g, g[:2]
	} else if p != "" {
		r.ProvinceCode = p
	}
	return nil
}

func (r *Record) dates(in RecordInput) *errs.FieldError {
	bad := func(field, value, format string, args ...any) *errs.FieldError {
		fe := errs.Field(field, value, format, args...)
		return &fe
	}
	if in.CheckIn != "" || in.CheckOut != "" {
		ci, err := time.Parse(time.DateOnly, strings.TrimSpace(in.CheckIn))
		if err != nil {
			return bad("check_in", in.CheckIn, "give check-in and check-out as YYYY-MM-DD, or only month as YYYY-MM")
		}
		co, err := time.Parse(time.DateOnly, strings.TrimSpace(in.CheckOut))
		if err != nil {
			return bad("check_out", in.CheckOut, "give check-in and check-out as YYYY-MM-DD, or only month as YYYY-MM")
		}
		if !co.After(ci) {
			return bad("check_out", in.CheckOut, "is not after check-in %s", in.CheckIn)
		}
		if co.Sub(ci) > 366*24*time.Hour {
			return bad("check_out", in.CheckOut, "a stay of more than a year is not a booking; send one record per stay")
		}
		r.CheckIn, r.CheckOut = ci, co
		r.Period = pbjt.PeriodOf(co).String()
		if in.Month != "" && strings.TrimSpace(in.Month) != r.Period {
			return bad("month", in.Month, "check-out %s falls in %s; leave month empty or give %s", in.CheckOut, r.Period, r.Period)
		}
		return nil
	}
	m, err := time.Parse("2006-01", strings.TrimSpace(in.Month))
	if err != nil {
		return bad("month", in.Month, "give check-in and check-out as YYYY-MM-DD, or the month as YYYY-MM")
	}
	r.Period = pbjt.PeriodOf(m).String()
	return nil
}

func (r *Record) amounts(in RecordInput) *errs.FieldError {
	bad := func(field, value, format string, args ...any) *errs.FieldError {
		fe := errs.Field(field, value, format, args...)
		return &fe
	}
	amount := func(field, s string) (money.Amount, bool, *errs.FieldError) {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, false, nil
		}
		a, err := money.Parse(s)
		if err != nil || a < 0 {
			fe := errs.Field(field, s, "give rupiah as digits with up to two decimals and no separators, 0 or more, e.g. 12500000 or 91666.67")
			return 0, false, &fe
		}
		return a, true, nil
	}
	g, hasG, fe := amount("gross_idr", in.GrossIDR)
	if fe != nil {
		return fe
	}
	c, hasC, fe := amount("commission_idr", in.CommissionIDR)
	if fe != nil {
		return fe
	}
	p, hasP, fe := amount("payout_idr", in.PayoutIDR)
	if fe != nil {
		return fe
	}
	if !hasG {
		return bad("gross_idr", in.GrossIDR, "give what the guest paid in rupiah: PBJT is computed on it (UU HKPD Pasal 57)")
	}
	if c > g {
		return bad("commission_idr", in.CommissionIDR, "is more than the gross %s", in.GrossIDR)
	}
	switch {
	case !hasP:
		p = g - c
	case !hasC:
		if p > g {
			return bad("payout_idr", in.PayoutIDR, "is more than the gross %s", in.GrossIDR)
		}
		c = g - p
	case p > g-c:
		return bad("payout_idr", in.PayoutIDR, "is more than gross %s less commission %s", in.GrossIDR, in.CommissionIDR)
	}
	r.Gross, r.Commission, r.Payout = g, c, p
	return nil
}

// parseE6 reads decimal degrees into millionths of a degree.
func parseE6(s string, limit int64) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(body, ".")
	if whole == "" || len(frac) > 6 {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > limit {
		return 0, false
	}
	frac += strings.Repeat("0", 6-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	v := w*1_000_000 + f
	if v > limit*1_000_000 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}
