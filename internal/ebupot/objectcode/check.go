package objectcode

import (
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
)

// preferred lists, for each recipient kind, the codes a payroll clerk most
// often needs, most common first; Check suggests them when a code does not
// fit the recipient. Codes not in force on the day are skipped.
var preferred = map[RecipientKind][]string{
	PermanentEmployee:    {"21-100-01"},
	Pensioner:            {"21-100-02"},
	NonPermanentEmployee: {"21-100-35", "21-100-24", "21-100-30"},
	NonEmployee:          {"21-100-20", "21-100-07", "21-100-33"},
	BoardMember:          {"21-100-10"},
	FormerEmployee:       {"21-401-01", "21-401-02", "21-100-25"},
	Participant:          {"21-100-14", "21-100-16", "21-100-36"},
	NonResident:          {"27-100-99", "27-104-01"},
}

// Check reports whether code may be used on slip type slip for a recipient
// of kind recipient on day on: the code must be in force (see Lookup), be
// for that kind of recipient (PMK 168/2023 sets the method by the
// recipient's tenure, pph21.md §1) and be accepted by the slip type
// (ebupot.md §6). An empty slip or recipient skips that test.
//
// The errs.Invalid error says what the code is for and which code fits:
// "21-100-01 is for permanent employees; a recipient paid for a project or
// a service without an employment contract is a non-employee (bukan
// pegawai): use 21-100-20 for service providers in any field, ...".
func Check(code string, slip SlipType, recipient RecipientKind, on time.Time) error {
	return check(all(), Normalize(code), slip, recipient, calendar.Midnight(on))
}

func check(list []Code, code string, slip SlipType, recipient RecipientKind, day time.Time) error {
	c, err := lookup(list, code, day)
	if err != nil {
		return err
	}
	if recipient != "" && !c.IsFor(recipient) {
		words, ok := recipientWords[recipient]
		if !ok {
			return errs.Errorf(errs.Invalid, "recipient kind %s is not known", errs.Quote(string(recipient)))
		}
		return errs.E(errs.Invalid, c.Code+" is for "+plurals(c.Recipients)+"; "+words.who+" is "+words.what+": "+suggest(list, recipient, slip, day))
	}
	if slip != "" && !c.AcceptsSlip(slip) {
		return errs.Errorf(errs.Invalid, "%s cannot be reported on a %s slip; it belongs on %s", c.Code, slip, orList(slipStrings(c.Slips)))
	}
	return nil
}

// suggest names the codes in force on day for recipients of kind k,
// preferring those slip accepts.
func suggest(list []Code, k RecipientKind, slip SlipType, day time.Time) string {
	var cands []Code
	for _, code := range preferred[k] {
		if v, ok := version(list, code, day); ok && v.IsFor(k) {
			cands = append(cands, v)
		}
	}
	if len(cands) == 0 {
		// No usual code for the kind (residents under the unified
		// regime): the code follows the payment, so name the slips.
		var slips []string
		for _, t := range SlipTypes {
			for _, c := range list {
				if c.InForce(day) && c.IsFor(k) && c.AcceptsSlip(t) {
					slips = append(slips, string(t))
					break
				}
			}
		}
		if len(slips) == 0 {
			return "no code in force on " + day.Format(dateLayout) + " is for " + recipientWords[k].plural
		}
		return "use the code for " + recipientWords[k].plural + " that names the payment, reported on " + orList(slips)
	}
	fits := slip == ""
	if slip != "" {
		var onSlip []Code
		for _, c := range cands {
			if c.AcceptsSlip(slip) {
				onSlip = append(onSlip, c)
			}
		}
		if len(onSlip) > 0 {
			cands, fits = onSlip, true
		}
	}
	if len(cands) > 3 {
		cands = cands[:3]
	}
	parts := make([]string, len(cands))
	for i, c := range cands {
		parts[i] = c.Code + " for " + c.shortName()
		if !fits {
			parts[i] += " (on " + orList(slipStrings(c.Slips)) + ")"
		}
	}
	msg := "use " + orList(parts)
	if !fits {
		msg += "; " + recipientWords[k].plural + " are not reported on " + string(slip)
	}
	return msg
}

func plurals(kinds []RecipientKind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = recipientWords[k].plural
	}
	return andList(parts)
}

func slipStrings(ss []SlipType) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// orList joins "a", "b", "c" as "a, b, or c"; two items as "a or b".
func orList(parts []string) string { return joinList(parts, "or") }

// andList joins "a", "b", "c" as "a, b, and c"; two items as "a and b".
func andList(parts []string) string { return joinList(parts, "and") }

func joinList(parts []string, conj string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " " + conj + " " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", " + conj + " " + parts[len(parts)-1]
}
