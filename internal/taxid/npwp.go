package taxid

import (
	"fmt"
	"strings"

	"github.com/coretax/coretax/internal/errs"
)

// NPWP is a Nomor Pokok Wajib Pajak, the taxpayer number, in its 16-digit
// form (PMK 112/PMK.03/2022):
//
//   - a resident individual's NPWP is their NIK (UU KUP Pasal 2(1a) as
//     amended by UU HPP);
//   - for entities (badan), government bodies and non-resident individuals
//     it is "0" followed by the 15-digit NPWP of the legacy system.
//
// It is always a string of digits, never an integer: the leading 0 matters
// (identifiers.md §1.1).
//
// The legacy 15 digits are AB.CDE.FGH.I-JKL.MNO: a 2-digit taxpayer type
// code, a 6-digit serial, a check digit, the 3-digit KPP (tax office) code
// and a 3-digit branch code, 000 for the head office (identifiers.md §1.2).
type NPWP string

// placeholderNPWP is what Coretax files carry as BuyerTin for a buyer
// identified by NIK or passport (efaktur-xml.md §3); it names no taxpayer.
const placeholderNPWP = "0000000000000000"

// ParseNPWP parses an NPWP. It accepts dots, dashes and spaces, and three
// forms:
//
//   - 15 digits, the legacy NPWP: normalised by prefixing 0 (identifiers.md
//     §1.1, python-stdnum id/npwp);
//   - 16 digits starting with 0: a legacy NPWP in the 16-digit form;
//   - 16 digits not starting with 0: a NIK, which must be a valid one
//     (see ParseNIK).
//
// For the legacy forms the check digit (the 9th legacy digit) is tested with
// the Luhn algorithm over the first 9 legacy digits, as python-stdnum and
// Perl Business::ID::NPWP do. DJP has never published the algorithm, so a
// failed test is returned as a warning and the NPWP is accepted. For a NIK,
// the warnings are NIK.Warnings.
func ParseNPWP(s string) (NPWP, []string, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", nil, invalid(subject("NPWP", s, d), []string{problem + "; an NPWP is 16 digits (or 15 in the legacy form), with or without dots, dashes and spaces"})
	}
	switch {
	case len(d) == 15:
		d = "0" + d
	case len(d) == 16 && d[0] != '0':
		if problems := nikProblems(d); len(problems) > 0 {
			return "", nil, errs.Errorf(errs.Invalid,
				"NPWP %s: a 16-digit NPWP that does not start with 0 is the holder's NIK (UU KUP Pasal 2(1a) as amended by UU HPP), and this is not a valid NIK: %s",
				maskNIK(d), strings.Join(problems, "; "))
		}
		return NPWP(d), NIK(d).Warnings(), nil
	case len(d) != 16:
		return "", nil, invalid(subject("NPWP", s, d), []string{fmt.Sprintf("has %d digits; an NPWP has 16 digits, or 15 in the legacy form NN.NNN.NNN.N-NNN.NNN", len(d))})
	}
	if d == placeholderNPWP {
		return "", nil, errs.Errorf(errs.Invalid,
			"NPWP %s: all zeros is the placeholder Coretax files carry for a buyer without an NPWP, not a taxpayer's NPWP", d)
	}
	n := NPWP(d)
	var warnings []string
	if !luhnValid(d[1:10]) {
		want := luhnCheckDigit(d[1:9])
		warnings = append(warnings, fmt.Sprintf(
			"NPWP %s: check digit %c does not pass the Luhn test over the first 9 digits, which asks for %c; DJP has never published how the check digit is made, so this is only a warning: confirm the number with the taxpayer",
			n.Format(), d[9], want))
	}
	return n, warnings, nil
}

// NewLegacyNPWP builds the 16-digit NPWP "0" + AB.CDE.FGH.I-JKL.MNO for a
// new entity, government body or non-resident individual: typeCode is the
// 2-digit taxpayer type (AB), serial the 6-digit serial (CDEFGH, 1–999999),
// kpp the 3-digit tax office code and branch the 3-digit branch code (000
// for the head office). The check digit I is computed with the Luhn
// algorithm over the first 8 digits (identifiers.md §1.2), so that the
// result passes the test ParseNPWP makes.
func NewLegacyNPWP(typeCode string, serial int, kpp string, branch string) (NPWP, error) {
	var problems []string
	if len(typeCode) != 2 || !isDigits(typeCode) {
		problems = append(problems, fmt.Sprintf("type code %s must be 2 digits, e.g. 01", errs.Quote(typeCode)))
	}
	if serial < 1 || serial > 999_999 {
		problems = append(problems, fmt.Sprintf("serial %d must be between 1 and 999999", serial))
	}
	if len(kpp) != 3 || !isDigits(kpp) {
		problems = append(problems, fmt.Sprintf("KPP code %s must be 3 digits, e.g. 091", errs.Quote(kpp)))
	}
	if len(branch) != 3 || !isDigits(branch) {
		problems = append(problems, fmt.Sprintf("branch code %s must be 3 digits, 000 for the head office", errs.Quote(branch)))
	}
	if len(problems) > 0 {
		return "", invalid("cannot make a legacy NPWP", problems)
	}
	head := fmt.Sprintf("%s%06d", typeCode, serial)
	return NPWP("0" + head + string(luhnCheckDigit(head)) + kpp + branch), nil
}

// String returns the 16 digits.
func (n NPWP) String() string { return string(n) }

// IsNIK reports whether the NPWP is a resident individual's NIK, that is,
// 16 digits not starting with 0.
func (n NPWP) IsNIK() bool { return len(n) == 16 && n[0] != '0' }

// NIK returns the NPWP as a NIK when it is one.
func (n NPWP) NIK() (NIK, bool) {
	if !n.IsNIK() {
		return "", false
	}
	return NIK(n), true
}

// Legacy returns the 15-digit legacy NPWP inside a 16-digit NPWP that
// starts with 0.
func (n NPWP) Legacy() (string, bool) {
	if len(n) != 16 || n[0] != '0' {
		return "", false
	}
	return string(n[1:]), true
}

// Format returns the NPWP for display. An NPWP with a legacy part shows it
// as NN.NNN.NNN.N-NNN.NNN (01.312.166.0-091.000), the layout of the legacy
// NPWP card and of python-stdnum's format(); ParseNPWP reads it back to the
// same NPWP. A NIK is shown as its 16 digits: the sources give no grouping
// for 16-digit NPWPs, Coretax files carry them bare, and a grouping of our
// own could be mistaken for the legacy layout.
func (n NPWP) Format() string {
	if l, ok := n.Legacy(); ok {
		return formatLegacyNPWP(l)
	}
	return string(n)
}

func formatLegacyNPWP(l string) string {
	return l[:2] + "." + l[2:5] + "." + l[5:8] + "." + l[8:9] + "-" + l[9:12] + "." + l[12:15]
}

// luhnValid reports whether the digits pass the Luhn (mod 10) test: from the
// right, every second digit is doubled (less 9 when above 9) and the sum is
// a multiple of 10.
func luhnValid(digits string) bool { return luhnSum(digits, false)%10 == 0 }

// luhnCheckDigit returns the digit that, appended to payload, passes
// luhnValid.
func luhnCheckDigit(payload string) byte {
	return byte('0' + (10-luhnSum(payload, true)%10)%10)
}

// luhnSum is the Luhn sum of digits; double says whether the rightmost
// digit is doubled (true when a check digit is still to follow).
func luhnSum(digits string, double bool) int {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum
}
