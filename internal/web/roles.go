package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/roles"
)

// The "People and roles" page of a taxpayer: the related parties with the
// roles the main PIC granted them, and the consultants (kuasa) the
// taxpayer invited. The roles Service decides who may see and change it;
// the page only shows what it answers.

func rolesURL(npwp string) string { return "/taxpayers/" + url.PathEscape(npwp) + "/roles" }

// rolesFlashes are the confirmations of the roles pages, keyed by the
// done= parameter of the redirect.
var rolesFlashes = map[string]string{
	"granted":            "The role is granted. It takes effect on its first day without signing in again.",
	"revoked":            "The grant is revoked; it no longer gives any rights.",
	"invited":            "The consultant is invited. The appointment gives rights once they accept it under their invitations.",
	"consultant_revoked": "The consultant appointment is revoked.",
	"accepted":           "You accepted the invitation. You can now act for the taxpayer within the roles and months it names.",
	"declined":           "You declined the invitation.",
}

// roleFieldLabels name the inputs of the roles forms in error summaries.
var roleFieldLabels = map[string]string{
	"party_npwp":      "Related party",
	"role":            "Role",
	"consultant_npwp": "Consultant's NPWP",
	"roles":           "Roles",
	"from":            "First month",
	"until":           "Last month",
	"action":          "Action",
	"taxpayer":        "Taxpayer",
}

func init() {
	for k, v := range roleFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

func (s *server) rolesService() (*roles.Service, error) {
	if s.roles == nil {
		return nil, errs.E(errs.Unavailable, "roles and delegation are not served by this server")
	}
	return s.roles, nil
}

// Views.

type grantView struct {
	ID                          int64
	Role, Code, Label           string
	From, Until, State          string
	GrantedAt, GrantedBy        string
	Active, Revocable, Upcoming bool
}

func newGrantView(g roles.Grant, today time.Time) grantView {
	in := g.Role.Info()
	return grantView{
		ID: g.ID, Role: string(g.Role), Code: in.Code, Label: in.Label,
		From: date(g.ValidFrom), Until: date(g.ValidUntil), State: g.State(today),
		GrantedAt: timestamp(g.GrantedAt), GrantedBy: g.GrantedBy,
		Active:    g.ActiveOn(today),
		Upcoming:  g.RevokedAt.IsZero() && g.ValidFrom.After(today),
		Revocable: g.RevokedAt.IsZero() && (g.ValidUntil.IsZero() || !g.ValidUntil.Before(today)),
	}
}

type partyRolesView struct {
	partyView
	PIC, Grantable bool
	// Current are the grants in force today or starting later; Ended
	// the expired and revoked ones.
	Current, Ended []grantView
}

type roleView struct {
	Role, Code, Label string
}

func newRoleView(r roles.Role) roleView {
	in := r.Info()
	return roleView{Role: string(r), Code: in.Code, Label: in.Label}
}

type appointmentView struct {
	ID                             int64
	TaxpayerName, TaxpayerNPWP     string
	ConsultantName, ConsultantNPWP string
	Roles                          []roleView
	Months, Status, State          string
	InvitedAt, InvitedBy           string
	AnsweredAt, RevokedAt          string
	Pending, Active, Revocable     bool
}

func newAppointmentView(a roles.Appointment, today time.Time) appointmentView {
	v := appointmentView{
		ID: a.ID, TaxpayerName: a.TaxpayerName, TaxpayerNPWP: string(a.TaxpayerNPWP),
		ConsultantName: a.ConsultantName, ConsultantNPWP: string(a.ConsultantNPWP),
		Months: a.Months(), Status: string(a.Status), State: a.Describe(today),
		InvitedAt: timestamp(a.InvitedAt), InvitedBy: a.InvitedBy,
		AnsweredAt: timestamp(a.AnsweredAt), RevokedAt: timestamp(a.RevokedAt),
		Pending: a.Status == roles.Pending, Active: a.ActiveOn(today),
		Revocable: a.Status == roles.Pending || a.Status == roles.Accepted,
	}
	for _, r := range a.Roles {
		v.Roles = append(v.Roles, newRoleView(r))
	}
	return v
}

// familyView is one row of the invitation's role checkboxes: a document
// family with its drafter and signer roles (or its one basic role).
type familyView struct {
	Label string
	Roles []roleCheck
}

type roleCheck struct {
	Value, Duty, Code string
	Checked           bool
}

// roleFamilies groups the catalogue by family for the invitation form,
// checking the roles in chosen.
func roleFamilies(chosen []string) []familyView {
	checked := map[string]bool{}
	for _, c := range chosen {
		if r, err := roles.ParseRole(c); err == nil {
			checked[string(r)] = true
		}
	}
	var out []familyView
	var last roles.Family
	for _, in := range roles.Catalogue() {
		label, duty, ok := strings.Cut(in.Label, ": ")
		if !ok {
			label, duty = in.Label, in.Duty
		}
		if len(out) == 0 || in.Family != last {
			out = append(out, familyView{Label: label})
			last = in.Family
		}
		f := &out[len(out)-1]
		f.Roles = append(f.Roles, roleCheck{Value: string(in.Role), Duty: duty, Code: in.Code, Checked: checked[string(in.Role)]})
	}
	return out
}

// roleChoices lists the roles for the grant form's select, by family.
func roleChoices() []optgroup {
	gs := []optgroup{{Options: []option{{Value: "", Label: "Choose a role"}}}}
	var last roles.Family
	for _, in := range roles.Catalogue() {
		label, duty, ok := strings.Cut(in.Label, ": ")
		if !ok {
			label, duty = in.Label, in.Duty
		}
		if in.Family != last {
			gs = append(gs, optgroup{Label: label})
			last = in.Family
		}
		g := &gs[len(gs)-1]
		g.Options = append(g.Options, option{Value: string(in.Role), Label: duty + " (" + in.Code + ")"})
	}
	return gs
}

// Forms, as typed.

type grantForm struct {
	PartyNPWP, Role, ValidFrom, ValidUntil string
	Errors                                 *formErrors
}

type inviteForm struct {
	ConsultantNPWP string
	Roles          []string
	From, Until    string
	Errors         *formErrors
}

// peopleForms is the state of the page's forms: empty on a GET, one
// filled after a rejected submission; Error is a refused revocation.
type peopleForms struct {
	Grant  grantForm
	Invite inviteForm
	Error  string
}

type peoplePage struct {
	page
	Flash    string
	Today    string
	Taxpayer taxpayerView
	Entity   bool
	// CanChange shows the forms: to taxpayer-side people (the Service
	// still decides); officers only read this page.
	CanChange    bool
	Parties      []partyRolesView
	Consultants  []appointmentView
	PartyChoices []optgroup
	RoleChoices  []optgroup
	Families     []familyView
	peopleForms
}

// people handles GET /taxpayers/{npwp}/roles.
func (s *server) people(w http.ResponseWriter, r *http.Request) error {
	return s.renderPeople(w, r, http.StatusOK, peopleForms{})
}

func (s *server) renderPeople(w http.ResponseWriter, r *http.Request, status int, forms peopleForms) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	ppl, err := svc.People(ctx, r.PathValue("npwp"))
	if err != nil {
		return err
	}
	t, today := ppl.Taxpayer, ppl.Today
	if string(t.NPWP) != r.PathValue("npwp") && r.Method == http.MethodGet {
		u := rolesURL(string(t.NPWP))
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		return seeOther(w, r, u)
	}
	if forms.Invite.From == "" && forms.Invite.Errors == nil {
		forms.Invite.From = today.Format("2006-01")
	}
	p := peoplePage{
		page:        s.newPage(w, r, "People and roles · "+t.Name, ""),
		Today:       date(today),
		Taxpayer:    newTaxpayerView(t),
		Entity:      !t.Kind.Individual(),
		CanChange:   actor.From(ctx).Kind == actor.Taxpayer,
		RoleChoices: roleChoices(),
		Families:    roleFamilies(forms.Invite.Roles),
		peopleForms: forms,
	}
	if r.Method == http.MethodGet {
		p.Flash = rolesFlashes[r.URL.Query().Get("done")]
	}
	parties := optgroup{Options: []option{{Value: "", Label: "Choose a related party"}}}
	for _, pr := range ppl.Parties {
		v := partyRolesView{partyView: newPartyView(pr.Party, today), PIC: pr.PIC, Grantable: pr.Grantable(today)}
		for _, g := range pr.Grants {
			gv := newGrantView(g, today)
			if gv.Active || gv.Upcoming {
				v.Current = append(v.Current, gv)
			} else {
				v.Ended = append(v.Ended, gv)
			}
		}
		if v.Grantable {
			parties.Options = append(parties.Options, option{Value: v.NPWP, Label: v.Name + " (" + v.Relation + ", " + v.NPWPFormatted + ")"})
		}
		p.Parties = append(p.Parties, v)
	}
	p.PartyChoices = []optgroup{parties}
	for _, a := range ppl.Appointments {
		p.Consultants = append(p.Consultants, newAppointmentView(a, today))
	}
	s.render(w, r, status, "roles", p)
	return nil
}

// grantRole handles POST /taxpayers/{npwp}/roles: the main PIC grants a
// related party a role.
func (s *server) grantRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	f := grantForm{
		PartyNPWP:  strings.TrimSpace(r.PostForm.Get("party_npwp")),
		Role:       r.PostForm.Get("role"),
		ValidFrom:  r.PostForm.Get("valid_from"),
		ValidUntil: r.PostForm.Get("valid_until"),
	}
	_, err = svc.Grant(r.Context(), r.PathValue("npwp"), roles.GrantInput{PartyNPWP: f.PartyNPWP, Role: f.Role, ValidFrom: f.ValidFrom, ValidUntil: f.ValidUntil})
	if err != nil {
		return s.peopleRejected(w, r, err, "grant-", func(forms *peopleForms, fe *formErrors) {
			f.Errors = fe
			forms.Grant = f
		})
	}
	return seeOther(w, r, rolesURL(r.PathValue("npwp"))+"?done=granted#parties")
}

// revokeRole handles POST /taxpayers/{npwp}/roles/{id}/revoke.
func (s *server) revokeRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	id, err := formID(r, "role grant")
	if err != nil {
		return err
	}
	if err := svc.Revoke(r.Context(), r.PathValue("npwp"), id); err != nil {
		return s.peopleRefused(w, r, err)
	}
	return seeOther(w, r, rolesURL(r.PathValue("npwp"))+"?done=revoked#parties")
}

// invite handles POST /taxpayers/{npwp}/consultants: an invitation the
// consultant must accept.
func (s *server) invite(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	f := inviteForm{
		ConsultantNPWP: strings.TrimSpace(r.PostForm.Get("consultant_npwp")),
		Roles:          r.PostForm["roles"],
		From:           r.PostForm.Get("from"),
		Until:          r.PostForm.Get("until"),
	}
	_, err = svc.Appoint(r.Context(), r.PathValue("npwp"), roles.AppointInput{ConsultantNPWP: f.ConsultantNPWP, Roles: f.Roles, From: f.From, Until: f.Until})
	if err != nil {
		return s.peopleRejected(w, r, err, "invite-", func(forms *peopleForms, fe *formErrors) {
			f.Errors = fe
			forms.Invite = f
		})
	}
	return seeOther(w, r, rolesURL(r.PathValue("npwp"))+"?done=invited#consultants")
}

// revokeConsultant handles POST /taxpayers/{npwp}/consultants/{id}/revoke.
func (s *server) revokeConsultant(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	id, err := formID(r, "consultant appointment")
	if err != nil {
		return err
	}
	if err := svc.RevokeAppointment(r.Context(), r.PathValue("npwp"), id); err != nil {
		return s.peopleRefused(w, r, err)
	}
	return seeOther(w, r, rolesURL(r.PathValue("npwp"))+"?done=consultant_revoked#consultants")
}

// peopleRejected re-renders the page with a form's errors when the
// Service rejected the input (422, or 409 for an overlapping grant), and
// passes any other error on.
func (s *server) peopleRejected(w http.ResponseWriter, r *http.Request, err error, prefix string, set func(*peopleForms, *formErrors)) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict {
		return err
	}
	fe := errorsOf(err)
	fe.Prefix = prefix
	var forms peopleForms
	set(&forms, fe)
	return s.renderPeople(w, r, httpmw.Status(k), forms)
}

// peopleRefused re-renders the page with the message of a revocation that
// clashes with the stored state (409: already revoked, answered), and
// passes any other error on.
func (s *server) peopleRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if errs.KindOf(err) != errs.Conflict {
		return err
	}
	return s.renderPeople(w, r, http.StatusConflict, peopleForms{Error: errs.Message(err)})
}

// formID reads the {id} of a path; a malformed one names nothing that
// exists.
func formID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Errorf(errs.NotFound, "there is no %s %s", what, r.PathValue("id"))
	}
	return id, nil
}
