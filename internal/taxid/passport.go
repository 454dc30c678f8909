package taxid

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/errs"
)

// Passport is a passport (travel document) number as issued by any state,
// upper case, letters and digits only.
//
// ICAO Doc 9303 (machine readable travel documents, Part 4, passports)
// gives the document number 9 characters of the machine-readable zone, drawn
// from A–Z and 0–9, and lets an issuing state continue a longer number in
// the optional-data field. The rules here are deliberately liberal: 5 to 20
// characters covers the numbers in use that we know of while still catching
// a truncated value or a pasted sentence.
type Passport string

// Passport number lengths accepted; see Passport.
const (
	minPassport = 5
	maxPassport = 20
)

// ParsePassport parses a passport number. Letters are upper-cased and
// spaces and dashes are removed; the MRZ filler "<" at the end (when the
// number is copied from the machine-readable zone) is dropped. Anything else
// that is not a letter A–Z or a digit is rejected, naming the character.
func ParsePassport(s string) (Passport, error) {
	var b strings.Builder
	pos := 0
	trimmed := strings.TrimRightFunc(s, func(r rune) bool { return r == '<' || unicode.IsSpace(r) })
	for _, r := range trimmed {
		pos++
		u := asciiUpper(r)
		switch {
		case (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9'):
			b.WriteRune(u)
		case r == '-' || unicode.IsSpace(r):
		default:
			what := "is not allowed; passport numbers use only the letters A–Z and the digits 0–9 (ICAO 9303)"
			if unicode.IsLetter(r) {
				what = "is not allowed; passport numbers use only the unaccented letters A–Z and the digits 0–9 (ICAO 9303)"
			}
			return "", invalid("passport number "+errs.Quote(s), []string{badChar(r, pos, what)})
		}
	}
	p := b.String()
	switch n := utf8.RuneCountInString(p); {
	case n == 0:
		return "", invalid("passport number "+errs.Quote(s), []string{"is empty; give the number printed on the passport's data page"})
	case n < minPassport:
		return "", invalid("passport number "+errs.Quote(s), []string{fmt.Sprintf("has %d letters and digits; passport numbers have at least %d", n, minPassport)})
	case n > maxPassport:
		return "", invalid("passport number "+errs.Quote(s), []string{fmt.Sprintf("has %d letters and digits; passport numbers have at most %d", n, maxPassport)})
	}
	return Passport(p), nil
}

// String returns the normalised number.
func (p Passport) String() string { return string(p) }
