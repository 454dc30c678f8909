package taxid

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/errs"
)

// isSeparator reports whether r may stand between the characters of an
// identifier: people write NPWPs as 01.312.166.0-091.000 and paste numbers
// with spaces.
func isSeparator(r rune) bool { return r == '.' || r == '-' || unicode.IsSpace(r) }

// compact returns s without separators, ASCII letters upper-cased.
func compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !isSeparator(r) {
			b.WriteRune(asciiUpper(r))
		}
	}
	return b.String()
}

// asciiUpper upper-cases a–z only. unicode.ToUpper would also turn "ſ" and
// "ı" into S and I, letting them pass as ASCII.
func asciiUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// digitsOnly returns the digits of s and, if s has a character that is
// neither a separator nor an ASCII digit, a problem naming the first such
// character and its position (in runes, from 1) in s.
func digitsOnly(s string) (digits, problem string) {
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isSeparator(r):
		case problem == "":
			problem = badChar(r, pos, "is not a digit")
		}
	}
	return b.String(), problem
}

// alnumOnly is digitsOnly for identifiers of letters and digits; letters are
// upper-cased.
func alnumOnly(s string) (string, string) {
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for _, r := range s {
		pos++
		u := asciiUpper(r)
		switch {
		case (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z'):
			b.WriteRune(u)
		case isSeparator(r):
		default:
			return "", badChar(r, pos, "is not a letter A–Z or a digit")
		}
	}
	return b.String(), ""
}

func badChar(r rune, pos int, what string) string {
	if r == utf8.RuneError {
		return "position " + strconv.Itoa(pos) + " is not valid UTF-8 text"
	}
	return "character " + strconv.QuoteRune(r) + " at position " + strconv.Itoa(pos) + " " + what
}

// subject names a numeric identifier in a message: its kind and, quoted,
// the input; but when the digits could be a NIK (16 or more, not starting
// with 0) only their first four, as maskNIK does.
func subject(kind, input, digits string) string {
	if len(digits) >= 16 && digits[0] != '0' {
		return kind + " " + maskNIK(digits)
	}
	return kind + " " + errs.Quote(input)
}

// maskNIK returns the first four digits of a NIK (province and regency)
// followed by "…", so that messages and logs do not carry the birth date and
// serial (see the package comment).
func maskNIK(digits string) string {
	if len(digits) <= 4 {
		return digits + "…"
	}
	return digits[:4] + "…"
}

// invalid builds the user-safe error for a rejected identifier: what it is,
// then its problems.
func invalid(subject string, problems []string) error {
	return errs.Errorf(errs.Invalid, "%s: %s", subject, strings.Join(problems, "; "))
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
