package registration

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// Application is a registration request as the user typed it. Fields are
// strings so that every mistake can be reported against what was sent;
// field names in errors are the snake_case names used by the API and the
// forms.
type Application struct {
	Kind string // resident_individual, foreign_individual, entity, government
	Name string

	NIK        string // resident individuals
	LegacyNPWP string // resident individuals who held a 15-digit NPWP (optional)

	PassportNumber    string // foreign individuals
	Nationality       string // ISO 3166-1 alpha-3
	StayPermitKind    string // KITAS or KITAP (optional; taken from the immigration registry when empty)
	StayPermitNumber  string
	StayPermitExpires string // YYYY-MM-DD

	EntityForm     string // entities: PT, PT_PMA, CV, FIRMA, YAYASAN, KOPERASI, OTHER_BADAN
	DeedNumber     string
	RegistryNumber string

	Address AddressInput
	Email   string
	Mobile  string
}

// AddressInput is an address as typed.
type AddressInput struct {
	Street       string
	ProvinceCode string
	RegencyCode  string
	DistrictCode string
	PostalCode   string
}

var postalCode = regexp.MustCompile(`^[1-9][0-9]{4}$`)

// validate checks the application without consulting any store and
// returns the taxpayer it describes.
func (a Application) validate(today time.Time) (Taxpayer, []NPWPLink, errs.Fields) {
	var fs errs.Fields
	var t Taxpayer
	var links []NPWPLink
	t.Kind = Kind(strings.TrimSpace(a.Kind))
	if !slices.Contains(Kinds, t.Kind) {
		fs.Add("kind", a.Kind, "is not a kind of taxpayer; use one of resident_individual, foreign_individual, entity, government")
		return t, nil, fs
	}
	t.Name = cleanName(a.Name)
	if f := checkName("name", a.Name); f != nil {
		fs.Append(*f)
	}
	switch t.Kind {
	case ResidentIndividual:
		nik, err := taxid.ParseNIK(a.NIK)
		if err != nil {
			fs.Add("nik", a.NIK, "%s", errs.Message(err))
		} else {
			info := nik.Decode(today)
			t.NIK, t.NPWP = nik, taxid.NPWP(nik)
			t.BirthDate, t.Sex = info.BirthDate, string(info.Sex)
		}
		if strings.TrimSpace(a.LegacyNPWP) != "" {
			n, _, err := taxid.ParseNPWP(a.LegacyNPWP)
			if err != nil {
				fs.Add("legacy_npwp", a.LegacyNPWP, "%s", errs.Message(err))
			} else if _, ok := n.Legacy(); !ok {
				fs.Add("legacy_npwp", a.LegacyNPWP, "is not a legacy NPWP; give the old 15-digit number (NN.NNN.NNN.N-NNN.NNN) or leave it empty")
			} else {
				links = append(links, NPWPLink{LegacyNPWP: n, Note: "declared at registration"})
			}
		}
		for _, f := range []struct{ name, v string }{{"passport_number", a.PassportNumber}, {"entity_form", a.EntityForm}, {"registry_number", a.RegistryNumber}} {
			if strings.TrimSpace(f.v) != "" {
				fs.Add(f.name, f.v, "does not apply to a resident individual; leave it empty")
			}
		}
	case ForeignIndividual:
		p, err := taxid.ParsePassport(a.PassportNumber)
		if err != nil {
			fs.Add("passport_number", a.PassportNumber, "%s", errs.Message(err))
		}
		t.Passport = string(p)
		c, err := taxid.ParseCountry(a.Nationality)
		switch {
		case err != nil:
			fs.Add("nationality", a.Nationality, "%s", errs.Message(err))
		case c == "IDN":
			fs.Add("nationality", a.Nationality, "is Indonesian; Indonesian citizens register as resident individuals with their NIK")
		}
		t.Nationality = string(c)
		t.StayPermit, fs = stayPermit(a, today, fs)
		if strings.TrimSpace(a.NIK) != "" {
			fs.Add("nik", a.NIK, "does not apply to a foreign individual registered by passport; a foreigner holding a NIK registers as resident_individual")
		}
	case Entity:
		t.EntityForm = EntityForm(strings.ToUpper(strings.TrimSpace(a.EntityForm)))
		if !slices.Contains(EntityForms, t.EntityForm) {
			fs.Add("entity_form", a.EntityForm, "is not a legal form; use one of PT, PT_PMA, CV, FIRMA, YAYASAN, KOPERASI, OTHER_BADAN")
		}
		t.DeedNumber = strings.TrimSpace(a.DeedNumber)
		if t.DeedNumber == "" {
			fs.Add("deed_number", a.DeedNumber, "is required for an entity: the number of the deed of establishment (akta pendirian)")
		} else if len(t.DeedNumber) > 64 {
			fs.Add("deed_number", a.DeedNumber, "is %d characters long; at most 64", len(t.DeedNumber))
		}
		t.RegistryNumber = strings.ToUpper(strings.TrimSpace(a.RegistryNumber))
		if t.RegistryNumber == "" {
			fs.Add("registry_number", a.RegistryNumber, "is required for an entity: its number in the company registry")
		} else if len(t.RegistryNumber) > 64 {
			fs.Add("registry_number", a.RegistryNumber, "is %d characters long; at most 64", len(t.RegistryNumber))
		}
	case Government:
		if strings.TrimSpace(a.NIK) != "" || strings.TrimSpace(a.PassportNumber) != "" {
			fs.Add("nik", a.NIK, "does not apply to a government agency; leave NIK and passport empty")
		}
	}
	var addr errs.Fields
	t.Address, addr = a.Address.validate()
	fs.Append(addr.Prefix("address")...)
	if e, f := NormalizeEmail(a.Email); f != nil {
		fs.Append(*f)
	} else {
		t.Email = e
	}
	if m, f := NormalizeMobile(a.Mobile); f != nil {
		fs.Append(*f)
	} else {
		t.Mobile = m
	}
	return t, links, fs
}

func stayPermit(a Application, today time.Time, fs errs.Fields) (StayPermit, errs.Fields) {
	var p StayPermit
	kind := strings.ToUpper(strings.TrimSpace(a.StayPermitKind))
	number := strings.ToUpper(strings.TrimSpace(a.StayPermitNumber))
	exp := strings.TrimSpace(a.StayPermitExpires)
	if kind == "" && number == "" && exp == "" {
		return p, fs
	}
	if kind != "KITAS" && kind != "KITAP" {
		fs.Add("stay_permit_kind", a.StayPermitKind, "must be KITAS (limited stay permit) or KITAP (permanent stay permit), or leave all stay permit fields empty to take them from the immigration registry")
	}
	if number == "" {
		fs.Add("stay_permit_number", a.StayPermitNumber, "is required when a stay permit kind is given: the number printed on the permit")
	}
	p.Kind, p.Number = kind, number
	if exp != "" {
		d, err := parseDate(exp)
		if err != nil {
			fs.Add("stay_permit_expires", exp, "%s", err)
		} else {
			p.Expires = d
		}
	}
	return p, fs
}

func (in AddressInput) validate() (Address, errs.Fields) {
	var fs errs.Fields
	a := Address{
		Street:       strings.Join(strings.Fields(in.Street), " "),
		ProvinceCode: digitsOnly(in.ProvinceCode),
		RegencyCode:  digitsOnly(in.RegencyCode),
		DistrictCode: digitsOnly(in.DistrictCode),
		PostalCode:   strings.TrimSpace(in.PostalCode),
	}
	switch n := utf8.RuneCountInString(a.Street); {
	case n == 0:
		fs.Add("street", in.Street, "is required: street, number, RT/RW and village (desa/kelurahan)")
	case n > 300:
		fs.Add("street", in.Street, "is %d characters long; at most 300", n)
	}
	prov, ok := area.Province(a.ProvinceCode)
	if !ok {
		fs.Add("province_code", in.ProvinceCode, "is not a province code; use the 2-digit Kemendagri code, e.g. 51 for Bali")
	}
	reg, rok := area.Regency(a.RegencyCode)
	switch {
	case !rok:
		fs.Add("regency_code", in.RegencyCode, "is not a regency or city code; use the 4-digit Kemendagri code, e.g. 5103 for Badung")
	case ok && !strings.HasPrefix(a.RegencyCode, a.ProvinceCode):
		fs.Add("regency_code", in.RegencyCode, "%s is not in the province %s; its code must start with %s", reg.Name, prov.Name, a.ProvinceCode)
	}
	dist, dok := area.District(a.DistrictCode)
	switch {
	case !dok:
		fs.Add("district_code", in.DistrictCode, "is not a district (kecamatan) code; use the 6-digit Kemendagri code, e.g. 510305 for Kuta Selatan")
	case rok && !strings.HasPrefix(a.DistrictCode, a.RegencyCode):
		fs.Add("district_code", in.DistrictCode, "%s is not in %s; its code must start with %s", dist.Name, reg.Name, a.RegencyCode)
	}
	if !postalCode.MatchString(a.PostalCode) {
		fs.Add("postal_code", in.PostalCode, "must be 5 digits, e.g. 80361")
	}
	return a, fs
}

// checkName checks a person's or entity's name.
func checkName(field, s string) *errs.FieldError {
	n := cleanName(s)
	var f errs.FieldError
	switch c := utf8.RuneCountInString(n); {
	case c == 0:
		f = errs.Field(field, s, "is required")
	case c > 200:
		f = errs.Field(field, s, "is %d characters long; at most 200", c)
	default:
		for _, r := range n {
			if r < ' ' || r == 0x7f {
				f = errs.Field(field, s, "contains a control character; remove it")
				break
			}
		}
		if f.Field == "" {
			return nil
		}
	}
	return &f
}

// cleanName trims a name and collapses runs of white space.
func cleanName(s string) string { return strings.Join(strings.Fields(s), " ") }

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '.' || r == ' ' || r == '-' {
			return -1
		}
		return 'x' // keep a marker so that "51a" does not pass as "51"
	}, s)
}

// parseDate parses a calendar date written YYYY-MM-DD.
func parseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31")
	}
	return d, nil
}

// parseNPWPField parses an NPWP typed into the named field.
func parseNPWPField(field, s string) (taxid.NPWP, error) {
	n, _, err := taxid.ParseNPWP(s)
	if err != nil {
		return "", errs.InvalidFields("the NPWP is not valid", errs.Field(field, s, "%s", errs.Message(err)))
	}
	return n, nil
}
