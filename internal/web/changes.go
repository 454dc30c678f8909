package web

import (
	"net/http"
	"strconv"

	"github.com/coretax/coretax/internal/registration"
)

// addPlace handles POST /taxpayers/{npwp}/places.
func (s *server) addPlace(w http.ResponseWriter, r *http.Request) error {
	f := placeForm{Name: r.PostForm.Get("name"), Address: addressFrom(r.PostForm)}
	if r.PostForm.Has("refresh") {
		f.Address = f.Address.consistent()
		return s.renderProfile(w, r, http.StatusOK, profileForms{PlaceForm: f})
	}
	set := func(fs *profileForms, fe *formErrors) { f.Errors = fe; fs.PlaceForm = f }
	v, err := formVersion(r)
	if err == nil {
		_, err = s.reg.AddPlace(r.Context(), r.PathValue("npwp"), registration.PlaceInput{Version: v, Name: f.Name, Address: f.Address.input()})
	}
	if err != nil {
		return s.rejected(w, r, err, "", set)
	}
	return seeOther(w, r, profileURL(r.PathValue("npwp"))+"?done=place#places")
}

// addParty handles POST /taxpayers/{npwp}/parties.
func (s *server) addParty(w http.ResponseWriter, r *http.Request) error {
	pf := r.PostForm
	f := partyForm{
		Relation: pf.Get("relation"), NPWP: pf.Get("npwp"), Name: pf.Get("name"), NIK: pf.Get("nik"),
		PassportNumber: pf.Get("passport_number"), Nationality: pf.Get("nationality"),
		SharePercent: pf.Get("share_percent"), ValidFrom: pf.Get("valid_from"), ValidUntil: pf.Get("valid_until"),
		MainPIC: pf.Get("main_pic"),
	}
	set := func(fs *profileForms, fe *formErrors) { f.Errors = fe; fs.PartyForm = f }
	v, err := formVersion(r)
	if err == nil {
		_, err = s.reg.AddParty(r.Context(), r.PathValue("npwp"), registration.PartyInput{
			Version: v, Relation: f.Relation, NPWP: f.NPWP, Name: f.Name, NIK: f.NIK,
			PassportNumber: f.PassportNumber, Nationality: f.Nationality, SharePercent: f.SharePercent,
			ValidFrom: f.ValidFrom, ValidUntil: f.ValidUntil, MainPIC: f.MainPIC == "true",
		})
	}
	if err != nil {
		return s.rejected(w, r, err, "party-", set)
	}
	return seeOther(w, r, profileURL(r.PathValue("npwp"))+"?done=party#parties")
}

// endParty handles POST /taxpayers/{npwp}/parties/{id}/end.
func (s *server) endParty(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r, "related party")
	if err != nil {
		return err
	}
	until := r.PostForm.Get("valid_until")
	set := func(fs *profileForms, fe *formErrors) { fs.EndParty, fs.EndValue, fs.EndErrs = id, until, fe }
	v, err := formVersion(r)
	if err == nil {
		err = s.reg.EndParty(r.Context(), r.PathValue("npwp"), v, id, until)
	}
	if err != nil {
		return s.rejected(w, r, err, "end-"+strconv.FormatInt(id, 10)+"-", set)
	}
	return seeOther(w, r, profileURL(r.PathValue("npwp"))+"?done=party_ended#parties")
}

// setPKP handles POST /taxpayers/{npwp}/pkp.
func (s *server) setPKP(w http.ResponseWriter, r *http.Request) error {
	f := pkpForm{Event: r.PostForm.Get("event"), EffectiveDate: r.PostForm.Get("effective_date"), Note: r.PostForm.Get("note")}
	set := func(fs *profileForms, fe *formErrors) { f.Errors = fe; fs.PKPForm = f }
	v, err := formVersion(r)
	if err == nil {
		_, err = s.reg.SetPKP(r.Context(), r.PathValue("npwp"), v, f.Event, f.EffectiveDate, f.Note)
	}
	if err != nil {
		return s.rejected(w, r, err, "pkp-", set)
	}
	return seeOther(w, r, profileURL(r.PathValue("npwp"))+"?done=pkp#pkp")
}

// linkNPWP handles POST /taxpayers/{npwp}/links.
func (s *server) linkNPWP(w http.ResponseWriter, r *http.Request) error {
	f := linkForm{LegacyNPWP: r.PostForm.Get("legacy_npwp"), Note: r.PostForm.Get("note")}
	set := func(fs *profileForms, fe *formErrors) { f.Errors = fe; fs.LinkForm = f }
	v, err := formVersion(r)
	if err == nil {
		_, err = s.reg.LinkNPWP(r.Context(), r.PathValue("npwp"), v, f.LegacyNPWP, f.Note)
	}
	if err != nil {
		return s.rejected(w, r, err, "link-", set)
	}
	return seeOther(w, r, profileURL(r.PathValue("npwp"))+"?done=link#links")
}
