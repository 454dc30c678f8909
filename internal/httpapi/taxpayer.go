package httpapi

import (
	"net/http"

	"github.com/coretax/coretax/internal/registration"
)

// registerRequest is the body of POST /taxpayers. Member names are the
// field names of the registration's field errors.
type registerRequest struct {
	Kind              string      `json:"kind"`
	Name              string      `json:"name"`
	NIK               string      `json:"nik"`
	LegacyNPWP        string      `json:"legacy_npwp"`
	PassportNumber    string      `json:"passport_number"`
	Nationality       string      `json:"nationality"`
	StayPermitKind    string      `json:"stay_permit_kind"`
	StayPermitNumber  string      `json:"stay_permit_number"`
	StayPermitExpires string      `json:"stay_permit_expires"`
	EntityForm        string      `json:"entity_form"`
	DeedNumber        string      `json:"deed_number"`
	RegistryNumber    string      `json:"registry_number"`
	Address           addressJSON `json:"address"`
	Email             string      `json:"email"`
	Mobile            string      `json:"mobile"`
}

func (q registerRequest) application() registration.Application {
	return registration.Application{
		Kind:              q.Kind,
		Name:              q.Name,
		NIK:               q.NIK,
		LegacyNPWP:        q.LegacyNPWP,
		PassportNumber:    q.PassportNumber,
		Nationality:       q.Nationality,
		StayPermitKind:    q.StayPermitKind,
		StayPermitNumber:  q.StayPermitNumber,
		StayPermitExpires: q.StayPermitExpires,
		EntityForm:        q.EntityForm,
		DeedNumber:        q.DeedNumber,
		RegistryNumber:    q.RegistryNumber,
		Address:           q.Address.input(),
		Email:             q.Email,
		Mobile:            q.Mobile,
	}
}

// register handles POST /taxpayers: 201 with the taxpayer and its NPWP.
func (s *server) register(w http.ResponseWriter, r *http.Request) error {
	var q registerRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	t, err := s.reg.Register(r.Context(), q.application())
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/taxpayers/"+string(t.NPWP))
	writeJSON(w, http.StatusCreated, taxpayerOut(t))
	return nil
}

// taxpayer handles GET /taxpayers/{npwp}. The NPWP may be the 16-digit
// one, a NIK, or a linked legacy NPWP, with or without separators.
func (s *server) taxpayer(w http.ResponseWriter, r *http.Request) error {
	t, err := s.reg.Taxpayer(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taxpayerOut(t))
	return nil
}

// updateRequest is the body of PATCH /taxpayers/{npwp}: members left out
// (or null) stay as they are. The three stay permit members are replaced
// together when any of them is given.
type updateRequest struct {
	Version           *int         `json:"version"`
	Name              *string      `json:"name"`
	Address           *addressJSON `json:"address"`
	Email             *string      `json:"email"`
	Mobile            *string      `json:"mobile"`
	StayPermitKind    *string      `json:"stay_permit_kind"`
	StayPermitNumber  *string      `json:"stay_permit_number"`
	StayPermitExpires *string      `json:"stay_permit_expires"`
}

func (q updateRequest) update(version int) registration.ProfileUpdate {
	u := registration.ProfileUpdate{Version: version, Name: q.Name, Email: q.Email, Mobile: q.Mobile}
	if q.Address != nil {
		a := q.Address.input()
		u.Address = &a
	}
	if q.StayPermitKind != nil || q.StayPermitNumber != nil || q.StayPermitExpires != nil {
		u.StayPermit = &registration.StayPermitInput{Kind: deref(q.StayPermitKind), Number: deref(q.StayPermitNumber), Expires: deref(q.StayPermitExpires)}
	}
	return u
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// updateProfile handles PATCH /taxpayers/{npwp}: 200 with the taxpayer as
// changed, or 409 when the profile changed after the given version.
func (s *server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	var q updateRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	t, err := s.reg.UpdateProfile(r.Context(), r.PathValue("npwp"), q.update(v))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taxpayerOut(t))
	return nil
}
