package registry

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns the form of a name used to compare names from
// different sources (an application, a KTP, a passport, a deed): upper
// case, accents removed (José → JOSE), apostrophes removed (O'Brien →
// OBRIEN), every other punctuation mark or symbol turned into a word break
// (H.M. Sulaiman, S.E. → H M SULAIMAN S E), and white space collapsed to
// single spaces. The registries keep names as given; only comparisons use
// this form.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a word break is pending
	// Apostrophes go first: NFKD would turn the acute accent U+00B4
	// into a space and a combining mark.
	s = strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			return -1
		}
		return r
	}, s)
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// An accent, decomposed from its letter by NFKD.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToUpper(r))
		default:
			space = true
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u2018', '\u2019', '\u02bc':
		return true
	}
	return false
}

// SameName reports whether a and b are the same name once normalized with
// NormalizeName. A name with no letters or digits matches nothing.
func SameName(a, b string) bool {
	na := NormalizeName(a)
	return na != "" && na == NormalizeName(b)
}
