package pbjt

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// Kind is the kind of accommodation a property offers. The kinds are the
// accommodation the HKPD-era regional lists name as jasa perhotelan
// (local-tax-bali.md §2, "Covered accommodation").
type Kind string

// KindInfo is a kind of property with what it is.
type KindInfo struct {
	Kind  Kind
	Label string
}

// Kinds lists the kinds of property.
var Kinds = []KindInfo{
	{"villa", "villa (vila)"},
	{"guesthouse", "guesthouse, rumah penginapan"},
	{"pondok_wisata", "pondok wisata (homestay)"},
	{"hotel", "hotel"},
	{"hostel", "hostel"},
	{"bungalow", "bungalow or cottage"},
	{"resort", "resort"},
	{"motel", "motel"},
	{"losmen", "losmen"},
	{"wisma_pariwisata", "wisma pariwisata or pesanggrahan"},
	{"private_home", "private home let as accommodation"},
	{"glamping", "glamping"},
}

// Label says what the kind is; an unknown kind is returned as it is.
func (k Kind) Label() string {
	for _, in := range Kinds {
		if in.Kind == k {
			return in.Label
		}
	}
	return string(k)
}

func kindNames() string {
	names := make([]string, len(Kinds))
	for i, in := range Kinds {
		names[i] = string(in.Kind)
	}
	return strings.Join(names, ", ")
}

// WholeShare is the whole property in basis points: owners' shares are
// basis points of it.
const WholeShare = 10000

// Property is accommodation registered to a taxpayer, the operator who
// owes PBJT on it (the wajib pajak of UU HKPD; local-tax-bali.md §2). It
// files with the region its address lies in.
type Property struct {
	ID         int64
	TaxpayerID int64 // the operator it is registered to
	Name       string
	Kind       Kind
	Address    registration.Address
	// RegencyCode is derived from the address's codes, never typed.
	RegencyCode string
	// NPWPD is the local tax number the region issued; empty while the
	// property is not registered with the region.
	NPWPD  string
	Units  []Unit
	Owners []Owner

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Unit is a lettable unit of a property: a villa of a complex, a room of
// a guesthouse.
type Unit struct {
	Name  string
	Rooms int // bedrooms
}

// Owner is an owner's share of a property from a day until a day.
type Owner struct {
	TaxpayerID int64
	NPWP       string
	Name       string
	Share      int       // basis points of the whole property
	From       time.Time // first day of ownership
	Until      time.Time // last day of ownership; zero while it lasts
}

// Covers reports whether the ownership covers day d.
func (o Owner) Covers(d time.Time) bool {
	return !d.Before(o.From) && (o.Until.IsZero() || !d.After(o.Until))
}

// OwnersOn returns the owners on day d.
func (p Property) OwnersOn(d time.Time) []Owner {
	var out []Owner
	for _, o := range p.Owners {
		if o.Covers(d) {
			out = append(out, o)
		}
	}
	return out
}

// PropertyInput is a property as an owner or operator enters it.
type PropertyInput struct {
	Name    string
	Kind    string
	Address registration.AddressInput
	NPWPD   string
	Units   []Unit
	Owners  []OwnerInput
}

// OwnerInput is an owner as entered: the NPWP of a registered taxpayer,
// the share in basis points and the days.
type OwnerInput struct {
	NPWP  string
	Share int
	From  time.Time
	Until time.Time
}

var npwpd = regexp.MustCompile(`^[0-9A-Z][0-9A-Z./-]{0,39}$`)

// checkProperty validates in without consulting any store and returns the
// property it describes, without its owners' taxpayer IDs and names.
// owners and fields come back together: owner i of the result is owner i
// of in.
func checkProperty(in PropertyInput) (Property, errs.Fields) {
	var fs errs.Fields
	p := Property{Name: strings.Join(strings.Fields(in.Name), " "), Kind: Kind(strings.TrimSpace(in.Kind)),
		NPWPD: strings.ToUpper(strings.TrimSpace(in.NPWPD))}
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		fs.Add("name", in.Name, "is required: the name guests book, e.g. Villa Sawah Hijau")
	case n > 200:
		fs.Add("name", in.Name, "is %d characters long; at most 200", n)
	}
	if !slices.ContainsFunc(Kinds, func(k KindInfo) bool { return k.Kind == p.Kind }) {
		fs.Add("kind", in.Kind, "is not a kind of accommodation; use one of %s", kindNames())
	}
	p.Address, p.RegencyCode = checkAddress(&fs, in.Address)
	if p.NPWPD != "" && !npwpd.MatchString(p.NPWPD) {
		fs.Add("npwpd", in.NPWPD, "is not a local tax number: up to 40 letters, digits, dots, dashes and slashes as the region printed it; leave it empty until the region issues one")
	}
	if len(in.Units) == 0 {
		fs.Add("units", "", "a property needs at least one unit: the villa itself, or each villa or room let separately")
	}
	seen := map[string]bool{}
	for i, u := range in.Units {
		f := fmt.Sprintf("units[%d]", i)
		u.Name = strings.Join(strings.Fields(u.Name), " ")
		switch n := utf8.RuneCountInString(u.Name); {
		case n == 0:
			fs.Add(f+".name", u.Name, "is required, e.g. Villa A or Room 1")
		case n > 100:
			fs.Add(f+".name", u.Name, "is %d characters long; at most 100", n)
		case seen[strings.ToLower(u.Name)]:
			fs.Add(f+".name", u.Name, "is the name of another unit; give each unit its own name")
		}
		seen[strings.ToLower(u.Name)] = true
		if u.Rooms < 1 || u.Rooms > 500 {
			fs.Add(f+".rooms", fmt.Sprint(u.Rooms), "must be the number of bedrooms, 1 to 500")
		}
		p.Units = append(p.Units, u)
	}
	for i, o := range in.Owners {
		f := fmt.Sprintf("owners[%d]", i)
		ow := Owner{Share: o.Share, From: calendar.Midnight(o.From)}
		if !o.Until.IsZero() {
			ow.Until = calendar.Midnight(o.Until)
		}
		if o.Share < 1 || o.Share > WholeShare {
			fs.Add(f+".share", fmt.Sprint(o.Share), "must be from 1 to %d basis points (10000 is the whole property)", WholeShare)
		}
		if o.From.IsZero() {
			fs.Add(f+".from", "", "is required: the first day of ownership, as YYYY-MM-DD")
		}
		if !ow.Until.IsZero() && ow.Until.Before(ow.From) {
			fs.Add(f+".until", ow.Until.Format(time.DateOnly), "is before the first day %s", ow.From.Format(time.DateOnly))
		}
		p.Owners = append(p.Owners, ow)
	}
	if len(in.Owners) == 0 {
		fs.Add("owners", "", "a property needs its owners with their shares; a sole owner holds 10000 basis points")
	} else if len(fs) == 0 {
		if f := checkShares(p.Owners); f != nil {
			fs.Append(*f)
		}
	}
	return p, fs
}

// checkAddress checks the address's codes against the Kemendagri list and
// derives the region the property files with: its regency code, which
// must be one of the nine Bali regions.
func checkAddress(fs *errs.Fields, in registration.AddressInput) (registration.Address, string) {
	a := registration.Address{Street: strings.Join(strings.Fields(in.Street), " "), ProvinceCode: area.Normalize(in.ProvinceCode),
		RegencyCode: area.Normalize(in.RegencyCode), DistrictCode: area.Normalize(in.DistrictCode), PostalCode: strings.TrimSpace(in.PostalCode)}
	switch n := utf8.RuneCountInString(a.Street); {
	case n == 0:
		fs.Add("address.street", in.Street, "is required: street, number, banjar and village (desa/kelurahan)")
	case n > 300:
		fs.Add("address.street", in.Street, "is %d characters long; at most 300", n)
	}
	if len(a.PostalCode) != 5 || strings.Trim(a.PostalCode, "0123456789") != "" || a.PostalCode[0] == '0' {
		fs.Add("address.postal_code", in.PostalCode, "must be 5 digits, e.g. 80361")
	}
	if _, ok := area.Province(a.ProvinceCode); !ok {
		fs.Add("address.province_code", in.ProvinceCode, "is not a province code; use the 2-digit Kemendagri code, 51 for Bali")
		return a, ""
	}
	reg, ok := area.Regency(a.RegencyCode)
	if !ok || !strings.HasPrefix(a.RegencyCode, a.ProvinceCode) {
		fs.Add("address.regency_code", in.RegencyCode, "is not a regency or city of province %s; use the 4-digit Kemendagri code, e.g. 5103 for Badung", a.ProvinceCode)
		return a, ""
	}
	dist, ok := area.District(a.DistrictCode)
	if !ok || !strings.HasPrefix(a.DistrictCode, a.RegencyCode) {
		fs.Add("address.district_code", in.DistrictCode, "is not a district (kecamatan) of %s; use the 6-digit Kemendagri code, e.g. 510301 for Kuta Selatan", reg.Name)
		return a, ""
	}
	// The region is taken from the district, the most precise code, so
	// that it can never disagree with where the property lies.
	code := dist.ParentCode
	if !IsRegion(code) {
		fs.Add("address.regency_code", in.RegencyCode, "%s is outside Bali; coretax holds PBJT configuration for the nine Bali regions only (%s)", reg.Name, strings.Join(Regions, ", "))
		return a, ""
	}
	return a, code
}

// checkShares checks that the owners' shares add up to the whole property
// on every day from the first owner's first day on: each change of
// ownership must end one share the day before another begins.
func checkShares(owners []Owner) *errs.FieldError {
	days := make([]time.Time, 0, 2*len(owners))
	for _, o := range owners {
		days = append(days, o.From)
		if !o.Until.IsZero() {
			days = append(days, o.Until.AddDate(0, 0, 1))
		}
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	days = slices.CompactFunc(days, func(a, b time.Time) bool { return a.Equal(b) })
	// The sum is constant between consecutive change days, so checking
	// each change day checks every day.
	for _, d := range days {
		sum := 0
		for _, o := range owners {
			if o.Covers(d) {
				sum += o.Share
			}
		}
		if sum != WholeShare {
			f := errs.Field("owners", d.Format(time.DateOnly), "the shares add up to %d basis points on %s; they must add up to %d (the whole property) on every day from the first owner's first day, with no gap when ownership changes",
				sum, d.Format(time.DateOnly), WholeShare)
			return &f
		}
	}
	return nil
}
