package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/taxid"
)

// registerForm is the registration form as typed. Its inputs are named
// after the registration's field names so that errors land next to them.
type registerForm struct {
	Kind              string
	Name              string
	NIK               string
	LegacyNPWP        string
	PassportNumber    string
	Nationality       string
	StayPermitKind    string
	StayPermitNumber  string
	StayPermitExpires string
	EntityForm        string
	DeedNumber        string
	RegistryNumber    string
	Email             string
	Mobile            string
}

func registerFormFrom(v url.Values) (registerForm, addressForm) {
	return registerForm{
		Kind:              v.Get("kind"),
		Name:              v.Get("name"),
		NIK:               v.Get("nik"),
		LegacyNPWP:        v.Get("legacy_npwp"),
		PassportNumber:    v.Get("passport_number"),
		Nationality:       v.Get("nationality"),
		StayPermitKind:    v.Get("stay_permit_kind"),
		StayPermitNumber:  v.Get("stay_permit_number"),
		StayPermitExpires: v.Get("stay_permit_expires"),
		EntityForm:        v.Get("entity_form"),
		DeedNumber:        v.Get("deed_number"),
		RegistryNumber:    v.Get("registry_number"),
		Email:             v.Get("email"),
		Mobile:            v.Get("mobile"),
	}, addressFrom(v)
}

// application builds the Application from the fields of the chosen kind
// only: the form holds the inputs of every kind, and what was typed into
// another kind's inputs before switching must not count.
func (f registerForm) application(a addressForm) registration.Application {
	app := registration.Application{
		Kind: f.Kind, Name: f.Name, Email: f.Email, Mobile: f.Mobile, Address: a.input(),
	}
	switch registration.Kind(f.Kind) {
	case registration.ResidentIndividual:
		app.NIK, app.LegacyNPWP = f.NIK, f.LegacyNPWP
	case registration.ForeignIndividual:
		app.PassportNumber, app.Nationality = f.PassportNumber, f.Nationality
		app.StayPermitKind, app.StayPermitNumber, app.StayPermitExpires = f.StayPermitKind, f.StayPermitNumber, f.StayPermitExpires
	case registration.Entity:
		app.EntityForm, app.DeedNumber, app.RegistryNumber = f.EntityForm, f.DeedNumber, f.RegistryNumber
	}
	return app
}

type kindChoice struct{ Value, Label, Hint string }

var kindChoices = []kindChoice{
	{string(registration.ResidentIndividual), registration.ResidentIndividual.Label(), "an Indonesian resident with a NIK; the NIK is the NPWP"},
	{string(registration.ForeignIndividual), registration.ForeignIndividual.Label(), "a foreigner identified by passport, usually with a KITAS or KITAP"},
	{string(registration.Entity), registration.Entity.Label(), "PT, PT PMA, CV, firm, foundation, cooperative"},
	{string(registration.Government), registration.Government.Label(), "a government agency (instansi pemerintah)"},
}

var entityFormChoices = choices("Choose the legal form",
	"PT", "PT: Perseroan Terbatas (limited company)",
	"PT_PMA", "PT PMA: limited company with foreign investment",
	"CV", "CV: Commanditaire Vennootschap (limited partnership)",
	"FIRMA", "Firma (partnership)",
	"YAYASAN", "Yayasan (foundation)",
	"KOPERASI", "Koperasi (cooperative)",
	"OTHER_BADAN", "Other badan (association, permanent establishment, ...)")

type registerPage struct {
	page
	Form        registerForm
	Address     addressForm
	Errors      *formErrors
	Kinds       []kindChoice
	EntityForms []optgroup
}

func (s *server) renderRegister(w http.ResponseWriter, r *http.Request, status int, f registerForm, a addressForm, fe *formErrors) {
	s.render(w, r, status, "register", registerPage{
		page:        s.newPage(w, r, "Register a taxpayer", "register"),
		Form:        f,
		Address:     a,
		Errors:      fe,
		Kinds:       kindChoices,
		EntityForms: entityFormChoices,
	})
}

// registerForm handles GET /register; ?kind= preselects a kind.
func (s *server) registerForm(w http.ResponseWriter, r *http.Request) error {
	f := registerForm{Kind: r.URL.Query().Get("kind")}
	if !slices.ContainsFunc(kindChoices, func(k kindChoice) bool { return k.Value == f.Kind }) {
		f.Kind = ""
	}
	s.renderRegister(w, r, http.StatusOK, f, addressForm{}, nil)
	return nil
}

// register handles POST /register: on success a redirect to the new
// profile, else the form again with the errors next to the fields (422,
// or 409 for a clash such as an e-mail address already in use).
func (s *server) register(w http.ResponseWriter, r *http.Request) error {
	f, a := registerFormFrom(r.PostForm)
	if r.PostForm.Has("refresh") {
		s.renderRegister(w, r, http.StatusOK, f, a.consistent(), nil)
		return nil
	}
	t, err := s.reg.Register(r.Context(), f.application(a))
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
			s.renderRegister(w, r, httpmw.Status(k), f, a, errorsOf(err))
			return nil
		}
		return err
	}
	return seeOther(w, r, profileURL(string(t.NPWP))+"?done=registered")
}

// checkView is an inline check's answer.
type checkView struct{ Error, OK string }

// check handles GET /register/check?<field>=<value>: an inline check of
// one input, for htmx, with the same rules the registration applies. The
// answer is a fragment that goes under the input.
func (s *server) check(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var v checkView
	switch {
	case q.Has("nik"):
		if n, err := taxid.ParseNIK(q.Get("nik")); err != nil {
			v.Error = errs.Message(err)
		} else {
			info := n.Decode(s.reg.Today())
			v.OK = "Valid NIK: born " + date(info.BirthDate) + " in " + strings.TrimSpace(info.Regency+", "+info.Province)
		}
	case q.Has("legacy_npwp"):
		if strings.TrimSpace(q.Get("legacy_npwp")) == "" {
			break
		}
		n, _, err := taxid.ParseNPWP(q.Get("legacy_npwp"))
		switch {
		case err != nil:
			v.Error = errs.Message(err)
		default:
			if _, ok := n.Legacy(); !ok {
				v.Error = "is not a legacy NPWP; give the old 15-digit number or leave it empty"
			} else {
				v.OK = "Well-formed legacy NPWP " + n.Format()
			}
		}
	case q.Has("email"):
		if e, f := registration.NormalizeEmail(q.Get("email")); f != nil {
			v.Error = f.Message
		} else {
			v.OK = "Will be registered as " + e
		}
	case q.Has("mobile"):
		if m, f := registration.NormalizeMobile(q.Get("mobile")); f != nil {
			v.Error = f.Message
		} else {
			v.OK = "Will be registered as " + m
		}
	default:
		return errs.E(errs.Invalid, "nothing to check; give nik, legacy_npwp, email or mobile")
	}
	s.renderFragment(w, r, http.StatusOK, "register", "check", v)
	return nil
}

// areasView is what the area selects need.
type areasView struct {
	Address addressForm
	Errors  *formErrors
}

// areas handles GET /areas: the area selects for the chosen province and
// regency, for htmx to swap in when either changes.
func (s *server) areas(w http.ResponseWriter, r *http.Request) error {
	s.renderFragment(w, r, http.StatusOK, "register", "areas", areasView{Address: addressFrom(r.URL.Query()).consistent()})
	return nil
}
