package httpapi

import (
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
)

// The routes of the register of exemption certificates (SKB, Suket PP
// 55) under a taxpayer (doc/exemptions.md).

func (s *server) exemptionService() (*exemption.Service, error) {
	if s.exemptions == nil {
		return nil, errs.E(errs.Unavailable, "the register of exemption certificates is not served by this server")
	}
	return s.exemptions, nil
}

type exemptionJSON struct {
	ID           int64    `json:"id"`
	NPWP         string   `json:"npwp"`
	Kind         string   `json:"kind"`
	KindName     string   `json:"kind_name"`
	Facility     string   `json:"facility"`
	Number       string   `json:"number"`
	TaxTypes     []string `json:"tax_types"`
	ObjectCodes  []string `json:"object_codes"`
	ValidFrom    string   `json:"valid_from"`
	ValidUntil   *string  `json:"valid_until"`
	Office       string   `json:"office"`
	State        string   `json:"state"`
	RecordedBy   string   `json:"recorded_by"`
	RevokedFrom  *string  `json:"revoked_from"`
	RevokeReason string   `json:"revoke_reason,omitempty"`
	RevokedBy    string   `json:"revoked_by,omitempty"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	Version      int      `json:"version"`
}

func exemptionOut(c exemption.Certificate, today time.Time) exemptionJSON {
	info, _ := exemption.Info(c.Kind)
	out := exemptionJSON{ID: c.ID, NPWP: c.NPWP, Kind: string(c.Kind), KindName: info.Name, Facility: info.Facility, Number: c.Number,
		TaxTypes: make([]string, len(c.TaxTypes)), ObjectCodes: append([]string{}, c.ObjectCodes...),
		ValidFrom: c.ValidFrom.Format(time.DateOnly), ValidUntil: optionalDay(c.ValidUntil), Office: c.Office, State: c.State(today),
		RecordedBy: c.RecordedBy, RevokedFrom: optionalDay(c.RevokedFrom), RevokeReason: c.RevokeReason, RevokedBy: c.RevokedBy,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339), Version: c.Version}
	for i, t := range c.TaxTypes {
		out.TaxTypes[i] = string(t)
	}
	return out
}

// listExemptions handles GET /taxpayers/{npwp}/exemptions: the taxpayer's
// certificates, newest first, each with its state today.
func (s *server) listExemptions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	cs, err := svc.List(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	today := calendar.Day(s.now())
	out := struct {
		Exemptions []exemptionJSON `json:"exemptions"`
	}{Exemptions: make([]exemptionJSON, len(cs))}
	for i, c := range cs {
		out.Exemptions[i] = exemptionOut(c, today)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// exemptionCertificate handles GET /taxpayers/{npwp}/exemptions/{id}.
func (s *server) exemptionCertificate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "exemption certificate")
	if err != nil {
		return err
	}
	c, err := svc.Certificate(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, exemptionOut(c, calendar.Day(s.now())))
	return nil
}

type exemptionForm struct {
	Kind        string   `json:"kind"`
	Number      string   `json:"number"`
	TaxTypes    []string `json:"tax_types"`
	ObjectCodes []string `json:"object_codes"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  string   `json:"valid_until"`
	Office      string   `json:"office"`
}

// recordExemption handles POST /taxpayers/{npwp}/exemptions: an officer
// holding officer.registration records a certificate the KPP issued.
func (s *server) recordExemption(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.exemptionService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, exemption.ActRecord); err != nil {
		return err
	}
	var q exemptionForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	c, err := svc.Record(r.Context(), npwp, exemption.Input(q))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, exemptionOut(c, calendar.Day(s.now())))
	return nil
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
	id, err := pathNumber(r, "id", "exemption certificate")
	if err != nil {
		return err
	}
	var q struct {
		Version     *int   `json:"version"`
		RevokedFrom string `json:"revoked_from"`
		Reason      string `json:"reason"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	version, err := requireVersion(q.Version)
	if err != nil {
		return err
	}
	c, err := svc.Revoke(r.Context(), npwp, id, version, q.RevokedFrom, q.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, exemptionOut(c, calendar.Day(s.now())))
	return nil
}
