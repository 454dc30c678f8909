// Package casework is what a tax office does with the compliance engine's
// flags: it scores the risk of each taxpayer (and of each unregistered
// subject) from its open flags, opens cases sorted by the expected
// recovery, sends the taxpayer an SP2DK-style letter asking for an
// explanation, records the response and closes the case with an outcome.
// For the taxpayer it shows the same checks on their own data before the
// office acts ("what the tax office will see") and prepares a voluntary
// correction of past periods as amended declarations.
//
// The formula, the states and the letter are documented in
// doc/compliance-cases.md.
package casework

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// Status is where a case is.
type Status string

// The states of a case: open → letter sent → response received → closed.
// A case may be closed from any state (an officer who finds the flags
// explained by the records needs no letter).
const (
	Open             Status = "open"
	LetterSent       Status = "letter_sent"
	ResponseReceived Status = "response_received"
	Closed           Status = "closed"
)

// Statuses lists the states in order.
var Statuses = []Status{Open, LetterSent, ResponseReceived, Closed}

// Label names the state for pages.
func (s Status) Label() string {
	switch s {
	case Open:
		return "open"
	case LetterSent:
		return "letter sent"
	case ResponseReceived:
		return "response received"
	case Closed:
		return "closed"
	}
	return string(s)
}

// Outcome is how a closed case ended.
type Outcome string

// The outcomes of a case.
const (
	// Explained: the taxpayer's explanation (or the records) account for
	// the data; nothing is owed.
	Explained Outcome = "explained"
	// CorrectedVoluntarily: the taxpayer filed amended declarations
	// before an audit, at the voluntary-disclosure sanction.
	CorrectedVoluntarily Outcome = "corrected_voluntarily"
	// ReferredToAudit: no or no adequate answer; the case goes to an
	// audit (pemeriksaan), where the after-audit sanction applies.
	ReferredToAudit Outcome = "referred_to_audit"
)

// Outcomes lists the outcomes.
var Outcomes = []Outcome{Explained, CorrectedVoluntarily, ReferredToAudit}

// Label names the outcome for pages.
func (o Outcome) Label() string {
	switch o {
	case Explained:
		return "explained"
	case CorrectedVoluntarily:
		return "corrected voluntarily"
	case ReferredToAudit:
		return "referred to audit"
	}
	return string(o)
}

// Case is an officer's work on one subject's flags.
type Case struct {
	ID int64
	// Key is the subject key (KeyOf): "taxpayer:<id>" or an unregistered
	// subject's own key.
	Key        string
	TaxpayerID int64 // zero for an unregistered subject
	NPWP       string
	// Name is the taxpayer's name, or the subject key when unregistered.
	Name    string
	Regency string
	Status  Status
	Outcome Outcome // set when Closed
	// AssignedTo is the login of the officer working the case, "" when
	// unassigned.
	AssignedTo string
	// FlagIDs are the flags the case was opened from.
	FlagIDs []int64
	Rules   []compliance.Rule
	// The figures of the flags when the case was opened: the case list
	// sorts by ExpectedRecovery.
	Shortfall, PenaltyVoluntary, PenaltyAudit, ExpectedRecovery money.Amount
	OpenedBy                                                    string
	OpenedAt, UpdatedAt                                         time.Time
	ClosedAt                                                    time.Time // zero until closed
	Version                                                     int
	// Events is the case's history, oldest first (filled by Case).
	Events []Event
	// Letter and Response are filled by Case once they exist.
	Letter   *Letter
	Response *Response
}

// Event is one step in a case's history; each is also an audit entry.
type Event struct {
	At     time.Time
	Actor  string
	Action string // "open", "assign", "letter", "response", "close"
	Detail string
}

// Response is the taxpayer's answer to a letter.
type Response struct {
	ID     int64
	CaseID int64
	// Channel is "online" (the taxpayer's page or the API) or "paper"
	// (a written reply an officer recorded).
	Channel     string
	Explanation string
	// Correction says that the taxpayer corrects (or has corrected) the
	// declarations voluntarily.
	Correction bool
	ReceivedAt time.Time
	RecordedBy string
}

// The channels of a response.
const (
	Online = "online"
	Paper  = "paper"
)

// CaseQuery filters and pages the case list. Zero values do not filter.
type CaseQuery struct {
	Regency string
	Status  Status
	Rule    compliance.Rule
	// AssignedTo filters by officer login.
	AssignedTo string
	// Offset and Limit page the list, which is sorted by expected
	// recovery (largest first), then by ID. Limit is 1..200, default 50.
	Offset, Limit int
}

// CasePage is one page of cases.
type CasePage struct {
	Cases []Case
	// More says whether another page follows.
	More bool
}

// RiskQuery filters and pages the risk list. Zero values do not filter.
type RiskQuery struct {
	Regency string
	Rule    compliance.Rule
	// Offset and Limit page the list sorted by expected recovery; Limit
	// is 1..200, default 50.
	Offset, Limit int
}

// RiskPage is one page of risks.
type RiskPage struct {
	Risks []Risk
	More  bool
}

// check validates a query's filters and sets the default page size.
func checkPaging(fs *errs.Fields, offset, limit *int) {
	if *limit == 0 {
		*limit = 50
	}
	if *limit < 1 || *limit > 200 {
		fs.Add("limit", fmt.Sprint(*limit), "must be between 1 and 200")
	}
	if *offset < 0 {
		fs.Add("offset", fmt.Sprint(*offset), "must not be negative")
	}
}

func checkRegion(fs *errs.Fields, code string) {
	if code != "" && !pbjt.IsRegion(code) {
		fs.Add("regency", code, "is not one of the Bali regions; use one of %s", strings.Join(pbjt.Regions, ", "))
	}
}

func checkRule(fs *errs.Fields, r compliance.Rule) {
	if r != "" && !r.Valid() {
		fs.Add("rule", string(r), "is not a rule; use one of %s", joinRules(compliance.Rules))
	}
}

func joinRules(rs []compliance.Rule) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// check validates a case query.
func (q *CaseQuery) check() error {
	var fs errs.Fields
	checkPaging(&fs, &q.Offset, &q.Limit)
	checkRule(&fs, q.Rule)
	checkRegion(&fs, q.Regency)
	if q.Status != "" && !slices.Contains(Statuses, q.Status) {
		fs.Add("status", string(q.Status), "is not a case status; use open, letter_sent, response_received or closed")
	}
	return fs.Err("the case query is not valid")
}

// check validates a risk query.
func (q *RiskQuery) check() error {
	var fs errs.Fields
	checkPaging(&fs, &q.Offset, &q.Limit)
	checkRule(&fs, q.Rule)
	checkRegion(&fs, q.Regency)
	return fs.Err("the risk query is not valid")
}

// ParseOutcome checks an outcome name.
func ParseOutcome(s string) (Outcome, error) {
	o := Outcome(strings.TrimSpace(s))
	if !slices.Contains(Outcomes, o) {
		return "", errs.InvalidFields("the outcome is not valid",
			errs.Field("outcome", s, "is not an outcome; use explained, corrected_voluntarily or referred_to_audit"))
	}
	return o, nil
}

// canMove reports whether a case in state from may take the step to.
// Sending a letter needs an open case; a response needs a letter; a case
// may be closed from any state but closed.
func canMove(from, to Status) bool {
	switch to {
	case LetterSent:
		return from == Open
	case ResponseReceived:
		return from == LetterSent
	case Closed:
		return from != Closed
	}
	return false
}

// moveError is the Conflict of a step the case's state does not allow.
func moveError(c Case, to Status) error {
	var why string
	switch to {
	case LetterSent:
		why = "a letter is sent once, from an open case"
	case ResponseReceived:
		why = "a response answers a letter; send the letter first"
	case Closed:
		why = "the case is closed already"
	}
	return errs.Errorf(errs.Conflict, "case %d is %s: %s", c.ID, c.Status.Label(), why)
}
