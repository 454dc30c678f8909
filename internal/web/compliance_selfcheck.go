package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The taxpayer's compliance pages: "what the tax office will see" (the
// engine's rules run on the taxpayer's own data), the voluntary
// correction it prepares, and the letters from the office with the
// response form (doc/compliance-cases.md).

func selfCheckURL(npwp string) string { return "/taxpayers/" + npwp + "/self-check" }

type correctionRow struct {
	PropertyID                           int64
	Period, Rule                         string
	Declared, Base, Shortfall, Voluntary string
	BaseSen                              int64
	Key                                  string
}

type selfCheckPage struct {
	page
	NPWP                                string
	Flags                               []flagView
	Shortfall, Voluntary, Audit, Saving string
	Corrections                         []correctionRow
	CanCorrect                          bool
	Filed                               string
	Errors                              *formErrors
	Letters                             int
}

// selfCheck handles GET /taxpayers/{npwp}/self-check: each finding with
// its evidence and the voluntary and after-audit figures side by side.
func (s *server) selfCheck(w http.ResponseWriter, r *http.Request) error {
	return s.renderSelfCheck(w, r, http.StatusOK, "compliance_self_check", nil)
}

func (s *server) renderSelfCheck(w http.ResponseWriter, r *http.Request, status int, tmpl string, fe *formErrors) error {
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
	p := selfCheckPage{NPWP: npwp, Shortfall: rep.Shortfall.Display(), Voluntary: rep.PenaltyVoluntary.Display(), Audit: rep.PenaltyAudit.Display(),
		Saving: rep.Saving.Display(), CanCorrect: rep.CanCorrect, Filed: r.URL.Query().Get("filed"), Errors: fe}
	for _, f := range rep.Flags {
		v := flagViewOf(f)
		v.Expected, v.SubjectURL = "", ""
		p.Flags = append(p.Flags, v)
	}
	for _, c := range rep.Corrections {
		p.Corrections = append(p.Corrections, correctionRow{PropertyID: c.PropertyID, Period: c.Period, Rule: string(c.Rule), Declared: c.Declared.Display(),
			Base: c.Base.Display(), BaseSen: c.Base.Sen(), Shortfall: c.Shortfall.Display(), Voluntary: c.PenaltyVoluntary.Display(),
			Key: fmt.Sprintf("%d/%s/%d", c.PropertyID, c.Period, c.Base.Sen())})
	}
	if ls, err := svc.Letters(r.Context(), npwp); err == nil {
		for _, c := range ls {
			if c.Status == casework.LetterSent {
				p.Letters++
			}
		}
	}
	title := "What the tax office will see"
	if tmpl == "compliance_self_check_correction" {
		title = "Prepare a voluntary correction"
	}
	p.page = s.newPage(w, r, title, "self-check")
	s.render(w, r, status, tmpl, p)
	return nil
}

// correctionForm handles GET /taxpayers/{npwp}/self-check/correction: the
// amended declarations a voluntary correction would file, for
// confirmation.
func (s *server) correctionForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderSelfCheck(w, r, http.StatusOK, "compliance_self_check_correction", nil)
}

// fileCorrection handles POST /taxpayers/{npwp}/self-check/correction:
// each ticked month ("property/period/base sen") is filed as an
// amendment.
func (s *server) fileCorrection(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.caseService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, casework.ActCorrect); err != nil {
		return err
	}
	var chosen []casework.Chosen
	var fs errs.Fields
	for _, v := range r.PostForm["month"] {
		parts := strings.Split(v, "/")
		if len(parts) != 3 {
			fs.Add("months", v, "is not a month of the list; reload the page")
			continue
		}
		id, err1 := strconv.ParseInt(parts[0], 10, 64)
		base, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil {
			fs.Add("months", v, "is not a month of the list; reload the page")
			continue
		}
		chosen = append(chosen, casework.Chosen{PropertyID: id, Period: parts[1], Base: money.Amount(base)})
	}
	if err := fs.Err("the correction is not valid"); err != nil {
		return s.renderSelfCheck(w, r, http.StatusUnprocessableEntity, "compliance_self_check_correction", errorsOf(err))
	}
	filed, err := svc.FileCorrection(r.Context(), npwp, chosen)
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return s.renderSelfCheck(w, r, statusOf(err), "compliance_self_check_correction", errorsOf(err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, selfCheckURL(npwp)+"?filed="+strconv.Itoa(len(filed)))
}

type letterRow struct {
	ID                            int64
	Number, Office, Issued, DueOn string
	Status, Shortfall             string
	Answered                      bool
}

type lettersPage struct {
	page
	NPWP    string
	Letters []letterRow
}

// taxpayerLetters handles GET /taxpayers/{npwp}/letters.
func (s *server) taxpayerLetters(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.caseService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	cs, err := svc.Letters(r.Context(), npwp)
	if err != nil {
		return err
	}
	p := lettersPage{NPWP: npwp}
	for _, c := range cs {
		l := letterViewOf(c.Letter, "")
		p.Letters = append(p.Letters, letterRow{ID: c.ID, Number: l.Number, Office: l.Office, Issued: l.Issued, DueOn: l.DueOn,
			Status: c.Status.Label(), Shortfall: l.Shortfall, Answered: c.Response != nil})
	}
	p.page = s.newPage(w, r, "Letters from the tax office", "letters")
	s.render(w, r, http.StatusOK, "compliance_letters", p)
	return nil
}

type taxpayerLetterPage struct {
	page
	NPWP        string
	ID          int64
	Status      string
	Letter      *letterView
	Response    *responseView
	CanRespond  bool
	Explanation string
	Correction  bool
	Errors      *formErrors
}

func letterURL(npwp string, id int64) string { return casework.LetterPath(npwp, id) }

// taxpayerLetter handles GET /taxpayers/{npwp}/letters/{id}.
func (s *server) taxpayerLetter(w http.ResponseWriter, r *http.Request) error {
	return s.renderTaxpayerLetter(w, r, http.StatusOK, nil)
}

func (s *server) letterTarget(r *http.Request) (*casework.Service, int64, error) {
	svc, err := s.caseService()
	if err != nil {
		return nil, 0, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), casework.ActLetters); err != nil {
		return nil, 0, err
	}
	id, err := formID(r, "letter")
	return svc, id, err
}

func (s *server) renderTaxpayerLetter(w http.ResponseWriter, r *http.Request, status int, fe *formErrors) error {
	svc, id, err := s.letterTarget(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	c, err := svc.TaxpayerCase(r.Context(), npwp, id)
	if err != nil {
		return err
	}
	p := taxpayerLetterPage{NPWP: npwp, ID: c.ID, Status: c.Status.Label(), Letter: letterViewOf(c.Letter, letterURL(npwp, c.ID)+"/pdf"),
		Response: responseViewOf(c.Response), CanRespond: c.Status == casework.LetterSent, Errors: fe}
	if r.Method == http.MethodPost {
		p.Explanation, p.Correction = r.PostForm.Get("explanation"), r.PostForm.Get("correction") == "true"
	}
	p.page = s.newPage(w, r, "Letter "+c.Letter.Number, "letters")
	s.render(w, r, status, "compliance_letter", p)
	return nil
}

// respondLetter handles POST /taxpayers/{npwp}/letters/{id}/response.
func (s *server) respondLetter(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.letterTarget(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	_, err = svc.Respond(r.Context(), npwp, id, casework.RespondInput{Explanation: r.PostForm.Get("explanation"), Correction: r.PostForm.Get("correction") == "true"})
	if errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return s.renderTaxpayerLetter(w, r, statusOf(err), errorsOf(err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, letterURL(npwp, id))
}

// taxpayerLetterPDF handles GET /taxpayers/{npwp}/letters/{id}/pdf.
func (s *server) taxpayerLetterPDF(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.letterTarget(r)
	if err != nil {
		return err
	}
	c, err := svc.TaxpayerCase(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	return letterPDF(w, c)
}
