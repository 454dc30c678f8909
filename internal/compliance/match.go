package compliance

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/coretax/coretax/internal/money"
)

// Month is one tax month of a listing's third-party bookings.
type Month struct {
	Period     string
	Gross      money.Amount
	Commission money.Amount
	Payout     money.Amount
	// Offshore is the gross of the bookings paid out abroad.
	Offshore money.Amount
	Bookings int
	// Nights marks the nights the month's stays occupy, bit i the night
	// starting i days after the first day of the previous month (stays
	// count in the month of check-out, so their nights may start in the
	// month before). Undated is set when a record of the month has no
	// dates or a stay reaches outside those two months: its nights are
	// unknown. Nights show whether two sources' stays can be the same
	// (doc/compliance.md, "Listings of one place").
	Nights  uint64
	Undated bool
}

// night marks r's nights in m, or m.Undated when they cannot be known.
func (m *Month) night(r *Record) {
	p, err := parsePeriod(r.Period)
	if r.CheckIn.IsZero() || r.CheckOut.IsZero() || err != nil {
		m.Undated = true
		return
	}
	prev := p.Prev()
	start := time.Date(prev.Year, prev.Month, 1, 0, 0, 0, 0, time.UTC)
	from := int(r.CheckIn.Sub(start).Hours() / 24)
	to := int(r.CheckOut.Sub(start).Hours() / 24)
	if from < 0 || to > 64 || to <= from {
		m.Undated = true
		return
	}
	for i := from; i < to; i++ {
		m.Nights |= 1 << uint(i)
	}
}

// Listing is one listing's current third-party booking records within the
// window, totalled per month. It keeps the ids of its first records as
// evidence, not the records: memory grows with listings, not bookings.
type Listing struct {
	Source, ID                                                          string
	Name, RegencyCode, DistrictCode, NPWPD, HostNIK, HostNPWP, HostName string
	Street                                                              string
	Months                                                              []Month
	Records                                                             int
	RecordIDs                                                           []int64
	Countries                                                           []string
}

// Key is the listing's subject key.
func (l *Listing) Key() string { return "listing:" + l.Source + ":" + l.ID }

// add counts r into the listing; identity fields take the latest
// non-empty value (records come in id order).
func (l *Listing) add(r *Record, maxEvidence int) error {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&l.Name, r.ListingName)
	set(&l.RegencyCode, r.RegencyCode)
	set(&l.DistrictCode, r.DistrictCode)
	set(&l.NPWPD, r.NPWPD)
	set(&l.HostNIK, r.HostNIK)
	set(&l.HostNPWP, r.HostNPWP)
	set(&l.HostName, r.HostName)
	set(&l.Street, r.Street)
	i, found := slices.BinarySearchFunc(l.Months, r.Period, func(m Month, p string) int { return strings.Compare(m.Period, p) })
	if !found {
		l.Months = slices.Insert(l.Months, i, Month{Period: r.Period})
	}
	m := &l.Months[i]
	var err error
	if m.Gross, err = m.Gross.Add(r.Gross); err != nil {
		return err
	}
	if m.Commission, err = m.Commission.Add(r.Commission); err != nil {
		return err
	}
	if m.Payout, err = m.Payout.Add(r.Payout); err != nil {
		return err
	}
	if r.Offshore() {
		if m.Offshore, err = m.Offshore.Add(r.Gross); err != nil {
			return err
		}
		if !slices.Contains(l.Countries, r.PayoutCountry) {
			l.Countries = append(l.Countries, r.PayoutCountry)
		}
	}
	m.night(r)
	m.Bookings++
	l.Records++
	if len(l.RecordIDs) < maxEvidence {
		l.RecordIDs = append(l.RecordIDs, r.ID)
	}
	return nil
}

// Owner is an owner of a registered property.
type Owner struct {
	TaxpayerID int64
	NPWP, NIK  string
	Name       string
	Share      int
}

// Property is a registered PBJT property as the rules see it: its
// operator (the taxpayer it is registered to) and current owners.
type Property struct {
	ID, TaxpayerID                         int64
	NPWP, NIK, TaxpayerName                string
	Individual                             bool
	Name, RegencyCode, DistrictCode, NPWPD string
	Owners                                 []Owner
}

// Declaration is the current revision of a PBJT declaration (read from
// the declarations module's table, pbjt_declarations).
type Declaration struct {
	ID, TaxpayerID, PropertyID int64
	RegencyCode, Period        string
	Revision                   int
	Base, BookingsGross, Tax   money.Amount
	FiledAt                    time.Time
}

// Summary is the declaration's line of evidence.
func (d Declaration) Summary() string {
	return fmt.Sprintf("declaration %d: property %d with region %s for %s, revision %d, base %s, tax %s, filed %s",
		d.ID, d.PropertyID, d.RegencyCode, d.Period, d.Revision, d.Base.Display(), d.Tax.Display(), d.FiledAt.Format(time.DateOnly))
}

// normName reduces a listing or property name to lower-case letters and
// digits: "Villa Kembang – Ubud" and "villa kembang ubud" compare equal.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Index finds registered properties by the match keys of
// doc/compliance.md. It holds every property (not bookings): 50,000
// properties take a few tens of megabytes.
type Index struct {
	byNPWPD    map[string][]*Property // "5103/npwpd" and "*/npwpd"
	byHost     map[string][]*Property // NPWP or NIK of the operator or a current owner
	byName     map[string][]*Property // "district/normalised name"
	properties int
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byNPWPD: map[string][]*Property{}, byHost: map[string][]*Property{}, byName: map[string][]*Property{}}
}

// Len is the number of properties indexed.
func (ix *Index) Len() int { return ix.properties }

func addUnique(m map[string][]*Property, k string, p *Property) {
	if k == "" || slices.Contains(m[k], p) {
		return
	}
	m[k] = append(m[k], p)
}

// Add indexes p.
func (ix *Index) Add(p Property) {
	pp := &p
	ix.properties++
	if p.NPWPD != "" {
		n := strings.ToUpper(strings.TrimSpace(p.NPWPD))
		addUnique(ix.byNPWPD, p.RegencyCode+"/"+n, pp)
		addUnique(ix.byNPWPD, "*/"+n, pp)
	}
	addUnique(ix.byHost, p.NPWP, pp)
	addUnique(ix.byHost, p.NIK, pp)
	for _, o := range p.Owners {
		addUnique(ix.byHost, o.NPWP, pp)
		addUnique(ix.byHost, o.NIK, pp)
	}
	if n := normName(p.Name); n != "" && p.DistrictCode != "" {
		addUnique(ix.byName, p.DistrictCode+"/"+n, pp)
	}
}

// The match keys, strongest first, with the confidence each gives that
// the listing is the property (doc/compliance.md, "Match keys").
const (
	KeyNPWPD      = "npwpd"         // the listing carries the property's NPWPD
	KeyHostName   = "host+name"     // host NPWP/NIK and the name agree
	KeyHostPlace  = "host+district" // host NPWP/NIK and the district agree
	KeyHostOnly   = "host"          // host NPWP/NIK of a taxpayer with this one property
	KeyPlaceName  = "district+name" // same district and the same name
	KeyHostOthers = "host-other"    // the host holds properties, none of which this listing is
)

// matchConfidence is the confidence of each key.
var matchConfidence = map[string]int{KeyNPWPD: 95, KeyHostName: 90, KeyHostPlace: 85, KeyHostOnly: 70, KeyPlaceName: 75}

// Match is the property a listing is, and how sure that is.
type Match struct {
	Property   *Property // nil when no property matches
	Key        string
	Confidence int
	// Holder is a property of the host when the host holds properties
	// but none matches (KeyHostOthers).
	Holder *Property
}

// Match finds the property l is.
func (ix *Index) Match(l *Listing) Match {
	if l.NPWPD != "" {
		n := strings.ToUpper(strings.TrimSpace(l.NPWPD))
		cands := ix.byNPWPD["*/"+n]
		if l.RegencyCode != "" {
			if c := ix.byNPWPD[l.RegencyCode+"/"+n]; len(c) == 1 {
				cands = c
			}
		}
		if len(cands) == 1 {
			return Match{Property: cands[0], Key: KeyNPWPD, Confidence: matchConfidence[KeyNPWPD]}
		}
	}
	var host []*Property
	for _, id := range []string{l.HostNPWP, l.HostNIK} {
		for _, p := range ix.byHost[id] {
			if id != "" && !slices.Contains(host, p) {
				host = append(host, p)
			}
		}
	}
	name := normName(l.Name)
	if len(host) > 0 {
		pick := func(key string, ok func(*Property) bool) (Match, bool) {
			var hit []*Property
			for _, p := range host {
				if ok(p) {
					hit = append(hit, p)
				}
			}
			if len(hit) == 1 {
				return Match{Property: hit[0], Key: key, Confidence: matchConfidence[key]}, true
			}
			return Match{}, false
		}
		if m, ok := pick(KeyHostName, func(p *Property) bool { return name != "" && normName(p.Name) == name }); ok {
			return m
		}
		if m, ok := pick(KeyHostPlace, func(p *Property) bool { return l.DistrictCode != "" && p.DistrictCode == l.DistrictCode }); ok {
			return m
		}
		if len(host) == 1 && (l.DistrictCode == "" || name == "") {
			return Match{Property: host[0], Key: KeyHostOnly, Confidence: matchConfidence[KeyHostOnly]}
		}
	}
	if name != "" && l.DistrictCode != "" {
		if c := ix.byName[l.DistrictCode+"/"+name]; len(c) == 1 {
			return Match{Property: c[0], Key: KeyPlaceName, Confidence: matchConfidence[KeyPlaceName]}
		}
	}
	if len(host) > 0 {
		slices.SortFunc(host, func(a, b *Property) int { return cmp.Compare(a.ID, b.ID) })
		return Match{Key: KeyHostOthers, Holder: host[0]}
	}
	return Match{}
}
