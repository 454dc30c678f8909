package objectcode

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
)

// Normalize returns code without surrounding spaces, with the dashes put
// back when it was written as seven digits: "2110001" → "21-100-01". It
// does not check the code.
func Normalize(code string) string {
	code = strings.TrimSpace(code)
	if len(code) == 7 && digits(code) {
		return code[:2] + "-" + code[2:5] + "-" + code[5:]
	}
	return code
}

// Lookup returns the version of code in force on day on (a slip's
// withholding date; only its year, month and day count).
//
// It returns an errs.Invalid error when the code is malformed, unknown
// (naming the closest codes in force), not yet in force, or retired:
// "code 21-100-03 was retired on 2024-12-31; use 21-100-35 for ...".
func Lookup(code string, on time.Time) (Code, error) {
	return lookup(all(), Normalize(code), calendar.Midnight(on))
}

func lookup(list []Code, code string, day time.Time) (Code, error) {
	if !codePattern.MatchString(code) {
		return Code{}, errs.Errorf(errs.Invalid, "tax object code %s is not in the form NN-NNN-NN, e.g. 21-100-01", errs.Quote(code))
	}
	var versions []Code
	for _, c := range list {
		if c.Code == code {
			versions = append(versions, c)
		}
	}
	if len(versions) == 0 {
		return Code{}, unknown(list, code, day)
	}
	for _, c := range versions {
		if c.InForce(day) {
			return c, nil
		}
	}
	last := versions[len(versions)-1]
	if !last.ValidUntil.IsZero() && day.After(last.ValidUntil) {
		return Code{}, errs.E(errs.Invalid, retiredMessage(list, last, day))
	}
	for _, c := range versions {
		if day.Before(c.ValidFrom) {
			return Code{}, errs.Errorf(errs.Invalid, "code %s is not in force on %s: it may be used from %s", code, day.Format(dateLayout), c.ValidFrom.Format(dateLayout))
		}
	}
	// Unreachable for a checked list: a day after the last version's end
	// or before a version's start is handled above.
	return Code{}, errs.Errorf(errs.Invalid, "code %s is not in force on %s", code, day.Format(dateLayout))
}

// retiredMessage is the message for a code whose last version c ended
// before day: "code 21-100-03 was retired on 2024-12-31; use 21-100-35 for
// non-permanent employees paid monthly, ..., or 21-100-30 for ...".
func retiredMessage(list []Code, c Code, day time.Time) string {
	var b strings.Builder
	b.WriteString("code " + c.Code + " was retired on " + c.ValidUntil.Format(dateLayout) + "; ")
	if len(c.Replacement) == 0 {
		b.WriteString("the Coretax list has no code to use instead for " + c.shortName())
		return b.String()
	}
	parts := make([]string, len(c.Replacement))
	for i, r := range c.Replacement {
		// The replacement as it reads on day, or else as it read when
		// it took over; Parse guarantees the latter exists.
		v, ok := version(list, r, day)
		if !ok {
			v, _ = version(list, r, c.ValidUntil.AddDate(0, 0, 1))
		}
		parts[i] = r + " for " + v.shortName()
	}
	b.WriteString("use " + orList(parts))
	return b.String()
}

// unknown is the error for a code that is not in the list: it names up to
// five codes in force on day that share the longest prefix with it,
// nearest in number first.
func unknown(list []Code, code string, day time.Time) error {
	best, prefix := []string(nil), 0
	seen := map[string]bool{}
	for _, c := range list {
		if !c.InForce(day) || seen[c.Code] {
			continue
		}
		seen[c.Code] = true
		n := commonPrefix(c.Code, code)
		switch {
		case n > prefix:
			best, prefix = []string{c.Code}, n
		case n == prefix && n > 0:
			best = append(best, c.Code)
		}
	}
	msg := "code " + code + " is not a tax object code"
	if prefix < 2 {
		return errs.E(errs.Invalid, msg+"; codes start with 21 (PPh 21), 22 (PPh 22), 24 (PPh 23), 27 (PPh 26), 28 or 29 (final PPh 4(2) and 15)")
	}
	want := codeNumber(code)
	sort.SliceStable(best, func(i, j int) bool {
		return distance(codeNumber(best[i]), want) < distance(codeNumber(best[j]), want)
	})
	if len(best) > 5 {
		best = best[:5]
	}
	return errs.Errorf(errs.Invalid, "%s; the closest codes in force on %s are %s", msg, day.Format(dateLayout), strings.Join(best, ", "))
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func codeNumber(code string) int64 {
	n, _ := strconv.ParseInt(strings.ReplaceAll(code, "-", ""), 10, 64)
	return n
}

func distance(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// ForSlip returns the codes that slip type s accepts on day on, in code
// order.
func ForSlip(s SlipType, on time.Time) []Code {
	day := calendar.Midnight(on)
	var out []Code
	for _, c := range all() {
		if c.InForce(day) && c.AcceptsSlip(s) {
			out = append(out, c)
		}
	}
	return out
}

// Search returns the codes in force on day on that match text, in code
// order: text made of digits and dashes matches the start of the code
// ("21-100", "2110001"); other text matches a code whose name holds every
// word of text, ignoring letter case ("tenaga ahli", "cleaning"). Empty
// text returns every code in force.
func Search(text string, on time.Time) []Code {
	day := calendar.Midnight(on)
	text = strings.TrimSpace(text)
	match := func(c Code) bool { return true }
	if text != "" && strings.Trim(text, "0123456789-") == "" {
		prefix := strings.ReplaceAll(text, "-", "")
		match = func(c Code) bool { return strings.HasPrefix(strings.ReplaceAll(c.Code, "-", ""), prefix) }
	} else if words := strings.Fields(strings.ToLower(text)); len(words) > 0 {
		match = func(c Code) bool {
			name := strings.ToLower(c.Name)
			for _, w := range words {
				if !strings.Contains(name, w) {
					return false
				}
			}
			return true
		}
	}
	var out []Code
	for _, c := range all() {
		if c.InForce(day) && match(c) {
			out = append(out, c)
		}
	}
	return out
}
