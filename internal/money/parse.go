package money

import (
	"strings"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/errs"
)

// Parse reads the plain decimal form used in JSON and on the command line:
// an optional minus sign, digits, and optionally a decimal point followed by
// one or two digits: "15000000", "91666.67", "91666.7", "-500".
func Parse(s string) (Amount, error) {
	body, neg := strings.CutPrefix(s, "-")
	return parseNumber(s, body, neg, '.', 0, "e.g. 1500000 or 91666.67")
}

// ParseXML reads an amount from a Coretax XML file. The element type is
// xs:decimal, so surrounding whitespace, a leading "+" and the forms "5." and
// ".5" are accepted; Coretax allows at most two decimals and no thousands
// separators (efaktur-xml.md §6: "the converter rejects > 2 decimals"). Both
// "11000" and "11000.00" are accepted.
func ParseXML(s string) (Amount, error) {
	body := strings.Trim(s, " \t\r\n")
	neg := false
	if strings.HasPrefix(body, "-") || strings.HasPrefix(body, "+") {
		neg = body[0] == '-'
		body = body[1:]
	}
	switch {
	case strings.HasPrefix(body, "."):
		body = "0" + body
	case strings.HasSuffix(body, "."):
		body = strings.TrimSuffix(body, ".")
	}
	return parseNumber(s, body, neg, '.', 0, "e.g. 11000 or 91666.67")
}

// ParseDisplay reads the Indonesian display form written by Display:
// "Rp11.000", "Rp91.666,67", "-Rp500". It also accepts a space after "Rp"
// ("Rp 11.000"), "RP" in any case, and digits without thousands dots
// ("Rp11000"); where dots are written they must group thousands.
func ParseDisplay(s string) (Amount, error) {
	body := strings.TrimSpace(s)
	body, neg := strings.CutPrefix(body, "-")
	if len(body) < 2 || !strings.EqualFold(body[:2], "Rp") {
		return 0, errs.Errorf(errs.Invalid, `amount %s: does not start with "Rp"; write it as Rp1.500.000 or Rp91.666,67`, errs.Quote(s))
	}
	body = strings.TrimLeft(body[2:], " ")
	return parseNumber(s, body, neg, ',', '.', "e.g. Rp1.500.000 or Rp91.666,67")
}

// parseNumber reads body (the number without sign or currency) as rupiah
// with decimal separator dec and thousands separator group (0: none allowed).
// input is what the caller was given, for messages; example shows the
// accepted form.
func parseNumber(input, body string, neg bool, dec, group byte, example string) (Amount, error) {
	if strings.TrimSpace(input) == "" {
		return 0, errs.Errorf(errs.Invalid, "amount %s: empty; write a number, %s", errs.Quote(input), example)
	}
	whole, frac, hasDec := strings.Cut(body, string(dec))
	if group != 0 && strings.IndexByte(whole, group) >= 0 {
		var err error
		if whole, err = ungroup(input, whole, group, example); err != nil {
			return 0, err
		}
	}
	for _, part := range []string{whole, frac} {
		if i := strings.IndexFunc(part, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(part[i:])
			return 0, badChar(input, r, dec, group, example)
		}
	}
	switch {
	case whole == "" && !hasDec:
		return 0, errs.Errorf(errs.Invalid, "amount %s: no digits; write a number, %s", errs.Quote(input), example)
	case whole == "":
		return 0, errs.Errorf(errs.Invalid, "amount %s: no digits before the decimal separator; write a number, %s", errs.Quote(input), example)
	case hasDec && frac == "":
		return 0, errs.Errorf(errs.Invalid, "amount %s: no digits after the decimal separator; write a number, %s", errs.Quote(input), example)
	case len(frac) > 2:
		return 0, errs.Errorf(errs.Invalid, "amount %s: more than 2 decimals; Coretax accepts at most 2, e.g. 1%c23", errs.Quote(input), dec)
	}
	var rupiah uint64
	for i := range len(whole) {
		d := uint64(whole[i] - '0')
		if rupiah > (uint64(MaxAmount)/100-d)/10 {
			return 0, tooLarge(input)
		}
		rupiah = rupiah*10 + d
	}
	var sen uint64
	for i := range 2 {
		sen *= 10
		if i < len(frac) {
			sen += uint64(frac[i] - '0')
		}
	}
	if rupiah*100 > uint64(MaxAmount)-sen {
		return 0, tooLarge(input)
	}
	v := Amount(rupiah*100 + sen)
	if neg {
		v = -v
	}
	return v, nil
}

// ungroup removes thousands separators from whole, checking that they group
// the digits in threes (the first group may be shorter).
func ungroup(input, whole string, group byte, example string) (string, error) {
	groups := strings.Split(whole, string(group))
	for i, g := range groups {
		if (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", errs.Errorf(errs.Invalid, "amount %s: the %q separators do not group the digits in threes; write it as %s",
				errs.Quote(input), group, strings.TrimPrefix(example, "e.g. "))
		}
	}
	return strings.Join(groups, ""), nil
}

func badChar(input string, r rune, dec, group byte, example string) error {
	switch {
	case r == ',' || r == '.':
		if group == 0 {
			return errs.Errorf(errs.Invalid, "amount %s: %q is not allowed here; write a decimal point and no thousands separators, %s",
				errs.Quote(input), r, example)
		}
		return errs.Errorf(errs.Invalid, "amount %s: %q is not allowed here; write dots between thousands and a decimal comma, %s",
			errs.Quote(input), r, example)
	case r == ' ':
		return errs.Errorf(errs.Invalid, "amount %s: spaces are not allowed inside the number, %s", errs.Quote(input), example)
	case r == 'R' || r == 'r':
		return errs.Errorf(errs.Invalid, `amount %s: write the number without "Rp", %s`, errs.Quote(input), example)
	case r == '-' || r == '+':
		return errs.Errorf(errs.Invalid, "amount %s: a sign may only stand at the start, %s", errs.Quote(input), example)
	}
	return errs.Errorf(errs.Invalid, "amount %s: character %q is not allowed; write digits, %s", errs.Quote(input), r, example)
}

func tooLarge(input string) error {
	return errs.Errorf(errs.Invalid, "amount %s: too large; the largest amount is %s", errs.Quote(input), MaxAmount.Display())
}
