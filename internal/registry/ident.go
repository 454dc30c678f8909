package registry

import (
	"strings"
	"time"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// nik checks a NIK with taxid.ParseNIK: 16 digits whose province,
// regency and date of birth exist (identifiers.md §3).
func (c check) nik(name string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	if v == "" {
		c.p.add(c.r, name, v, "is required: the 16-digit NIK")
		return ""
	}
	n, err := taxid.ParseNIK(v)
	if err != nil {
		c.p.add(c.r, name, v, "%s%s", errs.Message(err), spreadsheetHint(v))
		return ""
	}
	return string(n)
}

// spreadsheetHint explains a long number that a spreadsheet has turned
// into scientific notation (5.10301E+15), which loses its last digits.
func spreadsheetHint(v string) string {
	if strings.Contains(strings.ToUpper(v), "E+") {
		return "; a spreadsheet turned the number into 5.1E+15 form and lost digits: format the column as text and enter the numbers again"
	}
	return ""
}

// nikAgrees checks that the birth date and sex of a record are the ones its
// NIK encodes (day of birth, + 40 for women; month; last two digits of the
// year), so that registration, which decodes them from the NIK, finds the
// registry consistent.
func (c check) nikAgrees(nik string, birth time.Time, sex string) {
	if nik == "" {
		return
	}
	n := taxid.NIK(nik)
	day, month, yy := atoi2(nik[6:8])%40, atoi2(nik[8:10]), atoi2(nik[10:12])
	if !birth.IsZero() && (birth.Day() != day || int(birth.Month()) != month || birth.Year()%100 != yy) {
		c.p.add(c.r, "birth_date", birth.Format(time.DateOnly),
			"differs from the NIK %s, which encodes day %02d, month %02d, year ..%02d; correct the birth date or the NIK", nik, day, month, yy)
	}
	if sex != "" && sex != string(n.Sex()) {
		want := "M (day of birth 01–31)"
		if n.Sex() == taxid.Female {
			want = "F (day of birth + 40)"
		}
		c.p.add(c.r, "sex", sex, "differs from the NIK %s, which encodes %s; correct the sex or the NIK", nik, want)
	}
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// passport checks a passport number with taxid.ParsePassport, which
// upper-cases it and drops spaces and dashes.
func (c check) passport(name string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	if v == "" {
		c.p.add(c.r, name, v, "is required: the passport number")
		return ""
	}
	p, err := taxid.ParsePassport(v)
	if err != nil {
		c.p.add(c.r, name, v, "%s", errs.Message(err))
		return ""
	}
	return string(p)
}

// country checks an ISO 3166-1 alpha-3 code with taxid.ParseCountry.
func (c check) country(name string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	if v == "" {
		c.p.add(c.r, name, v, "is required: the ISO 3166-1 alpha-3 country code, e.g. AUS")
		return ""
	}
	country, err := taxid.ParseCountry(v)
	if err != nil {
		c.p.add(c.r, name, v, "%s", errs.Message(err))
		return ""
	}
	return string(country)
}

// area checks the province, regency and district codes of an address
// against Kemendagri's list (package area): each must exist and lie
// within the one before. Dots in codes ("51.03.01") are accepted.
func (c check) area() (province, regency, district string) {
	get := func(name string, width int, example string, lookup func(string) (area.Area, bool)) (area.Area, bool) {
		v, ok := c.value(name)
		if !ok {
			return area.Area{}, false
		}
		a, found := lookup(v)
		if !found {
			what := map[int]string{2: "province", 4: "regency or city", 6: "district (kecamatan)"}[width]
			if v == "" {
				c.p.add(c.r, name, v, "is required: the %d-digit Kemendagri %s code, e.g. %s", width, what, example)
			} else {
				c.p.add(c.r, name, v, "is not a %s code; use the %d-digit Kemendagri code, e.g. %s", what, width, example)
			}
		}
		return a, found
	}
	prov, pok := get("province_code", 2, "51 for Bali", area.Province)
	reg, rok := get("regency_code", 4, "5103 for Badung", area.Regency)
	dist, dok := get("district_code", 6, "510301 for Kuta", area.District)
	if pok && rok && reg.ParentCode != prov.Code {
		c.p.add(c.r, "regency_code", reg.Code, "%s is not in the province %s (%s); its code must start with %s", reg.Name, prov.Name, prov.Code, prov.Code)
		rok = false
	}
	if rok && dok && dist.ParentCode != reg.Code {
		c.p.add(c.r, "district_code", dist.Code, "%s is not in %s (%s); its code must start with %s", dist.Name, reg.Name, reg.Code, reg.Code)
		dok = false
	}
	if !pok || !rok || !dok {
		return "", "", ""
	}
	return prov.Code, reg.Code, dist.Code
}
