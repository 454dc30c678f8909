package booking

import (
	"strconv"
	"strings"
	"time"
)

// dateOrder says how to read a numeric date with slashes, dots or dashes
// whose year comes last ("07/03/2026"): month first (Airbnb's US exports)
// or day first (most other places).
type dateOrder int

const (
	monthFirst dateOrder = iota + 1
	dayFirst
)

// orderOf looks at every numeric date of a file and returns the order they
// prove: a first part above 12 proves day-first, a second part above 12
// proves month-first. When nothing proves either, or the file proves both
// (then each date is read with the fallback and a wrong one fails), it
// returns fallback.
func orderOf(values []string, fallback dateOrder) dateOrder {
	var df, mf bool
	for _, v := range values {
		a, b, _, ok := numericParts(v)
		if !ok {
			continue
		}
		if a > 12 {
			df = true
		}
		if b > 12 {
			mf = true
		}
	}
	switch {
	case df && !mf:
		return dayFirst
	case mf && !df:
		return monthFirst
	}
	return fallback
}

// numericParts splits "a/b/y" (or with '.' or '-') into its numbers, the
// year last; a two-digit year is 20yy.
func numericParts(s string) (a, b, y int, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // drop a time of day
	}
	var sep byte
	for _, c := range []byte{'/', '.', '-'} {
		if strings.Count(s, string(c)) == 2 {
			sep = c
			break
		}
	}
	if sep == 0 {
		return 0, 0, 0, false
	}
	p := strings.Split(s, string(sep))
	if len(p[0]) > 2 || len(p[1]) > 2 || (len(p[2]) != 2 && len(p[2]) != 4) {
		return 0, 0, 0, false
	}
	var err error
	if a, err = strconv.Atoi(p[0]); err != nil {
		return 0, 0, 0, false
	}
	if b, err = strconv.Atoi(p[1]); err != nil {
		return 0, 0, 0, false
	}
	if y, err = strconv.Atoi(p[2]); err != nil {
		return 0, 0, 0, false
	}
	if len(p[2]) == 2 {
		y += 2000
	}
	return a, b, y, true
}

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
	"october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
	// Indonesian month names, for files kept by owners and agents.
	"januari": 1, "februari": 2, "maret": 3, "mei": 5, "juni": 6, "juli": 7,
	"agustus": 8, "agu": 8, "agt": 8, "okt": 10, "oktober": 10, "des": 12, "desember": 12,
}

// dateHint is the accepted forms, for messages.
const dateHint = "write the date as 2026-10-03, 03/10/2026 or 3 Oct 2026"

// parseDate reads a calendar date in the forms the exports use:
// 2026-10-03 (with or without a time after it), numeric dates with the
// year last read in order o (10/03/2026, 3.10.2026, 3-10-26), and dates
// with a month name (3 Oct 2026, 3 Sept 2026, Oct 3, 2026, 03-Oct-2026).
// The result is 00:00 UTC of that date.
func parseDate(s string, o dateOrder) (time.Time, bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, false
	}
	// ISO 8601 date, possibly followed by a time.
	if len(t) >= 10 && t[4] == '-' && t[7] == '-' && (len(t) == 10 || t[10] == ' ' || t[10] == 'T') {
		y, e1 := strconv.Atoi(t[:4])
		m, e2 := strconv.Atoi(t[5:7])
		d, e3 := strconv.Atoi(t[8:10])
		if e1 != nil || e2 != nil || e3 != nil {
			return time.Time{}, false
		}
		return mkDate(y, m, d)
	}
	if a, b, y, ok := numericParts(t); ok {
		if o == dayFirst {
			return mkDate(y, b, a)
		}
		return mkDate(y, a, b)
	}
	// Month names: split into words on spaces, commas and dashes.
	f := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == ',' || r == '-' || r == '/' })
	if len(f) > 3 {
		f = f[:3] // a time of day may follow
	}
	if len(f) != 3 {
		return time.Time{}, false
	}
	var day, year int
	var mon time.Month
	var err error
	if m, ok := months[strings.ToLower(strings.TrimSuffix(f[1], "."))]; ok { // 3 Oct 2026
		mon = m
		if day, err = strconv.Atoi(f[0]); err != nil {
			return time.Time{}, false
		}
	} else if m, ok := months[strings.ToLower(strings.TrimSuffix(f[0], "."))]; ok { // Oct 3, 2026
		mon = m
		if day, err = strconv.Atoi(f[1]); err != nil {
			return time.Time{}, false
		}
	} else {
		return time.Time{}, false
	}
	if year, err = strconv.Atoi(f[2]); err != nil || (len(f[2]) != 4 && len(f[2]) != 2) {
		return time.Time{}, false
	}
	if len(f[2]) == 2 {
		year += 2000
	}
	return mkDate(year, int(mon), day)
}

// mkDate builds a date, rejecting one that does not exist (31 June) and
// years outside 2000–2099, which no booking export holds.
func mkDate(y, m, d int) (time.Time, bool) {
	if y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// nightsBetween counts the nights from check-in to check-out.
func nightsBetween(in, out time.Time) int {
	return int(out.Sub(in).Hours()+12) / 24
}
