package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/compliance/casework/sp2dk"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// Case work on the compliance engine's flags: the risk list, cases,
// SP2DK-style letters and responses, the dashboard, and the taxpayer's
// letters and voluntary correction (doc/compliance-cases.md).

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

type riskJSON struct {
	Subject          string   `json:"subject"`
	NPWP             *string  `json:"npwp"`
	Regency          string   `json:"regency"`
	Flags            int      `json:"flags"`
	Rules            []string `json:"rules"`
	MaxConfidence    int      `json:"max_confidence"`
	ShortfallSen     int64    `json:"shortfall_sen"`
	PenaltyVolSen    int64    `json:"penalty_voluntary_sen"`
	PenaltyAuditSen  int64    `json:"penalty_audit_sen"`
	ExpectedRecovery int64    `json:"expected_recovery_sen"`
	Band             string   `json:"band"`
	CaseID           *int64   `json:"case_id"`
}

func optionalText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func rulesOut(rs []compliance.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// pageQuery reads offset and limit.
func pageQuery(r *http.Request, fs *errs.Fields) (offset, limit int) {
	offset = int(queryInt(r, "offset", fs))
	limit = int(queryInt(r, "limit", fs))
	return offset, limit
}

// risks handles GET /compliance/risks?regency=&rule=&offset=&limit=.
func (s *server) risks(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	var fs errs.Fields
	q := casework.RiskQuery{Regency: r.URL.Query().Get("regency"), Rule: compliance.Rule(r.URL.Query().Get("rule"))}
	q.Offset, q.Limit = pageQuery(r, &fs)
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	page, err := svc.Risks(r.Context(), q)
	if err != nil {
		return err
	}
	out := struct {
		Risks []riskJSON `json:"risks"`
		More  bool       `json:"more"`
	}{Risks: []riskJSON{}, More: page.More}
	for _, k := range page.Risks {
		out.Risks = append(out.Risks, riskJSON{Subject: k.Key, NPWP: optionalText(k.NPWP), Regency: k.Regency, Flags: k.Flags, Rules: rulesOut(k.Rules),
			MaxConfidence: k.MaxConfidence, ShortfallSen: k.Shortfall.Sen(), PenaltyVolSen: k.PenaltyVoluntary.Sen(), PenaltyAuditSen: k.PenaltyAudit.Sen(),
			ExpectedRecovery: k.ExpectedRecovery.Sen(), Band: string(k.Band), CaseID: optionalID(k.CaseID)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type eventJSON struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

type findingJSON struct {
	FlagID          int64    `json:"flag_id"`
	Rule            string   `json:"rule"`
	Title           string   `json:"title"`
	Periods         string   `json:"periods"`
	Explanation     string   `json:"explanation"`
	Evidence        []string `json:"evidence"`
	ShortfallSen    int64    `json:"shortfall_sen"`
	PenaltyVolSen   int64    `json:"penalty_voluntary_sen"`
	PenaltyAuditSen int64    `json:"penalty_audit_sen"`
}

type letterJSON struct {
	ID              int64         `json:"id"`
	Number          string        `json:"number"`
	Office          string        `json:"office"`
	OfficeVerified  bool          `json:"office_verified"`
	Regency         string        `json:"regency"`
	IssuedAt        time.Time     `json:"issued_at"`
	ResponseDays    int           `json:"response_days"`
	DueOn           string        `json:"due_on"`
	Findings        []findingJSON `json:"findings"`
	ShortfallSen    int64         `json:"shortfall_sen"`
	PenaltyVolSen   int64         `json:"penalty_voluntary_sen"`
	PenaltyAuditSen int64         `json:"penalty_audit_sen"`
	Delivery        string        `json:"delivery"`
	PDF             string        `json:"pdf"`
}

type responseJSON struct {
	Channel     string    `json:"channel"`
	Explanation string    `json:"explanation"`
	Correction  bool      `json:"correction"`
	ReceivedAt  time.Time `json:"received_at"`
	RecordedBy  string    `json:"recorded_by"`
}

type caseJSON struct {
	ID               int64         `json:"id"`
	Subject          string        `json:"subject"`
	NPWP             *string       `json:"npwp"`
	Name             string        `json:"name"`
	Regency          string        `json:"regency"`
	Status           string        `json:"status"`
	Outcome          *string       `json:"outcome"`
	AssignedTo       *string       `json:"assigned_to"`
	FlagIDs          []int64       `json:"flag_ids"`
	Rules            []string      `json:"rules"`
	ShortfallSen     int64         `json:"shortfall_sen"`
	PenaltyVolSen    int64         `json:"penalty_voluntary_sen"`
	PenaltyAuditSen  int64         `json:"penalty_audit_sen"`
	ExpectedRecovery int64         `json:"expected_recovery_sen"`
	OpenedBy         string        `json:"opened_by"`
	OpenedAt         time.Time     `json:"opened_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
	ClosedAt         *time.Time    `json:"closed_at"`
	Version          int           `json:"version"`
	Events           []eventJSON   `json:"events,omitempty"`
	Letter           *letterJSON   `json:"letter"`
	Response         *responseJSON `json:"response"`
}

func letterOut(l *casework.Letter, pdf string) *letterJSON {
	if l == nil {
		return nil
	}
	out := &letterJSON{ID: l.ID, Number: l.Number, Office: l.Office, OfficeVerified: l.OfficeVerified, Regency: l.Regency, IssuedAt: l.IssuedAt.UTC(),
		ResponseDays: l.ResponseDays, DueOn: l.DueOn.Format(time.DateOnly), Findings: []findingJSON{}, ShortfallSen: l.Shortfall.Sen(),
		PenaltyVolSen: l.PenaltyVoluntary.Sen(), PenaltyAuditSen: l.PenaltyAudit.Sen(), Delivery: l.Delivery, PDF: pdf}
	for _, f := range l.Findings {
		out.Findings = append(out.Findings, findingJSON{FlagID: f.FlagID, Rule: string(f.Rule), Title: casework.RuleTitle(f.Rule), Periods: f.Periods,
			Explanation: f.Explanation, Evidence: append([]string{}, f.Evidence...), ShortfallSen: f.Shortfall.Sen(),
			PenaltyVolSen: f.PenaltyVoluntary.Sen(), PenaltyAuditSen: f.PenaltyAudit.Sen()})
	}
	return out
}

// caseOut writes a case; pdf is the path of its letter's PDF.
func caseOut(c casework.Case, pdf string) caseJSON {
	out := caseJSON{ID: c.ID, Subject: c.Key, NPWP: optionalText(c.NPWP), Name: c.Name, Regency: c.Regency, Status: string(c.Status),
		Outcome: optionalText(string(c.Outcome)), AssignedTo: optionalText(c.AssignedTo), FlagIDs: append([]int64{}, c.FlagIDs...),
		Rules: rulesOut(c.Rules), ShortfallSen: c.Shortfall.Sen(), PenaltyVolSen: c.PenaltyVoluntary.Sen(), PenaltyAuditSen: c.PenaltyAudit.Sen(),
		ExpectedRecovery: c.ExpectedRecovery.Sen(), OpenedBy: c.OpenedBy, OpenedAt: c.OpenedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
		Version: c.Version, Letter: letterOut(c.Letter, pdf)}
	if !c.ClosedAt.IsZero() {
		t := c.ClosedAt.UTC()
		out.ClosedAt = &t
	}
	for _, e := range c.Events {
		out.Events = append(out.Events, eventJSON{At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Detail: e.Detail})
	}
	if r := c.Response; r != nil {
		out.Response = &responseJSON{Channel: r.Channel, Explanation: r.Explanation, Correction: r.Correction, ReceivedAt: r.ReceivedAt.UTC(), RecordedBy: r.RecordedBy}
	}
	return out
}

func officerCaseOut(c casework.Case) caseJSON {
	return caseOut(c, fmt.Sprintf("%s/compliance/cases/%d/letter/pdf", Prefix, c.ID))
}

// listCases handles GET /compliance/cases?regency=&status=&rule=&assigned_to=&offset=&limit=.
func (s *server) listCases(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	var fs errs.Fields
	qv := r.URL.Query()
	q := casework.CaseQuery{Regency: qv.Get("regency"), Status: casework.Status(qv.Get("status")), Rule: compliance.Rule(qv.Get("rule")), AssignedTo: qv.Get("assigned_to")}
	q.Offset, q.Limit = pageQuery(r, &fs)
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	page, err := svc.Cases(r.Context(), q)
	if err != nil {
		return err
	}
	out := struct {
		Cases []caseJSON `json:"cases"`
		More  bool       `json:"more"`
	}{Cases: []caseJSON{}, More: page.More}
	for _, c := range page.Cases {
		out.Cases = append(out.Cases, officerCaseOut(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// openCase handles POST /compliance/cases {flag_ids | subject, assign_to}.
func (s *server) openCase(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	var in struct {
		FlagIDs  []int64 `json:"flag_ids"`
		Subject  string  `json:"subject"`
		AssignTo string  `json:"assign_to"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := svc.Open(r.Context(), casework.OpenInput{FlagIDs: in.FlagIDs, Subject: in.Subject, AssignTo: in.AssignTo})
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/compliance/cases/%d", Prefix, c.ID))
	writeJSON(w, http.StatusCreated, officerCaseOut(c))
	return nil
}

// caseTarget checks access, then reads the case number.
func (s *server) caseTarget(r *http.Request) (*casework.Service, int64, error) {
	svc, err := s.officerCases(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := pathNumber(r, "id", "case")
	return svc, id, err
}

// caseDetail handles GET /compliance/cases/{id}.
func (s *server) caseDetail(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	c, err := svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, officerCaseOut(c))
	return nil
}

// assignCase handles POST /compliance/cases/{id}/assignment {officer, version}.
func (s *server) assignCase(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	var in struct {
		Officer string `json:"officer"`
		Version *int   `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	c, err := svc.Assign(r.Context(), id, v, in.Officer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, officerCaseOut(c))
	return nil
}

// sendLetter handles POST /compliance/cases/{id}/letter {version}.
func (s *server) sendLetter(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	var in struct {
		Version *int `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	c, err := svc.SendLetter(r.Context(), id, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, officerCaseOut(c))
	return nil
}

// writeLetterPDF writes the letter of c as a PDF download.
func writeLetterPDF(w http.ResponseWriter, c casework.Case) error {
	if c.Letter == nil {
		return errs.Errorf(errs.NotFound, "case %d has no letter yet", c.ID)
	}
	var b bytes.Buffer
	if err := sp2dk.Write(&b, *c.Letter); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, strings.NewReplacer("/", "-").Replace(c.Letter.Number)))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
	return nil
}

// caseLetterPDF handles GET /compliance/cases/{id}/letter/pdf.
func (s *server) caseLetterPDF(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	c, err := svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	return writeLetterPDF(w, c)
}

type respondIn struct {
	Explanation string `json:"explanation"`
	Correction  bool   `json:"correction"`
	Version     *int   `json:"version"`
}

// recordReply handles POST /compliance/cases/{id}/reply: a reply the
// taxpayer sent on paper.
func (s *server) recordReply(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	var in respondIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	c, err := svc.RecordReply(r.Context(), id, v, casework.RespondInput{Explanation: in.Explanation, Correction: in.Correction})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, officerCaseOut(c))
	return nil
}

// closeCase handles POST /compliance/cases/{id}/close {outcome, note, version}.
func (s *server) closeCase(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.caseTarget(r)
	if err != nil {
		return err
	}
	var in struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
		Version *int   `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	o, err := casework.ParseOutcome(in.Outcome)
	if err != nil {
		return err
	}
	c, err := svc.Close(r.Context(), id, v, o, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, officerCaseOut(c))
	return nil
}

type cellJSON struct {
	Period        string  `json:"period"`
	DeclaredSen   int64   `json:"declared_sen"`
	Declarations  int     `json:"declarations"`
	ThirdPartySen int64   `json:"third_party_sen"`
	Source        *string `json:"source"`
	Records       int     `json:"records"`
}

type regionSeriesJSON struct {
	Regency       string     `json:"regency"`
	Name          string     `json:"name"`
	DeclaredSen   int64      `json:"declared_sen"`
	ThirdPartySen int64      `json:"third_party_sen"`
	GapSen        int64      `json:"gap_sen"`
	Months        []cellJSON `json:"months"`
}

// DefaultDashboardRange is the dashboard's range when none is asked: the
// twelve months up to the current one.
func defaultRange(now time.Time) (string, string) {
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return to.AddDate(0, -11, 0).Format("2006-01"), to.Format("2006-01")
}

// dashboard handles GET /compliance/dashboard?from=&to=.
func (s *server) dashboard(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.officerCases(r)
	if err != nil {
		return err
	}
	from, to := defaultRange(s.now())
	if v := r.URL.Query().Get("from"); v != "" {
		from = v
	}
	if v := r.URL.Query().Get("to"); v != "" {
		to = v
	}
	d, err := svc.Dashboard(r.Context(), from, to)
	if err != nil {
		return err
	}
	out := struct {
		From    string             `json:"from"`
		To      string             `json:"to"`
		Regions []regionSeriesJSON `json:"regions"`
	}{From: d.From, To: d.To, Regions: []regionSeriesJSON{}}
	for _, rs := range d.Regions {
		o := regionSeriesJSON{Regency: rs.Regency, Name: rs.Name, DeclaredSen: rs.Declared.Sen(), ThirdPartySen: rs.ThirdParty.Sen(), GapSen: rs.Gap().Sen(), Months: []cellJSON{}}
		for _, c := range rs.Cells {
			o.Months = append(o.Months, cellJSON{Period: c.Period, DeclaredSen: c.Declared.Sen(), Declarations: c.Declarations,
				ThirdPartySen: c.ThirdParty.Sen(), Source: optionalText(c.Source), Records: c.Records})
		}
		out.Regions = append(out.Regions, o)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// The taxpayer's side.

// letterTarget checks the taxpayer's letters first, then reads the case
// number from the path (naming it what in a NotFound), unless what is
// "".
func (s *server) letterTarget(r *http.Request, what string) (*casework.Service, int64, error) {
	svc, err := s.caseService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), casework.ActLetters); err != nil {
		return nil, 0, err
	}
	if what == "" {
		return svc, 0, nil
	}
	id, err := pathNumber(r, "id", what)
	return svc, id, err
}

func taxpayerCaseOut(npwp string, c casework.Case) caseJSON {
	out := caseOut(c, fmt.Sprintf("%s/taxpayers/%s/letters/%d/pdf", Prefix, npwp, c.ID))
	// The office's scoring and history are its own.
	out.ExpectedRecovery, out.AssignedTo, out.Events, out.FlagIDs = 0, nil, nil, []int64{}
	return out
}

// taxpayerLetters handles GET /taxpayers/{npwp}/letters.
func (s *server) taxpayerLetters(w http.ResponseWriter, r *http.Request) error {
	svc, _, err := s.letterTarget(r, "")
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	cs, err := svc.Letters(r.Context(), npwp)
	if err != nil {
		return err
	}
	out := struct {
		Letters []caseJSON `json:"letters"`
	}{Letters: []caseJSON{}}
	for _, c := range cs {
		out.Letters = append(out.Letters, taxpayerCaseOut(npwp, c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// taxpayerLetter handles GET /taxpayers/{npwp}/letters/{id}.
func (s *server) taxpayerLetter(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.letterTarget(r, "letter")
	if err != nil {
		return err
	}
	c, err := svc.TaxpayerCase(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taxpayerCaseOut(r.PathValue("npwp"), c))
	return nil
}

// taxpayerLetterPDF handles GET /taxpayers/{npwp}/letters/{id}/pdf.
func (s *server) taxpayerLetterPDF(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.letterTarget(r, "letter")
	if err != nil {
		return err
	}
	c, err := svc.TaxpayerCase(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	return writeLetterPDF(w, c)
}

// respondLetter handles POST /taxpayers/{npwp}/letters/{id}/response.
func (s *server) respondLetter(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.letterTarget(r, "letter")
	if err != nil {
		return err
	}
	var in respondIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := svc.Respond(r.Context(), r.PathValue("npwp"), id, casework.RespondInput{Explanation: in.Explanation, Correction: in.Correction})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taxpayerCaseOut(r.PathValue("npwp"), c))
	return nil
}

type correctionJSON struct {
	PropertyID          int64  `json:"property_id"`
	Period              string `json:"period"`
	Rule                string `json:"rule"`
	DeclaredSen         int64  `json:"declared_sen"`
	BaseSen             int64  `json:"base_sen"`
	ShortfallSen        int64  `json:"shortfall_sen"`
	PenaltyVoluntarySen int64  `json:"penalty_voluntary_sen"`
}

// voluntaryCorrection handles GET /taxpayers/{npwp}/voluntary-correction:
// the amendments a voluntary correction would file, with the totals of
// the self-check.
func (s *server) voluntaryCorrection(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.caseService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, casework.ActCorrect); err != nil {
		return err
	}
	rep, err := svc.SelfCheck(r.Context(), npwp)
	if err != nil {
		return err
	}
	out := struct {
		Findings            int              `json:"findings"`
		ShortfallSen        int64            `json:"shortfall_sen"`
		PenaltyVoluntarySen int64            `json:"penalty_voluntary_sen"`
		PenaltyAuditSen     int64            `json:"penalty_audit_sen"`
		SavingSen           int64            `json:"saving_sen"`
		CanFile             bool             `json:"can_file"`
		Corrections         []correctionJSON `json:"corrections"`
	}{Findings: len(rep.Flags), ShortfallSen: rep.Shortfall.Sen(), PenaltyVoluntarySen: rep.PenaltyVoluntary.Sen(), PenaltyAuditSen: rep.PenaltyAudit.Sen(),
		SavingSen: rep.Saving.Sen(), CanFile: rep.CanCorrect, Corrections: []correctionJSON{}}
	for _, c := range rep.Corrections {
		out.Corrections = append(out.Corrections, correctionJSON{PropertyID: c.PropertyID, Period: c.Period, Rule: string(c.Rule), DeclaredSen: c.Declared.Sen(),
			BaseSen: c.Base.Sen(), ShortfallSen: c.Shortfall.Sen(), PenaltyVoluntarySen: c.PenaltyVoluntary.Sen()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// fileCorrection handles POST /taxpayers/{npwp}/voluntary-correction
// {months: [{property_id, period, base_sen}]}: files the amendments
// confirmed.
func (s *server) fileCorrection(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.caseService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, casework.ActCorrect); err != nil {
		return err
	}
	var in struct {
		Months []struct {
			PropertyID int64  `json:"property_id"`
			Period     string `json:"period"`
			BaseSen    int64  `json:"base_sen"`
		} `json:"months"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var chosen []casework.Chosen
	for _, m := range in.Months {
		chosen = append(chosen, casework.Chosen{PropertyID: m.PropertyID, Period: m.Period, Base: money.Amount(m.BaseSen)})
	}
	filed, err := svc.FileCorrection(r.Context(), npwp, chosen)
	if err != nil {
		return err
	}
	type amendedJSON struct {
		PropertyID int64  `json:"property_id"`
		Period     string `json:"period"`
		Revision   int    `json:"revision"`
		BaseSen    int64  `json:"base_sen"`
		TaxSen     int64  `json:"tax_sen"`
	}
	out := struct {
		Filed []amendedJSON `json:"filed"`
	}{Filed: []amendedJSON{}}
	for _, a := range filed {
		out.Filed = append(out.Filed, amendedJSON{PropertyID: a.PropertyID, Period: a.Period, Revision: a.Revision, BaseSen: a.Base.Sen(), TaxSen: a.Tax.Sen()})
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
