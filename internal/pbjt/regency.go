// Package pbjt is the regional tax on accommodation (PBJT jasa
// perhotelan, UU 1/2022 Pasal 50–58) in Bali's nine regions: each
// region's dated configuration (rate, deadlines, sanctions, the
// declaration's layout and numbering, the office), with a status and a
// source for every value; and the properties (villas, guesthouses, pondok
// wisata, ...) taxpayers register, with their units, their owners' shares
// and their local tax number (NPWPD), each filing with the region its
// address lies in.
//
// The configuration shipped in data/regencies.json is the default; an
// officer holding officer.regional adds dated versions in the database,
// which take precedence from their date (doc/pbjt.md).
package pbjt

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// Regions are the Kemendagri codes of Bali's eight regencies and one city,
// in code order (local-tax-bali.md §3).
var Regions = []string{"5101", "5102", "5103", "5104", "5105", "5106", "5107", "5108", "5171"}

// IsRegion reports whether code (with or without dots) is one of Regions.
func IsRegion(code string) bool { return slices.Contains(Regions, area.Normalize(code)) }

// Status says how far a configured value can be trusted.
type Status string

// The statuses of a value.
const (
	// Verified: read in the regulation or confirmed by two independent
	// sources.
	Verified Status = "verified"
	// Unverified: a value coretax works with that no source confirms
	// for the region (an assumption, a pre-2024 practice, a blog).
	Unverified Status = "unverified"
	// Unknown: no value is known; the value is zero and whatever needs it
	// says so instead of computing.
	Unknown Status = "unknown"
)

// Value is a configured value with its status and its source.
type Value[T any] struct {
	Value  T
	Status Status
	Source string
}

// Known reports whether the value may be used (verified or unverified).
func (v Value[T]) Known() bool { return v.Status == Verified || v.Status == Unverified }

// Rate is a percentage in basis points: 1000 is 10 %.
type Rate int64

// MaxRate is the cap on the PBJT rate for accommodation (UU HKPD Pasal
// 58(1)): 10 %.
const MaxRate Rate = 1000

// String renders the rate as a percentage: "10 %", "1.5 %".
func (r Rate) String() string {
	s := strconv.FormatInt(int64(r)/100, 10)
	if f := int64(r) % 100; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s + " %"
}

// Version is a region's PBJT configuration from a day until the next
// version's day.
type Version struct {
	RegencyCode string
	From        time.Time // first day in force, UTC midnight

	// Regulation is the Perda that sets the values.
	Regulation Value[string]
	// Office is the name of the regional revenue office (Bapenda).
	Office Value[string]
	// Rate is the PBJT rate for jasa perhotelan.
	Rate Value[Rate]
	// FilingDay and PaymentDay are the days of the month after the tax
	// period by which the declaration (SPTPD) is filed and the tax paid;
	// a day past the end of a short month means its last day.
	FilingDay  Value[int]
	PaymentDay Value[int]
	// InterestPerMonth is the interest on tax paid late, per month or
	// part of a month, for at most InterestMaxMonths months.
	InterestPerMonth  Value[Rate]
	InterestMaxMonths Value[int]
	// LateFilingFine is the fine for a declaration filed late.
	LateFilingFine Value[money.Amount]
	// FormLayout names the declaration's layout (Layouts).
	FormLayout Value[string]
	// Numbering is the pattern of declaration numbers (Number).
	Numbering Value[string]
	// PaymentCode is the pattern of the payment codes (kode bayar) of
	// the region's declarations, with the placeholders of Numbering
	// (PaymentCodeOf). No region's billing format was found, so a
	// version that leaves it out gets DefaultPaymentCode.
	PaymentCode Value[string]

	// Note says where the version as a whole comes from.
	Note string
	// RecordedBy and RecordedAt name who added the version in the
	// database and when; empty for the shipped defaults.
	RecordedBy string
	RecordedAt time.Time
}

// Default reports whether v is one of the shipped defaults.
func (v Version) Default() bool { return v.RecordedBy == "" }

// Name is the region's name from the Kemendagri list: "Kabupaten Badung".
func (v Version) Name() string {
	a, _ := area.Regency(v.RegencyCode)
	return a.Name
}

// Layouts are the declaration layouts coretax can produce, with what each
// is. A layout is code, so a version may name only one of these.
var Layouts = map[string]string{
	"sptpd-generic": "coretax's generic SPTPD for PBJT jasa perhotelan: the region, the taxpayer and NPWPD, the property, the tax period, the gross amount paid by guests, the rate and the tax (doc/pbjt.md)",
}

// DefaultPaymentCode is the payment code pattern of a version that names
// none: 18 digits, the region's code, the period and a sequence. No
// regional billing code (kode bayar) format was found (local-tax-bali.md
// §3: no portal found), so the value is unverified (doc/pbjt-declarations.md).
var DefaultPaymentCode = Value[string]{Value: "{regency}{yyyy}{mm}{seq:8}", Status: Unverified,
	Source: "no regional billing code format was found (local-tax-bali.md §3); coretax's 18-digit code of region, period and sequence (doc/pbjt-declarations.md)"}

// PaymentCodeOf renders payment code seq of period p with the version's
// payment code pattern.
func (v Version) PaymentCodeOf(p Period, seq int64) (string, error) {
	pattern := v.PaymentCode
	if pattern.Status == "" {
		pattern = DefaultPaymentCode
	}
	return renderNumber(pattern.Value, v.RegencyCode, p, seq)
}

// Period is a PBJT tax period: one calendar month (local-tax-bali.md §2).
type Period struct {
	Year  int
	Month time.Month
}

// PeriodOf returns the period containing day d.
func PeriodOf(d time.Time) Period { return Period{Year: d.Year(), Month: d.Month()} }

// String renders the period as "2026-10".
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// Next returns the following period.
func (p Period) Next() Period {
	if p.Month == time.December {
		return Period{Year: p.Year + 1, Month: time.January}
	}
	return Period{Year: p.Year, Month: p.Month + 1}
}

// Prev returns the preceding period.
func (p Period) Prev() Period {
	if p.Month == time.January {
		return Period{Year: p.Year - 1, Month: time.December}
	}
	return Period{Year: p.Year, Month: p.Month - 1}
}

// dayAfter returns day `day` of the month after p, or that month's last
// day when it is shorter.
func dayAfter(p Period, day int) time.Time {
	n := p.Next()
	last := time.Date(n.Year, n.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(n.Year, n.Month, min(day, last), 0, 0, 0, 0, time.UTC)
}

// FilingDue returns the last day to file the declaration of period p, or
// an Invalid error when the region's filing day is unknown. The day is
// not moved off weekends or holidays: no region's rule on that was found.
func (v Version) FilingDue(p Period) (time.Time, error) {
	if !v.FilingDay.Known() {
		return time.Time{}, errs.Errorf(errs.Invalid, "the filing deadline of %s is not known; an officer can record it (doc/pbjt.md)", v.Name())
	}
	return dayAfter(p, v.FilingDay.Value), nil
}

// PaymentDue returns the last day to pay the tax of period p, or an
// Invalid error when the region's payment day is unknown.
func (v Version) PaymentDue(p Period) (time.Time, error) {
	if !v.PaymentDay.Known() {
		return time.Time{}, errs.Errorf(errs.Invalid, "the payment deadline of %s is not known; an officer can record it (doc/pbjt.md)", v.Name())
	}
	return dayAfter(p, v.PaymentDay.Value), nil
}

// Number renders declaration number seq of period p with the version's
// pattern: {regency} the 4-digit code, {yyyy} the year, {mm} the month,
// {seq:N} seq with at least N digits.
func (v Version) Number(p Period, seq int64) (string, error) {
	return renderNumber(v.Numbering.Value, v.RegencyCode, p, seq)
}

func renderNumber(pattern, regency string, p Period, seq int64) (string, error) {
	var b strings.Builder
	rest := pattern
	seqs := 0
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("an opening brace at %d has no closing brace", len(pattern)-len(rest)+i+1)
		}
		tok := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		switch {
		case tok == "regency":
			b.WriteString(regency)
		case tok == "yyyy":
			fmt.Fprintf(&b, "%04d", p.Year)
		case tok == "mm":
			fmt.Fprintf(&b, "%02d", int(p.Month))
		case strings.HasPrefix(tok, "seq:"):
			w, err := strconv.Atoi(tok[4:])
			if err != nil || w < 1 || w > 12 {
				return "", fmt.Errorf("{%s} needs a width from 1 to 12, e.g. {seq:5}", tok)
			}
			fmt.Fprintf(&b, "%0*d", w, seq)
			seqs++
		default:
			return "", fmt.Errorf("{%s} is not a placeholder; use {regency}, {yyyy}, {mm} and {seq:N}", tok)
		}
	}
	if seqs != 1 {
		return "", fmt.Errorf("needs exactly one {seq:N} so that numbers differ")
	}
	return b.String(), nil
}

// Check validates a version an officer enters and normalises its code and
// date. The fields are named as in the API (rate_bp.value).
func (v *Version) Check() error {
	var fs errs.Fields
	v.RegencyCode = area.Normalize(v.RegencyCode)
	if !IsRegion(v.RegencyCode) {
		fs.Add("regency_code", v.RegencyCode, "is not one of the nine Bali regions; use one of %s", strings.Join(Regions, ", "))
	}
	if v.From.IsZero() {
		fs.Add("from", "", "is required: the first day the values are in force, as YYYY-MM-DD")
	}
	v.From = calendar.Midnight(v.From)
	checkValue(&fs, "regulation", v.Regulation, func(s string) string { return checkText(s) })
	checkValue(&fs, "office", v.Office, func(s string) string { return checkText(s) })
	checkValue(&fs, "rate_bp", v.Rate, func(r Rate) string {
		if r < 0 || r > MaxRate {
			return fmt.Sprintf("must be from 0 to %d basis points: UU HKPD Pasal 58(1) caps the PBJT rate for accommodation at 10 %%", MaxRate)
		}
		return ""
	})
	day := func(d int) string {
		if d < 1 || d > 31 {
			return "must be a day of the month, 1 to 31"
		}
		return ""
	}
	checkValue(&fs, "filing_day", v.FilingDay, day)
	checkValue(&fs, "payment_day", v.PaymentDay, day)
	checkValue(&fs, "interest_bp_per_month", v.InterestPerMonth, func(r Rate) string {
		if r < 0 || r > 1000 {
			return "must be from 0 to 1000 basis points (10 %) a month"
		}
		return ""
	})
	checkValue(&fs, "interest_max_months", v.InterestMaxMonths, func(n int) string {
		if n < 0 || n > 120 {
			return "must be from 0 to 120 months"
		}
		return ""
	})
	checkValue(&fs, "late_filing_fine_sen", v.LateFilingFine, func(a money.Amount) string {
		if a < 0 {
			return "must not be negative"
		}
		return ""
	})
	checkValue(&fs, "form_layout", v.FormLayout, func(s string) string {
		if _, ok := Layouts[s]; !ok {
			names := make([]string, 0, len(Layouts))
			for k := range Layouts {
				names = append(names, k)
			}
			slices.Sort(names)
			return "is not a layout coretax produces; use one of " + strings.Join(names, ", ")
		}
		return ""
	})
	checkValue(&fs, "numbering", v.Numbering, func(s string) string {
		if _, err := renderNumber(s, "5103", Period{Year: 2026, Month: 1}, 1); err != nil {
			return err.Error()
		}
		return ""
	})
	if v.PaymentCode.Status == "" && v.PaymentCode.Value == "" && v.PaymentCode.Source == "" {
		v.PaymentCode = DefaultPaymentCode
	}
	checkValue(&fs, "payment_code", v.PaymentCode, func(s string) string {
		if _, err := renderNumber(s, "5103", Period{Year: 2026, Month: 1}, 1); err != nil {
			return err.Error()
		}
		return ""
	})
	if utf8.RuneCountInString(v.Note) > 1000 {
		fs.Add("note", v.Note, "is longer than 1000 characters")
	}
	return fs.Err("the regional configuration is not valid")
}

func checkText(s string) string {
	if s == "" {
		return "is required unless the status is unknown"
	}
	if utf8.RuneCountInString(s) > 300 {
		return "is longer than 300 characters"
	}
	return ""
}

// checkValue checks a value's status and source and, unless it is
// unknown, the value itself with rule.
func checkValue[T comparable](fs *errs.Fields, field string, v Value[T], rule func(T) string) {
	var zero T
	switch v.Status {
	case Verified, Unverified:
		if msg := rule(v.Value); msg != "" {
			fs.Add(field+".value", fmt.Sprint(v.Value), "%s", msg)
		}
		if v.Status == Verified && strings.TrimSpace(v.Source) == "" {
			fs.Add(field+".source", v.Source, "is required for a verified value: name the regulation and article, or the two sources that agree")
		}
	case Unknown:
		if v.Value != zero {
			fs.Add(field+".value", fmt.Sprint(v.Value), "must be empty when the status is unknown; set the status to verified or unverified to give a value")
		}
	default:
		fs.Add(field+".status", string(v.Status), "is not a status; use verified, unverified or unknown")
	}
	if utf8.RuneCountInString(v.Source) > 1000 {
		fs.Add(field+".source", v.Source, "is longer than 1000 characters")
	}
}

// Table is the configuration of the regions: every version of each,
// oldest first.
type Table struct {
	byCode map[string][]Version
}

//go:embed data/regencies.json
var defaultData []byte

var defaults = sync.OnceValues(func() (Table, error) { return ReadTable(defaultData) })

// Defaults returns the configuration shipped in data/regencies.json. It
// panics if the embedded file is broken, which a test rules out.
func Defaults() Table {
	t, err := defaults()
	if err != nil {
		panic(fmt.Sprintf("pbjt: embedded data/regencies.json: %v", err))
	}
	return t
}

// Lookup returns the shipped configuration of the region on day d.
func Lookup(regencyCode string, d time.Time) (Version, error) {
	return Defaults().Lookup(regencyCode, d)
}

// With returns a copy of t in which vs are added; a version for the same
// region and day replaces the one in t.
func (t Table) With(vs ...Version) Table {
	out := Table{byCode: make(map[string][]Version, len(t.byCode))}
	for k, v := range t.byCode {
		out.byCode[k] = slices.Clone(v)
	}
	for _, v := range vs {
		list := out.byCode[v.RegencyCode]
		i := slices.IndexFunc(list, func(o Version) bool { return o.From.Equal(v.From) })
		if i >= 0 {
			list[i] = v
		} else {
			list = append(list, v)
		}
		slices.SortFunc(list, func(a, b Version) int { return a.From.Compare(b.From) })
		out.byCode[v.RegencyCode] = list
	}
	return out
}

// Versions returns every version of the region, oldest first.
func (t Table) Versions(regencyCode string) []Version {
	return slices.Clone(t.byCode[area.Normalize(regencyCode)])
}

// Lookup returns the version of the region in force on day d: NotFound
// when the region is not one of the nine, or d is before its first
// version.
func (t Table) Lookup(regencyCode string, d time.Time) (Version, error) {
	code := area.Normalize(regencyCode)
	list, ok := t.byCode[code]
	if !ok {
		name := code
		if a, found := area.Regency(code); found {
			name = a.Name + " (" + code + ")"
		}
		return Version{}, errs.Errorf(errs.NotFound, "%s is not one of the nine Bali regions coretax holds PBJT configuration for (%s)", name, strings.Join(Regions, ", "))
	}
	d = calendar.Midnight(d)
	for i := len(list) - 1; i >= 0; i-- {
		if !d.Before(list[i].From) {
			return list[i], nil
		}
	}
	return Version{}, errs.Errorf(errs.NotFound, "coretax holds no PBJT configuration of %s before %s", list[0].Name(), list[0].From.Format(time.DateOnly))
}

// The file form of the configuration: data/regencies.json, and the
// stored form of versions added in the database.
type (
	fileValue[T any] struct {
		Value  T      `json:"value"`
		Status Status `json:"status"`
		Source string `json:"source"`
	}
	fileVersion struct {
		From              string            `json:"from"`
		Regulation        fileValue[string] `json:"regulation"`
		Office            fileValue[string] `json:"office"`
		Rate              fileValue[Rate]   `json:"rate_bp"`
		FilingDay         fileValue[int]    `json:"filing_day"`
		PaymentDay        fileValue[int]    `json:"payment_day"`
		InterestPerMonth  fileValue[Rate]   `json:"interest_bp_per_month"`
		InterestMaxMonths fileValue[int]    `json:"interest_max_months"`
		LateFilingFine    fileValue[int64]  `json:"late_filing_fine_sen"`
		FormLayout        fileValue[string] `json:"form_layout"`
		Numbering         fileValue[string] `json:"numbering"`
		// PaymentCode is left out by versions stored before it existed;
		// they get DefaultPaymentCode.
		PaymentCode *fileValue[string] `json:"payment_code,omitempty"`
		Note        string             `json:"note,omitempty"`
	}
	fileRegion struct {
		Code     string        `json:"code"`
		Versions []fileVersion `json:"versions"`
	}
	fileTable struct {
		About   string       `json:"about"`
		Regions []fileRegion `json:"regions"`
	}
)

func toFile[T any](v Value[T]) fileValue[T] {
	return fileValue[T](v)
}

func fromFile[T any](v fileValue[T]) Value[T] {
	return Value[T](v)
}

func (v Version) file() fileVersion {
	f := fileVersion{From: v.From.Format(time.DateOnly), Regulation: toFile(v.Regulation), Office: toFile(v.Office),
		Rate: toFile(v.Rate), FilingDay: toFile(v.FilingDay), PaymentDay: toFile(v.PaymentDay),
		InterestPerMonth: toFile(v.InterestPerMonth), InterestMaxMonths: toFile(v.InterestMaxMonths),
		LateFilingFine: fileValue[int64]{Value: v.LateFilingFine.Value.Sen(), Status: v.LateFilingFine.Status, Source: v.LateFilingFine.Source}, FormLayout: toFile(v.FormLayout), Numbering: toFile(v.Numbering), Note: v.Note}
	if v.PaymentCode.Status != "" {
		pc := toFile(v.PaymentCode)
		f.PaymentCode = &pc
	}
	return f
}

func (f fileVersion) version(code string) (Version, error) {
	from, err := time.Parse(time.DateOnly, f.From)
	if err != nil {
		return Version{}, fmt.Errorf("from %q: %w", f.From, err)
	}
	v := Version{RegencyCode: code, From: from, Regulation: fromFile(f.Regulation), Office: fromFile(f.Office),
		Rate: fromFile(f.Rate), FilingDay: fromFile(f.FilingDay), PaymentDay: fromFile(f.PaymentDay),
		InterestPerMonth: fromFile(f.InterestPerMonth), InterestMaxMonths: fromFile(f.InterestMaxMonths),
		LateFilingFine: Value[money.Amount]{Value: money.Amount(f.LateFilingFine.Value), Status: f.LateFilingFine.Status, Source: f.LateFilingFine.Source}, FormLayout: fromFile(f.FormLayout), Numbering: fromFile(f.Numbering), PaymentCode: DefaultPaymentCode, Note: f.Note}
	if f.PaymentCode != nil {
		v.PaymentCode = fromFile(*f.PaymentCode)
	}
	return v, nil
}

// EncodeValues returns the values of v (everything but the region, the
// day and who recorded it) in the JSON form of data/regencies.json, for
// storage.
func EncodeValues(v Version) ([]byte, error) { return json.Marshal(v.file()) }

// DecodeValues reads values written by EncodeValues into a version of the
// region from day from.
func DecodeValues(code string, from time.Time, b []byte) (Version, error) {
	var f fileVersion
	if err := json.Unmarshal(b, &f); err != nil {
		return Version{}, fmt.Errorf("stored PBJT configuration of %s: %w", code, err)
	}
	f.From = from.Format(time.DateOnly)
	return f.version(code)
}

// ReadTable reads a configuration file in the form of data/regencies.json
// and checks every version.
func ReadTable(b []byte) (Table, error) {
	var f fileTable
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Table{}, err
	}
	t := Table{byCode: map[string][]Version{}}
	for _, r := range f.Regions {
		for i, fv := range r.Versions {
			v, err := fv.version(r.Code)
			if err != nil {
				return Table{}, fmt.Errorf("region %s version %d: %w", r.Code, i+1, err)
			}
			if err := v.Check(); err != nil {
				return Table{}, fmt.Errorf("region %s version %d: %v", r.Code, i+1, errs.FieldsOf(err))
			}
			t.byCode[v.RegencyCode] = append(t.byCode[v.RegencyCode], v)
		}
		slices.SortFunc(t.byCode[r.Code], func(a, b Version) int { return a.From.Compare(b.From) })
	}
	for _, code := range Regions {
		if len(t.byCode[code]) == 0 {
			return Table{}, fmt.Errorf("region %s has no version", code)
		}
	}
	return t, nil
}
