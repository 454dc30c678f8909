package taxid

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
)

// Kind names a kind of identifier that Check knows.
type Kind string

// The kinds Check knows. Unknown is what InferKind returns for input that
// looks like none of them.
const (
	KindNPWP    Kind = "npwp"
	KindNIK     Kind = "nik"
	KindNITKU   Kind = "nitku"
	KindFaktur  Kind = "faktur" // a Coretax faktur number (17 digits)
	KindBilling Kind = "billing"
	KindNTPN    Kind = "ntpn"
	KindUnknown Kind = "unknown"
)

// Kinds lists the kinds Check knows, in the order they are documented.
var Kinds = []Kind{KindNPWP, KindNIK, KindNITKU, KindFaktur, KindBilling, KindNTPN}

// ParseKind parses the name of a kind ("npwp", "NIK", ...).
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Kinds {
		if k == known {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", errs.Errorf(errs.Invalid, "kind %s is not a kind of identifier; use one of %s", errs.Quote(s), strings.Join(names, ", "))
}

// InferKind guesses the kind of an identifier from its shape, after
// removing dots, dashes and spaces:
//
//   - 22 digits: NITKU
//   - 17 digits: Coretax faktur number
//   - 16 digits starting with 0: NPWP
//   - 16 digits not starting with 0: NIK (also the NPWP of a resident
//     individual; check it as npwp to see it that way)
//   - 15 digits: legacy NPWP (kind npwp)
//   - 16 letters and digits with at least one letter: NTPN
//   - anything else: KindUnknown
//
// A billing code is never inferred. It is 15 digits like a legacy NPWP, and
// neither carries a check that tells them apart offline: the billing code
// has no check digit, and the NPWP's is unofficial and only warned about. An
// NPWP is by far the more common thing to check, so 15 digits are read as
// one; give the kind billing explicitly to check a billing code.
func InferKind(input string) Kind {
	c := compact(input)
	switch {
	case isDigits(c):
		switch len(c) {
		case 22:
			return KindNITKU
		case 17:
			return KindFaktur
		case 16:
			if c[0] == '0' {
				return KindNPWP
			}
			return KindNIK
		case 15:
			return KindNPWP
		}
	case len(c) == 16 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "":
		return KindNTPN
	}
	return KindUnknown
}

// Result is the outcome of checking one identifier.
type Result struct {
	Input      string   // as given
	Kind       Kind     // as given, or inferred
	Valid      bool     // no errors (there may be warnings)
	Normalized string   // the canonical form when Valid, else ""
	Display    string   // the display form (see each type's Format) when Valid, else ""
	Warnings   []string // doubts that do not make the identifier invalid
	Errors     []string // why the identifier is invalid
	NIK        *NIKInfo // for a NIK, and for an NPWP that is a NIK
}

// Check checks input as an identifier of the given kind, or of the kind
// InferKind gives when kind is "". now resolves the century of a NIK's
// birth date (see BirthDate).
func Check(kind Kind, input string, now time.Time) Result {
	inferred := kind == ""
	if inferred {
		kind = InferKind(input)
	}
	r := Result{Input: input, Kind: kind}
	var err error
	switch kind {
	case KindNPWP:
		var n NPWP
		n, r.Warnings, err = ParseNPWP(input)
		if err == nil {
			r.Normalized, r.Display = n.String(), n.Format()
			if nik, ok := n.NIK(); ok {
				info := nik.Decode(now)
				r.NIK = &info
			}
			if _, ok := n.Legacy(); ok && inferred && len(r.Warnings) > 0 && len(compact(input)) == 15 {
				r.Warnings = append(r.Warnings, "15 digits were read as a legacy NPWP; if this is a billing code, check it as kind billing")
			}
		}
	case KindNIK:
		var n NIK
		if n, err = ParseNIK(input); err == nil {
			r.Normalized, r.Display, r.Warnings = n.String(), n.Format(), n.Warnings()
			info := n.Decode(now)
			r.NIK = &info
		}
	case KindNITKU:
		var n NITKU
		if n, r.Warnings, err = ParseNITKU(input); err == nil {
			r.Normalized, r.Display = n.String(), n.Format()
		}
	case KindFaktur:
		var f FakturNumber
		if f, err = ParseFakturNumber(input); err == nil {
			r.Normalized, r.Display = f.String(), f.Format()
		}
	case KindBilling:
		var b BillingCode
		if b, err = ParseBillingCode(input); err == nil {
			r.Normalized, r.Display = b.String(), b.Format()
		}
	case KindNTPN:
		var n NTPN
		if n, err = ParseNTPN(input); err == nil {
			r.Normalized, r.Display = n.String(), n.Format()
		}
	case KindUnknown:
		err = errs.E(errs.Invalid, unknownShape(input))
	default:
		_, err = ParseKind(string(kind))
	}
	if err != nil {
		r.Errors = append(r.Errors, errs.Message(err))
	}
	r.Valid = len(r.Errors) == 0
	return r
}

// unknownShape explains why InferKind found no kind.
func unknownShape(input string) string {
	c := compact(input)
	what := fmt.Sprintf("%d characters", len([]rune(c)))
	if isDigits(c) {
		what = fmt.Sprintf("%d digits", len(c))
	}
	if c == "" {
		what = "nothing"
	}
	return fmt.Sprintf("cannot tell what kind of identifier this is: without separators it has %s; "+
		"NPWPs have 15 or 16 digits, NIKs 16, NITKUs 22, faktur numbers 17, NTPNs 16 letters and digits "+
		"(a billing code must be checked as kind billing)", what)
}
