package web

import (
	"net/http"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
)

// The "Invitations" page: the consultant (kuasa) appointments addressed
// to the signed-in person, pending ones with accept and decline buttons.

type invitationsPage struct {
	page
	Flash    string
	Error    string
	Pending  []appointmentView
	Answered []appointmentView
}

// personNPWP returns the NPWP of the signed-in person's own taxpayer
// record: invitations are addressed to people, whomever they act for.
func personNPWP(r *http.Request, what string) (string, error) {
	a := actor.From(r.Context())
	switch {
	case a.Kind == actor.Taxpayer && a.TaxpayerID != 0 && a.ID != "":
		return a.ID, nil
	case a.Kind == actor.Officer:
		return "", errs.Errorf(errs.Forbidden, "%s are addressed to taxpayers; an officer account has none", what)
	}
	return "", errs.Errorf(errs.Unauthenticated, "sign in to see the %s addressed to you", what)
}

// invitations handles GET /access/invitations.
func (s *server) invitations(w http.ResponseWriter, r *http.Request) error {
	return s.renderInvitations(w, r, http.StatusOK, "")
}

func (s *server) renderInvitations(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	npwp, err := personNPWP(r, "consultant invitations")
	if err != nil {
		return err
	}
	as, err := svc.Invitations(r.Context(), npwp)
	if err != nil {
		return err
	}
	today := svc.Policy().Today()
	p := invitationsPage{page: s.newPage(w, r, "Consultant invitations", ""), Error: msg}
	if r.Method == http.MethodGet {
		p.Flash = rolesFlashes[r.URL.Query().Get("done")]
	}
	for _, a := range as {
		v := newAppointmentView(a, today)
		if a.Status == roles.Pending {
			p.Pending = append(p.Pending, v)
		} else {
			p.Answered = append(p.Answered, v)
		}
	}
	s.render(w, r, status, "roles_invitations", p)
	return nil
}

// acceptInvitation handles POST /access/invitations/{id}/accept.
func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.answerInvitation(w, r, true)
}

// declineInvitation handles POST /access/invitations/{id}/decline.
func (s *server) declineInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.answerInvitation(w, r, false)
}

func (s *server) answerInvitation(w http.ResponseWriter, r *http.Request, accept bool) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	npwp, err := personNPWP(r, "consultant invitations")
	if err != nil {
		return err
	}
	id, err := formID(r, "consultant invitation")
	if err != nil {
		return err
	}
	if _, err := svc.Answer(r.Context(), npwp, id, accept); err != nil {
		if errs.KindOf(err) == errs.Conflict {
			return s.renderInvitations(w, r, http.StatusConflict, errs.Message(err))
		}
		return err
	}
	done := "declined"
	if accept {
		done = "accepted"
	}
	return seeOther(w, r, "/access/invitations?done="+done)
}
