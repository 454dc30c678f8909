package authcode

import (
	"strings"
	"unicode"

	"github.com/coretax/coretax/internal/errs"
)

// CheckPassphrase applies DJP's passphrase rules: at least 8 characters
// with a lower-case letter, an upper-case letter, a digit and a special
// character, and none of / ' + (identifiers.md §7). It returns the field
// error for field, or nil.
func CheckPassphrase(field, p string) *errs.FieldError {
	var need []string
	if len([]rune(p)) < 8 {
		need = append(need, "at least 8 characters")
	}
	var lower, upper, digit, special bool
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsSpace(r):
			special = true
		}
	}
	if !lower {
		need = append(need, "a lower-case letter")
	}
	if !upper {
		need = append(need, "an upper-case letter")
	}
	if !digit {
		need = append(need, "a digit")
	}
	if !special {
		need = append(need, "a special character such as ! @ # $ % & *")
	}
	if strings.ContainsAny(p, "/'+") {
		f := errs.Field(field, "", "must not contain / ' or +")
		if len(need) > 0 {
			f = errs.Field(field, "", "needs %s, and must not contain / ' or +", strings.Join(need, ", "))
		}
		return &f
	}
	if len(need) > 0 {
		f := errs.Field(field, "", "needs %s", strings.Join(need, ", "))
		return &f
	}
	return nil
}
