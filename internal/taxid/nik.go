package taxid

import (
	"fmt"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/area"
)

// NIK is a Nomor Induk Kependudukan, the 16-digit population number Dukcapil
// gives every resident. Since UU HPP amended UU KUP Pasal 2(1a), a resident
// individual's NIK is also their NPWP (identifiers.md §1.1).
//
// Layout PPKKCCDDMMYYSSSS (identifiers.md §3; python-stdnum id/nik): PP
// province, PPKK regency or city, PPKKCC district (Kemendagri codes), DD day
// of birth (plus 40 for women), MM month, YY year of birth (century not
// written), SSSS serial from 0001. There is no check digit, so only the
// structure can be checked offline; whether a NIK was really issued only
// Dukcapil can say.
type NIK string

// Sex is the sex encoded in a NIK.
type Sex string

// The values of Sex.
const (
	Male   Sex = "M"
	Female Sex = "F"
)

// NIKInfo is what a NIK says about its holder.
type NIKInfo struct {
	ProvinceCode string // 2 digits
	Province     string // "" if unknown (never, for a NIK from ParseNIK)
	RegencyCode  string // 4 digits
	Regency      string // "" when the code is not in today's list (see NIK.Warnings)
	DistrictCode string // 6 digits
	District     string // "" when the code is not in today's list (see NIK.Warnings)
	BirthDate    time.Time
	Sex          Sex
	Serial       string // 4 digits, "0001" upward
}

// splitProvinces are the provinces that lost regencies to provinces created
// after the NIK became the single national number (UU 23/2006 on population
// administration). The regencies that moved were given new codes in the new
// province, but a NIK keeps the code it was issued under, so a NIK from
// Merauke issued before 2022 starts 9101 while Merauke is now 9301.
var splitProvinces = map[string]string{
	"64": "Kalimantan Utara was formed from it in 2012 (UU 20/2012)",
	"91": "Papua Selatan, Papua Tengah and Papua Pegunungan were formed from it in 2022 (UU 14, 15 and 16/2022)",
	"92": "Papua Barat Daya was formed from it in 2022 (UU 29/2022)",
}

// ParseNIK parses a NIK. Dots, dashes and spaces are ignored. It rejects a
// NIK whose structure is impossible: not 16 digits, a province code that is
// not an Indonesian province, a regency code that is not a regency or city
// of that province, a day or month of birth that does not exist, or serial
// 0000. All problems are reported at once.
//
// A regency code that was retired when its province was divided (see
// splitProvinces) and a district code not in today's list are not errors:
// NIKs keep the codes they were issued under while regencies and districts
// are divided and renumbered. NIK.Warnings reports them.
func ParseNIK(s string) (NIK, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", invalid("NIK "+maskNIK(d), []string{problem + "; a NIK is 16 digits"})
	}
	if len(d) != 16 {
		return "", invalid("NIK "+maskNIK(d), []string{fmt.Sprintf("has %d digits; a NIK has 16", len(d))})
	}
	if problems := nikProblems(d); len(problems) > 0 {
		return "", invalid("NIK "+maskNIK(d), problems)
	}
	return NIK(d), nil
}

// nikProblems returns what is wrong with the 16 digits d.
func nikProblems(d string) []string {
	var problems []string
	prov, pok := area.Province(d[:2])
	switch {
	case !pok:
		problems = append(problems, fmt.Sprintf("province code %s is not an Indonesian province", d[:2]))
	case !regencyKnown(d[:4]) && splitProvinces[d[:2]] == "":
		problems = append(problems, fmt.Sprintf("regency code %s is not a regency or city of %s", d[:4], prov.Name))
	}
	day, month, yy := atoi2(d[6:8]), atoi2(d[8:10]), atoi2(d[10:12])
	dayOK := (day >= 1 && day <= 31) || (day >= 41 && day <= 71)
	if !dayOK {
		problems = append(problems, fmt.Sprintf("day of birth %s is not a valid day; men's days run 01–31, women's days run 41–71", d[6:8]))
	}
	if month < 1 || month > 12 {
		problems = append(problems, fmt.Sprintf("month of birth %s is not a month; months run 01–12", d[8:10]))
	} else if dayOK {
		if p := dayInMonth(d[6:8], day%40, time.Month(month), yy); p != "" {
			problems = append(problems, p)
		}
	}
	if d[12:] == "0000" {
		problems = append(problems, "serial 0000 is not allowed; serials start at 0001")
	}
	return problems
}

// dayInMonth checks that day exists in month of a year ending in yy.
// February 29 exists when yy is a multiple of 4: for 00 that is 2000, which
// BirthDate picks over 1900 for any date after 29 February 2000.
func dayInMonth(encoded string, day int, month time.Month, yy int) string {
	days := daysIn(month, yy%4 == 0)
	if day <= days {
		return ""
	}
	what := "day of birth " + encoded
	if encoded != fmt.Sprintf("%02d", day) {
		what += fmt.Sprintf(" (%02d for a woman)", day)
	}
	if month == time.February && day == 29 {
		return fmt.Sprintf("%s does not exist: February of a year ending in %02d has 28 days", what, yy)
	}
	return fmt.Sprintf("%s does not exist: %s has %d days", what, month, days)
}

func daysIn(m time.Month, leap bool) int {
	switch m {
	case time.February:
		if leap {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func regencyKnown(code string) bool {
	_, ok := area.Regency(code)
	return ok
}

func atoi2(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// String returns the 16 digits.
func (n NIK) String() string { return string(n) }

// Format returns the NIK for display: the 16 digits without grouping, as the
// KTP (identity card) prints it.
func (n NIK) Format() string { return string(n) }

// Sex returns the holder's sex: a day of birth above 40 marks a woman.
func (n NIK) Sex() Sex {
	if len(n) == 16 && atoi2(string(n[6:8])) > 40 {
		return Female
	}
	return Male
}

// Decode returns what the NIK says about its holder. The year of birth is
// written with two digits; BirthDate resolves the century against now (see
// there). n must come from ParseNIK (or storage); for anything else the
// result is meaningless.
func (n NIK) Decode(now time.Time) NIKInfo {
	if len(n) != 16 {
		return NIKInfo{}
	}
	s := string(n)
	info := NIKInfo{
		ProvinceCode: s[:2],
		RegencyCode:  s[:4],
		DistrictCode: s[:6],
		Sex:          n.Sex(),
		Serial:       s[12:],
	}
	if p, ok := area.Province(info.ProvinceCode); ok {
		info.Province = p.Name
	}
	if r, ok := area.Regency(info.RegencyCode); ok {
		info.Regency = r.Name
	}
	if d, ok := area.District(info.DistrictCode); ok {
		info.District = d.Name
	}
	info.BirthDate, _ = BirthDate(atoi2(s[10:12]), time.Month(atoi2(s[8:10])), atoi2(s[6:8])%40, now)
	return info
}

// Warnings returns what is doubtful, but not wrong, about a NIK accepted by
// ParseNIK: a regency code retired when its province was divided, or a
// district code that is not in today's list.
//
// A district is a warning and not an error because districts are divided
// and renumbered far more often than regencies (every Kemendagri code
// decision adds some), while a NIK keeps the district code it was issued
// under for life; the embedded list is today's (see internal/area). An
// unknown district therefore says little about whether the NIK is real.
func (n NIK) Warnings() []string {
	if len(n) != 16 {
		return nil
	}
	s := string(n)
	if !regencyKnown(s[:4]) {
		if why := splitProvinces[s[:2]]; why != "" {
			p, _ := area.Province(s[:2])
			return []string{fmt.Sprintf("regency code %s is not in today's list for %s; %s and its regencies were renumbered, while a NIK keeps the code it was issued under, so an older NIK may carry it", s[:4], p.Name, why)}
		}
		return nil
	}
	if _, ok := area.District(s[:6]); !ok {
		r, _ := area.Regency(s[:4])
		return []string{fmt.Sprintf("district code %s is not in today's list of districts of %s; districts are divided and renumbered while a NIK keeps the code it was issued under, so this is only a warning", s[:6], r.Name)}
	}
	return nil
}

// BirthDate returns the date of birth written in a NIK as year yy (two
// digits), month and day (for women, with 40 already taken off).
//
// The century is not written. BirthDate picks the latest century that does
// not put the date after now: on 1 June 2026, yy 26 with May gives 2026,
// with July 1926; yy 85 gives 1985. This is right for everyone under 100;
// python-stdnum's get_birth_date instead tries 19yy first, which is wrong for
// everyone born since 2000. Only now's century and the one before are
// tried; BirthDate reports false when the date exists in neither (month 13,
// 30 February, or 29 February 00 before the year 2000).
func BirthDate(yy int, month time.Month, day int, now time.Time) (time.Time, bool) {
	if yy < 0 || yy > 99 || month < time.January || month > time.December || day < 1 || day > 31 {
		return time.Time{}, false
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, year := range [2]int{y - y%100 + yy, y - y%100 + yy - 100} {
		t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
		if t.Day() != day { // normalised: 31 April became 1 May
			continue
		}
		if !t.After(today) {
			return t, true
		}
	}
	return time.Time{}, false
}
