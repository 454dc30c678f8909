package httpapi

import (
	"net/http"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/signing"
)

// holder returns the signed-in person whose certificate a route manages.
func holder(r *http.Request) (int64, error) {
	a := actor.From(r.Context())
	if a.Kind != actor.Taxpayer || a.TaxpayerID == 0 {
		return 0, errs.E(errs.Unauthenticated, "sign in to manage your certificate")
	}
	return a.TaxpayerID, nil
}

// renewMyCertificate handles POST /certificates/mine/renew: a new key,
// certificate and authorization code under the same passphrase. The code
// in the answer is shown this once.
func (s *server) renewMyCertificate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	id, err := holder(r)
	if err != nil {
		return err
	}
	var q struct {
		Passphrase string `json:"passphrase"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	out, err := svc.Renew(r.Context(), id, q.Passphrase)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": out.Code, "certificate": certificateOut(out.Certificate, s.now())})
	return nil
}

// revokeMyCertificate handles POST /certificates/mine/revoke: the holder
// revokes their active certificate, saying why.
func (s *server) revokeMyCertificate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	id, err := holder(r)
	if err != nil {
		return err
	}
	var q struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	rep, err := svc.Status(r.Context(), id)
	if err != nil {
		return err
	}
	if rep.Status == signing.StatusNone {
		return errs.E(errs.NotFound, "you hold no certificate to revoke")
	}
	if err := svc.Revoke(r.Context(), rep.Certificate.ID, q.Reason); err != nil {
		return err
	}
	rep, err = svc.Status(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, certificateOut(rep.Certificate, s.now()))
	return nil
}
