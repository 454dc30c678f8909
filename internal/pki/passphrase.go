package pki

import (
	"strings"
	"unicode"

	"github.com/coretax/coretax/internal/errs"
)

// MinPassphrase is the shortest signing passphrase DJP accepts.
const MinPassphrase = 8

// forbidden are the characters DJP does not allow in a passphrase.
const forbidden = "/'+"

// CheckPassphrase applies DJP's rules for the signing passphrase of a
// Kode Otorisasi (identifiers.md §7, "sure"): at least 8 characters, at
// least one lower-case letter, one upper-case letter, one digit and one
// special character, and none of / ' +. sameAsLogin, when not nil,
// reports whether the passphrase equals the person's login password,
// which it must not. It returns nil or a field error naming every rule
// broken; the passphrase itself is never echoed.
func CheckPassphrase(field, pass string, sameAsLogin func(string) bool) *errs.FieldError {
	var broken []string
	if n := len([]rune(pass)); n < MinPassphrase {
		broken = append(broken, "at least 8 characters")
	}
	var lower, upper, digit, special bool
	for _, r := range pass {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsSpace(r) && !strings.ContainsRune(forbidden, r):
			special = true
		}
	}
	if !lower {
		broken = append(broken, "a lower-case letter")
	}
	if !upper {
		broken = append(broken, "an upper-case letter")
	}
	if !digit {
		broken = append(broken, "a digit")
	}
	if !special {
		broken = append(broken, "a special character such as ! @ # $ % & *")
	}
	var msg []string
	if len(broken) > 0 {
		msg = append(msg, "needs "+strings.Join(broken, ", "))
	}
	if strings.ContainsAny(pass, forbidden) {
		msg = append(msg, "may not contain / ' or +")
	}
	if len(msg) == 0 && sameAsLogin != nil && sameAsLogin(pass) {
		msg = append(msg, "must differ from your login password")
	}
	if len(msg) == 0 {
		return nil
	}
	f := errs.Field(field, "", "%s", strings.Join(msg, "; "))
	return &f
}
