package bulk

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// checkValue checks the text of one element against its Element. It
// returns the text to keep (integers without leading zeros) and, when the
// value is wrong, the problem without its position and path.
func checkValue(e Element, text string) (string, *Problem) {
	bad := func(rule Rule, msg, fix string) (string, *Problem) {
		return text, &Problem{Field: e.Name, Value: text, Rule: rule, Message: msg, Fix: fix}
	}
	switch e.Type {
	case Int:
		if text == "" || len(text) > 9 || strings.Trim(text, "0123456789") != "" {
			return bad(RuleNumber, fmt.Sprintf("%s is not a whole number", e.Name), intFix(e))
		}
		n, _ := strconv.Atoi(text)
		if e.Name == "TaxPeriodYear" && (n < e.Min || n > e.Max) {
			return bad(RuleRange, fmt.Sprintf("TaxPeriodYear is %s; it must be a year of 4 digits", text), intFix(e))
		}
		if n < e.Min || n > e.Max {
			return bad(RuleRange, fmt.Sprintf("%s is %d; it must be from %d to %d", e.Name, n, e.Min, e.Max), intFix(e))
		}
		return strconv.Itoa(n), nil
	case Amount:
		a, _, ok := parseAmount(text)
		switch {
		case strings.HasPrefix(text, "-"):
			return bad(RuleNumber, fmt.Sprintf("%s is negative", e.Name), "amounts are 0 or more")
		case !ok:
			return bad(RuleNumber, fmt.Sprintf("%s is not a decimal number", e.Name),
				"write digits with a decimal point and no thousands separators, e.g. 1758000 or 5128205.13")
		case e.Positive && a == 0:
			return bad(RuleNumber, fmt.Sprintf("%s is 0; it must be more than 0", e.Name), "write the amount paid")
		}
		return text, nil
	case Percent:
		p, ok := parsePercent(text)
		switch {
		case strings.HasPrefix(text, "-"):
			return bad(RuleNumber, fmt.Sprintf("%s is negative", e.Name), "percentages are 0 or more")
		case !ok:
			if _, _, isNum := splitDecimal(strings.TrimPrefix(text, "+")); isNum {
				return bad(RuleDecimals, fmt.Sprintf("%s has more than 2 decimals", e.Name),
					"write the percentage with at most 2 decimals, e.g. 0.5 or 2.64")
			}
			return bad(RuleNumber, fmt.Sprintf("%s is not a percentage number", e.Name),
				"write the percentage as a number without %, e.g. 0.5 for 0.5 %, 5 for 5 %, 100 for 100 %")
		case p > 100_00:
			return bad(RuleRange, fmt.Sprintf("%s is %s %%; it cannot be more than 100 %%", e.Name, p),
				"write the percentage as a number of percent: 5 for 5 %, not 500")
		case e.Positive && p == 0:
			return bad(RuleNumber, fmt.Sprintf("%s is 0; it must be more than 0", e.Name), "write the percentage, e.g. 20")
		}
		return text, nil
	case Date:
		if _, err := time.Parse(time.DateOnly, text); err != nil {
			return bad(RuleDate, fmt.Sprintf("%s is not a date in the form YYYY-MM-DD", e.Name), "write the date as e.g. 2026-06-30")
		}
		return text, nil
	case Enum:
		for _, v := range e.Values {
			if text == v {
				return text, nil
			}
		}
		_, p := bad(RuleValue, fmt.Sprintf("%s %q is not one of the values Coretax allows", e.Name, text),
			"write one of: "+strings.Join(e.Values, ", "))
		if want := enumSpelling(e.Values, text); want != "" {
			p.Message = fmt.Sprintf("%s %q is not spelt as Coretax spells it", e.Name, text)
			p.Fix = fmt.Sprintf("write %s exactly as DJP's schema has it", want)
		}
		p.Expected = strings.Join(e.Values, "|")
		return text, p
	}
	return checkPattern(e, text)
}

func intFix(e Element) string {
	switch e.Name {
	case "TaxPeriodYear":
		return "write the year with 4 digits, e.g. 2026"
	case "NumberOfMonths":
		return "write the number of months as a whole number from 0 to 12"
	}
	return "write the month as a number from 1 to 12 without a leading zero, e.g. 6 for June"
}

// misspellings maps the English spelling of a document type to the one in
// DJP's schema (ebupot.md §2.1), which a file must use.
var misspellings = map[string]string{
	"announcement":       "Announchment",
	"deedofengagement":   "DeedofEngangement",
	"deed of engagement": "DeedofEngangement",
}

// enumSpelling returns the allowed value that text means but spells
// otherwise (other case, DJP's misspelling), or "".
func enumSpelling(values []string, text string) string {
	want, ok := misspellings[strings.ToLower(text)]
	for _, v := range values {
		if (ok && v == want) || strings.EqualFold(v, text) {
			return v
		}
	}
	return ""
}

func checkPattern(e Element, text string) (string, *Problem) {
	bad := func(rule Rule, msg, fix string) (string, *Problem) {
		return text, &Problem{Field: e.Name, Value: text, Rule: rule, Message: msg, Fix: fix}
	}
	switch e.Pattern {
	case TIN16:
		if !isDigits(text, 16) {
			fix := "write the 16-digit NIK or NPWP"
			if isDigits(text, 15) {
				fix = "write the 16-digit NPWP: a 15-digit NPWP becomes 16 digits with a leading 0"
			}
			return bad(RuleDigits, fmt.Sprintf("%s has %d characters; it must be exactly 16 digits", e.Name, len(text)), fix)
		}
	case NITKU22:
		if !isDigits(text, 22) {
			return bad(RuleDigits, fmt.Sprintf("%s has %d characters; a NITKU is exactly 22 digits", e.Name, len(text)),
				"write the 16-digit NPWP or NIK followed by the 6-digit place of business, e.g. 0012345678901000000000")
		}
	case ObjectCode:
		if !isObjectCode(text) {
			return bad(RuleDigits, fmt.Sprintf("%s %q is not a tax object code of the form NN-NNN-NN", e.Name, text),
				"write the code with its dashes, e.g. 21-100-01")
		}
	case Country3:
		if len(text) != 3 || !isLettersOr(text, "") {
			return bad(RulePattern, fmt.Sprintf("%s %q is not a 3-letter country code", e.Name, text),
				"write the ISO 3166 alpha-3 code, e.g. SGP or USA")
		}
	case CountryBPNR:
		if len(text) < 2 || len(text) > 5 || !isLettersOr(text, "-") {
			return bad(RulePattern, fmt.Sprintf("%s %q is not a country code of 2 to 5 letters", e.Name, text),
				"write the country code, e.g. SGP or USA")
		}
	}
	return text, nil
}

func isDigits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}

func isObjectCode(s string) bool {
	return len(s) == 9 && s[2] == '-' && s[6] == '-' &&
		isDigits(s[:2], 2) && isDigits(s[3:6], 3) && isDigits(s[7:], 2)
}

func isLettersOr(s, extra string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.ContainsRune(extra, c)) {
			return false
		}
	}
	return true
}
