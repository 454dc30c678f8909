package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

// The signature routes GET /signatures/{id} and /signatures/{id}/bundle
// are public: the random identifier printed on a signed document is what
// lets anyone check it, as on the /verify page.

type signerJSON struct {
	Name string `json:"name"`
	NPWP string `json:"npwp"`
}

type certificateJSON struct {
	ID        int64      `json:"id"`
	Serial    int64      `json:"serial"`
	Subject   string     `json:"subject"`
	NotBefore time.Time  `json:"not_before"`
	NotAfter  time.Time  `json:"not_after"`
	Status    string     `json:"status"`
	IssuedAt  time.Time  `json:"issued_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	EndReason string     `json:"end_reason,omitempty"`
}

func certificateOut(c signing.Certificate, now time.Time) certificateJSON {
	out := certificateJSON{ID: c.ID, Serial: c.Serial, Subject: c.Subject, NotBefore: c.NotBefore, NotAfter: c.NotAfter,
		Status: string(c.StatusAt(now)), IssuedAt: c.IssuedAt, EndReason: c.EndReason}
	if !c.EndedAt.IsZero() {
		t := c.EndedAt
		out.EndedAt = &t
	}
	return out
}

// signatureJSON is a signature as the public sees it.
type signatureJSON struct {
	ID             string          `json:"id"`
	DocType        string          `json:"doc_type"`
	DocumentSHA256 string          `json:"document_sha256"`
	SignedAt       time.Time       `json:"signed_at"`
	Signer         signerJSON      `json:"signer"`
	ActingFor      signerJSON      `json:"acting_for"`
	Certificate    certificateJSON `json:"certificate"`
	// StatusAtSigning is the certificate's status when the document was
	// signed; Certificate.Status is today's.
	StatusAtSigning string `json:"status_at_signing"`
	LogIndex        *int64 `json:"log_index,omitempty"`
	VerifyURL       string `json:"verify_url"`
	BundleURL       string `json:"bundle_url"`
}

func signatureOut(v signing.View, now time.Time) signatureJSON {
	out := signatureJSON{ID: v.PublicID, DocType: string(v.DocType), DocumentSHA256: v.DocHash, SignedAt: v.SignedAt,
		Signer: signerJSON{v.SignerName, v.SignerNPWP}, ActingFor: signerJSON{v.ActingForName, v.ActingForNPWP},
		Certificate: certificateOut(v.Certificate, now), StatusAtSigning: string(v.Certificate.StatusAt(v.SignedAt)),
		VerifyURL: "/verify/" + v.PublicID, BundleURL: Prefix + "/signatures/" + v.PublicID + "/bundle"}
	if v.LogIndex >= 0 {
		i := v.LogIndex
		out.LogIndex = &i
	}
	return out
}

func (s *server) signingService() (*signing.Service, error) {
	if s.signing == nil {
		return nil, errs.E(errs.Unavailable, "signing is not served by this server")
	}
	return s.signing, nil
}

type signRequestJSON struct {
	// Document is the document in standard base64.
	Document string `json:"document"`
	DocType  string `json:"doc_type"`
	// ActingFor is the NPWP of the taxpayer signed for; empty for the
	// one the caller acts for now.
	ActingFor  string `json:"acting_for"`
	Passphrase string `json:"passphrase"`
}

// actingForID resolves the NPWP a signing request names to the taxpayer
// the caller acts for or is: 0 for none given.
func actingForID(r *http.Request, npwp string) (int64, error) {
	a := actor.From(r.Context())
	switch npwp = strings.TrimSpace(npwp); {
	case npwp == "":
		return 0, nil
	case npwp == a.ActingFor && a.ActingForID != 0:
		return a.ActingForID, nil
	case npwp == a.ID && a.Kind == actor.Taxpayer:
		return a.TaxpayerID, nil
	}
	return 0, errs.Errorf(errs.Forbidden, "you are not acting for %s: switch to that taxpayer (POST /api/v1/access/acting-for) before signing its documents", npwp)
}

// sign handles POST /signatures: the signed-in person signs a document.
func (s *server) sign(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	var in signRequestJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	doc, err := base64.StdEncoding.DecodeString(in.Document)
	if err != nil {
		return errs.InvalidFields("the document is not base64", errs.Field("document", "", "must be the document in standard base64"))
	}
	actingFor, err := actingForID(r, in.ActingFor)
	if err != nil {
		return err
	}
	sig, err := svc.Sign(r.Context(), signing.SignRequest{Document: doc, DocType: roles.Family(in.DocType), ActingFor: actingFor, Passphrase: in.Passphrase})
	if err != nil {
		return err
	}
	v, err := svc.Verification(r.Context(), sig.PublicID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/signatures/"+sig.PublicID)
	writeJSON(w, http.StatusCreated, signatureOut(v, s.now()))
	return nil
}

// signature handles GET /signatures/{id} (public).
func (s *server) signature(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	v, err := svc.Verification(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, signatureOut(v, s.now()))
	return nil
}

// signatureBundle handles GET /signatures/{id}/bundle (public): the file
// `coretax verify` checks offline.
func (s *server) signatureBundle(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	b, err := svc.Bundle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="signature-`+b.ID+`.json"`)
	writeJSON(w, http.StatusOK, b)
	return nil
}

type certificateStatusJSON struct {
	Status      string           `json:"status"`
	Until       *time.Time       `json:"until,omitempty"`
	Certificate *certificateJSON `json:"certificate,omitempty"`
	// LockedUntil is set while wrong passphrases lock signing.
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	Failures    int        `json:"failures"`
}

// myCertificate handles GET /certificates/mine: the signed-in person's
// certificate status.
func (s *server) myCertificate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	a := actor.From(r.Context())
	if a.Kind != actor.Taxpayer || a.TaxpayerID == 0 {
		return errs.E(errs.Unauthenticated, "sign in to see your certificate")
	}
	rep, err := svc.Status(r.Context(), a.TaxpayerID)
	if err != nil {
		return err
	}
	out := certificateStatusJSON{Status: string(rep.Status), Failures: rep.Lock.Failures}
	if rep.Status != signing.StatusNone {
		c := certificateOut(rep.Certificate, s.now())
		out.Certificate = &c
		if rep.Status == signing.StatusValid || rep.Status == signing.StatusExpiring {
			u := rep.Until
			out.Until = &u
		}
	}
	if s.now().Before(rep.Lock.LockedUntil) {
		u := rep.Lock.LockedUntil
		out.LockedUntil = &u
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type jobItemJSON struct {
	Seq            int    `json:"seq"`
	DocumentSHA256 string `json:"document_sha256"`
	State          string `json:"state"`
	SignatureID    string `json:"signature_id,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

type jobJSON struct {
	ID         int64         `json:"id"`
	DocType    string        `json:"doc_type"`
	State      string        `json:"state"`
	Signed     int           `json:"signed"`
	Refused    int           `json:"refused"`
	Pending    int           `json:"pending"`
	CreatedAt  time.Time     `json:"created_at"`
	FinishedAt *time.Time    `json:"finished_at,omitempty"`
	Items      []jobItemJSON `json:"items"`
}

func jobOut(j signing.Job) jobJSON {
	out := jobJSON{ID: j.ID, DocType: string(j.DocType), State: string(j.State), CreatedAt: j.CreatedAt, Items: []jobItemJSON{}}
	out.Signed, out.Refused, out.Pending = j.Counts()
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		out.FinishedAt = &t
	}
	for _, it := range j.Items {
		out.Items = append(out.Items, jobItemJSON{Seq: it.Seq, DocumentSHA256: it.DocHash, State: string(it.State), SignatureID: it.PublicID, Reason: it.Reason})
	}
	return out
}

type signBatchJSON struct {
	// Documents are the documents in standard base64.
	Documents  []string `json:"documents"`
	DocType    string   `json:"doc_type"`
	ActingFor  string   `json:"acting_for"`
	Passphrase string   `json:"passphrase"`
}

// signBatch handles POST /signing-jobs: many documents, one passphrase
// entry; the answer is the finished job with every document's outcome.
func (s *server) signBatch(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	var in signBatchJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var fs errs.Fields
	docs := make([][]byte, len(in.Documents))
	for i, d := range in.Documents {
		if docs[i], err = base64.StdEncoding.DecodeString(d); err != nil {
			fs.Add("documents["+strconv.Itoa(i)+"]", "", "is not standard base64")
		}
	}
	if err := fs.Err("the documents are not base64"); err != nil {
		return err
	}
	actingFor, err := actingForID(r, in.ActingFor)
	if err != nil {
		return err
	}
	job, err := svc.SignBatch(r.Context(), docs, roles.Family(in.DocType), actingFor, in.Passphrase)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/signing-jobs/"+strconv.FormatInt(job.ID, 10))
	writeJSON(w, http.StatusCreated, jobOut(job))
	return nil
}

// signingJob handles GET /signing-jobs/{id}: a batch job of the caller.
func (s *server) signingJob(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "signing job")
	if err != nil {
		return err
	}
	job, err := svc.Job(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobOut(job))
	return nil
}
