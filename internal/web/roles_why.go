package web

import (
	"net/http"
	"strings"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/roles"
)

// The "Why can't I?" page: for a taxpayer and an action, the checklist of
// conditions that decides whether the signed-in person may perform it,
// each met or not with the facts behind it.

type whyPage struct {
	page
	Taxpayer, Action string
	Actions          []optgroup
	Errors           *formErrors
	// Result is the checklist; nil until the form is submitted.
	Result *whyResult
}

type whyResult struct {
	Action, What, NPWP, NPWPFormatted string
	Allowed                           bool
	Conditions                        []roles.Condition
}

// actionChoices lists the actions the policy knows, with what each does.
func actionChoices(rules roles.Rules) []optgroup {
	g := optgroup{Options: []option{{Value: "", Label: "Choose what you want to do"}}}
	for _, a := range rules.Actions() {
		g.Options = append(g.Options, option{Value: string(a), Label: rules[a].What + " (" + string(a) + ")"})
	}
	return []optgroup{g}
}

// why handles GET /access/why?taxpayer=&action=. The form is a GET, so a
// checklist can be bookmarked and sent to whoever can fix the grant.
func (s *server) why(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.rolesService()
	if err != nil {
		return err
	}
	a := actor.From(r.Context())
	if !(a.Kind == actor.Taxpayer && a.TaxpayerID != 0) && a.Kind != actor.Officer {
		return errs.E(errs.Unauthenticated, "sign in to see what you may do and why")
	}
	q := r.URL.Query()
	p := whyPage{
		page:     s.newPage(w, r, "Why can't I?", ""),
		Taxpayer: strings.TrimSpace(q.Get("taxpayer")),
		Action:   strings.TrimSpace(q.Get("action")),
		Actions:  actionChoices(svc.Policy().Rules()),
	}
	if !q.Has("action") {
		if !q.Has("taxpayer") {
			p.Taxpayer = a.ActingFor
			if p.Taxpayer == "" && a.Kind == actor.Taxpayer {
				p.Taxpayer = a.ID
			}
		}
		s.render(w, r, http.StatusOK, "roles_why", p)
		return nil
	}
	if p.Action == "" {
		err = errs.InvalidFields("choose an action", errs.Field("action", "", "is required: choose what you want to do"))
	} else {
		var d roles.Diagnosis
		if d, err = svc.Why(r.Context(), p.Taxpayer, p.Action); err == nil {
			p.Result = &whyResult{Action: string(d.Action), What: d.What, NPWP: string(d.NPWP), NPWPFormatted: d.NPWP.Format(),
				Allowed: d.Allowed, Conditions: d.Conditions}
		}
	}
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.Errors = errorsOf(err)
		p.Errors.Prefix = "why-"
		s.render(w, r, httpmw.Status(errs.Invalid), "roles_why", p)
		return nil
	}
	s.render(w, r, http.StatusOK, "roles_why", p)
	return nil
}
