package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/compliance/casework/sp2dk"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// The officer's compliance pages: the dashboard, the flag list, the risk
// list, the case list, a subject's evidence and the case page with its
// letter and response (doc/compliance-cases.md).

func (s *server) caseService() (*casework.Service, error) {
	if s.cases == nil {
		return nil, errs.E(errs.Unavailable, "compliance cases are not served by this server")
	}
	return s.cases, nil
}

// officerCases checks that the caller works cases before anything of the
// request is read.
func (s *server) officerCases(r *http.Request) (*casework.Service, error) {
	svc, err := s.caseService()
	if err != nil {
		return nil, err
	}
	return svc, svc.AllowCases(r.Context())
}

func regionOptions(chosen string) []option {
	out := []option{{Value: "", Label: "All regions", Selected: chosen == ""}}
	for _, code := range pbjt.Regions {
		out = append(out, option{Value: code, Label: areaName(code), Selected: chosen == code})
	}
	return out
}

func ruleOptions(chosen string) []option {
	out := []option{{Value: "", Label: "All rules", Selected: chosen == ""}}
	for _, r := range compliance.Rules {
		out = append(out, option{Value: string(r), Label: string(r), Selected: chosen == string(r)})
	}
	return out
}

func statusOptions(chosen string) []option {
	out := []option{{Value: "", Label: "All states", Selected: chosen == ""}}
	for _, st := range casework.Statuses {
		out = append(out, option{Value: string(st), Label: st.Label(), Selected: chosen == string(st)})
	}
	return out
}

func ruleList(rs []compliance.Rule) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// offsetOf reads the offset query parameter.
func offsetOf(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("offset"))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errs.InvalidFields("the page is not valid", errs.Field("offset", v, "is not a number of 0 or more"))
	}
	return n, nil
}

// pageLinks are the previous and next links of a list.
func pageLinks(r *http.Request, offset, size int, more bool) (prev, next string) {
	q := r.URL.Query()
	if offset > 0 {
		q.Set("offset", strconv.Itoa(max(offset-size, 0)))
		prev = r.URL.Path + "?" + q.Encode()
	}
	if more {
		q.Set("offset", strconv.Itoa(offset+size))
		next = r.URL.Path + "?" + q.Encode()
	}
	return prev, next
}

const listSize = 50

type riskRow struct {
	Key, NPWP, Regency, Rules, Band       string
	Flags, Confidence                     int
	Shortfall, Voluntary, Audit, Expected string
	CaseID                                int64
	EvidenceURL                           string
}

type risksPage struct {
	page
	Regions, Rules []option
	Risks          []riskRow
	Prev, Next     string
	Bands          casework.Bands
	High, Medium   string
	Errors         *formErrors
}

func evidenceURL(key string) string {
	return "/officer/compliance/evidence?" + url.Values{"subject": {key}}.Encode()
}

// complianceRisks handles GET /officer/compliance/risks?regency=&rule=&offset=.
func (s *server) complianceRisks(w http.ResponseWriter, r *http.Request) error {
	return s.renderRisks(w, r, http.StatusOK, nil)
}

func (s *server) renderRisks(w http.ResponseWriter, r *http.Request, status int, fe *formErrors) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	offset, err := offsetOf(r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	page, err := svc.Risks(r.Context(), casework.RiskQuery{Regency: qv.Get("regency"), Rule: compliance.Rule(qv.Get("rule")), Offset: offset, Limit: listSize})
	if err != nil {
		return err
	}
	b := svc.Bands()
	p := risksPage{Regions: regionOptions(qv.Get("regency")), Rules: ruleOptions(qv.Get("rule")), Bands: b, High: b.High.Display(), Medium: b.Medium.Display(), Errors: fe}
	for _, k := range page.Risks {
		p.Risks = append(p.Risks, riskRow{Key: k.Key, NPWP: k.NPWP, Regency: areaName(k.Regency), Rules: ruleList(k.Rules), Band: string(k.Band),
			Flags: k.Flags, Confidence: k.MaxConfidence, Shortfall: k.Shortfall.Display(), Voluntary: k.PenaltyVoluntary.Display(),
			Audit: k.PenaltyAudit.Display(), Expected: k.ExpectedRecovery.Display(), CaseID: k.CaseID, EvidenceURL: evidenceURL(k.Key)})
	}
	p.Prev, p.Next = pageLinks(r, offset, listSize, page.More)
	p.page = s.newPage(w, r, "Risk list", "compliance")
	s.render(w, r, status, "compliance_risks", p)
	return nil
}

type caseRow struct {
	ID                                          int64
	Name, NPWP, Regency, Status, Outcome, Rules string
	AssignedTo                                  string
	Shortfall, Expected, Voluntary, Audit       string
	Opened, DueOn                               string
}

func caseRowOf(c casework.Case) caseRow {
	row := caseRow{ID: c.ID, Name: c.Name, NPWP: c.NPWP, Regency: areaName(c.Regency), Status: c.Status.Label(), Outcome: c.Outcome.Label(),
		Rules: ruleList(c.Rules), AssignedTo: c.AssignedTo, Shortfall: c.Shortfall.Display(), Expected: c.ExpectedRecovery.Display(),
		Voluntary: c.PenaltyVoluntary.Display(), Audit: c.PenaltyAudit.Display(), Opened: c.OpenedAt.In(calendar.WIB).Format("2006-01-02")}
	if c.Outcome == "" {
		row.Outcome = ""
	}
	if c.Letter != nil {
		row.DueOn = date(c.Letter.DueOn)
	}
	return row
}

type casesPage struct {
	page
	Regions, Rules, Statuses []option
	Officer                  string
	Cases                    []caseRow
	Prev, Next               string
}

// complianceCases handles GET /officer/compliance/cases?regency=&status=&rule=&officer=&offset=.
func (s *server) complianceCases(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	offset, err := offsetOf(r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	page, err := svc.Cases(r.Context(), casework.CaseQuery{Regency: qv.Get("regency"), Status: casework.Status(qv.Get("status")),
		Rule: compliance.Rule(qv.Get("rule")), AssignedTo: strings.TrimSpace(qv.Get("officer")), Offset: offset, Limit: listSize})
	if err != nil {
		return err
	}
	p := casesPage{Regions: regionOptions(qv.Get("regency")), Rules: ruleOptions(qv.Get("rule")), Statuses: statusOptions(qv.Get("status")), Officer: qv.Get("officer")}
	for _, c := range page.Cases {
		p.Cases = append(p.Cases, caseRowOf(c))
	}
	p.Prev, p.Next = pageLinks(r, offset, listSize, page.More)
	p.page = s.newPage(w, r, "Cases", "compliance")
	s.render(w, r, http.StatusOK, "compliance_cases", p)
	return nil
}

// openComplianceCase handles POST /officer/compliance/cases: subject
// (every open flag of it) or flag (repeated flag ids), assign_to.
func (s *server) openComplianceCase(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	in := casework.OpenInput{Subject: r.PostForm.Get("subject"), AssignTo: r.PostForm.Get("assign_to")}
	for _, v := range r.PostForm["flag"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return errs.InvalidFields("the flags are not valid", errs.Field("flag", v, "is not a flag number"))
		}
		in.FlagIDs = append(in.FlagIDs, id)
	}
	c, err := svc.Open(r.Context(), in)
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return s.renderRisks(w, r, statusOf(err), errorsOf(err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, caseURL(c.ID))
}

// statusOf is the status of a refused form: 422 for invalid input, 409
// for a conflict.
func statusOf(err error) int {
	if errs.Is(errs.Conflict, err) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

func caseURL(id int64) string { return "/officer/compliance/cases/" + strconv.FormatInt(id, 10) }

// evidenceView is one item of a flag's evidence: Label names it (a
// listing by its source and its id there, a record by ours and the
// sender's, the bookings by their month) and Summary describes it.
type evidenceView struct {
	Label, Summary string
}

type periodView struct {
	Period, ThirdParty, Declared, Rate, Shortfall, Voluntary, Audit string
	Months                                                          int
}

type flagView struct {
	ID                                    int64
	Rule, Title, Subject, NPWP, Regency   string
	Periods, Status, Explanation          string
	Confidence                            int
	Shortfall, Voluntary, Audit, Expected string
	Evidence                              []evidenceView
	PeriodRows                            []periodView
	Created                               string
	SubjectURL                            string
}

func flagViewOf(f compliance.Flag) flagView {
	v := flagView{ID: f.ID, Rule: string(f.Rule), Title: casework.RuleTitle(f.Rule), Subject: f.Subject, NPWP: f.NPWP, Regency: areaName(f.Regency),
		Periods: f.PeriodFrom, Status: f.Status, Explanation: f.Explanation, Confidence: f.Confidence, Shortfall: f.Shortfall.Display(),
		Voluntary: f.PenaltyVoluntary.Display(), Audit: f.PenaltyAudit.Display(), SubjectURL: evidenceURL(casework.KeyOf(f))}
	if f.PeriodTo != "" && f.PeriodTo != f.PeriodFrom {
		v.Periods += " to " + f.PeriodTo
	}
	if !f.CreatedAt.IsZero() {
		v.Created = f.CreatedAt.In(calendar.WIB).Format("2006-01-02 15:04")
	}
	if e, err := casework.Expected([]compliance.Flag{f}); err == nil {
		v.Expected = e.Display()
	}
	for _, e := range f.Evidence {
		v.Evidence = append(v.Evidence, evidenceView{Label: e.Label(), Summary: e.Summary})
	}
	for _, p := range f.Periods {
		v.PeriodRows = append(v.PeriodRows, periodView{Period: p.Period, ThirdParty: p.ThirdPartyGross.Display(), Declared: p.Declared.Display(),
			Rate: pbjt.Rate(p.Rate).String(), Shortfall: p.Shortfall.Display(), Voluntary: p.PenaltyVoluntary.Display(), Audit: p.PenaltyAudit.Display(), Months: p.Months})
	}
	return v
}

type flagsPage struct {
	page
	Regions, Rules, Statuses []option
	NPWP                     string
	Flags                    []flagView
	Next                     string
}

// complianceFlags handles GET /officer/compliance/flags?regency=&rule=&status=&npwp=&after=.
func (s *server) complianceFlags(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	q := compliance.FlagQuery{Regency: qv.Get("regency"), Rule: compliance.Rule(qv.Get("rule")), Status: qv.Get("status"), NPWP: strings.TrimSpace(qv.Get("npwp")), Limit: listSize}
	if v := qv.Get("after"); v != "" {
		if q.After, err = strconv.ParseInt(v, 10, 64); err != nil || q.After < 0 {
			return errs.InvalidFields("the page is not valid", errs.Field("after", v, "is not a flag number"))
		}
	}
	page, err := svc.Flags(r.Context(), q)
	if err != nil {
		return err
	}
	p := flagsPage{Regions: regionOptions(q.Regency), Rules: ruleOptions(string(q.Rule)), NPWP: q.NPWP}
	for _, st := range []string{"", compliance.StatusSuperseded, compliance.StatusClosed, "all"} {
		label := st
		if st == "" {
			label = "open"
		}
		p.Statuses = append(p.Statuses, option{Value: st, Label: label, Selected: q.Status == st})
	}
	for _, f := range page.Flags {
		p.Flags = append(p.Flags, flagViewOf(f))
	}
	if page.Next != 0 {
		nq := r.URL.Query()
		nq.Set("after", strconv.FormatInt(page.Next, 10))
		p.Next = r.URL.Path + "?" + nq.Encode()
	}
	p.page = s.newPage(w, r, "Flags", "compliance")
	s.render(w, r, http.StatusOK, "compliance_flags", p)
	return nil
}

type declarationRow struct {
	PropertyID               int64
	Regency, Period, Status  string
	Revision                 int
	Base, BookingsGross, Tax string
	Filed                    string
}

type evidencePage struct {
	page
	Key          string
	Flags        []flagView
	CaseID       int64
	Open         int
	Declarations []declarationRow
}

// complianceEvidence handles GET /officer/compliance/evidence?subject=:
// every flag of a subject with the evidence each rests on.
func (s *server) complianceEvidence(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	ev, err := svc.SubjectEvidence(r.Context(), r.URL.Query().Get("subject"))
	if err != nil {
		return err
	}
	p := evidencePage{Key: ev.Key, CaseID: ev.CaseID}
	for _, d := range ev.Declarations {
		p.Declarations = append(p.Declarations, declarationRow{PropertyID: d.PropertyID, Regency: areaName(d.Regency), Period: d.Period, Status: d.Status,
			Revision: d.Revision, Base: d.Base.Display(), BookingsGross: d.BookingsGross.Display(), Tax: d.Tax.Display(),
			Filed: d.FiledAt.In(calendar.WIB).Format("2006-01-02")})
	}
	for _, f := range ev.Flags {
		p.Flags = append(p.Flags, flagViewOf(f))
		if f.Status == compliance.StatusOpen {
			p.Open++
		}
	}
	p.page = s.newPage(w, r, "Evidence of "+ev.Key, "compliance")
	s.render(w, r, http.StatusOK, "compliance_evidence", p)
	return nil
}

type eventView struct {
	At, Actor, Action, Detail string
}

type letterView struct {
	Number, Office, Issued, DueOn, Delivery string
	OfficeVerified                          bool
	ResponseDays                            int
	Findings                                []findingView
	Shortfall, Voluntary, Audit             string
	PDF                                     string
}

type findingView struct {
	Title, Periods, Explanation string
	Evidence                    []string
	Shortfall, Voluntary, Audit string
}

func letterViewOf(l *casework.Letter, pdf string) *letterView {
	if l == nil {
		return nil
	}
	v := &letterView{Number: l.Number, Office: l.Office, OfficeVerified: l.OfficeVerified, Issued: l.IssuedAt.In(calendar.WIB).Format("2006-01-02 15:04"),
		DueOn: date(l.DueOn), Delivery: l.Delivery, ResponseDays: l.ResponseDays, Shortfall: l.Shortfall.Display(),
		Voluntary: l.PenaltyVoluntary.Display(), Audit: l.PenaltyAudit.Display(), PDF: pdf}
	for _, f := range l.Findings {
		v.Findings = append(v.Findings, findingView{Title: casework.RuleTitle(f.Rule), Periods: f.Periods, Explanation: f.Explanation, Evidence: f.Evidence,
			Shortfall: f.Shortfall.Display(), Voluntary: f.PenaltyVoluntary.Display(), Audit: f.PenaltyAudit.Display()})
	}
	return v
}

type responseView struct {
	Channel, Explanation, Received, RecordedBy string
	Correction                                 bool
}

func responseViewOf(r *casework.Response) *responseView {
	if r == nil {
		return nil
	}
	return &responseView{Channel: r.Channel, Explanation: r.Explanation, Received: r.ReceivedAt.In(calendar.WIB).Format("2006-01-02 15:04"),
		RecordedBy: r.RecordedBy, Correction: r.Correction}
}

type casePage struct {
	page
	Case            caseRow
	Key, SubjectURL string
	Version         int
	Closed          bool
	CanLetter       bool
	CanReply        bool
	Flags           []flagView
	Letter          *letterView
	Response        *responseView
	Events          []eventView
	Outcomes        []option
	ResponseDays    int
	Errors          *formErrors
	Form            string // the form the errors belong to
	Explanation     string
}

// complianceCase handles GET /officer/compliance/cases/{id}.
func (s *server) complianceCase(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, http.StatusOK, "", nil)
}

func (s *server) caseTarget(r *http.Request) (*casework.Service, int64, error) {
	svc, err := s.officerCases(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := formID(r, "case")
	return svc, id, err
}

func (s *server) renderCase(w http.ResponseWriter, r *http.Request, status int, form string, fe *formErrors) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	c, err := svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	flags, err := svc.CaseFlags(r.Context(), c)
	if err != nil {
		return err
	}
	p := casePage{Case: caseRowOf(c), Key: c.Key, SubjectURL: evidenceURL(c.Key), Version: c.Version, Closed: c.Status == casework.Closed,
		CanLetter: c.Status == casework.Open, CanReply: c.Status == casework.LetterSent,
		Letter: letterViewOf(c.Letter, caseURL(c.ID)+"/letter/pdf"), Response: responseViewOf(c.Response), ResponseDays: svc.ResponseDays(),
		Errors: fe, Form: form}
	for _, f := range flags {
		p.Flags = append(p.Flags, flagViewOf(f))
	}
	for _, e := range c.Events {
		p.Events = append(p.Events, eventView{At: e.At.In(calendar.WIB).Format("2006-01-02 15:04"), Actor: e.Actor, Action: e.Action, Detail: e.Detail})
	}
	chosen := ""
	if r.Method == http.MethodPost {
		chosen, p.Explanation = r.PostForm.Get("outcome"), r.PostForm.Get("explanation")
	}
	for _, o := range casework.Outcomes {
		p.Outcomes = append(p.Outcomes, option{Value: string(o), Label: o.Label(), Selected: chosen == string(o)})
	}
	p.page = s.newPage(w, r, fmt.Sprintf("Case %d", c.ID), "compliance")
	s.render(w, r, status, "compliance_case", p)
	return nil
}

// caseStep runs a step of the case page's forms: a refused step shows the
// page again with the form's errors.
func (s *server) caseStep(w http.ResponseWriter, r *http.Request, form string, step func(*casework.Service, int64, int) error) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return errs.InvalidFields("the form is not valid", errs.Field("version", r.PostForm.Get("version"), "is not a version; reload the case"))
	}
	err = step(svc, id, version)
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return s.renderCase(w, r, statusOf(err), form, errorsOf(err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, caseURL(id))
}

// assignComplianceCase handles POST /officer/compliance/cases/{id}/assign.
func (s *server) assignComplianceCase(w http.ResponseWriter, r *http.Request) error {
	return s.caseStep(w, r, "assign", func(svc *casework.Service, id int64, v int) error {
		_, err := svc.Assign(r.Context(), id, v, r.PostForm.Get("officer"))
		return err
	})
}

// sendComplianceLetter handles POST /officer/compliance/cases/{id}/letter.
func (s *server) sendComplianceLetter(w http.ResponseWriter, r *http.Request) error {
	return s.caseStep(w, r, "letter", func(svc *casework.Service, id int64, v int) error {
		_, err := svc.SendLetter(r.Context(), id, v)
		return err
	})
}

// recordComplianceReply handles POST /officer/compliance/cases/{id}/reply.
func (s *server) recordComplianceReply(w http.ResponseWriter, r *http.Request) error {
	return s.caseStep(w, r, "reply", func(svc *casework.Service, id int64, v int) error {
		_, err := svc.RecordReply(r.Context(), id, v, casework.RespondInput{Explanation: r.PostForm.Get("explanation"), Correction: r.PostForm.Get("correction") == "true"})
		return err
	})
}

// closeComplianceCase handles POST /officer/compliance/cases/{id}/close.
func (s *server) closeComplianceCase(w http.ResponseWriter, r *http.Request) error {
	return s.caseStep(w, r, "close", func(svc *casework.Service, id int64, v int) error {
		o, err := casework.ParseOutcome(r.PostForm.Get("outcome"))
		if err != nil {
			return err
		}
		_, err = svc.Close(r.Context(), id, v, o, r.PostForm.Get("note"))
		return err
	})
}

// letterPDF writes a case's letter as a PDF.
func letterPDF(w http.ResponseWriter, c casework.Case) error {
	if c.Letter == nil {
		return errs.Errorf(errs.NotFound, "case %d has no letter yet", c.ID)
	}
	var b bytes.Buffer
	if err := sp2dk.Write(&b, *c.Letter); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, strings.ReplaceAll(c.Letter.Number, "/", "-")))
	w.Write(b.Bytes())
	return nil
}

// complianceLetterPDF handles GET /officer/compliance/cases/{id}/letter/pdf.
func (s *server) complianceLetterPDF(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	c, err := svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	return letterPDF(w, c)
}

type regionChart struct {
	Code, Name           string
	Chart                template.HTML
	Rows                 []cellRow
	Declared, ThirdParty string
	Gap                  string
}

type cellRow struct {
	Period, Declared, ThirdParty, Source string
	Declarations, Records                int
}

type dashboardPage struct {
	page
	From, To string
	Overview template.HTML
	Totals   []cellRow
	Regions  []regionChart
	Empty    []string
	Colours  [2]string
}

// complianceDashboard handles GET /officer/compliance?from=&to=: declared
// against third-party gross per region and month, as charts with tables.
func (s *server) complianceDashboard(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	now := calendar.Day(time.Now())
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from, toS := to.AddDate(0, -11, 0).Format("2006-01"), to.Format("2006-01")
	if v := r.URL.Query().Get("from"); v != "" {
		from = v
	}
	if v := r.URL.Query().Get("to"); v != "" {
		toS = v
	}
	d, err := svc.Dashboard(r.Context(), from, toS)
	if err != nil {
		return err
	}
	p := dashboardPage{From: d.From, To: d.To, Colours: [2]string{declaredColour, thirdPartyColour}}
	var names []string
	var decl, third series
	decl, third = series{Name: "Declared base", Colour: declaredColour}, series{Name: "Third-party gross", Colour: thirdPartyColour}
	for _, rs := range d.Regions {
		names = append(names, strings.TrimPrefix(strings.TrimPrefix(rs.Name, "Kabupaten "), "Kota "))
		decl.Values = append(decl.Values, rs.Declared)
		third.Values = append(third.Values, rs.ThirdParty)
		p.Totals = append(p.Totals, cellRow{Period: rs.Name, Declared: rs.Declared.Display(), ThirdParty: rs.ThirdParty.Display()})
		if rs.Declared == 0 && rs.ThirdParty == 0 {
			p.Empty = append(p.Empty, rs.Name)
			continue
		}
		rc := regionChart{Code: rs.Regency, Name: rs.Name, Declared: rs.Declared.Display(), ThirdParty: rs.ThirdParty.Display(), Gap: rs.Gap().Display()}
		var labels []string
		ds, ts := series{Name: "Declared base", Colour: declaredColour}, series{Name: "Third-party gross", Colour: thirdPartyColour}
		for _, c := range rs.Cells {
			labels = append(labels, c.Period)
			ds.Values = append(ds.Values, c.Declared)
			ts.Values = append(ts.Values, c.ThirdParty)
			rc.Rows = append(rc.Rows, cellRow{Period: c.Period, Declared: c.Declared.Display(), ThirdParty: c.ThirdParty.Display(), Source: c.Source,
				Declarations: c.Declarations, Records: c.Records})
		}
		rc.Chart = barChart("chart-"+rs.Regency, rs.Name+": declared base and third-party gross per month, "+d.From+" to "+d.To,
			"Bars per month; the table after the chart gives the same figures.", labels, []series{ds, ts})
		p.Regions = append(p.Regions, rc)
	}
	p.Overview = barChart("chart-regions", "Declared base and third-party gross per region, "+d.From+" to "+d.To,
		"Two bars per region; the table after the chart gives the same figures.", names, []series{decl, third})
	p.page = s.newPage(w, r, "Compliance dashboard", "compliance")
	s.render(w, r, http.StatusOK, "compliance_dashboard", p)
	return nil
}
