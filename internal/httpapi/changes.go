package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// placeRequest is the body of POST /taxpayers/{npwp}/places.
type placeRequest struct {
	Version *int        `json:"version"`
	Name    string      `json:"name"`
	Address addressJSON `json:"address"`
}

// addPlace handles POST /taxpayers/{npwp}/places: 201 with the new place
// and its NITKU.
func (s *server) addPlace(w http.ResponseWriter, r *http.Request) error {
	var q placeRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	p, err := s.reg.AddPlace(r.Context(), r.PathValue("npwp"), registration.PlaceInput{Version: v, Name: q.Name, Address: q.Address.input()})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, placeOut(p))
	return nil
}

// partyRequest is the body of POST /taxpayers/{npwp}/parties.
type partyRequest struct {
	Version        *int   `json:"version"`
	Relation       string `json:"relation"`
	NPWP           string `json:"npwp"`
	Name           string `json:"name"`
	NIK            string `json:"nik"`
	PassportNumber string `json:"passport_number"`
	Nationality    string `json:"nationality"`
	SharePercent   string `json:"share_percent"`
	ValidFrom      string `json:"valid_from"`
	ValidUntil     string `json:"valid_until"`
	MainPIC        bool   `json:"main_pic"`
}

// addParty handles POST /taxpayers/{npwp}/parties: 201 with the party.
// Appointing a main PIC ends the current one the day before.
func (s *server) addParty(w http.ResponseWriter, r *http.Request) error {
	var q partyRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	p, err := s.reg.AddParty(r.Context(), r.PathValue("npwp"), registration.PartyInput{
		Version:        v,
		Relation:       q.Relation,
		NPWP:           q.NPWP,
		Name:           q.Name,
		NIK:            q.NIK,
		PassportNumber: q.PassportNumber,
		Nationality:    q.Nationality,
		SharePercent:   q.SharePercent,
		ValidFrom:      q.ValidFrom,
		ValidUntil:     q.ValidUntil,
		MainPIC:        q.MainPIC,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, partyOut(p, s.reg.Today()))
	return nil
}

// endPartyRequest is the body of POST /taxpayers/{npwp}/parties/{id}/end.
type endPartyRequest struct {
	Version    *int   `json:"version"`
	ValidUntil string `json:"valid_until"`
}

// endParty handles POST /taxpayers/{npwp}/parties/{id}/end: 204 once the
// party's last day is set.
func (s *server) endParty(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.Errorf(errs.NotFound, "related party %q does not exist; party IDs are the id members of the profile's parties", r.PathValue("id"))
	}
	var q endPartyRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	if err := s.reg.EndParty(r.Context(), r.PathValue("npwp"), v, id, q.ValidUntil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pkpRequest is the body of POST /taxpayers/{npwp}/pkp-events.
type pkpRequest struct {
	Version       *int   `json:"version"`
	Event         string `json:"event"`
	EffectiveDate string `json:"effective_date"`
	Note          string `json:"note"`
}

// setPKP handles POST /taxpayers/{npwp}/pkp-events: 201 with the event.
func (s *server) setPKP(w http.ResponseWriter, r *http.Request) error {
	var q pkpRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	e, err := s.reg.SetPKP(r.Context(), r.PathValue("npwp"), v, strings.TrimSpace(q.Event), q.EffectiveDate, q.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, pkpEventOut(e))
	return nil
}

// linkRequest is the body of POST /taxpayers/{npwp}/legacy-npwps.
type linkRequest struct {
	Version    *int   `json:"version"`
	LegacyNPWP string `json:"legacy_npwp"`
	Note       string `json:"note"`
}

// linkNPWP handles POST /taxpayers/{npwp}/legacy-npwps, where {npwp} is a
// resident individual's NIK: 201 with the link.
func (s *server) linkNPWP(w http.ResponseWriter, r *http.Request) error {
	var q linkRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	l, err := s.reg.LinkNPWP(r.Context(), r.PathValue("npwp"), v, q.LegacyNPWP, q.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, linkOut(l))
	return nil
}
