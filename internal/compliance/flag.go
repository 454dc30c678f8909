// Package compliance is the tax office's compliance engine for the
// regional tax on accommodation (PBJT) and the withholding it touches:
// third-party data as platforms (PJAP), online travel agencies and banks
// send it, kept append-only with its source; matching rules that compare
// it with what taxpayers registered and declared; and the flags the rules
// raise, each with its evidence, a confidence, the estimated shortfall and
// the penalty exposure under both the voluntary-disclosure and the
// after-audit rules. Every rule is published as a protocol in
// doc/compliance.md.
//
// The matching job streams the data in chunks so that a run over a
// million third-party bookings needs memory for one listing at a time, not
// for all of them; a taxpayer's self-check runs the same rules on that
// taxpayer's own data without storing anything.
package compliance

import (
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
)

// Rule names a matching rule (doc/compliance.md).
type Rule string

// The matching rules.
const (
	// UndeclaredProperty: third-party bookings for a listing that matches
	// no PBJT-registered property.
	UndeclaredProperty Rule = "undeclared-property"
	// NetInsteadOfGross: a property's declared base is below the
	// third-party gross by about the commission: the payout was declared.
	NetInsteadOfGross Rule = "net-instead-of-gross"
	// WrongRegency: the listing's address lies in one region while the
	// property's declarations go to another.
	WrongRegency Rule = "wrong-regency"
	// OffshorePayout: income paid out to accounts abroad that no
	// declaration covers.
	OffshorePayout Rule = "offshore-payout"
	// Nominee: a registered owner whose declared income is implausibly
	// small against the property's third-party activity.
	Nominee Rule = "nominee"
	// UnwithheldFees: professional-fee expense claims with no matching
	// withholding slip issued by the claimant.
	UnwithheldFees Rule = "unwithheld-fees"
)

// Rules lists every rule in the order the job runs and documents them.
var Rules = []Rule{UndeclaredProperty, NetInsteadOfGross, WrongRegency, OffshorePayout, Nominee, UnwithheldFees}

// Valid reports whether r is one of Rules.
func (r Rule) Valid() bool {
	for _, x := range Rules {
		if r == x {
			return true
		}
	}
	return false
}

// The kinds of evidence a flag points at.
const (
	EvidenceRecord      = "record"      // a third-party record (compliance_records.id)
	EvidenceDeclaration = "declaration" // a PBJT declaration (pbjt_declarations.id)
	EvidenceBooking     = "booking"     // a booking the taxpayer imported (pbjt_bookings.id)
	EvidenceSlip        = "slip"        // a withholding slip (e-Bupot)
	EvidenceProperty    = "property"    // a registered property (pbjt_properties.id)
	EvidenceListing     = "listing"     // a third-party listing of a place (no id of ours: Source and Ref name it)
)

// Evidence is one item a flag rests on, with a one-line summary an officer
// reads without opening it: "Airbnb PJAP feed record 41: 2026-10-03..06,
// gross Rp 12.000.000, payout to SG".
type Evidence struct {
	// Kind is one of the Evidence* constants.
	Kind string
	// ID is the item's id in its own table; zero for a listing, which
	// has no row of its own, and for the line counting further records.
	ID int64
	// Source is who sent a listing or a third-party record: "Airbnb PJAP
	// feed 01". Empty for the office's own items.
	Source string
	// Ref is the item's own identifier where it comes from: a listing's
	// id on its platform, a third-party record's id in the sender's feed
	// (source_record_id), a withholding slip's number.
	Ref string
	// Period is the tax month of the taxpayer's imported bookings the
	// item totals ("2026-10"); ID is then the month's first booking.
	Period string
	// Summary is the one-line description.
	Summary string
}

// Label names the item in a few words, for the badge before its summary:
// "listing ABB-88213 on Airbnb PJAP feed 01", "record 41 (Airbnb PJAP
// feed 01 AB-1001)", "bookings of 2026-10", "declaration 7". An item
// nothing identifies (the line counting further records, or a listing
// stored before listings kept their source and id) is named by its kind
// alone, never by a zero id.
func (e Evidence) Label() string {
	switch {
	case e.Kind == EvidenceListing && e.Ref != "":
		return "listing " + e.Ref + " on " + e.Source
	case e.Kind == EvidenceBooking && e.Period != "":
		return "bookings of " + e.Period
	case e.ID == 0 && e.Ref == "":
		return e.Kind
	case e.ID == 0:
		return e.Kind + " " + strings.TrimSpace(e.Source+" "+e.Ref)
	case e.Ref == "":
		return e.Kind + " " + strconv.FormatInt(e.ID, 10)
	}
	return e.Kind + " " + strconv.FormatInt(e.ID, 10) + " (" + strings.TrimSpace(e.Source+" "+e.Ref) + ")"
}

// The statuses of a flag.
const (
	// StatusOpen: raised by the latest run that looked at the subject.
	StatusOpen = "open"
	// StatusSuperseded: a later run raised the same rule for the same
	// subject again; the later flag replaces this one.
	StatusSuperseded = "superseded"
	// StatusClosed: an officer closed the flag (case work).
	StatusClosed = "closed"
)

// PeriodEstimate is the shortfall and the penalty exposure of one tax
// period of a flag.
type PeriodEstimate struct {
	// Period is the tax month, "2026-10".
	Period string
	// ThirdPartyGross is what third parties report the guests paid.
	ThirdPartyGross money.Amount
	// Declared is the base declared for the period (zero when none).
	Declared money.Amount
	// Rate is the region's PBJT rate in basis points for the period.
	Rate int64
	// Shortfall is the tax not declared.
	Shortfall money.Amount
	// PenaltyVoluntary and PenaltyAudit are the sanctions on Shortfall if
	// the taxpayer corrects now, and if the office assesses it.
	PenaltyVoluntary money.Amount
	PenaltyAudit     money.Amount
	// Months is the number of months of interest counted (capped) from
	// Due, the payment deadline of the period (zero when unknown; not
	// stored).
	Months int
	Due    time.Time
}

// Flag is a finding of a matching rule about a subject: a listing no
// registered property matches, or a taxpayer's property.
type Flag struct {
	ID    int64
	RunID int64
	Rule  Rule
	// TaxpayerID and PropertyID are zero when the subject has no
	// registered taxpayer or property (an undeclared listing).
	TaxpayerID int64
	PropertyID int64
	// NPWP is the taxpayer's NPWP when one is known (registered, or
	// given by the third party), else empty.
	NPWP string
	// Subject is the stable key of what is flagged: "listing:<source>:<id>"
	// for a listing, "property:<id>" for a registered property,
	// "taxpayer:<id>" for a taxpayer. A re-run supersedes the open flag of
	// the same Rule and Subject.
	Subject string
	// Regency is the area code of the region concerned ("5103").
	Regency string
	// PeriodFrom and PeriodTo are the first and last tax month covered,
	// "2026-07".
	PeriodFrom, PeriodTo string
	// Confidence is how sure the rule is, in percent (doc/compliance.md
	// gives each rule's figure and why).
	Confidence int
	// Shortfall is the tax not declared over the periods.
	Shortfall money.Amount
	// PenaltyVoluntary is the sanction if the taxpayer corrects before an
	// audit; PenaltyAudit if the office assesses it after one. Each
	// period's rule and source are in Periods and Explanation.
	PenaltyVoluntary money.Amount
	PenaltyAudit     money.Amount
	// Evidence lists the matched records, declarations, bookings, slips.
	Evidence []Evidence
	// Replaces are further subjects whose open flags of the same rule
	// this flag supersedes: the listings of a place when the place's
	// flag was raised per listing before. Not stored.
	Replaces []string
	// Explanation says in a few sentences what the rule found, with the
	// figures, the rule's threshold and the sanction rules applied.
	Explanation string
	// Status is StatusOpen, StatusSuperseded or StatusClosed.
	Status    string
	CreatedAt time.Time

	// Periods breaks Shortfall and the penalties down per tax month.
	Periods []PeriodEstimate
	// SupersededBy is the flag that replaced this one, zero if none.
	SupersededBy int64
}

// FlagQuery filters and pages the officer's list of flags. Zero values
// do not filter.
type FlagQuery struct {
	Rule       Rule
	Regency    string
	TaxpayerID int64
	NPWP       string
	// Status defaults to StatusOpen in the service; "all" lists every
	// status.
	Status string
	RunID  int64
	// After is the cursor: the id of the last flag of the previous page;
	// flags come in descending id order, so the next page holds smaller
	// ids.
	After int64
	// Limit is the page size (1..500, default 50).
	Limit int
}

// FlagPage is one page of flags and the cursor of the next, zero at the
// end.
type FlagPage struct {
	Flags []Flag
	Next  int64
}
