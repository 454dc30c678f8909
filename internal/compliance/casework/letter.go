package casework

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
)

// DefaultResponseDays is the number of days a letter gives the taxpayer
// to explain. SE-05/PJ/2022 gives 14 days for DJP's SP2DK (likely; the
// circular was not read here). No regional regulation on a Bapenda's
// request for explanation was found, so for PBJT the figure is the DJP
// practice, unverified, and configurable (Config.ResponseDays).
const DefaultResponseDays = 14

// ResponseDaysSource says where the response period comes from; the letter
// and the pages show it.
const ResponseDaysSource = "SE-05/PJ/2022 (SP2DK of DJP), applied to regional tax by analogy: unverified"

// Letter is an SP2DK-style letter (Surat Permintaan Penjelasan atas Data
// dan/atau Keterangan): a request for explanation of the data the office
// holds, sent from a case.
type Letter struct {
	ID     int64
	CaseID int64
	// Number is the letter's number from the office's counter:
	// "SP2DK-000007/5104/2026" (the office's own pattern is unverified).
	Number string
	// Office is the name of the office that sends the letter (the
	// region's Bapenda from its configuration); OfficeVerified says
	// whether that name is verified.
	Office         string
	OfficeVerified bool
	Regency        string // area code of the region
	RegionName     string // "Kabupaten Gianyar"
	// The addressee.
	TaxpayerID   int64
	TaxpayerName string
	NPWP         string
	Subject      string // the subject key when there is no taxpayer
	IssuedAt     time.Time
	// ResponseDays and DueOn are the period to explain and its last day
	// (WIB calendar day, UTC midnight).
	ResponseDays int
	DueOn        time.Time
	Findings     []Finding
	// The totals of the findings.
	Shortfall, PenaltyVoluntary, PenaltyAudit money.Amount
	// Delivery says how the letter reached the taxpayer ("e-mail to
	// a***@x.id through the outbox", "on paper: no registered taxpayer").
	Delivery string
	// OutboxID is the notification carrying it, zero if none.
	OutboxID int64
}

// Finding is one flag as the letter states it: the data found, not the
// office's scoring of it.
type Finding struct {
	FlagID                                    int64
	Rule                                      compliance.Rule
	Periods                                   string // "2026-07 to 2026-10"
	Explanation                               string
	Evidence                                  []string
	Shortfall, PenaltyVoluntary, PenaltyAudit money.Amount
}

// RuleTitle is how a letter and the pages name a rule to a taxpayer.
func RuleTitle(r compliance.Rule) string {
	switch r {
	case compliance.UndeclaredProperty:
		return "Bookings for accommodation with no PBJT registration"
	case compliance.NetInsteadOfGross:
		return "Declared base below what guests paid (payout declared instead of the gross)"
	case compliance.WrongRegency:
		return "Declarations filed with a region other than the property's"
	case compliance.OffshorePayout:
		return "Income paid to accounts abroad not covered by declarations"
	case compliance.Nominee:
		return "Declared income implausibly small against the property's activity"
	case compliance.UnwithheldFees:
		return "Professional fees claimed without withholding slips"
	}
	return string(r)
}

// periods names a flag's months.
func periods(f compliance.Flag) string {
	if f.PeriodFrom == f.PeriodTo || f.PeriodTo == "" {
		return f.PeriodFrom
	}
	return f.PeriodFrom + " to " + f.PeriodTo
}

// FindingOf states a flag as a finding.
func FindingOf(f compliance.Flag) Finding {
	fd := Finding{FlagID: f.ID, Rule: f.Rule, Periods: periods(f), Explanation: f.Explanation,
		Shortfall: f.Shortfall, PenaltyVoluntary: f.PenaltyVoluntary, PenaltyAudit: f.PenaltyAudit}
	for _, e := range f.Evidence {
		fd.Evidence = append(fd.Evidence, e.Summary)
	}
	return fd
}

// LetterNumber formats a letter's number from the counter's value, the
// region and the year. The pattern is coretax's: no region's numbering
// of such letters was found.
func LetterNumber(seq int64, regency string, year int) string {
	return fmt.Sprintf("SP2DK-%06d/%s/%d", seq, regency, year)
}

// Compose builds the letter of case c from its flags (without its
// number, which the store assigns when it sends it).
func Compose(c Case, flags []compliance.Flag, office Office, issued time.Time, days int) (Letter, error) {
	l := Letter{CaseID: c.ID, Office: office.Name, OfficeVerified: office.Verified, Regency: c.Regency, RegionName: office.Region,
		TaxpayerID: c.TaxpayerID, TaxpayerName: c.Name, NPWP: c.NPWP, IssuedAt: issued, ResponseDays: days, DueOn: DueOn(issued, days)}
	if c.TaxpayerID == 0 {
		l.Subject = c.Key
	}
	for _, f := range flags {
		l.Findings = append(l.Findings, FindingOf(f))
		var e [3]error
		l.Shortfall, e[0] = l.Shortfall.Add(f.Shortfall)
		l.PenaltyVoluntary, e[1] = l.PenaltyVoluntary.Add(f.PenaltyVoluntary)
		l.PenaltyAudit, e[2] = l.PenaltyAudit.Add(f.PenaltyAudit)
		for _, err := range e {
			if err != nil {
				return Letter{}, fmt.Errorf("letter of case %d: %w", c.ID, err)
			}
		}
	}
	return l, nil
}

// Office is the sender of a letter.
type Office struct {
	Name     string
	Verified bool
	Region   string
}

// DueOn is the last day to explain: the day of issue in WIB plus days.
func DueOn(issued time.Time, days int) time.Time {
	d := issued.In(calendar.WIB)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
}

// Message is the text of the notification that carries a letter.
func (l Letter) Message(pageURL string) (subject, body string) {
	subject = "Request for explanation " + l.Number + " from " + l.Office
	var b strings.Builder
	fmt.Fprintf(&b, "%s has sent %s (NPWP %s) a request for explanation of data (SP2DK-style letter), number %s.\n\n",
		l.Office, l.TaxpayerName, l.NPWP, l.Number)
	fmt.Fprintf(&b, "The office holds data suggesting PBJT of %s may not have been declared. ", l.Shortfall.Display())
	fmt.Fprintf(&b, "Please explain by %s (%d days): read the letter and answer at %s\n\n", l.DueOn.Format("2 January 2006"), l.ResponseDays, pageURL)
	fmt.Fprintf(&b, "If you correct your declarations before an audit, the sanction is %s rather than %s after an audit.\n",
		l.PenaltyVoluntary.Display(), l.PenaltyAudit.Display())
	return subject, b.String()
}
