package booking

import (
	"fmt"
	"strings"
	"unicode"
)

// maxScale is the most decimals an amount may have. Booking.com writes up
// to six ("15.195768 EUR"); more than that is not money.
const maxScale = 6

// maxWhole bounds the whole part of an amount (a trillion units of any
// currency) so that aligning two amounts to maxScale decimals stays inside
// int64.
const maxWhole = 1_000_000_000_000 // 10^12

// zeroDecimal lists currencies without minor units in practice: a single
// dot followed by three digits in one of them groups thousands
// ("Rp1.500" is 1500 rupiah), never decimals.
var zeroDecimal = map[string]bool{"IDR": true, "VND": true, "JPY": true, "KRW": true}

// parseDecimal reads a number as the exports write it. It accepts a sign,
// digits, and the separators of either convention:
//
//   - both '.' and ',' present: the one written last is the decimal
//     separator and the other groups thousands ("1,200.50", "1.256,00");
//   - only ',': grouping when it appears more than once or is followed by
//     exactly three digits ("49,508,768", "1,234"), else decimal ("1256,00");
//   - only '.': grouping when it appears more than once ("12.345.678"), or
//     once before exactly three digits in a currency without minor units
//     (IDR "1.500"); else decimal ("626.640" EUR, "320.50").
//
// Spaces, non-breaking spaces and apostrophes between digits are ignored.
// It returns the problem as a sentence for a RowError.
func parseDecimal(s, currency string) (Decimal, string) {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1
		}
		return r
	}, s)
	neg := false
	switch {
	case strings.HasPrefix(t, "-"), strings.HasPrefix(t, "−"):
		neg = true
		t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−")
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		neg = true
		t = t[1 : len(t)-1]
	}
	if t == "" {
		return Decimal{}, "is not a number; write digits with a decimal point, e.g. 1500000 or 126.50"
	}
	for _, r := range t {
		if r != '.' && r != ',' && (r < '0' || r > '9') {
			return Decimal{}, fmt.Sprintf("contains %q; write digits with a decimal point, e.g. 1500000 or 126.50", r)
		}
	}
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	var dec, group byte
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndexByte(t, '.') > strings.LastIndexByte(t, ',') {
			dec, group = '.', ','
		} else {
			dec, group = ',', '.'
		}
	case commas > 0:
		if commas > 1 || len(t)-strings.IndexByte(t, ',')-1 == 3 {
			group = ','
		} else {
			dec = ','
		}
	case dots > 0:
		if dots > 1 || (zeroDecimal[currency] && len(t)-strings.IndexByte(t, '.')-1 == 3) {
			group = '.'
		} else {
			dec = '.'
		}
	}
	whole, frac := t, ""
	if dec != 0 {
		i := strings.LastIndexByte(t, dec)
		whole, frac = t[:i], t[i+1:]
		if strings.IndexByte(whole, dec) >= 0 || strings.IndexByte(frac, ',') >= 0 || strings.IndexByte(frac, '.') >= 0 {
			return Decimal{}, "has more than one decimal separator; write e.g. 1500000.50"
		}
	}
	if group != 0 {
		parts := strings.Split(whole, string(group))
		for i, p := range parts {
			if (i == 0 && (len(p) == 0 || len(p) > 3)) || (i > 0 && len(p) != 3) {
				return Decimal{}, fmt.Sprintf("groups digits with %q in places other than thousands; write the number without separators, e.g. 1500000.50", group)
			}
		}
		whole = strings.Join(parts, "")
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > maxScale {
		return Decimal{}, fmt.Sprintf("has %d decimals; at most %d are accepted", len(frac), maxScale)
	}
	var units, w int64
	for _, r := range whole {
		w = w*10 + int64(r-'0')
		if w >= maxWhole {
			return Decimal{}, "is too large to be a booking amount"
		}
	}
	units = w
	for _, r := range frac {
		units = units*10 + int64(r-'0')
	}
	if neg {
		units = -units
	}
	return Decimal{Units: units, Scale: len(frac)}, ""
}

// symbols maps the currency signs Airbnb writes before amounts to ISO 4217
// codes. "$" alone is ambiguous; Options.DollarCurrency says which dollar
// it is (USD when not set).
var symbols = []struct{ sign, code string }{
	// Longer signs first so that "US$" is not read as "$".
	{"US$", "USD"}, {"A$", "AUD"}, {"AU$", "AUD"}, {"S$", "SGD"}, {"SG$", "SGD"},
	{"NZ$", "NZD"}, {"HK$", "HKD"}, {"CA$", "CAD"}, {"C$", "CAD"}, {"RM", "MYR"},
	{"Rp", "IDR"}, {"RP", "IDR"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"},
	{"₩", "KRW"}, {"₫", "VND"}, {"₹", "INR"}, {"฿", "THB"}, {"₱", "PHP"}, {"$", ""},
}

// splitMoney separates a currency sign or code from an amount written with
// it: "€300.00" → ("EUR", "300.00"), "126.6314 EUR" → ("EUR", "126.6314"),
// "Rp 1.500.000" → ("IDR", "1.500.000"), "$1,234.56" with dollar "USD" →
// ("USD", "1,234.56"). A bare number gives currency "".
func splitMoney(s, dollar string) (currency, number string) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") {
		neg = true
		t = strings.TrimSpace(t[1:])
	}
	sign := func(n string) string {
		if neg {
			return "-" + n
		}
		return n
	}
	for _, sym := range symbols {
		if rest, ok := strings.CutPrefix(t, sym.sign); ok {
			code := sym.code
			if code == "" {
				code = dollar
			}
			return code, sign(strings.TrimSpace(rest))
		}
	}
	// A three-letter code before or after the number.
	if len(t) > 4 && isCode(t[:3]) && (t[3] == ' ' || unicode.IsDigit(rune(t[3]))) {
		return strings.ToUpper(t[:3]), sign(strings.TrimSpace(t[3:]))
	}
	if n := len(t); n > 4 && isCode(t[n-3:]) && (t[n-4] == ' ' || unicode.IsDigit(rune(t[n-4]))) {
		return strings.ToUpper(t[n-3:]), sign(strings.TrimSpace(t[:n-3]))
	}
	return "", sign(t)
}

func isCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// parseCurrency checks an ISO 4217 code: three letters, upper-cased.
func parseCurrency(s string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(s))
	return c, isCode(c)
}
