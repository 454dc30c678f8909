package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/taxid"
)

// The pages of the register of exemption certificates: a taxpayer's
// certificates (its "Fasilitas Aktif"), with the forms officers holding
// officer.registration record and revoke them with, and the officer's way
// in by NPWP (doc/exemptions.md).

func (s *server) exemptionService() (*exemption.Service, error) {
	if s.exemptions == nil {
		return nil, errs.E(errs.Unavailable, "the register of exemption certificates is not served by this server")
	}
	return s.exemptions, nil
}

// exemptionView is one certificate on the page.
type exemptionView struct {
	ID           int64
	Version      int
	KindName     string
	Facility     string
	Unverified   bool
	Number       string
	Scope        string
	Validity     string
	Office       string
	State        string
	Active       bool
	Revoked      string
	RecordedBy   string
	CanBeRevoked bool
	// Errors are the errors of this certificate's revoke form.
	Errors *formErrors
}

func newExemptionView(c exemption.Certificate, today time.Time) exemptionView {
	info, _ := exemption.Info(c.Kind)
	v := exemptionView{ID: c.ID, Version: c.Version, KindName: info.Name, Facility: info.Facility, Unverified: info.Unverified,
		Number: c.Number, Scope: c.Scope(), Office: c.Office, State: c.State(today), RecordedBy: c.RecordedBy,
		Validity: "from " + date(c.ValidFrom), CanBeRevoked: c.RevokedFrom.IsZero()}
	if c.ValidUntil.IsZero() {
		v.Validity += " until revoked"
	} else {
		v.Validity += " to " + date(c.ValidUntil)
	}
	v.Active = v.State == "active"
	if !c.RevokedFrom.IsZero() {
		v.Revoked = "revoked from " + date(c.RevokedFrom) + " by " + c.RevokedBy + ": " + c.RevokeReason
	}
	return v
}

// exemptionForm is the record form as typed.
type exemptionForm struct {
	Kind, Number, TaxTypes, ObjectCodes, ValidFrom, ValidUntil, Office string
}

type exemptionsPage struct {
	page
	NPWP   string
	Name   string
	Flash  string
	Today  string
	Certs  []exemptionView
	Kinds  []exemption.KindInfo
	Form   exemptionForm
	Errors *formErrors
	// Officer says the viewer may record and revoke (an officer holding
	// officer.registration): the forms show.
	Officer     bool
	KindOptions []optgroup
}

var exemptionFlashes = map[string]string{
	"recorded": "The certificate is recorded. Withholders can now put its facility on slips to this taxpayer.",
	"revoked":  "The certificate is revoked. From the day given, slips can no longer rest on it.",
}

// listExemptions handles GET /taxpayers/{npwp}/exemptions.
func (s *server) listExemptions(w http.ResponseWriter, r *http.Request) error {
	return s.renderExemptions(w, r, http.StatusOK, exemptionForm{}, nil, 0, nil)
}

func (s *server) renderExemptions(w http.ResponseWriter, r *http.Request, status int, form exemptionForm, fe *formErrors, revokeID int64, re *formErrors) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	cs, err := svc.List(ctx, npwp)
	if err != nil {
		return err
	}
	today := svc.Today()
	p := exemptionsPage{NPWP: npwp, Today: date(today), Kinds: exemption.Kinds, Form: form, Errors: fe}
	if r.Method == http.MethodGet {
		p.Flash = exemptionFlashes[r.URL.Query().Get("done")]
	}
	if t, err := s.reg.Taxpayer(ctx, npwp); err == nil {
		p.Name, p.NPWP = t.Name, string(t.NPWP)
	}
	for _, c := range cs {
		v := newExemptionView(c, today)
		if c.ID == revokeID && re != nil {
			re.Prefix = "r" + strconv.FormatInt(c.ID, 10) + "-"
			v.Errors = re
		}
		p.Certs = append(p.Certs, v)
	}
	if svc.Allow(ctx, npwp, exemption.ActRecord) == nil {
		p.Officer = true
		g := optgroup{}
		for _, k := range exemption.Kinds {
			label := k.Name + " (" + k.Facility + ")"
			if k.Unverified {
				label += " — scope unverified"
			}
			g.Options = append(g.Options, option{Value: string(k.Kind), Label: label})
		}
		p.KindOptions = []optgroup{g}
	}
	p.page = s.newPage(w, r, "Exemption certificates", "")
	s.render(w, r, status, "exemptions", p)
	return nil
}

// splitList reads a list typed in one field, separated by commas, spaces
// or new lines.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == ';' })
}

// recordExemption handles POST /taxpayers/{npwp}/exemptions.
func (s *server) recordExemption(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, exemption.ActRecord); err != nil {
		return err
	}
	f := exemptionForm{Kind: r.PostForm.Get("kind"), Number: r.PostForm.Get("number"), TaxTypes: r.PostForm.Get("tax_types"),
		ObjectCodes: r.PostForm.Get("object_codes"), ValidFrom: r.PostForm.Get("valid_from"), ValidUntil: r.PostForm.Get("valid_until"),
		Office: r.PostForm.Get("office")}
	_, err = svc.Record(r.Context(), npwp, exemption.Input{Kind: f.Kind, Number: f.Number, TaxTypes: splitList(f.TaxTypes),
		ObjectCodes: splitList(f.ObjectCodes), ValidFrom: f.ValidFrom, ValidUntil: f.ValidUntil, Office: f.Office})
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
		fe := errorsOf(err)
		if k == errs.Conflict {
			fe.Fields["number"] = errs.Message(err)
		}
		return s.renderExemptions(w, r, http.StatusUnprocessableEntity, f, fe, 0, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/taxpayers/"+url.PathEscape(npwp)+"/exemptions?done=recorded")
}

// revokeExemption handles POST /taxpayers/{npwp}/exemptions/{id}/revoke.
func (s *server) revokeExemption(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, exemption.ActRecord); err != nil {
		return err
	}
	id, err := formID(r, "exemption certificate")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	_, err = svc.Revoke(r.Context(), npwp, id, version, r.PostForm.Get("revoked_from"), r.PostForm.Get("reason"))
	if errs.Is(errs.Invalid, err) {
		return s.renderExemptions(w, r, http.StatusUnprocessableEntity, exemptionForm{}, nil, id, errorsOf(err))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/taxpayers/"+url.PathEscape(npwp)+"/exemptions?done=revoked")
}

type officerExemptionsPage struct {
	page
	NPWP   string
	Errors *formErrors
}

// officerExemptions handles GET /officer/exemptions: an officer names
// the taxpayer whose certificates to record or revoke, and goes to its
// page.
func (s *server) officerExemptions(w http.ResponseWriter, r *http.Request) error {
	if actor.From(r.Context()).Kind != actor.Officer {
		return errs.E(errs.Forbidden, "only a signed-in tax officer records exemption certificates; sign in with your officer user name")
	}
	p := officerExemptionsPage{NPWP: strings.TrimSpace(r.URL.Query().Get("npwp"))}
	status := http.StatusOK
	if p.NPWP != "" {
		n, _, err := taxid.ParseNPWP(p.NPWP)
		if err == nil {
			return seeOther(w, r, "/taxpayers/"+url.PathEscape(string(n))+"/exemptions")
		}
		p.Errors = errorsOf(errs.InvalidFields("the NPWP is not valid", errs.Field("npwp", p.NPWP, "%s", errs.Message(err))))
		status = http.StatusUnprocessableEntity
	}
	p.page = s.newPage(w, r, "Exemption certificates", "")
	s.render(w, r, status, "exemptions_officer", p)
	return nil
}
