// Package treaty holds the maximum withholding rates of Indonesia's tax
// treaties (P3B) as dated reference data per country of residence and
// income type, for PPh 26 on BP26 slips and BPNR slips with facility COD
// (a certificate of domicile, PER-25/PJ/2018).
//
// The domain notes (pph21.md §11, ebupot.md) give no rate for any
// country, so coretax ships no rows: an installation loads its own table
// from a JSON file (coretax treaty load FILE, doc/pph21.md "Treaty
// rates"), the way the tax object codes are reference data held in a
// file. Every row carries the treaty's name, its source and a status
// (verified or unverified), the value-with-status pattern of the PBJT
// regions. testdata/example.json is an example for the tests, not data.
package treaty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// Income is the kind of income a treaty article caps.
type Income string

// The income types of the table and the PPh 26 / BPNR object codes each
// covers (IncomeOf).
const (
	// Dividends: 27-101-01.
	Dividends Income = "dividends"
	// DividendsQualifying: dividends to a company holding at least the
	// treaty's shareholding (often 25 %); a slip says so by asking for it
	// (Query.Qualifying). Same object code as Dividends.
	DividendsQualifying Income = "dividends-qualifying"
	// Interest: 27-102-01, 27-102-02, 27-102-03, 27-107-01.
	Interest Income = "interest"
	// Royalties: 27-103-01.
	Royalties Income = "royalties"
	// Services: employment and independent personal services,
	// 27-104-01 and 27-100-99.
	Services Income = "services"
	// BranchProfit: a permanent establishment's profit after tax,
	// 27-105-01.
	BranchProfit Income = "branch-profit"
	// Other: every other PPh 26 code (rent, prizes, pensions, gains, ...).
	Other Income = "other"
)

// Incomes are the income types, in the order the list shows them.
var Incomes = []Income{Dividends, DividendsQualifying, Interest, Royalties, Services, BranchProfit, Other}

// codes maps the PPh 26 object codes (objectcode data/codes.csv, 27-…)
// to their income type; a 27- code not named here is Other.
var codes = map[string]Income{
	"27-101-01": Dividends,
	"27-102-01": Interest,
	"27-102-02": Interest,
	"27-102-03": Interest,
	"27-107-01": Interest,
	"27-103-01": Royalties,
	"27-104-01": Services,
	"27-100-99": Services,
	"27-105-01": BranchProfit,
}

// IncomeOf returns the income type of a PPh 26 object code, and false
// for a code that is not a PPh 26 code (27-…) or for no code at all.
func IncomeOf(code string) (Income, bool) {
	if in, ok := codes[code]; ok {
		return in, true
	}
	if strings.HasPrefix(code, "27-") {
		return Other, true
	}
	return "", false
}

// Label names the income type in a message: "royalties", "dividends
// (qualifying shareholding)".
func (i Income) Label() string {
	switch i {
	case DividendsQualifying:
		return "dividends (qualifying shareholding)"
	case BranchProfit:
		return "branch profit"
	case Services:
		return "employment and independent services"
	case Other:
		return "other income"
	}
	return string(i)
}

// Status says how far a row can be trusted.
type Status string

// The statuses of a row.
const (
	// Verified: read in the treaty text or its DJP publication.
	Verified Status = "verified"
	// Unverified: taken from a secondary source nobody has checked
	// against the treaty.
	Unverified Status = "unverified"
)

// Rate is a percentage in basis points, as pph21.Rate: 1000 is 10 %.
type Rate int64

// String renders the rate without a percent sign: "10", "7.5".
func (r Rate) String() string {
	s := strconv.FormatInt(int64(r)/100, 10)
	if f := int64(r) % 100; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s
}

// Row is one treaty's maximum rate for one income type from a day until
// an optional last day.
type Row struct {
	Country taxid.Country
	Income  Income
	// Max is the highest rate the treaty lets Indonesia withhold.
	Max Rate
	// From is the first day in force; To the last, zero when open.
	From, To time.Time
	// Treaty names the agreement: "Indonesia–Singapore".
	Treaty string
	// Source is where the rate was read: the treaty's article, its
	// publication, a DJP circular.
	Source string
	Status Status
}

// Covers reports whether the row is in force on day.
func (r Row) Covers(day time.Time) bool {
	return !day.Before(r.From) && (r.To.IsZero() || !day.After(r.To))
}

// Cite is the row as an explanation cites it.
func (r Row) Cite() string {
	to := "open"
	if !r.To.IsZero() {
		to = r.To.Format(dateLayout)
	}
	return fmt.Sprintf("treaty table: %s, %s, %s, %s %% max, %s to %s, %s, %s",
		r.Treaty, r.Country, r.Income, r.Max, r.From.Format(dateLayout), to, r.Source, r.Status)
}

// Table is a checked set of rows: no two rows of one country and income
// type overlap in time.
type Table struct {
	rows []Row
}

// Rows returns the rows sorted by country, income type and From.
func (t *Table) Rows() []Row {
	if t == nil {
		return nil
	}
	return slices.Clone(t.rows)
}

// Len is the number of rows.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.rows)
}

// Lookup returns the row for country and income in force on day, and
// false when the table has none (a nil table has none).
func (t *Table) Lookup(country string, income Income, day time.Time) (Row, bool) {
	if t == nil {
		return Row{}, false
	}
	c := taxid.Country(strings.ToUpper(strings.TrimSpace(country)))
	for _, r := range t.rows {
		if r.Country == c && r.Income == income && r.Covers(day) {
			return r, true
		}
	}
	return Row{}, false
}

const dateLayout = "2006-01-02"

// fileRow is a row as the JSON file writes it.
type fileRow struct {
	Country string `json:"country"`
	Income  string `json:"income"`
	Max     string `json:"max_rate"`
	From    string `json:"from"`
	To      string `json:"to,omitempty"`
	Treaty  string `json:"treaty"`
	Source  string `json:"source"`
	Status  string `json:"status"`
}

// file is the JSON file: {"rows": [...]}.
type file struct {
	Rows []fileRow `json:"rows"`
}

// Parse reads a table file and checks it whole; an error names every bad
// member as rows[i].member with what to give instead.
func Parse(r io.Reader) (*Table, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, errs.InvalidFields("bad treaty table", errs.Field("file", "", "is not a treaty table: %v; give {\"rows\": [{\"country\": \"SGP\", \"income\": \"royalties\", \"max_rate\": \"10\", \"from\": \"2000-01-01\", \"treaty\": \"…\", \"source\": \"…\", \"status\": \"unverified\"}]}", err))
	}
	var fs []errs.FieldError
	add := func(i int, member, value, format string, args ...any) {
		fs = append(fs, errs.Field(fmt.Sprintf("rows[%d].%s", i, member), value, format, args...))
	}
	t := &Table{}
	for i, fr := range f.Rows {
		var row Row
		c, err := taxid.ParseCountry(fr.Country)
		if err != nil {
			add(i, "country", fr.Country, "is not an ISO 3166-1 alpha-3 country code; give e.g. SGP for Singapore")
		} else if c == "IDN" {
			add(i, "country", fr.Country, "is Indonesia; a treaty row names the other country")
		}
		row.Country = c
		row.Income = Income(fr.Income)
		if !slices.Contains(Incomes, row.Income) {
			add(i, "income", fr.Income, "is not an income type; use one of %s", joinIncomes())
		}
		max, err := parseRate(fr.Max)
		if err != nil || max < 0 || max > 2000 {
			add(i, "max_rate", fr.Max, "give the treaty's maximum rate in percent from 0 to 20 (the domestic PPh 26 rate), e.g. \"10\" or \"7.5\"")
		}
		row.Max = max
		if row.From, err = time.Parse(dateLayout, fr.From); err != nil {
			add(i, "from", fr.From, "give the first day in force as YYYY-MM-DD")
		}
		if fr.To != "" {
			if row.To, err = time.Parse(dateLayout, fr.To); err != nil {
				add(i, "to", fr.To, "give the last day in force as YYYY-MM-DD, or leave it out while in force")
			} else if !row.From.IsZero() && row.To.Before(row.From) {
				add(i, "to", fr.To, "is before from %s", fr.From)
			}
		}
		row.Treaty = strings.TrimSpace(fr.Treaty)
		if row.Treaty == "" {
			add(i, "treaty", "", "name the treaty, e.g. \"Indonesia–Singapore\"")
		}
		row.Source = strings.TrimSpace(fr.Source)
		if row.Source == "" {
			add(i, "source", "", "say where the rate was read: the treaty's article and its publication")
		}
		row.Status = Status(fr.Status)
		if row.Status != Verified && row.Status != Unverified {
			add(i, "status", fr.Status, "use verified (read in the treaty) or unverified")
		}
		t.rows = append(t.rows, row)
	}
	if len(fs) > 0 {
		return nil, errs.InvalidFields("bad treaty table", fs...)
	}
	slices.SortStableFunc(t.rows, func(a, b Row) int {
		if c := strings.Compare(string(a.Country), string(b.Country)); c != 0 {
			return c
		}
		if c := slices.Index(Incomes, a.Income) - slices.Index(Incomes, b.Income); c != 0 {
			return c
		}
		return a.From.Compare(b.From)
	})
	for i := 1; i < len(t.rows); i++ {
		a, b := t.rows[i-1], t.rows[i]
		if a.Country == b.Country && a.Income == b.Income && (a.To.IsZero() || !b.From.After(a.To)) {
			fs = append(fs, errs.Field("rows", string(b.Country)+" "+string(b.Income), "two rows from %s and %s overlap; end the earlier one (to) the day before the later one starts", a.From.Format(dateLayout), b.From.Format(dateLayout)))
		}
	}
	if len(fs) > 0 {
		return nil, errs.InvalidFields("bad treaty table", fs...)
	}
	return t, nil
}

// Marshal writes the table in the file format Parse reads.
func (t *Table) Marshal() ([]byte, error) {
	f := file{Rows: []fileRow{}}
	for _, r := range t.Rows() {
		fr := fileRow{Country: string(r.Country), Income: string(r.Income), Max: r.Max.String(), From: r.From.Format(dateLayout),
			Treaty: r.Treaty, Source: r.Source, Status: string(r.Status)}
		if !r.To.IsZero() {
			fr.To = r.To.Format(dateLayout)
		}
		f.Rows = append(f.Rows, fr)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadFile parses the table file at path.
func ReadFile(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

func joinIncomes() string {
	s := make([]string, len(Incomes))
	for i, in := range Incomes {
		s[i] = string(in)
	}
	return strings.Join(s, ", ")
}

// parseRate reads "10", "7.5", "7.25" as basis points.
func parseRate(s string) (Rate, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 3 {
		return 0, fmt.Errorf("bad rate %q", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return Rate(w*100 + f), nil
}

// installed is the table the engine uses; nil (no rows) until Install.
var installed atomic.Pointer[Table]

// Install makes t the table the PPh 26 checks use, for the whole
// process (the server and the command line install the file named by
// CORETAX_TREATY_FILE at start). Install(nil) empties it.
func Install(t *Table) { installed.Store(t) }

// Installed returns the installed table, nil (no rows) when none is.
func Installed() *Table { return installed.Load() }
