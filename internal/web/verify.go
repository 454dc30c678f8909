package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/signing"
)

type verifyPage struct {
	page
	ID                         string
	DocType, DocHash           string
	SignedAt                   string
	SignerName, SignerNPWP     string
	ActingName, ActingNPWP     string
	Serial                     int64
	Subject                    string
	ValidFrom, ValidUntil      string
	StatusAtSigning, StatusNow string
	Ended                      string
	LogIndex                   string
	Log                        *signing.LogProof
	Checks                     []signing.Check
	Passed                     bool
	BundleURL                  string
}

// verify handles GET /verify/{id}: the public page of a signature, named
// by the random identifier printed on the signed document. Anyone may
// open it without signing in. It shows what was signed (its hash and
// family), by whom, for whom and when, the certificate's status then and
// now, and the checks of the signature's bundle, the log inclusion proof
// among them; the bundle can be downloaded for `coretax verify`.
func (s *server) verify(w http.ResponseWriter, r *http.Request) error {
	if s.signing == nil {
		return errs.E(errs.Unavailable, "signatures cannot be verified on this server")
	}
	id := r.PathValue("id")
	v, err := s.signing.Verification(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := s.signing.Bundle(r.Context(), id)
	if err != nil {
		return err
	}
	checks := signing.Verify(b, signing.VerifyOptions{CA: s.signing.CA().Cert})
	c := v.Certificate
	p := verifyPage{page: s.newPage(w, r, "Signature "+v.PublicID, "verify"),
		ID: v.PublicID, DocType: string(v.DocType), DocHash: v.DocHash,
		SignedAt:   v.SignedAt.In(calendar.WIB).Format("2006-01-02 15:04:05 MST"),
		SignerName: v.SignerName, SignerNPWP: v.SignerNPWP, ActingName: v.ActingForName, ActingNPWP: v.ActingForNPWP,
		Serial: c.Serial, Subject: c.Subject,
		ValidFrom: c.NotBefore.In(calendar.WIB).Format(time.DateOnly), ValidUntil: c.NotAfter.In(calendar.WIB).Format(time.DateOnly),
		StatusAtSigning: string(c.StatusAt(v.SignedAt)), StatusNow: string(c.StatusAt(time.Now())),
		LogIndex: "none", Log: b.Log, Checks: checks, Passed: signing.Passed(checks),
		BundleURL: "/api/v1/signatures/" + v.PublicID + "/bundle"}
	if !c.EndedAt.IsZero() {
		p.Ended = c.EndedAt.In(calendar.WIB).Format(time.DateOnly) + " (" + c.EndReason + ")"
	}
	if v.LogIndex >= 0 {
		p.LogIndex = strconv.FormatInt(v.LogIndex, 10)
	}
	s.render(w, r, http.StatusOK, "verify", p)
	return nil
}
