package httpapi

import (
	"net/http"
	"strconv"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
)

// roleJSON describes a role: our short name and the code Coretax displays.
type roleJSON struct {
	Role   string `json:"role"`
	Family string `json:"family"`
	Duty   string `json:"duty"`
	Code   string `json:"coretax_code"`
	Label  string `json:"label"`
}

func roleOut(r roles.Role) roleJSON {
	in := r.Info()
	return roleJSON{Role: string(in.Role), Family: string(in.Family), Duty: in.Duty, Code: in.Code, Label: in.Label}
}

// roleCatalogue handles GET /roles: every role a taxpayer can grant.
func (s *server) roleCatalogue(w http.ResponseWriter, r *http.Request) error {
	out := struct {
		Roles []roleJSON `json:"roles"`
	}{Roles: []roleJSON{}}
	for _, in := range roles.Catalogue() {
		out.Roles = append(out.Roles, roleOut(in.Role))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type grantJSON struct {
	ID         int64    `json:"id"`
	PartyNPWP  string   `json:"party_npwp"`
	PartyName  string   `json:"party_name"`
	Role       roleJSON `json:"role"`
	ValidFrom  string   `json:"valid_from"`
	ValidUntil *string  `json:"valid_until"`
	Active     bool     `json:"active"`
	State      string   `json:"state"`
	GrantedAt  string   `json:"granted_at"`
	GrantedBy  string   `json:"granted_by"`
	RevokedAt  *string  `json:"revoked_at"`
}

func (s *server) grantOut(g roles.Grant) grantJSON {
	today := s.roles.Policy().Today()
	out := grantJSON{ID: g.ID, PartyNPWP: string(g.PartyNPWP), PartyName: g.PartyName, Role: roleOut(g.Role),
		ValidFrom: date(g.ValidFrom), ValidUntil: optDate(g.ValidUntil), Active: g.ActiveOn(today), State: g.State(today),
		GrantedAt: timestamp(g.GrantedAt), GrantedBy: g.GrantedBy}
	if !g.RevokedAt.IsZero() {
		t := timestamp(g.RevokedAt)
		out.RevokedAt = &t
	}
	return out
}

type appointmentJSON struct {
	ID             int64      `json:"id"`
	TaxpayerNPWP   string     `json:"taxpayer_npwp"`
	TaxpayerName   string     `json:"taxpayer_name"`
	ConsultantNPWP string     `json:"consultant_npwp"`
	ConsultantName string     `json:"consultant_name"`
	Roles          []roleJSON `json:"roles"`
	From           string     `json:"from"`
	Until          string     `json:"until"`
	Status         string     `json:"status"`
	Active         bool       `json:"active"`
	InvitedAt      string     `json:"invited_at"`
	InvitedBy      string     `json:"invited_by"`
}

func (s *server) appointmentOut(a roles.Appointment) appointmentJSON {
	out := appointmentJSON{ID: a.ID, TaxpayerNPWP: string(a.TaxpayerNPWP), TaxpayerName: a.TaxpayerName,
		ConsultantNPWP: string(a.ConsultantNPWP), ConsultantName: a.ConsultantName, Roles: []roleJSON{},
		From: a.ValidFrom.Format("2006-01"), Until: a.ValidUntil.Format("2006-01"), Status: string(a.Status),
		Active: a.ActiveOn(s.roles.Policy().Today()), InvitedAt: timestamp(a.InvitedAt), InvitedBy: a.InvitedBy}
	for _, r := range a.Roles {
		out.Roles = append(out.Roles, roleOut(r))
	}
	return out
}

type peopleJSON struct {
	Taxpayer    taxpayerJSON      `json:"taxpayer"`
	Today       string            `json:"today"`
	Parties     []partyRolesJSON  `json:"parties"`
	Consultants []appointmentJSON `json:"consultants"`
}

type partyRolesJSON struct {
	Party  partyJSON   `json:"party"`
	Active bool        `json:"active"`
	PIC    bool        `json:"main_pic_today"`
	Grants []grantJSON `json:"grants"`
}

// people handles GET /taxpayers/{npwp}/roles: the related parties with
// their roles and the consultants.
func (s *server) people(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	p, err := s.roles.People(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	out := peopleJSON{Taxpayer: taxpayerOut(p.Taxpayer), Today: date(p.Today), Parties: []partyRolesJSON{}, Consultants: []appointmentJSON{}}
	for _, pr := range p.Parties {
		j := partyRolesJSON{Party: partyOut(pr.Party, p.Today), Active: pr.Active, PIC: pr.PIC, Grants: []grantJSON{}}
		for _, g := range pr.Grants {
			j.Grants = append(j.Grants, s.grantOut(g))
		}
		out.Parties = append(out.Parties, j)
	}
	for _, a := range p.Appointments {
		out.Consultants = append(out.Consultants, s.appointmentOut(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type grantRequest struct {
	PartyNPWP  string `json:"party_npwp"`
	Role       string `json:"role"`
	ValidFrom  string `json:"valid_from"`
	ValidUntil string `json:"valid_until"`
}

// grantRole handles POST /taxpayers/{npwp}/roles.
func (s *server) grantRole(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	var q grantRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	g, err := s.roles.Grant(r.Context(), r.PathValue("npwp"), roles.GrantInput(q))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.grantOut(g))
	return nil
}

// revokeRole handles POST /taxpayers/{npwp}/roles/{id}/revoke.
func (s *server) revokeRole(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "role grant")
	if err != nil {
		return err
	}
	if err := s.roles.Revoke(r.Context(), r.PathValue("npwp"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type appointRequest struct {
	ConsultantNPWP string   `json:"consultant_npwp"`
	Roles          []string `json:"roles"`
	From           string   `json:"from"`
	Until          string   `json:"until"`
}

// appoint handles POST /taxpayers/{npwp}/consultants: an invitation the
// consultant must accept.
func (s *server) appoint(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	var q appointRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	a, err := s.roles.Appoint(r.Context(), r.PathValue("npwp"), roles.AppointInput(q))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.appointmentOut(a))
	return nil
}

// revokeAppointment handles POST /taxpayers/{npwp}/consultants/{id}/revoke.
func (s *server) revokeAppointment(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "consultant appointment")
	if err != nil {
		return err
	}
	if err := s.roles.RevokeAppointment(r.Context(), r.PathValue("npwp"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// invitations handles GET /taxpayers/{npwp}/invitations: the consultant
// appointments addressed to this person.
func (s *server) invitations(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	as, err := s.roles.Invitations(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	out := struct {
		Invitations []appointmentJSON `json:"invitations"`
	}{Invitations: []appointmentJSON{}}
	for _, a := range as {
		out.Invitations = append(out.Invitations, s.appointmentOut(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// acceptInvitation handles POST /taxpayers/{npwp}/invitations/{id}/accept.
func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.answer(w, r, true)
}

// declineInvitation handles POST /taxpayers/{npwp}/invitations/{id}/decline.
func (s *server) declineInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.answer(w, r, false)
}

func (s *server) answer(w http.ResponseWriter, r *http.Request, accept bool) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "consultant invitation")
	if err != nil {
		return err
	}
	a, err := s.roles.Answer(r.Context(), r.PathValue("npwp"), id, accept)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.appointmentOut(a))
	return nil
}

type conditionJSON struct {
	Name   string `json:"name"`
	Met    bool   `json:"met"`
	Detail string `json:"detail"`
}

type whyJSON struct {
	Action     string          `json:"action"`
	What       string          `json:"what"`
	Taxpayer   string          `json:"taxpayer"`
	Allowed    bool            `json:"allowed"`
	Conditions []conditionJSON `json:"conditions"`
}

// why handles GET /access/why?taxpayer=&action=: every condition that
// decides whether the caller may perform the action, met or not.
func (s *server) why(w http.ResponseWriter, r *http.Request) error {
	if err := s.needRoles(); err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("action") == "" {
		return errs.InvalidFields("the query parameters are not valid", errs.Field("action", "", "is required: the action to explain, e.g. registration.update"))
	}
	d, err := s.roles.Why(r.Context(), q.Get("taxpayer"), q.Get("action"))
	if err != nil {
		return err
	}
	out := whyJSON{Action: string(d.Action), What: d.What, Taxpayer: string(d.NPWP), Allowed: d.Allowed, Conditions: []conditionJSON{}}
	for _, c := range d.Conditions {
		out.Conditions = append(out.Conditions, conditionJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) needRoles() error {
	if s.roles == nil {
		return errs.E(errs.Unavailable, "roles and delegation are not served by this server")
	}
	return nil
}

// pathNumber reads the path value name, a positive number, or answers
// NotFound naming what: a malformed number names nothing that exists.
func pathNumber(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Errorf(errs.NotFound, "there is no %s %s", what, r.PathValue(name))
	}
	return id, nil
}
