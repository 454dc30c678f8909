package web

import (
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// Amounts typed into the forms of the e-Faktur and e-Bupot pages. One
// rule for every form, so that "100.000" means the same on a faktur line
// and on a payroll row.

// parseDecimal reads an amount, quantity or rate typed into a form (a
// faktur line, a payroll row), in hundredths (sen, hundredths of a unit,
// hundredths of a percent). People type numbers both the Indonesian way
// and plainly, so the rule is (doc/efaktur-pages.md, "Amounts"):
//
//   - digits only: whole units, "100000";
//   - a comma is always the decimal separator, with one or two digits
//     after it: "100000,5", "100000,50"; dots before it must group the
//     digits in threes: "100.000,50";
//   - without a comma, a dot followed by exactly three digits groups
//     thousands ("100.000", "1.500.000"), and a single dot followed by one
//     or two digits is a decimal point ("91666.67", "1.5");
//   - "Rp" in front and spaces around are ignored.
//
// Everything else is refused rather than guessed: "1,000" (a comma
// followed by three digits: English thousands or a mistyped decimal),
// "1,000.50" (English separators), "1.50.000" (dots that do not group in
// threes), more than two decimals and several commas.
func parseDecimal(s string) (int64, error) {
	body, neg := strings.CutPrefix(strings.TrimSpace(s), "-")
	if len(body) >= 2 && strings.EqualFold(body[:2], "rp") {
		body = strings.TrimSpace(body[2:])
	}
	if body == "" {
		return 0, errs.Errorf(errs.Invalid, "%s is not a number; write digits, e.g. 100000, 100.000 or 100000,50", errs.Quote(s))
	}
	plain, err := plainDecimal(s, body)
	if err != nil {
		return 0, err
	}
	if neg {
		plain = "-" + plain
	}
	a, err := money.Parse(plain)
	if err != nil {
		return 0, errs.Errorf(errs.Invalid, "%s is not a number; write digits with at most two decimals, e.g. 100000, 100.000 or 100000,50", errs.Quote(s))
	}
	return int64(a), nil
}

// plainDecimal rewrites body in the plain form money.Parse reads: digits
// and at most one decimal point.
func plainDecimal(input, body string) (string, error) {
	whole, frac, comma := strings.Cut(body, ",")
	if comma {
		switch {
		case strings.Contains(frac, ","):
			return "", errs.Errorf(errs.Invalid, "%s has more than one comma; the comma is the decimal separator: write 1.500.000,50 or 1500000.50", errs.Quote(input))
		case strings.Contains(frac, "."):
			return "", errs.Errorf(errs.Invalid, "%s has a dot after the comma (English separators); write it the Indonesian way, 1.500.000,50, or plainly, 1500000.50", errs.Quote(input))
		case len(frac) == 3 && isDigitsOnly(frac):
			return "", errs.Errorf(errs.Invalid, "%s is ambiguous: a comma followed by three digits could group thousands or start decimals; write 1000 or 1.000 for a thousand, 1,5 or 1.5 for one and a half", errs.Quote(input))
		case len(frac) > 2:
			return "", errs.Errorf(errs.Invalid, "%s has more than two decimals; Coretax accepts at most two, e.g. 1,25", errs.Quote(input))
		}
		w, err := thousands(input, whole)
		if err != nil {
			return "", err
		}
		return w + "." + frac, nil
	}
	if groups := strings.Split(whole, "."); len(groups) == 2 && len(groups[1]) <= 2 {
		return whole, nil // one dot and one or two digits: a decimal point
	}
	return thousands(input, whole)
}

// thousands removes the dots that group the digits of whole in threes.
func thousands(input, whole string) (string, error) {
	if !strings.Contains(whole, ".") {
		return whole, nil
	}
	groups := strings.Split(whole, ".")
	for i, g := range groups {
		if i == 0 && (len(g) == 0 || len(g) > 3) || i > 0 && len(g) != 3 {
			return "", errs.Errorf(errs.Invalid, "%s: the dots do not group the digits in threes; write 1.500.000 (or 1500000), and a decimal comma or point with at most two decimals", errs.Quote(input))
		}
	}
	return strings.Join(groups, ""), nil
}

func isDigitsOnly(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// decimalField parses an optional input: empty is zero.
func decimalField(fields *[]errs.FieldError, name, v string, required bool) int64 {
	if strings.TrimSpace(v) == "" {
		if required {
			*fields = append(*fields, errs.Field(name, "", "is required"))
		}
		return 0
	}
	n, err := parseDecimal(v)
	if err != nil {
		*fields = append(*fields, errs.Field(name, v, "%s", errs.Message(err)))
	}
	return n
}

// hundredths shows a value in hundredths the way the form reads it back:
// "100000", "91666.67", "1.5".
func hundredths(n int64) string { return money.Amount(n).XML() }
