package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/taxid"
)

// The actions of this package.
const (
	// ActCases: the risk list, the cases, letters and recorded replies:
	// officers holding officer.compliance.
	ActCases actor.Action = "compliance.cases"
	// ActLetters: a taxpayer reads the letters sent to it and answers
	// them.
	ActLetters actor.Action = "compliance.letters"
	// ActCorrect: a taxpayer prepares and files a voluntary correction
	// from its self-check.
	ActCorrect actor.Action = "compliance.correct"
)

// Rules returns the access rules of case work, to be merged into the
// roles policy. The office's side needs officer.compliance; a taxpayer's
// letters are read and answered by the taxpayer's own login, its active
// related parties and accepted consultants (who answer SP2DKs for their
// clients in practice), and by compliance officers.
func Rules() roles.Rules {
	return roles.Rules{
		ActCases:   {Need: roles.OfficerOnly, Officer: roles.OfficerCompliance, What: "work compliance cases: risks, cases, letters"},
		ActLetters: {Need: roles.Related, Officer: roles.OfficerCompliance, What: "see and answer this taxpayer's letters from the tax office"},
		ActCorrect: {Need: roles.Related, What: "prepare and file a voluntary correction of this taxpayer's declarations"},
	}
}

// Store keeps the cases, their letters and responses. Each method that
// changes state is one transaction that writes the case's event and its
// audit entry.
type Store interface {
	// Risks returns the open flags' risks grouped by subject key, sorted
	// by expected recovery (largest first), with CaseID set where the
	// subject has a case that is not closed; Band is left to the caller.
	// more says whether flags of further subjects follow.
	Risks(ctx context.Context, q RiskQuery) (risks []Risk, more bool, err error)
	// OpenFlagIDs returns the ids of the subject key's open flags.
	OpenFlagIDs(ctx context.Context, key string) ([]int64, error)
	// SubjectFlagIDs returns the ids of all the subject key's flags,
	// newest first.
	SubjectFlagIDs(ctx context.Context, key string) ([]int64, error)
	// ActiveCase returns the id of the subject key's case that is not
	// closed, zero if none.
	ActiveCase(ctx context.Context, key string) (int64, error)
	// Declarations returns every revision of the taxpayer's PBJT
	// declarations, by property, month and revision.
	Declarations(ctx context.Context, taxpayerID int64) ([]Declaration, error)
	// CreateCase stores c with its flags and sets its ID and version; a
	// Conflict when the subject has a case that is not closed.
	CreateCase(ctx context.Context, c *Case, ev Event, e audit.Entry) error
	// Case returns the case with its events, letter and response, or
	// NotFound.
	Case(ctx context.Context, id int64) (Case, error)
	// Cases returns a page of cases by the query, sorted by expected
	// recovery, largest first.
	Cases(ctx context.Context, q CaseQuery) ([]Case, bool, error)
	// CasesOf returns the taxpayer's cases that have a letter, newest
	// first, each with its letter and response.
	CasesOf(ctx context.Context, taxpayerID int64) ([]Case, error)
	// Assign sets the case's officer when its version is version.
	Assign(ctx context.Context, id int64, version int, officer string, ev Event, e audit.Entry) error
	// SendLetter numbers l from the counter of its region and year,
	// stores it, queues m (when not nil) with the letter's number in its
	// text (the store calls text with the letter once numbered), and
	// moves the case to LetterSent, when its version is version.
	SendLetter(ctx context.Context, version int, l *Letter, m *notify.Message, text func(*Letter) (subject, body string), ev Event, e audit.Entry) error
	// Respond stores r and moves the case to ResponseReceived; when
	// version is not zero the case must be at that version.
	Respond(ctx context.Context, version int, r *Response, ev Event, e audit.Entry) error
	// Close closes the case with the outcome and closes its flags that
	// are still open, when its version is version.
	Close(ctx context.Context, id int64, version int, o Outcome, at time.Time, ev Event, e audit.Entry) error
}

// Flags reads the engine's flags; the engine's service checks its own
// access rules.
type Flags interface {
	Flag(ctx context.Context, id int64) (compliance.Flag, error)
	Flags(ctx context.Context, q compliance.FlagQuery) (compliance.FlagPage, error)
}

// Register reads the taxpayer register without the access policy, for
// the name and e-mail of a case's taxpayer.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
}

// Regions gives a region's configuration on a day: the office's name.
type Regions interface {
	Region(ctx context.Context, code string, d time.Time) (pbjt.Version, error)
}

// Config holds the office's settings of case work.
type Config struct {
	// ResponseDays is the period a letter gives to explain (default
	// DefaultResponseDays).
	ResponseDays int
	// Bands are the risk bands (default DefaultBands).
	Bands Bands
	// BaseURL is the site's address, for the link in the letter's
	// notification ("https://coretax.example"); "" writes the path only.
	BaseURL string
}

// Service is the office's case work and the taxpayer's side of it.
type Service struct {
	store    Store
	flags    Flags
	register Register
	regions  Regions
	policy   actor.Policy
	now      func() time.Time
	cfg      Config
	// selfCheck and declarations serve the self-check (selfcheck.go).
	selfCheck    SelfChecker
	declarations Declarations
	// dashboard sums declarations and records (dashboard.go).
	dashboard DashboardStore
}

// NewService returns the case-work service.
func NewService(store Store, flags Flags, register Register, regions Regions, policy actor.Policy, now func() time.Time, cfg Config) *Service {
	if cfg.ResponseDays == 0 {
		cfg.ResponseDays = DefaultResponseDays
	}
	if cfg.Bands == (Bands{}) {
		cfg.Bands = DefaultBands
	}
	return &Service{store: store, flags: flags, register: register, regions: regions, policy: policy, now: now, cfg: cfg}
}

// ResponseDays is the period letters give to explain.
func (s *Service) ResponseDays() int { return s.cfg.ResponseDays }

// Bands returns the risk bands in use.
func (s *Service) Bands() Bands { return s.cfg.Bands }

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) (Event, audit.Entry) {
	a := actor.From(ctx)
	now := s.now().UTC()
	return Event{At: now, Actor: a.String(), Action: action, Detail: detail},
		audit.Entry{At: now, Actor: a.String(), AccountID: a.AccountID, TaxpayerID: taxpayerID, Action: "compliance.case." + action, Address: a.Address, Detail: detail}
}

// AllowCases checks that the actor may work cases, before a transport
// reads a request body.
func (s *Service) AllowCases(ctx context.Context) error { return s.policy.Allow(ctx, ActCases, 0) }

// Risks returns a page of the risk list: each subject with open flags,
// largest expected recovery first.
func (s *Service) Risks(ctx context.Context, q RiskQuery) (RiskPage, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return RiskPage{}, err
	}
	if err := q.check(); err != nil {
		return RiskPage{}, err
	}
	rs, more, err := s.store.Risks(ctx, q)
	if err != nil {
		return RiskPage{}, err
	}
	for i := range rs {
		rs[i].Band = s.cfg.Bands.Band(rs[i].ExpectedRecovery)
	}
	return RiskPage{Risks: rs, More: more}, nil
}

// OpenInput opens a case: from chosen flags, or from every open flag of
// a subject (the risk list's proposal).
type OpenInput struct {
	FlagIDs []int64
	// Subject is a subject key (Risk.Key); used when FlagIDs is empty.
	Subject string
	// AssignTo is the login of the officer to work it; "" assigns the
	// officer who opens it.
	AssignTo string
}

// Open opens a case from flags of one subject. Every flag must be open
// and belong to the same subject key; the subject must not have a case
// that is not closed.
func (s *Service) Open(ctx context.Context, in OpenInput) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	ids := in.FlagIDs
	if len(ids) == 0 {
		key := strings.TrimSpace(in.Subject)
		if key == "" {
			return Case{}, errs.InvalidFields("the case has no flags", errs.Field("flag_ids", "", "name at least one flag, or a subject"))
		}
		var err error
		if ids, err = s.store.OpenFlagIDs(ctx, key); err != nil {
			return Case{}, err
		}
		if len(ids) == 0 {
			return Case{}, errs.InvalidFields("the subject has no open flags", errs.Field("subject", key, "has no open flags; run the matching job or choose another subject"))
		}
	}
	var fs errs.Fields
	var flags []compliance.Flag
	key := ""
	for i, id := range ids {
		field := fmt.Sprintf("flag_ids[%d]", i)
		if slices.Contains(ids[:i], id) {
			fs.Add(field, fmt.Sprint(id), "is named twice")
			continue
		}
		f, err := s.flags.Flag(ctx, id)
		if errs.Is(errs.NotFound, err) {
			fs.Add(field, fmt.Sprint(id), "is not a flag")
			continue
		}
		if err != nil {
			return Case{}, err
		}
		if f.Status != compliance.StatusOpen {
			fs.Add(field, fmt.Sprint(id), "is %s, not open; a case is opened from open flags (the latest run's)", f.Status)
			continue
		}
		if key == "" {
			key = KeyOf(f)
		} else if KeyOf(f) != key {
			fs.Add(field, fmt.Sprint(id), "concerns %s, not %s: a case covers one subject", KeyOf(f), key)
			continue
		}
		flags = append(flags, f)
	}
	if err := fs.Err("the flags cannot make one case"); err != nil {
		return Case{}, err
	}
	c, err := s.caseOf(ctx, key, flags)
	if err != nil {
		return Case{}, err
	}
	a := actor.From(ctx)
	c.AssignedTo = strings.TrimSpace(in.AssignTo)
	if c.AssignedTo != "" {
		if err := checkOfficer("assign_to", c.AssignedTo); err != nil {
			return Case{}, err
		}
	} else if a.Kind == actor.Officer {
		c.AssignedTo = a.ID
	}
	c.OpenedBy, c.OpenedAt, c.UpdatedAt = a.String(), s.now().UTC(), s.now().UTC()
	detail := fmt.Sprintf("%s: %d flags (%s), expected recovery %s", key, len(flags), joinRules(c.Rules), c.ExpectedRecovery.Display())
	if c.AssignedTo != "" {
		detail += ", assigned to " + c.AssignedTo
	}
	ev, e := s.entry(ctx, c.TaxpayerID, "open", detail)
	if err := s.store.CreateCase(ctx, &c, ev, e); err != nil {
		return Case{}, err
	}
	return c, nil
}

// caseOf builds a case of the subject from its flags.
func (s *Service) caseOf(ctx context.Context, key string, flags []compliance.Flag) (Case, error) {
	f0 := flags[0]
	c := Case{Key: key, TaxpayerID: f0.TaxpayerID, NPWP: f0.NPWP, Name: key, Regency: f0.Regency, Status: Open}
	if c.TaxpayerID != 0 && c.NPWP != "" {
		if n, _, err := taxid.ParseNPWP(c.NPWP); err == nil {
			t, err := s.register.TaxpayerByNPWP(ctx, n)
			if err != nil {
				return Case{}, fmt.Errorf("case taxpayer %s: %w", c.NPWP, err)
			}
			c.Name = t.Name
		}
	}
	risks, err := Assess(flags, s.cfg.Bands)
	if err != nil {
		return Case{}, err
	}
	r := risks[0]
	c.Rules, c.Shortfall, c.PenaltyVoluntary, c.PenaltyAudit, c.ExpectedRecovery = r.Rules, r.Shortfall, r.PenaltyVoluntary, r.PenaltyAudit, r.ExpectedRecovery
	for _, f := range flags {
		c.FlagIDs = append(c.FlagIDs, f.ID)
	}
	return c, nil
}

// Cases returns a page of the case list, largest expected recovery
// first.
func (s *Service) Cases(ctx context.Context, q CaseQuery) (CasePage, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return CasePage{}, err
	}
	if err := q.check(); err != nil {
		return CasePage{}, err
	}
	cs, more, err := s.store.Cases(ctx, q)
	return CasePage{Cases: cs, More: more}, err
}

// Case returns a case with its history, letter and response.
func (s *Service) Case(ctx context.Context, id int64) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	return s.store.Case(ctx, id)
}

// Flags returns a page of the engine's flags, for the officer's flag
// list.
func (s *Service) Flags(ctx context.Context, q compliance.FlagQuery) (compliance.FlagPage, error) {
	return s.flags.Flags(ctx, q)
}

// CaseFlags returns the flags of a case as the engine holds them now.
func (s *Service) CaseFlags(ctx context.Context, c Case) ([]compliance.Flag, error) {
	var out []compliance.Flag
	for _, id := range c.FlagIDs {
		f, err := s.flags.Flag(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("flag %d of case %d: %w", id, c.ID, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// Evidence is what the office holds on a subject: every flag, newest
// first, the subject's case that is not closed, and for a registered
// taxpayer its declarations.
type Evidence struct {
	Key          string
	Flags        []compliance.Flag
	CaseID       int64
	Declarations []Declaration
}

// Declaration is one revision of a PBJT declaration as the evidence page
// lists it.
type Declaration struct {
	PropertyID    int64
	Regency       string
	Period        string
	Revision      int
	Base          money.Amount
	BookingsGross money.Amount
	Tax           money.Amount
	// Status is "current" or "superseded".
	Status  string
	FiledAt time.Time
}

// SubjectEvidence returns every flag of a subject key, with the
// evidence each flag names.
func (s *Service) SubjectEvidence(ctx context.Context, key string) (Evidence, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Evidence{}, err
	}
	key = strings.TrimSpace(key)
	ids, err := s.store.SubjectFlagIDs(ctx, key)
	if err != nil {
		return Evidence{}, err
	}
	if len(ids) == 0 {
		return Evidence{}, errs.Errorf(errs.NotFound, "no flag concerns %s", key)
	}
	ev := Evidence{Key: key}
	for _, id := range ids {
		f, err := s.flags.Flag(ctx, id)
		if err != nil {
			return Evidence{}, err
		}
		ev.Flags = append(ev.Flags, f)
	}
	if ev.CaseID, err = s.store.ActiveCase(ctx, key); err != nil {
		return Evidence{}, err
	}
	if tp := ev.Flags[0].TaxpayerID; tp != 0 {
		if ev.Declarations, err = s.store.Declarations(ctx, tp); err != nil {
			return Evidence{}, err
		}
	}
	return ev, nil
}

// Assign gives the case to an officer (by login).
func (s *Service) Assign(ctx context.Context, id int64, version int, officer string) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	officer = strings.TrimSpace(officer)
	if err := checkOfficer("officer", officer); err != nil {
		return Case{}, err
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if c.Status == Closed {
		return Case{}, moveError(c, Closed)
	}
	ev, e := s.entry(ctx, c.TaxpayerID, "assign", fmt.Sprintf("case %d: assigned to %s (was %q)", id, officer, c.AssignedTo))
	if err := s.store.Assign(ctx, id, version, officer, ev, e); err != nil {
		return Case{}, err
	}
	return s.store.Case(ctx, id)
}

// checkOfficer checks an officer's login named in field.
func checkOfficer(field, login string) error {
	if login == "" || strings.ContainsAny(login, " \t\r\n") || len(login) > 64 {
		return errs.InvalidFields("the officer is not valid", errs.Field(field, login, "give the login of an officer, e.g. budi"))
	}
	return nil
}

// office returns the sender of a letter to the region: the region's
// Bapenda from its configuration in force on the day.
func (s *Service) office(ctx context.Context, regency string, day time.Time) (Office, error) {
	v, err := s.regions.Region(ctx, regency, day)
	if err != nil {
		return Office{}, fmt.Errorf("office of region %s: %w", regency, err)
	}
	return Office{Name: v.Office.Value, Verified: v.Office.Status == pbjt.Verified, Region: v.Name()}, nil
}

// LetterPath is the taxpayer's page of a case's letter.
func LetterPath(npwp string, caseID int64) string {
	return fmt.Sprintf("/taxpayers/%s/letters/%d", npwp, caseID)
}

// SendLetter composes the case's letter from its flags, numbers it and
// sends it: to a registered taxpayer by e-mail through the notification
// outbox and on the taxpayer's letters page; to an unregistered subject
// on paper (the office prints the PDF).
func (s *Service) SendLetter(ctx context.Context, id int64, version int) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if !canMove(c.Status, LetterSent) {
		return Case{}, moveError(c, LetterSent)
	}
	flags, err := s.CaseFlags(ctx, c)
	if err != nil {
		return Case{}, err
	}
	now := s.now().UTC()
	off, err := s.office(ctx, c.Regency, calendar.Day(now))
	if err != nil {
		return Case{}, err
	}
	l, err := Compose(c, flags, off, now, s.cfg.ResponseDays)
	if err != nil {
		return Case{}, err
	}
	var m *notify.Message
	l.Delivery = "on paper: the subject is not a registered taxpayer; print the letter and deliver it"
	if c.TaxpayerID != 0 {
		n, _, err := taxid.ParseNPWP(c.NPWP)
		if err != nil {
			return Case{}, fmt.Errorf("case %d NPWP %q: %w", c.ID, c.NPWP, err)
		}
		t, err := s.register.TaxpayerByNPWP(ctx, n)
		if err != nil {
			return Case{}, fmt.Errorf("case %d taxpayer: %w", c.ID, err)
		}
		if t.Email != "" {
			m = &notify.Message{Channel: notify.Email, To: t.Email, Purpose: "compliance_letter", TaxpayerID: t.ID, CreatedAt: now, NextAt: now}
			l.Delivery = "by e-mail to " + notify.MaskEmail(t.Email) + " and on the taxpayer's letters page"
		} else {
			l.Delivery = "on the taxpayer's letters page; no e-mail address is registered"
		}
	}
	link := s.cfg.BaseURL + LetterPath(c.NPWP, c.ID)
	ev, e := s.entry(ctx, c.TaxpayerID, "letter", fmt.Sprintf("case %d: letter sent, %s, answer within %d days", c.ID, l.Delivery, l.ResponseDays))
	if err := s.store.SendLetter(ctx, version, &l, m, func(l *Letter) (string, string) { return l.Message(link) }, ev, e); err != nil {
		return Case{}, err
	}
	return s.store.Case(ctx, id)
}

// RespondInput is a response to a letter.
type RespondInput struct {
	Explanation string
	// Correction: the taxpayer corrects its declarations voluntarily.
	Correction bool
}

// MaxExplanation is the longest explanation accepted, in bytes.
const MaxExplanation = 20000

func (in RespondInput) check() (RespondInput, error) {
	in.Explanation = strings.TrimSpace(in.Explanation)
	var fs errs.Fields
	switch {
	case in.Explanation == "" && !in.Correction:
		fs.Add("explanation", "", "write what explains the data, or say that you correct your declarations")
	case len(in.Explanation) > MaxExplanation:
		fs.Add("explanation", in.Explanation[:40]+"…", "is %d bytes; at most %d are accepted, attach the rest on paper", len(in.Explanation), MaxExplanation)
	}
	return in, fs.Err("the response is not valid")
}

// Letters returns the cases of the taxpayer that have a letter, newest
// first, each with its letter and response.
func (s *Service) Letters(ctx context.Context, npwp string) ([]Case, error) {
	t, err := s.allowed(ctx, npwp, ActLetters)
	if err != nil {
		return nil, err
	}
	return s.store.CasesOf(ctx, t.ID)
}

// TaxpayerCase returns the taxpayer's case with its letter; NotFound
// when the case is not the taxpayer's or has no letter yet.
func (s *Service) TaxpayerCase(ctx context.Context, npwp string, id int64) (Case, error) {
	t, err := s.allowed(ctx, npwp, ActLetters)
	if err != nil {
		return Case{}, err
	}
	c, err := s.store.Case(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && (c.TaxpayerID != t.ID || c.Letter == nil) {
		return Case{}, errs.Errorf(errs.NotFound, "taxpayer %s has no letter %d", npwp, id)
	}
	return c, err
}

// Respond records the taxpayer's own response to the letter of case id.
func (s *Service) Respond(ctx context.Context, npwp string, id int64, in RespondInput) (Case, error) {
	c, err := s.TaxpayerCase(ctx, npwp, id)
	if err != nil {
		return Case{}, err
	}
	return s.respond(ctx, c, 0, Online, in)
}

// RecordReply records a reply the taxpayer sent on paper, as an officer
// reads it.
func (s *Service) RecordReply(ctx context.Context, id int64, version int, in RespondInput) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	return s.respond(ctx, c, version, Paper, in)
}

func (s *Service) respond(ctx context.Context, c Case, version int, channel string, in RespondInput) (Case, error) {
	in, err := in.check()
	if err != nil {
		return Case{}, err
	}
	if !canMove(c.Status, ResponseReceived) {
		return Case{}, moveError(c, ResponseReceived)
	}
	a := actor.From(ctx)
	r := Response{CaseID: c.ID, Channel: channel, Explanation: in.Explanation, Correction: in.Correction, ReceivedAt: s.now().UTC(), RecordedBy: a.String()}
	detail := fmt.Sprintf("case %d: response received (%s), %d characters", c.ID, channel, len([]rune(in.Explanation)))
	if in.Correction {
		detail += ", the taxpayer corrects voluntarily"
	}
	ev, e := s.entry(ctx, c.TaxpayerID, "response", detail)
	if err := s.store.Respond(ctx, version, &r, ev, e); err != nil {
		return Case{}, err
	}
	return s.store.Case(ctx, c.ID)
}

// Close closes a case with its outcome and a note, and closes the flags
// it was opened from.
func (s *Service) Close(ctx context.Context, id int64, version int, outcome Outcome, note string) (Case, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Case{}, err
	}
	if !slices.Contains(Outcomes, outcome) {
		_, err := ParseOutcome(string(outcome))
		return Case{}, err
	}
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return Case{}, errs.InvalidFields("the note is too long", errs.Field("note", note[:40]+"…", "is %d bytes; at most 2000", len(note)))
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if !canMove(c.Status, Closed) {
		return Case{}, moveError(c, Closed)
	}
	detail := fmt.Sprintf("case %d: closed, %s", id, outcome.Label())
	if note != "" {
		detail += ": " + note
	}
	ev, e := s.entry(ctx, c.TaxpayerID, "close", detail)
	if err := s.store.Close(ctx, id, version, outcome, s.now().UTC(), ev, e); err != nil {
		return Case{}, err
	}
	return s.store.Case(ctx, id)
}

// allowed resolves the taxpayer named by npwp and checks act on it.
func (s *Service) allowed(ctx context.Context, npwp string, act actor.Action) (registration.Taxpayer, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return registration.Taxpayer{}, errs.InvalidFields("the NPWP is not valid", errs.Field("npwp", npwp, "%s", errs.Message(err)))
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return t, errs.Errorf(errs.NotFound, "no taxpayer is registered with NPWP %s", n)
	}
	if err != nil {
		return t, err
	}
	return t, s.policy.Allow(ctx, act, t.ID)
}

// Allow checks act on the taxpayer named by npwp, before a transport
// reads a request body.
func (s *Service) Allow(ctx context.Context, npwp string, act actor.Action) error {
	_, err := s.allowed(ctx, npwp, act)
	return err
}
