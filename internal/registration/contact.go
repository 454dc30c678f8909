package registration

import (
	"net/mail"
	"strings"

	"github.com/coretax/coretax/internal/errs"
)

// NormalizeEmail checks an e-mail address and returns it in lower case, the
// form in which uniqueness is checked. Only a bare address is accepted
// ("name@example.co.id"), not a display name.
func NormalizeEmail(s string) (string, *errs.FieldError) {
	s = strings.TrimSpace(s)
	fail := func(format string, args ...any) (string, *errs.FieldError) {
		f := errs.Field("email", s, format, args...)
		return "", &f
	}
	if s == "" {
		return fail("is required; give an address the taxpayer reads, e.g. finance@example.co.id")
	}
	if len(s) > 254 {
		return fail("is %d characters long; an e-mail address has at most 254", len(s))
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fail("is not an e-mail address; write it as name@domain, e.g. finance@example.co.id, without a display name")
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return fail("has no valid domain after @; e.g. finance@example.co.id")
	}
	return strings.ToLower(s), nil
}

// NormalizeMobile checks a mobile number and returns it in E.164 form
// (+6281234567890). Indonesian numbers may be written 0812..., 62812... or
// +62812...; foreign numbers must start with + and their country code.
func NormalizeMobile(s string) (string, *errs.FieldError) {
	orig := s
	fail := func(format string, args ...any) (string, *errs.FieldError) {
		f := errs.Field("mobile", orig, format, args...)
		return "", &f
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return fail("is required; give a mobile number that receives SMS, e.g. 0812 3456 7890 or +43 664 1234567")
	}
	plus := strings.HasPrefix(s, "+")
	var digits strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return fail("contains %q; use digits, spaces, dashes and a leading + only", r)
		}
	}
	d := digits.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "62"):
	case strings.HasPrefix(d, "0"):
		d = "62" + d[1:]
	default:
		return fail("has no country code; write Indonesian numbers as 08... or +628..., foreign numbers as +<country code><number>")
	}
	if strings.HasPrefix(d, "62") {
		rest := d[2:]
		if !strings.HasPrefix(rest, "8") {
			return fail("is not an Indonesian mobile number: after +62 (or 0) it must start with 8, e.g. 0812 3456 7890")
		}
		if len(rest) < 9 || len(rest) > 12 {
			return fail("has %d digits after +62; Indonesian mobile numbers have 9 to 12", len(rest))
		}
	}
	if len(d) < 8 || len(d) > 15 {
		return fail("has %d digits; an international number (E.164) has 8 to 15 including the country code", len(d))
	}
	return "+" + d, nil
}
